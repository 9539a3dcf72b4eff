import { Pool } from 'pg';
import { migrateDatabase } from '../../apps/cli/src/migrations';
import { appendWorkload } from '../../bench/projections';
import type { DataSource } from 'typeorm';
import { createReadModelDataSource, ReadModelQueries } from '@ciclo/projections';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { definitions, expectRebuildEqualsLive, openReadModels, sleep, tenantTimes, waitCaughtUp, type ReadModels } from './support';

/**
 * Rebuild without downtime: while every projector is rebuilt (shadow tables, then the swap), the
 * live runner keeps projecting new writes and readers poll rm_cycles without pause, through SQL
 * and through ReadModelQueries. No read may fail, see an empty table or fewer cycles than
 * before the rebuild.
 */
describe('rebuild while readers and writers run', () => {
  let db: TestDatabase;
  let rm: ReadModels;
  let readers: Pool;
  let readerDs: DataSource;
  const TENANTS = ['cciaa-po', 'cciaa-fi'];

  beforeAll(async () => {
    db = await createTestDatabase('projonline');
    await migrateDatabase(db.url);
    rm = await openReadModels(db.url);
    await appendWorkload(rm.store, definitions().latestAll(), { events: 3000, tenants: TENANTS, seed: 3 });
    readers = new Pool({ connectionString: db.url, max: 4 });
    readerDs = createReadModelDataSource(db.url, 4);
    await readerDs.initialize();
  }, 60000);

  afterAll(async () => {
    await rm?.runner.stop();
    await readers?.end();
    await readerDs?.destroy();
    await rm?.close();
    await db?.drop();
  });

  it('never fails a reader nor shows an empty or partial rm_cycles', async () => {
    rm.runner.start({ batchSize: 500 });
    await waitCaughtUp(rm.runner, 30000);
    const { rows: start } = await readers.query<{ n: number }>('SELECT count(*)::int AS n FROM rm_cycles');
    const initial = start[0].n;
    expect(initial).toBeGreaterThan(100);

    const queries = new ReadModelQueries(readerDs, tenantTimes());
    let stop = false;
    const errors: string[] = [];
    const bad: string[] = [];
    const reads = { sql: 0, queries: 0 };
    /** Which physical table answered: the old one before the swap, the rebuilt one after. */
    const tablesSeen = new Set<number>();
    const sqlReader = async () => {
      while (!stop) {
        try {
          const { rows } = await readers.query<{ n: number; oid: number }>(`SELECT count(*)::int AS n, 'rm_cycles'::regclass::oid::int AS oid FROM rm_cycles`);
          if (rows[0].n < initial) bad.push(`count ${rows[0].n} < ${initial}`);
          tablesSeen.add(rows[0].oid);
          reads.sql++;
        } catch (err) {
          errors.push((err as Error).message);
          await sleep(5);
        }
      }
    };
    const listReader = async (tenant: string) => {
      while (!stop) {
        try {
          const list = await queries.cycles(tenant, { limit: 50 });
          if (list.length === 0) bad.push(`no cycles listed for ${tenant}`);
          reads.queries++;
        } catch (err) {
          errors.push((err as Error).message);
          await sleep(5);
        }
      }
    };
    const polling = Promise.all([sqlReader(), sqlReader(), listReader(TENANTS[0]), listReader(TENANTS[1])]);
    // Writers too: the live runner projects them into the live tables, then the swapped ones.
    const writing = appendWorkload(rm.store, definitions().latestAll(), { events: 600, tenants: TENANTS, seed: 4, concurrency: 2 });

    const rebuilt: number[] = [];
    try {
      await sleep(200);
      rebuilt.push((await rm.runner.rebuildAll()).events);
      await writing;
      await sleep(200);
    } finally {
      stop = true;
      await polling;
    }
    for (const n of rebuilt) expect(n).toBeGreaterThanOrEqual(3000);

    expect(errors).toEqual([]);
    expect(bad).toEqual([]);
    expect(reads.sql).toBeGreaterThan(50);
    expect(reads.queries).toBeGreaterThan(50);
    expect(tablesSeen.size).toBe(2); // reads on both sides of the swap

    await waitCaughtUp(rm.runner, 20000);
    await expectRebuildEqualsLive(rm.runner, rm.store.pool);
  }, 90000);
});
