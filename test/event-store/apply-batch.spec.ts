// A subscription's batch through each transactor (`SubscriptionTransactor.applyBatch`): the event
// store's own (`es_checkpoints`, a pg client) and the read models' (`projection_checkpoints`, a
// TypeORM entity manager). Both send BEGIN with the checkpoint's lock, and the new checkpoint with
// COMMIT, as one query each: what is checked here is what those shortcuts must not lose.
import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { PostgresEventStore, type Checkpoint, type SubscriptionTransactor } from '@ciclo/event-store';
import { createReadModelDataSource, typeormTransactor } from '@ciclo/projections';
import { migrateDatabase } from '../../apps/cli/src/migrations';
import { createTestDatabase, type TestDatabase } from '../support/database';

/** Runs one SQL statement with parameters on whichever kind of transaction handle. */
type Exec<Tx> = (tx: Tx, sql: string, params: unknown[]) => Promise<unknown>;

let db: TestDatabase;
let store: PostgresEventStore;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase('applybatch');
  await migrateDatabase(db.url);
  // One connection each: a transaction left open by a failed batch would carry into the next one.
  store = new PostgresEventStore({ connectionString: db.url, poolSize: 1 });
  ds = createReadModelDataSource(db.url, 1);
  await ds.initialize();
  await store.pool.query('CREATE TABLE batch_rows (k text PRIMARY KEY)');
});

afterAll(async () => {
  await ds?.destroy();
  await store?.close();
  await db?.drop();
});

const rowsNow = async (): Promise<string[]> =>
  (await store.pool.query<{ k: string }>('SELECT k FROM batch_rows ORDER BY k')).rows.map((r) => r.k);

const cases: [string, () => SubscriptionTransactor<unknown>, Exec<unknown>][] = [
  [
    'the event store (es_checkpoints)',
    () => store.transactor as SubscriptionTransactor<unknown>,
    (tx, sql, params) => (tx as PoolClient).query(sql, params),
  ],
  [
    'the read models (projection_checkpoints, TypeORM)',
    () => typeormTransactor(ds, (c) => store.positionOf(c)) as SubscriptionTransactor<unknown>,
    (tx, sql, params) => (tx as EntityManager).query(sql, params),
  ],
];

describe.each(cases)('applyBatch through %s', (label, transactorOf, exec) => {
  // Row keys of this transactor's cases start with its prefix; its checkpoint's name has a quote.
  const prefix = label.split(' ')[1];
  const name = `batch 'quoted' ${prefix}`;
  const cp = (n: number): Checkpoint => `${1000 + n}:${n}`;
  const write = (k: string) => async (tx: unknown) => {
    await exec(tx, 'INSERT INTO batch_rows (k) VALUES ($1)', [`${prefix}-${k}`]);
  };
  const mine = async () => (await rowsNow()).filter((k) => k.startsWith(`${prefix}-`));

  it('from nothing: writes the rows and the first checkpoint, in one commit', async () => {
    const t = transactorOf();
    expect(await t.load(name)).toBeNull();
    expect(await t.applyBatch(name, null, cp(1), write('a'))).toBe(true);
    expect(await t.load(name)).toBe(cp(1));
    expect(await mine()).toEqual([`${prefix}-a`]);
  });

  it('from the stored checkpoint: moves it on', async () => {
    const t = transactorOf();
    expect(await t.applyBatch(name, cp(1), cp(2), write('b'))).toBe(true);
    expect(await t.load(name)).toBe(cp(2));
    expect(await mine()).toHaveLength(2);
  });

  it('from a checkpoint no longer stored (moved by something else): runs nothing, writes nothing', async () => {
    const t = transactorOf();
    let ran = false;
    const moved = await t.applyBatch(name, cp(1), cp(9), async (tx) => {
      ran = true;
      await write('never')(tx);
    });
    expect({ moved, ran }).toEqual({ moved: false, ran: false });
    expect(await t.load(name)).toBe(cp(2));
    // Nor from nothing, once a checkpoint is stored.
    expect(await t.applyBatch(name, null, cp(9), write('never2'))).toBe(false);
    expect(await t.load(name)).toBe(cp(2));
    expect(await mine()).toHaveLength(2);
  });

  it('a handler that throws rolls back its rows and keeps the checkpoint; the connection comes back clean', async () => {
    const t = transactorOf();
    const boom = new Error('handler failed');
    await expect(
      t.applyBatch(name, cp(2), cp(3), async (tx) => {
        await write('rolled-back')(tx);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await t.load(name)).toBe(cp(2));
    // The only connection of the pool goes on: were the failed transaction still open, the next
    // batch's commit would also commit the row above.
    expect(await t.applyBatch(name, cp(2), cp(3), write('c'))).toBe(true);
    const rows = await mine();
    expect(rows).toContain(`${prefix}-c`);
    expect(rows).not.toContain(`${prefix}-rolled-back`);
    expect(await t.load(name)).toBe(cp(3));
  });

  it('a statement that fails inside the batch (a duplicate row) rolls the batch back the same way', async () => {
    const t = transactorOf();
    await expect(t.applyBatch(name, cp(3), cp(4), write('a'))).rejects.toThrow(/duplicate key/);
    expect(await t.load(name)).toBe(cp(3));
    expect(await t.applyBatch(name, cp(3), cp(4), write('d'))).toBe(true);
    expect(await t.load(name)).toBe(cp(4));
  });
});
