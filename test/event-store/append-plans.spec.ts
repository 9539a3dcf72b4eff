/**
 * What PostgreSQL does inside es_append, read from its own plans (auto_explain, nested statements,
 * sent to the session as notices). The duplicate-id lookup is written so that its only plan is one
 * probe of the unique index per id: written as 'event_id = ANY (p_ids)', the cost-based choice
 * between that index and a scan of the whole log went to the scan in the event store benchmark
 * (618 sequential scans of es_events in 10 s of 100-event appends after single ones; a fifth of the
 * batch rate, docs/performance.md). That choice depends on statistics this test cannot reproduce
 * reliably; what it checks is the plan's shape, which leaves the planner no such choice.
 */
import type { PoolClient } from 'pg';
import { PostgresEventStore } from '@ciclo/event-store';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { anEvent, uniqueStream } from './fixtures';

describe('es_append plans', () => {
  const T = 'cciaa-plans';
  let db: TestDatabase;
  let store: PostgresEventStore;
  const notices: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('append-plans');
    // One connection: every append below runs in the session whose plans are cached and explained.
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 1 });
    store.pool.on('connect', (client: PoolClient) => {
      client.on('notice', (n) => notices.push(n.message ?? ''));
    });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('probes the event id index at a 100-event append after single appends on a grown log', async () => {
    // Single appends while the log is small: what a new installation's sessions do first.
    for (let i = 0; i < 12; i++) await store.append(uniqueStream(T), [anEvent(T)], { expectedVersion: 0 });
    // The log grows (written directly: the rows only need to be there).
    await store.pool.query(
      `INSERT INTO es_events (stream_id, version, tenant, event_id, type, data, metadata, recorded_at,
                              recorded_micros, content_hash, prev_hash, hash)
       SELECT 'cciaa-plans/bulk-' || g, 1, 'cciaa-plans', gen_random_uuid(), 'Bulk', '{}', '{}', now(), 0, '', '', ''
         FROM generate_series(1, 30000) AS g`,
    );
    for (let i = 0; i < 12; i++) await store.append(uniqueStream(T), [anEvent(T)], { expectedVersion: 0 });

    await store.pool.query(`LOAD 'auto_explain'`);
    await store.pool.query(
      `SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice`,
    );
    notices.length = 0;
    const batch = Array.from({ length: 100 }, () => anEvent(T));
    const stream = uniqueStream(T);
    const r = await store.append(stream, batch, { expectedVersion: 0 });
    expect(r.nextVersion).toBe(100);
    await store.pool.query(`SET auto_explain.log_min_duration = -1`);

    const lookup = notices.find((n) => /Query Text: SELECT count\(\*\)/.test(n)) ?? '';
    // The plans were seen (a test that saw none would prove nothing), and the lookup is a loop over
    // the ids, each probing the index ...
    expect(lookup).toMatch(
      /Nested Loop[\s\S]*Function Scan on unnest[\s\S]*Index Only Scan using es_events_event_id_key/,
    );
    // ... and no statement of the append read the whole log.
    expect(notices.filter((n) => /Seq Scan on es_events/.test(n))).toEqual([]);
    // A retried append finds every id through the same lookup and writes nothing.
    expect(await store.append(stream, batch, { expectedVersion: 0 })).toEqual({ ...r, replayed: true });
  });
});
