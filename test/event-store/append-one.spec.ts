/**
 * PostgreSQL writes one event through es_append_one and a batch through es_append (migration
 * 0005): the two must answer alike, chain alike and exclude each other on a stream.
 */
import { EventIdConflict, PostgresEventStore, WrongExpectedVersion } from '@ciclo/event-store';
import { createTestStore } from '../support/database';
import { anEvent, uniqueStream } from './fixtures';

describe('single-event appends (es_append_one) and batches (es_append)', () => {
  const T = 'cciaa-one';
  let store: PostgresEventStore;
  let dispose: () => Promise<void>;

  beforeAll(async () => ({ store, dispose } = await createTestStore('append-one', 8)));
  afterAll(() => dispose?.());

  const statementsUsed = async (): Promise<string[]> => {
    // Every pooled connection's prepared statements (the pool hands out whichever is idle).
    const names = new Set<string>();
    const clients = await Promise.all(Array.from({ length: store.pool.totalCount }, () => store.pool.connect()));
    try {
      for (const c of clients) for (const r of (await c.query<{ name: string }>('SELECT name FROM pg_prepared_statements')).rows) names.add(r.name);
    } finally {
      for (const c of clients) c.release();
    }
    return [...names].filter((n) => n.startsWith('ciclo_es_append')).sort();
  };

  it('writes one event through es_append_one and a batch through es_append', async () => {
    const s = uniqueStream(T);
    await store.append(s, [anEvent(T)], { expectedVersion: 'no_stream' });
    expect(await statementsUsed()).toEqual(['ciclo_es_append_one']);
    await store.append(s, [anEvent(T), anEvent(T)], { expectedVersion: 1 });
    expect(await statementsUsed()).toEqual(['ciclo_es_append', 'ciclo_es_append_one']);
  });

  it('chains single events and batches into one stream whose hashes verify', async () => {
    const s = uniqueStream(T);
    await store.append(s, [anEvent(T)], { expectedVersion: 'no_stream' });
    await store.append(s, [anEvent(T), anEvent(T)], { expectedVersion: 1 });
    await store.append(s, [anEvent(T)], { expectedVersion: 3 });
    const { rows } = await store.pool.query<{ version: number; prev_hash: string; hash: string }>(
      'SELECT version, prev_hash, hash FROM es_events WHERE stream_id = $1 ORDER BY version',
      [s],
    );
    expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4]);
    expect(rows[0].prev_hash).toBe('');
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    const head = await store.pool.query<{ version: number; head_hash: string }>('SELECT version, head_hash FROM es_streams WHERE stream_id = $1', [s]);
    expect(head.rows[0]).toEqual({ version: 4, head_hash: rows[3].hash });
    const verified = await store.verifyChain();
    expect(verified.intact).toBe(true);
    expect(verified.checkedEvents).toBeGreaterThanOrEqual(4);
  });

  it('answers a repeated single event with its stored row even after the stream moved on, and refuses its id elsewhere', async () => {
    const s = uniqueStream(T);
    const e = anEvent(T, 'A', { n: 1 });
    const first = await store.append(s, [e], { expectedVersion: 'no_stream' });
    await store.append(s, [anEvent(T), anEvent(T)], { expectedVersion: 1 });
    const again = await store.append(s, [e], { expectedVersion: 'no_stream' });
    expect(again).toEqual({ nextVersion: 1, positions: first.positions, replayed: true });
    const elsewhere = await store.append(uniqueStream(T), [e], { expectedVersion: 'any' }).catch((x: unknown) => x);
    expect(elsewhere).toBeInstanceOf(EventIdConflict);
    expect((elsewhere as EventIdConflict).eventIds).toEqual([e.eventId]);
    const stale = await store.append(s, [anEvent(T)], { expectedVersion: 1 }).catch((x: unknown) => x);
    expect(stale).toBeInstanceOf(WrongExpectedVersion);
    expect((stale as WrongExpectedVersion).actualVersion).toBe(3);
    expect(await store.readStream(s)).toHaveLength(3);
  });

  it('leaves the id check of a single event to the unique index, and answers a repeat through es_append (migration 0006)', async () => {
    const s = uniqueStream(T);
    const e = anEvent(T, 'A', { n: 1 });
    const first = await store.append(s, [e], { expectedVersion: 'no_stream' });
    // The function itself no longer looks the id up: called again with 'any', it reaches the INSERT,
    // which the unique index refuses (nothing written).
    const call = await store.pool
      .query('SELECT * FROM es_append_one($1, $2, $3, $4::uuid, $5, $6::jsonb, $7::jsonb, $8)', [s, T, 'any', e.eventId, 'A', '{}', '{}', 'x'])
      .catch((x: unknown) => x);
    expect(call).toMatchObject({ code: '23505', constraint: 'es_events_event_id_key' });
    // Through the store the same repeat is a replay, answered by the batch form's probe; with other
    // content it is a conflict; and a stale expected version still refuses a new event.
    const again = await store.append(s, [e], { expectedVersion: 'any' });
    expect(again).toEqual({ nextVersion: 1, positions: first.positions, replayed: true });
    expect(await statementsUsed()).toContain('ciclo_es_append');
    const changed = await store.append(s, [{ ...e, data: { n: 2 } }], { expectedVersion: 'any' }).catch((x: unknown) => x);
    expect(changed).toBeInstanceOf(EventIdConflict);
    const stale = await store.append(s, [anEvent(T)], { expectedVersion: 0 }).catch((x: unknown) => x);
    expect(stale).toBeInstanceOf(WrongExpectedVersion);
    expect((stale as WrongExpectedVersion).actualVersion).toBe(1);
    expect(await store.readStream(s)).toHaveLength(1);
  });

  it('refuses a batch holding a known id with other content, or a known id of another stream, writing none of it', async () => {
    const s = uniqueStream(T);
    const e = anEvent(T, 'A', { n: 1 });
    await store.append(s, [e], { expectedVersion: 'no_stream' });
    const changed = await store.append(s, [anEvent(T), { ...e, data: { n: 2 } }], { expectedVersion: 'any' }).catch((x: unknown) => x);
    expect(changed).toBeInstanceOf(EventIdConflict);
    // A batch is a replay only when every id is known with the same content: the ids that are not
    // (new, or changed) are named.
    expect((changed as EventIdConflict).eventIds).toContain(e.eventId);
    const other = uniqueStream(T);
    const moved = await store.append(other, [anEvent(T), e], { expectedVersion: 'any' }).catch((x: unknown) => x);
    expect(moved).toBeInstanceOf(EventIdConflict);
    expect(await store.readStream(s)).toHaveLength(1);
    expect(await store.readStream(other)).toEqual([]);
  });

  it('serializes single events and batches written concurrently to one stream: one winner per version', async () => {
    const s = uniqueStream(T);
    await store.append(s, [anEvent(T)], { expectedVersion: 'no_stream' });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.append(s, Array.from({ length: i % 2 ? 3 : 1 }, () => anEvent(T)), { expectedVersion: 1 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(WrongExpectedVersion);
    // With 'any', every writer lands, in some order, with no version given twice.
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.append(s, Array.from({ length: i % 2 ? 3 : 1 }, () => anEvent(T)), { expectedVersion: 'any' })));
    const versions = (await store.readStream(s)).map((e) => e.version);
    const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ nextVersion: number }>;
    expect(versions).toEqual(Array.from({ length: winner.value.nextVersion + 16 }, (_, i) => i + 1));
    expect((await store.verifyChain()).intact).toBe(true);
  });
});
