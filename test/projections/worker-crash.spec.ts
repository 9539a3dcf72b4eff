import { Client } from 'pg';
import { subscriptionName } from '@ciclo/projections';
import { migrateDatabase } from '../../apps/cli/src/migrations';
import { appendWorkload } from '../../bench/projections';
import { createTestDatabase, testRedisPrefix, type TestDatabase } from '../support/database';
import { definitions, expectRebuildEqualsLive, openReadModels, sleep, waitCaughtUp, type ReadModels } from './support';
import { startWorker, type WorkerProcess } from './worker';

/**
 * Thousands of events are written while no projector runs; a real worker process starts
 * projecting them in small batches and is killed with SIGKILL halfway; a new worker process
 * resumes from the committed checkpoint. The read models must then equal a rebuild from
 * position 0: the batch that was cut off left nothing behind and nothing was applied twice.
 */
describe('worker killed while projecting', () => {
  let db: TestDatabase;
  let rm: ReadModels;
  const workers: WorkerProcess[] = [];
  const redisPrefix = testRedisPrefix('projcrash').replace(/:$/, '');
  const EVENTS = 3000;
  let written = 0;
  let lease: Client | null = null;

  beforeAll(async () => {
    db = await createTestDatabase('projcrash');
    await migrateDatabase(db.url);
    rm = await openReadModels(db.url);
    // The first worker boots while the events are written, but this test holds the projectors'
    // leases meanwhile, as an active worker would: its projectors stand by until released.
    lease = new Client({ connectionString: db.url });
    await lease.connect();
    for (const p of rm.runner.projectors) {
      await lease.query('SELECT pg_advisory_lock(hashtextextended($1, 991))', [`subscription:${subscriptionName(p.name)}`]);
    }
    workers.push(startWorker('ciclo-test-worker-1', { databaseUrl: db.url, redisPrefix, batchSize: 10 }));
    written = (await appendWorkload(rm.store, definitions().latestAll(), { events: EVENTS, tenants: ['cciaa-po', 'cciaa-fi', 'cciaa-mi'], seed: 11 })).events;
    await workers[0].waitForLog(/^Ciclo worker started/, 45000);
  }, 90000);

  afterAll(async () => {
    await lease?.end().catch(() => undefined);
    await Promise.all(workers.map((w) => w.stop()));
    await rm?.close();
    await db?.drop();
  });

  it('resumes after SIGKILL mid-projection and ends equal to a rebuild', async () => {
    expect(written).toBe(EVENTS);
    const { rows: none } = await rm.store.pool.query('SELECT * FROM projection_checkpoints');
    expect(none).toEqual([]); // nothing projected yet
    const [first] = workers;
    expect(first.lines.some((l) => /^Projector \w+ active/.test(l.msg))).toBe(false);

    // Each projector polls for its lease once a second, on its own clock, and the audit projector
    // goes through these events far faster than the cycles projector: were both freed at once,
    // the audit could be done before the cycles projector started. So the other leases are freed
    // first, and the audit's only once the cycles projector runs.
    for (const p of rm.runner.projectors.filter((x) => x.name !== 'audit')) {
      await lease!.query('SELECT pg_advisory_unlock(hashtextextended($1, 991))', [`subscription:${subscriptionName(p.name)}`]);
    }
    await first.waitForLog(/^Projector cycles active/);
    await lease!.end(); // the audit's lease too: the worker takes it within a second
    lease = null;
    await first.waitForLog(/^Projector audit active/);
    // Kill as soon as the audit's checkpoint shows partial progress (batches of 10: 300 of them).
    let partial = false;
    for (let i = 0; i < 2000 && !partial; i++) {
      const s = await rm.runner.status();
      const audit = s.find((p) => p.name === 'audit')!;
      partial = s.every((p) => p.position > 0) && audit.lagEvents > 0;
      if (!partial) await sleep(5);
    }
    expect(partial).toBe(true);
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // Its sessions end (and its open batch rolls back) once PostgreSQL sees the sockets close.
    for (let i = 0; i < 500; i++) {
      const { rows } = await rm.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [first.name]);
      if (rows[0].n === 0) break;
      await sleep(10);
    }

    const cut = await rm.runner.status();
    expect(cut.some((p) => p.lagEvents > 0)).toBe(true);
    const { rows: audit } = await rm.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_audit');
    expect(audit[0].n).toBeLessThan(EVENTS);
    // What is in the audit table is exactly what the checkpoint covers: the cut batch left no row.
    // Counted on the whole log: in working hours the worker also appends reminders of its own.
    const { rows: logged } = await rm.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
    const auditStatus = cut.find((p) => p.name === 'audit')!;
    expect(audit[0].n).toBe(logged[0].n - auditStatus.lagEvents);

    const second = startWorker('ciclo-test-worker-2', { databaseUrl: db.url, redisPrefix, batchSize: 100 });
    workers.push(second);
    // A loaded machine can take long to boot a worker: the limit is on correctness, not speed.
    await second.waitForLog(/^Projector cycles active/, 90_000);
    await second.waitForLog(/^Projector audit active/, 30_000);
    await waitCaughtUp(rm.runner, 30000);
    expect(second.lines.filter((l) => /failed a batch/.test(l.msg))).toEqual([]);

    // The worker keeps writing (reminders in working hours): stop it, project what it left, then
    // compare a rebuild with the live tables while nothing writes.
    await second.stop();
    rm.runner.start();
    await rm.runner.caughtUp();
    await rm.runner.stop();
    await expectRebuildEqualsLive(rm.runner, rm.store.pool);
  }, 180_000);
});
