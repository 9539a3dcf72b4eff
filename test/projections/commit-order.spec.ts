import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@ciclo/event-store';
import { createTestStore } from '../support/database';

/**
 * Found with the projections benchmark: `readCommitted` (what every subscription and every
 * rebuild reads) sorted by its output column `tx_id::text` instead of the column, so transaction
 * ids of different lengths came in text order ('10' before '9'): an event could be skipped or
 * read twice when the ids crossed a power of ten, and every read sorted the whole rest of the log
 * (a parallel sequential scan) instead of walking the (tx_id, position) index. Two rows written by transactions 10 and 9 (older
 * than any running transaction, so readable) must come back as 9, then 10.
 */
describe('readCommitted order', () => {
  let store: PostgresEventStore;
  let dispose: () => Promise<void>;

  beforeAll(async () => ({ store, dispose } = await createTestStore('projorder', 2)));
  afterAll(() => dispose?.());

  it('follows transaction ids as numbers', async () => {
    for (const [txId, version] of [
      ['10', 1],
      ['9', 2],
    ] as const) {
      await store.pool.query(
        `INSERT INTO es_events (tx_id, stream_id, version, tenant, event_id, type, data, metadata, recorded_at, recorded_micros, content_hash, prev_hash, hash)
         VALUES ($1::text::xid8, 'cciaa-po/cycle-x', $2, 'cciaa-po', $3, 'Step', '{}', '{}', now(), 0, 'c', 'p', 'h')`,
        [txId, version, randomUUID()],
      );
    }
    const first = await store.readCommitted(null, 1);
    expect(first.events.map((e) => e.version)).toEqual([2]); // transaction 9
    const second = await store.readCommitted(first.checkpoint, 1);
    expect(second.events.map((e) => e.version)).toEqual([1]); // transaction 10
    expect((await store.readCommitted(second.checkpoint, 1)).events).toEqual([]);
    expect((await store.readCommitted(null, 10)).events.map((e) => e.version)).toEqual([2, 1]);
  });
});
