// A Redis outage loses nothing: while Redis is down the scheduler's batches fail and its checkpoint
// stays put; when an (empty) Redis comes back, the jobs of what changed meanwhile and of everything
// before appear. Uses a private redis-server started, stopped and restarted by this test.
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { DeadlinesRuntime, OffsetClock, REMINDER_QUEUE, type ReminderJobData } from '@ciclo/deadlines';
import { definitions, directoryWith, openCycle, openDb, RPCT, run, sleep, startSmtp, TENANT, waitFor, type Db } from './support';
import { freePort, OwnRedis } from './redis-server';

describe('Redis outage', () => {
  let d: Db;
  let redis: OwnRedis;
  let rt: DeadlinesRuntime;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const warnings: string[] = [];
  const clock = new OffsetClock('2027-06-01T10:00:00Z');

  beforeAll(async () => {
    jest.spyOn(console, 'warn').mockImplementation(() => undefined); // BullMQ's own eviction warning
    d = await openDb('outage');
    smtp = await startSmtp();
    redis = new OwnRedis(await freePort());
    // Wrong on purpose at first: the start-up check must warn.
    await redis.start(['--maxmemory-policy', 'allkeys-lru']);
    rt = new DeadlinesRuntime({
      store: d.store,
      redisUrl: redis.url,
      prefix: 'ciclo',
      definitions,
      directory: directoryWith(),
      smtpUrl: smtp.url,
      mailFrom: 'ciclo@example.org',
      publicUrl: 'https://ciclo.example.org',
      clock,
      retryDelayMs: 100,
      checkIntervalMs: 100,
      run: { scheduler: true, reminders: false, inbox: false, webhooks: false },
      log: { log: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    });
  });

  afterAll(async () => {
    await rt?.stop();
    await redis?.stop();
    await smtp?.close();
    await d?.close();
  });

  const ids = async (r: OwnRedis) => {
    const c = new IORedis(r.url, { maxRetriesPerRequest: null });
    const q = new Queue<ReminderJobData>(REMINDER_QUEUE, { connection: c, prefix: 'ciclo' });
    try {
      return (await q.getJobs(['delayed', 'waiting'])).map((j) => j.id as string).sort();
    } finally {
      await q.close();
      c.disconnect();
    }
  };
  const expected = (cycleId: string, legal: string, offsets = [30, 15, 7, 1, 0, -7]) => offsets.map((o) => `rem|${TENANT}|${cycleId}|pubblicazione|${legal}|${o}`);

  it('warns at start when Redis may evict keys, and checks worker connections', async () => {
    const check = await rt.start();
    expect(check.ok).toBe(false);
    expect(check.maxmemoryPolicy).toBe('allkeys-lru');
    expect(warnings.join('\n')).toMatch(/maxmemory-policy is "allkeys-lru".*noeviction/);
    expect(rt.workerConnection.options.maxRetriesPerRequest).toBeNull();
    const c = new IORedis(redis.url);
    await c.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    c.disconnect();
  });

  it('stop Redis, make changes, start Redis: the missing jobs appear', async () => {
    const a = await openCycle(d, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT);
    await waitFor('the jobs of the first cycle', async () => (await ids(redis)).length === 6);

    await redis.stop();
    // Changes while Redis is down: a new cycle, and the first cycle's deadline moved.
    const b = await openCycle(d, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT);
    await run(d, TENANT, a, { type: 'move_deadline', deadlineId: 'pubblicazione', newDate: '2028-01-14', reason: 'Differimento ANAC', reference: 'Comunicato ANAC' }, RPCT, clock.now());
    await sleep(600);
    expect(warnings.some((w) => /batch failed|Redis check failed/.test(w))).toBe(true);

    // Redis comes back empty (no persistence): everything is planned again.
    await redis.start();
    const want = [...expected(a, '2028-01-14'), ...expected(b, '2027-12-15')].sort();
    await waitFor('every job to be back', async () => JSON.stringify(await ids(redis)) === JSON.stringify(want), 20_000);
    expect(await rt.jobs.indexed(TENANT, a)).toEqual(expected(a, '2028-01-14').sort());
  });
});
