// Two worker processes' worth of runtimes on one database and one Redis prefix: the scheduler is
// active in one of them (the store's exclusive subscription), both consume reminder jobs, each key
// is sent once, and the standby takes the scheduler over when the active one stops.
import { PostgresEventStore } from '@ciclo/event-store';
import { DeadlinesRuntime, OffsetClock } from '@ciclo/deadlines';
import { testRedisPrefix } from '../support/database';
import { definitions, directoryWith, openCycle, openDb, RPCT, startSmtp, TENANT, waitFor, type Db } from './support';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('two workers', () => {
  let d: Db;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const stores: PostgresEventStore[] = [];
  const runtimes: DeadlinesRuntime[] = [];
  const active: string[] = [];
  const processedBy = new Map<string, string>();
  const prefix = testRedisPrefix('two').replace(/:$/, '');
  const clock = new OffsetClock('2027-12-10T10:00:00Z');

  const make = (name: string) => {
    const store = new PostgresEventStore({ connectionString: d.db.url, poolSize: 8 });
    stores.push(store);
    const rt = new DeadlinesRuntime({
      store,
      redisUrl: REDIS_URL,
      prefix,
      definitions,
      directory: directoryWith(),
      smtpUrl: smtp.url,
      mailFrom: 'ciclo@example.org',
      publicUrl: 'https://ciclo.example.org',
      clock,
      name,
      concurrency: 2,
      retryDelayMs: 100,
      checkIntervalMs: 200,
      onSchedulerActive: () => active.push(name),
    });
    runtimes.push(rt);
    return rt;
  };

  beforeAll(async () => {
    d = await openDb('two');
    smtp = await startSmtp();
  });

  afterAll(async () => {
    for (const rt of runtimes) await rt.stop().catch(() => undefined);
    for (const s of stores) await s.close();
    await smtp?.close();
    await d?.close();
  });

  it('one scheduler, two consumers, one e-mail per key, takeover', async () => {
    const w1 = make('w1');
    const w2 = make('w2');
    await w1.start();
    await waitFor('w1 to become the active scheduler', async () => active.includes('w1'));
    await w2.start();
    for (const rt of [w1, w2]) rt.worker?.on('completed', (job, r) => processedBy.set(String(job.id), r.worker));

    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push(await openCycle(d, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT));
    const keys = ids.map((id) => `rem|${TENANT}|${id}|pubblicazione|2027-12-15|7`);
    await waitFor('every reminder to be processed', async () => keys.every((k) => processedBy.has(k)), 30_000);
    expect(active).toEqual(['w1']); // w2 stayed a standby
    expect(new Set(keys.map((k) => processedBy.get(k)))).toEqual(new Set(['w1', 'w2']));
    for (const k of keys) expect(smtp.mails.filter((m) => m.key === k)).toHaveLength(1);

    await w1.stop();
    await waitFor('w2 to take the scheduler over', async () => active.includes('w2'), 10_000);
    const late = await openCycle(d, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT);
    const key = `rem|${TENANT}|${late}|pubblicazione|2027-12-15|7`;
    await waitFor('the reminder scheduled and sent by w2', async () => processedBy.get(key) === 'w2' && smtp.mails.some((m) => m.key === key));
  });
});
