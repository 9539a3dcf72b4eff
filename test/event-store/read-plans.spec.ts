/**
 * `readStream` is a named statement: PostgreSQL parses and plans it once per connection and then
 * may run one generic plan for every stream. That plan must still be the (stream_id, version)
 * index, whatever the log holds; a generic plan that scanned the log would make every request
 * (the actor's grants, the aggregate's new events) read the whole table.
 */
import { PostgresEventStore } from '@ciclo/event-store';
import { createTestStore } from '../support/database';
import { anEvent, uniqueStream } from './fixtures';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

describe('readStream: one prepared statement per connection, planned on the stream index', () => {
  const T = 'cciaa-reads';
  let store: PostgresEventStore;
  let dispose: () => Promise<void>;

  // One connection: the reads below and the EXPLAIN run in the session that prepared the statement.
  beforeAll(async () => ({ store, dispose } = await createTestStore('read-plans', 1)));
  afterAll(() => dispose?.());

  it('prepares the read once and answers each stream, each version range and each instant from it', async () => {
    const a = uniqueStream(T);
    const b = uniqueStream(T);
    await store.append(a, [anEvent(T), anEvent(T), anEvent(T)], { expectedVersion: 'no_stream' });
    await store.append(b, [anEvent(T)], { expectedVersion: 'no_stream' });
    const before = new Date(Date.now() - 60_000);

    expect((await store.readStream(a)).map((e) => e.version)).toEqual([1, 2, 3]);
    expect((await store.readStream(a, { fromVersion: 2 })).map((e) => e.version)).toEqual([2, 3]);
    expect((await store.readStream(a, { fromVersion: 1, toVersion: 2 })).map((e) => e.version)).toEqual([1, 2]);
    expect((await store.readStream(a, { until: before })).length).toBe(0);
    expect((await store.readStream(b)).map((e) => e.streamId)).toEqual([b]);
    expect(await store.readStream(uniqueStream(T))).toEqual([]);

    const { rows } = await store.pool.query<{ name: string }>(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'ciclo_es_read%'`);
    expect(rows.map((r) => r.name)).toEqual(['ciclo_es_read_stream']);
  });

  it('keeps the generic plan on the (stream_id, version) index on a grown log', async () => {
    await store.pool.query(
      `INSERT INTO es_events (stream_id, version, tenant, event_id, type, data, metadata, recorded_at,
                              recorded_micros, content_hash, prev_hash, hash)
       SELECT 'cciaa-reads/bulk-' || (g % 50), g, 'cciaa-reads', gen_random_uuid(), 'Bulk', '{}', '{}', now(), 0, '', '', ''
         FROM generate_series(1, 30000) AS g`,
    );
    await store.pool.query('ANALYZE es_events');
    const stream = uniqueStream(T);
    await store.append(stream, [anEvent(T)], { expectedVersion: 'no_stream' });
    expect((await store.readStream(stream)).length).toBe(1);

    // The plan PostgreSQL would keep for every later execution, whatever the parameters.
    await store.pool.query('SET plan_cache_mode = force_generic_plan');
    try {
      for (const args of [`'cciaa-reads/bulk-7', 1, 2147483647, NULL`, `'cciaa-reads/bulk-7', 600, 700, now()`]) {
        const { rows } = await store.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) EXECUTE ciclo_es_read_stream(${args})`);
        const nodes = nodesOf(rows[0]['QUERY PLAN'][0].Plan);
        expect(nodes.map((n) => n['Node Type'])).not.toContain('Seq Scan');
        expect(nodes.map((n) => n['Index Name'])).toContain('es_events_stream_version_key');
      }
    } finally {
      await store.pool.query('RESET plan_cache_mode');
    }
  });
});
