import { migrateDatabase } from '../../apps/cli/src/migrations';
import { appendWorkload } from '../../bench/projections';
import { subscriptionName } from '@ciclo/projections';
import { createTestDatabase, testRedisPrefix, type TestDatabase } from '../support/database';
import { definitions, expectRebuildEqualsLive, openReadModels, sleep, waitCaughtUp, type ReadModels } from './support';
import { LEASE_HOLDERS_SQL, startWorker, type WorkerProcess } from './worker';

/**
 * Two worker processes run at once: each projector is active in exactly one of them (its log
 * says so and it holds the subscription's advisory lock), the other stands by. The one running
 * the cycles projector is killed with SIGKILL: the other takes over within seconds and keeps the
 * read models up with new writes.
 */
describe('two workers: one active per projector, takeover after SIGKILL', () => {
  let db: TestDatabase;
  let rm: ReadModels;
  const workers: WorkerProcess[] = [];
  const redisPrefix = testRedisPrefix('projfailover').replace(/:$/, '');
  const PROJECTORS = ['cycles', 'audit'];

  beforeAll(async () => {
    db = await createTestDatabase('projfailover');
    await migrateDatabase(db.url);
    rm = await openReadModels(db.url);
    await appendWorkload(rm.store, definitions().latestAll(), { events: 600, tenants: ['cciaa-po', 'cciaa-fi'], seed: 5 });
  }, 60000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await rm?.close();
    await db?.drop();
  });

  /** For each projector: the workers whose log says it is active there, and the lock holders. */
  async function where(): Promise<Record<string, { logged: string[]; locked: string[] }>> {
    const { rows } = await rm.store.pool.query<{ name: string; holder: string }>(LEASE_HOLDERS_SQL, [PROJECTORS.map(subscriptionName)]);
    return Object.fromEntries(
      PROJECTORS.map((p) => [
        p,
        {
          logged: workers.filter((w) => w.lines.some((l) => l.msg === `Projector ${p} active in this worker`)).map((w) => w.name),
          locked: rows.filter((r) => r.name === subscriptionName(p)).map((r) => r.holder),
        },
      ]),
    );
  }

  it('runs each projector in exactly one worker and fails over in under 5 s', async () => {
    const a = startWorker('ciclo-test-worker-a', { databaseUrl: db.url, redisPrefix });
    const b = startWorker('ciclo-test-worker-b', { databaseUrl: db.url, redisPrefix });
    workers.push(a, b);
    await Promise.all([a.waitForLog(/^Ciclo worker started/, 90_000), b.waitForLog(/^Ciclo worker started/, 90_000)]);
    await waitCaughtUp(rm.runner, 20000);
    await sleep(1500); // longer than a standby's poll: a second activation would have happened by now

    const before = await where();
    for (const p of PROJECTORS) {
      expect(before[p].logged).toHaveLength(1);
      expect(before[p].locked).toEqual(before[p].logged);
    }

    const victim = workers.find((w) => w.name === before.cycles.logged[0]) as WorkerProcess;
    const survivor = victim === a ? b : a;
    const held = PROJECTORS.filter((p) => before[p].logged[0] === victim.name);
    const killedAt = Date.now();
    victim.proc.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    for (const p of held) {
      const line = await survivor.waitForLog(new RegExp(`^Projector ${p} active in this worker`), 10000);
      const takeoverMs = line.at - killedAt;
      expect({ projector: p, takeoverUnder5s: takeoverMs < 5000, takeoverMs }).toMatchObject({ projector: p, takeoverUnder5s: true });
    }
    const after = await where();
    for (const p of PROJECTORS) expect(after[p].locked).toEqual([survivor.name]);

    // New writes are projected by the survivor.
    const { cycles } = await appendWorkload(rm.store, definitions().latestAll(), { events: 400, tenants: ['cciaa-po', 'cciaa-fi'], seed: 6 });
    const t0 = Date.now();
    await waitCaughtUp(rm.runner, 10000);
    expect(Date.now() - t0).toBeLessThan(10000);
    // Cycle streams only: in working hours the worker also writes reminder streams of its own.
    const { rows } = await rm.store.pool.query<{ n: number }>("SELECT count(DISTINCT stream_id)::int AS n FROM es_events WHERE split_part(stream_id, '/', 2) LIKE 'cycle-%'");
    const { rows: projected } = await rm.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_cycles');
    expect(projected[0].n).toBe(rows[0].n);
    expect(cycles).toBeGreaterThan(0);
    expect(survivor.lines.filter((l) => /failed a batch/.test(l.msg))).toEqual([]);

    // The survivor keeps writing (reminders in working hours): stop it, project what it left, then
    // compare a rebuild with the live tables while nothing writes.
    await survivor.stop();
    rm.runner.start();
    await rm.runner.caughtUp();
    await rm.runner.stop();
    await expectRebuildEqualsLive(rm.runner, rm.store.pool);
  }, 180_000);
});
