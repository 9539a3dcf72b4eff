// `ciclo backup` and `ciclo restore` (the real commands, in this process) against real PostgreSQL
// and Redis: a restore into a new database keeps the audit chain intact, its read models equal a
// rebuild, subscriptions go on after it, and the reminder jobs are planned again from the restored log.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DeadlinesRuntime, OffsetClock, ReminderPlanner, SCHEDULER_SUBSCRIPTION } from '@ciclo/deadlines';
import { evolve, initialCycleState } from '@ciclo/domain';
import { parseCheckpoint, PostgresEventStore, startSealer, verifyChain, type Subscription } from '@ciclo/event-store';
import { CycleRepository, toFoldable } from '@ciclo/workflow';
import { advanceTransactionIds } from '../../apps/cli/src/backup';
import { buildCli } from '../../apps/cli/src/main';
import { createTestDatabase, testRedisPrefix, type TestDatabase } from '../support/database';
import { definitions, directoryWith, openCycle, openDb, RPCT, run, SG, TENANT, waitFor, type Db } from '../deadlines/support';
import { expectRebuildEqualsLive, openReadModels, waitCaughtUp, type ReadModels } from '../projections/support';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('backup and restore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ciclo-backup-'));
  const file = join(dir, 'ciclo.dump');
  const prefix = testRedisPrefix('restore').replace(/:$/, '');
  const clock = new OffsetClock('2027-06-01T10:00:00Z');
  const directory = directoryWith();
  let a: Db;
  let b: TestDatabase;
  let storeB: PostgresEventStore;
  let rmA: ReadModels;
  let rmB: ReadModels;
  const runtimes: DeadlinesRuntime[] = [];
  const subs: Subscription[] = [];
  const savedEnv = { ...process.env };
  let output: string[] = [];

  /** Runs `ciclo <args>` in this process against `url`; resolves with what it printed. */
  async function ciclo(url: string, ...args: string[]): Promise<string[]> {
    Object.assign(process.env, { DATABASE_URL: url, REDIS_URL, REDIS_PREFIX: prefix });
    output = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (output.push(String(s).trimEnd()), true)) as typeof process.stdout.write;
    try {
      await buildCli().parseAsync(['node', 'ciclo', ...args]);
    } finally {
      process.stdout.write = write;
    }
    return output;
  }

  const scheduler = (store: PostgresEventStore, name: string) => {
    const rt = new DeadlinesRuntime({
      store,
      redisUrl: REDIS_URL,
      prefix,
      definitions,
      directory,
      smtpUrl: 'smtp://127.0.0.1:9',
      mailFrom: 'ciclo@example.org',
      publicUrl: 'https://ciclo.example.org',
      clock,
      name,
      retryDelayMs: 100,
      checkIntervalMs: 200,
      run: { scheduler: true, reminders: false, inbox: true, webhooks: false },
    });
    runtimes.push(rt);
    return rt;
  };

  const settled = (store: PostgresEventStore) =>
    waitFor('the scheduler to catch up', async () => {
      const cp = await store.checkpointOf(SCHEDULER_SUBSCRIPTION);
      return cp !== null && parseCheckpoint(cp).position >= (await store.headPosition());
    });

  /** For each cycle of the store: the job ids indexed in Redis and the keys its plan has now. */
  async function jobsAndPlans(store: PostgresEventStore, rt: DeadlinesRuntime) {
    const { rows } = await store.pool.query<{ stream_id: string }>(`SELECT stream_id FROM es_streams WHERE stream_id LIKE '%/cycle-%' ORDER BY 1`);
    const planner = new ReminderPlanner(definitions, directory);
    const out: { cycleId: string; indexed: string[]; planned: string[] }[] = [];
    for (const { stream_id } of rows) {
      const cycleId = stream_id.split('/cycle-')[1];
      const state = (await store.readStream(stream_id)).reduce((s, e) => evolve(s, toFoldable(e)), initialCycleState());
      out.push({ cycleId, indexed: await rt.jobs.indexed(TENANT, cycleId), planned: planner.plan(state, clock.now()).map((r) => r.key).sort() });
    }
    return out;
  }

  const cycles: string[] = [];
  let headAtBackup = 0;

  beforeAll(async () => {
    a = await openDb('backup');
    for (let i = 0; i < 3; i++) cycles.push(await openCycle(a, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT));
    cycles.push(await openCycle(a, TENANT, 'piao', 2028, clock.now(), SG));
    await run(a, TENANT, cycles[0], { type: 'comment', commentId: 'c-1', text: 'Prima stesura in corso' }, RPCT, clock.now());
    const rt = scheduler(a.store, 'a');
    await rt.start();
    subs.push(startSealer(a.store, {}));
    rmA = await openReadModels(a.db.url);
    rmA.runner.start({ batchSize: 100 });
    await settled(a.store);
    await waitCaughtUp(rmA.runner);
    await waitFor('every event sealed', async () => (await verifyChain(a.store)).sealedEvents === (await a.store.headPosition()));
  }, 120000);

  afterAll(async () => {
    process.env = savedEnv;
    for (const rt of runtimes) await rt.stop().catch(() => undefined);
    for (const s of subs) await s.stop();
    await rmA?.runner.stop();
    await rmB?.runner.stop();
    await rmA?.close();
    await rmB?.close();
    await storeB?.close();
    await a?.close();
    await b?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up, restores into a new database and goes on from there', async () => {
    headAtBackup = await a.store.headPosition();
    const planBefore = await jobsAndPlans(a.store, runtimes[0]);
    expect(planBefore.every((c) => c.indexed.length > 0 && c.indexed.join() === c.planned.join())).toBe(true);

    const backedUp = await ciclo(a.db.url, 'backup', file);
    expect(backedUp.join('\n')).toMatch(new RegExp(`Backup written to .*ciclo\\.dump .*: ${headAtBackup} events up to position ${headAtBackup}`));

    // After the backup the first cycle is cancelled: the scheduler removes its jobs from Redis.
    await run(a, TENANT, cycles[0], { type: 'cancel', reason: 'Aperto per errore' }, RPCT, clock.now());
    await settled(a.store);
    expect(await runtimes[0].jobs.indexed(TENANT, cycles[0])).toEqual([]);
    // The first database is lost: its worker stops.
    await runtimes[0].stop();
    runtimes.length = 0;

    b = await createTestDatabase('restored');
    const restored = await ciclo(b.url, 'restore', file);
    expect(restored[0]).toMatch(new RegExp(`^Restored .*: ${headAtBackup} events up to position ${headAtBackup}$`));
    expect(restored.join('\n')).toMatch(/every cycle is planned again/);
    storeB = new PostgresEventStore({ connectionString: b.url, poolSize: 4 });

    // The audit chain is intact: every event, every seal.
    const chain = await verifyChain(storeB);
    expect(chain).toMatchObject({ intact: true, intactUpTo: headAtBackup, checkedEvents: headAtBackup, sealedEvents: headAtBackup });

    // Commit order is the original one (transaction ids renumbered, order kept) and below this server's.
    const order = (c: { query: Client['query'] }) =>
      c.query<{ p: string }>('SELECT position AS p FROM es_events WHERE position <= $1 ORDER BY tx_id, position', [headAtBackup]).then((r) => r.rows.map((x) => Number(x.p)));
    expect(await order(storeB.pool)).toEqual(await order(a.store.pool));
    const tx = await storeB.pool.query<{ max: string; now: string }>('SELECT max(tx_id)::text AS max, pg_current_xact_id()::text AS now FROM es_events');
    expect(Number(tx.rows[0].max)).toBeLessThan(Number(tx.rows[0].now));

    // The restored read models equal a rebuild from the restored log.
    rmB = await openReadModels(b.url);
    await expectRebuildEqualsLive(rmB.runner, storeB.pool);

    // Reminders: a worker on the restored database plans every cycle again (the cancelled-after-backup
    // cycle is open in the backup: its jobs come back).
    const rtB = scheduler(storeB, 'b');
    await rtB.start();
    await waitFor('the jobs of the first cycle to be planned again', async () => (await rtB.jobs.indexed(TENANT, cycles[0])).length > 0, 20000);
    await settled(storeB);
    for (const c of await jobsAndPlans(storeB, rtB)) expect({ cycle: c.cycleId, jobs: c.indexed }).toEqual({ cycle: c.cycleId, jobs: c.planned });

    // The restored log goes on: new events are read by the subscriptions after the restored ones.
    const repo = new CycleRepository(storeB);
    const late = await openCycle({ db: b, store: storeB, repo, close: async () => undefined }, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT);
    rmB.runner.start({ batchSize: 100 });
    await waitCaughtUp(rmB.runner);
    const { rows } = await storeB.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_cycles WHERE id = $1', [late]);
    expect(rows[0].n).toBe(1);
    await waitFor('the new cycle planned', async () => (await rtB.jobs.indexed(TENANT, late)).length > 0);
    expect((await verifyChain(storeB)).intact).toBe(true);
  }, 180000);

  it('refuses a database that is not empty, a file that is not a backup, and a database without a log', async () => {
    await expect(ciclo(b.url, 'restore', file)).rejects.toThrow(/is not empty \(\d+ tables\): restore into a new database/);
    const junk = join(dir, 'junk.dump');
    writeFileSync(junk, 'not a dump');
    const empty = await createTestDatabase('emptyrestore');
    try {
      await expect(ciclo(empty.url, 'restore', junk)).rejects.toThrow(/is not a backup pg_restore can read/);
      await expect(ciclo(empty.url, 'backup', join(dir, 'none.dump'))).rejects.toThrow(/holds no Ciclo event log/);
      const c = new Client({ connectionString: empty.url });
      await c.connect();
      const tables = await c.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
      await c.end();
      expect(tables.rows[0].n).toBe(0);
    } finally {
      await empty.drop();
    }
  });

  it('moves a server\'s transaction counter past the restored ids when it is behind them', async () => {
    const c = new Client({ connectionString: b.url });
    await c.connect();
    try {
      const now = Number((await c.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0].x);
      expect(await advanceTransactionIds(c, now - 5)).toBe(0);
      const consumed = await advanceTransactionIds(c, now + 300);
      expect(consumed).toBeGreaterThan(290);
      const after = Number((await c.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0].x);
      expect(after).toBeGreaterThan(now + 300);
    } finally {
      await c.end();
    }
  });
});
