import { isDeepStrictEqual } from 'node:util';
import { resolve } from 'node:path';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { PostgresEventStore } from '@ciclo/event-store';
import { AuditProjector, createReadModelDataSource, CyclesProjector, ProjectionRunner } from '@ciclo/projections';
import { StaticTenantDirectory, tenantTimesOf } from '@ciclo/notifications';
import { DefinitionRegistry } from '@ciclo/workflow';

export const ROOT = resolve(__dirname, '../..');
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Every read-model table the projectors own (the test fails when a projector gains one not listed). */
export const READ_MODEL_TABLES = ['rm_cycle_state', 'rm_cycles', 'rm_inbox', 'rm_deadlines', 'rm_audit', 'rm_audit_cycles'] as const;

export const definitions = () => DefinitionRegistry.fromDirectory(resolve(ROOT, 'seeds/cycles'));
/** Each tenant's calendar and time zone, from the seed files as the apps read them. */
export const tenantTimes = () => tenantTimesOf(StaticTenantDirectory.fromDirectory(resolve(ROOT, 'seeds/tenants')));

export interface ReadModels {
  store: PostgresEventStore;
  ds: DataSource;
  runner: ProjectionRunner;
  close(): Promise<void>;
}

/** A projection runner of this test process on `url` (not started: for status and rebuild). */
export async function openReadModels(url: string): Promise<ReadModels> {
  const store = new PostgresEventStore({ connectionString: url, poolSize: 4 });
  const ds = createReadModelDataSource(url, 4);
  await ds.initialize();
  const registry = definitions();
  const runner = new ProjectionRunner(store, ds, [new CyclesProjector(registry, tenantTimes()), new AuditProjector(registry)]);
  return {
    store,
    ds,
    runner,
    async close() {
      await ds.destroy();
      await store.close();
    },
  };
}

/** Waits until every projector has applied every committed event (`status()` lag 0). */
export async function waitCaughtUp(runner: ProjectionRunner, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await runner.status();
    if (status.every((s) => s.lagEvents === 0 && s.position > 0)) return;
    if (Date.now() > deadline) throw new Error(`projectors did not catch up within ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await sleep(50);
  }
}

/** Primary-key columns of a table, in key order. */
async function primaryKey(pool: Pool, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ col: string }>(
    `SELECT a.attname AS col
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [table],
  );
  if (rows.length === 0) throw new Error(`${table} has no primary key`);
  return rows.map((r) => r.col);
}

export type Snapshot = Record<string, unknown[]>;

/**
 * Every row of every read-model table, ordered by primary key, as `to_jsonb(row)`: timestamps
 * keep their microseconds, dates and arrays their text form, jsonb columns are nested values
 * (compared as values: key order does not matter).
 */
export async function snapshot(pool: Pool): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const t of READ_MODEL_TABLES) {
    const pk = await primaryKey(pool, t);
    const { rows } = await pool.query<{ r: unknown }>(`SELECT to_jsonb(t) AS r FROM ${t} t ORDER BY ${pk.join(', ')}`);
    out[t] = rows.map((x) => x.r);
  }
  return out;
}

/** Fails naming the table and the first row that differs (a whole-table diff would be unreadable). */
export function expectSameRows(actual: Snapshot, expected: Snapshot): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const t of Object.keys(expected)) {
    const a = actual[t];
    const e = expected[t];
    const n = Math.max(a.length, e.length);
    for (let i = 0; i < n; i++) {
      if (!isDeepStrictEqual(a[i], e[i])) {
        expect({ table: t, row: i, value: a[i] }).toEqual({ table: t, row: i, value: e[i] });
      }
    }
    expect({ table: t, rows: a.length }).toEqual({ table: t, rows: e.length });
  }
}

/** Indexes and constraints of the read-model tables with their names, and which rm_ tables exist. */
export async function schemaShape(pool: Pool): Promise<{ tables: string[]; indexes: string[]; constraints: string[] }> {
  const tables = await pool.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'rm\\_%' ORDER BY 1`);
  const indexes = await pool.query<{ d: string }>(
    `SELECT indexdef AS d FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1::text[]) ORDER BY tablename, indexname`,
    [READ_MODEL_TABLES],
  );
  const constraints = await pool.query<{ c: string }>(
    `SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS c FROM pg_constraint
      WHERE conrelid::regclass::text = ANY($1::text[]) ORDER BY 1`,
    [READ_MODEL_TABLES],
  );
  return { tables: tables.rows.map((r) => r.t), indexes: indexes.rows.map((r) => r.d), constraints: constraints.rows.map((r) => r.c) };
}

/**
 * The core check of this folder: snapshots the read models as the live projectors left them,
 * rebuilds every projector from position 0 in one pass (shadow tables, swap), and expects the very same rows,
 * the same indexes and constraints under the same names, and no table left behind.
 */
export async function expectRebuildEqualsLive(runner: ProjectionRunner, pool: Pool): Promise<Snapshot> {
  expect(runner.projectors.flatMap((p) => p.tables).sort()).toEqual([...READ_MODEL_TABLES].sort());
  const live = await snapshot(pool);
  const shape = await schemaShape(pool);
  await runner.rebuildAll();
  expectSameRows(await snapshot(pool), live);
  expect(await schemaShape(pool)).toEqual(shape);
  expect(shape.tables).toEqual([...READ_MODEL_TABLES].sort());
  return live;
}
