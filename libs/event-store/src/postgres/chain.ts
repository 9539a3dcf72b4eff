import type { PoolClient } from 'pg';
import { contentHash, eventHash, sealHash } from '../canonical';
import type { ChainAnchor, ChainVerification, EventMetadata, JsonObject, Subscription, SubscribeOptions } from '../types';
import type { PostgresEventStore } from './postgres-event-store';
import { parseCheckpoint } from './rows';

/** Name of the subscription that extends the global seal chain. */
export const SEAL_SUBSCRIPTION = '$audit-seal';

/**
 * Starts the sealer: it follows the committed log and appends one seal per event, each hashing
 * the previous seal, the event's position and the event's own hash. Writers never wait for it:
 * appends are chained per stream at write time and sealed globally right after commit.
 */
export function startSealer(store: PostgresEventStore, options: SubscribeOptions<PoolClient> = {}): Subscription {
  return store.subscribe<PoolClient>(
    SEAL_SUBSCRIPTION,
    async (events, client) => {
      const { rows } = await client.query<{ seq: string; seal_hash: string }>(
        'SELECT seq, seal_hash FROM es_seals ORDER BY seq DESC LIMIT 1',
      );
      let seq = rows.length ? Number(rows[0].seq) : 0;
      let prev = rows.length ? rows[0].seal_hash : '';
      const seqs: number[] = [];
      const positions: number[] = [];
      const eventHashes: string[] = [];
      const seals: string[] = [];
      for (const e of events) {
        seq += 1;
        prev = sealHash(prev, seq, e.position, e.hash);
        seqs.push(seq);
        positions.push(e.position);
        eventHashes.push(e.hash);
        seals.push(prev);
      }
      await client.query(
        `INSERT INTO es_seals (seq, position, event_hash, seal_hash)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])`,
        [seqs, positions, eventHashes, seals],
      );
    },
    { batchSize: 2000, ...options },
  );
}

interface WalkRow {
  seq: string | null;
  seal_position: string | null;
  seal_event_hash: string | null;
  seal_hash: string | null;
  position: string | null;
  stream_id: string | null;
  version: number | null;
  event_id: string | null;
  type: string | null;
  data: JsonObject | null;
  metadata: EventMetadata | null;
  recorded_micros: string | null;
  prev_hash: string | null;
  hash: string | null;
  recorded_ok: boolean | null;
  tenant_ok: boolean | null;
}

// recorded_ok and tenant_ok tie the columns readers filter on (readStream's `until`, readAll's
// `tenant`) to what the hash covers (recorded_micros, metadata.tenant).
const EVENT_FIELDS = `e.position, e.stream_id, e.version, e.event_id::text AS event_id, e.type, e.data, e.metadata,
  e.recorded_micros, e.prev_hash, e.hash,
  (extract(epoch FROM e.recorded_at) * 1000000)::bigint = e.recorded_micros AS recorded_ok,
  e.tenant = e.metadata->>'tenant' AND split_part(e.stream_id, '/', 1) = e.tenant AS tenant_ok`;

/**
 * Walks the whole log: the seal chain in order, every event's recomputed hash, every stream's
 * links and head, then the events committed after the last seal. Answers "intact up to position N"
 * or the first bad position and what is wrong there.
 */
export async function verifyChain(store: PostgresEventStore, pageSize = 5000, anchors: readonly ChainAnchor[] = []): Promise<ChainVerification> {
  // One snapshot for the whole walk: events appended meanwhile are neither half-seen nor mistaken
  // for a stream head that moved.
  const pool = await store.pool.connect();
  try {
    await pool.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return await walkChain(pool, pageSize, anchors);
  } finally {
    await pool.query('ROLLBACK').catch(() => undefined);
    pool.release();
  }
}

async function walkChain(pool: PoolClient, pageSize: number, anchors: readonly ChainAnchor[]): Promise<ChainVerification> {
  const anchored = new Map<number, ChainAnchor>();
  for (const a of anchors) if (a.seq > 0) anchored.set(a.seq, a);
  // The last seal an anchor confirmed, and its position: a rewrite the anchors reveal lies after it.
  let confirmed = { seq: 0, position: 0 };
  const streams = new Map<string, { version: number; hash: string }>();
  let checked = 0;
  let intactUpTo = 0;
  let prevSeal = '';
  let lastSeq = 0;
  const result = (firstBad?: ChainVerification['firstBad']): ChainVerification => ({
    intact: !firstBad,
    checkedEvents: checked,
    sealedEvents: lastSeq,
    intactUpTo,
    headSeal: lastSeq ? { seq: lastSeq, hash: prevSeal } : null,
    firstBad,
  });

  const checkEvent = (r: WalkRow): ChainVerification['firstBad'] | null => {
    const position = Number(r.position);
    const content = contentHash({ eventId: r.event_id as string, type: r.type as string, data: r.data, metadata: r.metadata });
    const recomputed = eventHash(r.prev_hash as string, r.stream_id as string, r.version as number, content, String(r.recorded_micros));
    if (recomputed !== r.hash) {
      return { position, problem: 'event_modified', detail: `the content of ${r.stream_id} v${r.version} no longer matches its hash` };
    }
    if (!r.recorded_ok) {
      return { position, problem: 'event_modified', detail: `the recording time of ${r.stream_id} v${r.version} was changed` };
    }
    if (!r.tenant_ok) {
      return { position, problem: 'event_modified', detail: `the tenant column of ${r.stream_id} v${r.version} was changed` };
    }
    const prev = streams.get(r.stream_id as string) ?? { version: 0, hash: '' };
    if (r.version !== prev.version + 1 || r.prev_hash !== prev.hash) {
      return {
        position,
        problem: 'event_reordered',
        detail: `${r.stream_id} v${r.version} does not follow v${prev.version} of its stream (missing, inserted or swapped event)`,
      };
    }
    streams.set(r.stream_id as string, { version: r.version as number, hash: r.hash as string });
    checked++;
    return null;
  };

  // 1. The seal chain, in commit order.
  for (;;) {
    const { rows } = await pool.query<WalkRow>(
      `SELECT s.seq, s.position AS seal_position, s.event_hash AS seal_event_hash, s.seal_hash, ${EVENT_FIELDS}
         FROM es_seals s LEFT JOIN es_events e ON e.position = s.position
        WHERE s.seq > $1 ORDER BY s.seq LIMIT $2`,
      [lastSeq, pageSize],
    );
    if (rows.length === 0) break;
    for (const r of rows) {
      const seq = Number(r.seq);
      const sealPosition = Number(r.seal_position);
      if (seq !== lastSeq + 1) {
        // The first missing seal's event lies after the last intact position (it may be gone too).
        return result({ position: intactUpTo + 1, problem: 'seal_missing', detail: `seals ${lastSeq + 1}..${seq - 1} are missing (the next seal is at position ${sealPosition})` });
      }
      const expectedSeal = sealHash(prevSeal, seq, sealPosition, r.seal_event_hash as string);
      if (expectedSeal !== r.seal_hash) {
        return result({ position: sealPosition, problem: 'seal_modified', detail: `seal ${seq} does not extend the chain` });
      }
      if (r.position === null) {
        return result({ position: sealPosition, problem: 'event_deleted', detail: `the event sealed at position ${sealPosition} is gone` });
      }
      const bad = checkEvent(r);
      if (bad) return result(bad);
      if (r.hash !== r.seal_event_hash) {
        return result({ position: sealPosition, problem: 'event_modified', detail: `the event at position ${sealPosition} is not the one sealed there` });
      }
      const anchor = anchored.get(seq);
      if (anchor && anchor.hash !== r.seal_hash) {
        // Every seal up to here was recomputed consistently: the rewrite lies between the last
        // confirmed seal and this one, and nothing after the confirmed one can be trusted.
        const first = await pool.query<{ position: string }>('SELECT position FROM es_seals WHERE seq = $1', [confirmed.seq + 1]);
        intactUpTo = confirmed.position;
        lastSeq = confirmed.seq;
        return result({
          position: Number(first.rows[0]?.position ?? sealPosition),
          problem: 'anchor_mismatch',
          detail: `seal ${seq} is ${String(r.seal_hash).slice(0, 12)}… but ${anchor.source ?? 'an anchor'} saved ${anchor.hash.slice(0, 12)}…: the log was rewritten between seal ${confirmed.seq + 1} and seal ${seq}`,
        });
      }
      if (anchor) confirmed = { seq, position: sealPosition };
      prevSeal = r.seal_hash as string;
      lastSeq = seq;
      intactUpTo = sealPosition;
    }
  }
  // An anchor beyond the end of the chain: seals (and their events) were removed from the tail.
  const beyond = [...anchored.values()].filter((a) => a.seq > lastSeq).sort((a, b) => a.seq - b.seq)[0];
  if (beyond) {
    // Removed from the tail, and what is left after the last confirmed seal may be rewritten too.
    const first = await pool.query<{ position: string }>('SELECT position FROM es_seals WHERE seq = $1', [confirmed.seq + 1]);
    const endedAt = lastSeq;
    const after = intactUpTo;
    intactUpTo = confirmed.position;
    lastSeq = confirmed.seq;
    return result({
      position: first.rows[0] ? Number(first.rows[0].position) : after + 1,
      problem: 'anchor_mismatch',
      detail: `${beyond.source ?? 'an anchor'} saved seal ${beyond.seq}, but the chain ends at seal ${endedAt}: its tail was removed, and the seals after seal ${confirmed.seq} are not confirmed`,
    });
  }

  // 2. Events committed before the sealer's checkpoint but never sealed were inserted behind its back.
  const cp = await pool.query<{ tx_id: string; position: string }>(
    'SELECT tx_id::text AS tx_id, position FROM es_checkpoints WHERE name = $1',
    [SEAL_SUBSCRIPTION],
  );
  const sealed = cp.rows.length ? { txId: cp.rows[0].tx_id, position: Number(cp.rows[0].position) } : parseCheckpoint(null);
  const inserted = await pool.query<{ position: string; stream_id: string; version: number }>(
    `SELECT e.position, e.stream_id, e.version FROM es_events e
      WHERE (e.tx_id, e.position) <= ($1::text::xid8, $2::bigint)
        AND NOT EXISTS (SELECT 1 FROM es_seals s WHERE s.position = e.position)
      ORDER BY e.position LIMIT 1`,
    [sealed.txId, sealed.position],
  );
  if (inserted.rows.length) {
    const r = inserted.rows[0];
    return result({
      position: Number(r.position),
      problem: 'event_inserted',
      detail: `${r.stream_id} v${r.version} is in the sealed part of the log but was never sealed`,
    });
  }

  // 3. The unsealed tail, in commit order, continues each stream's chain.
  let cursor = sealed;
  for (;;) {
    const { rows } = await pool.query<WalkRow & { tx_id: string }>(
      `SELECT e.tx_id::text AS tx_id, ${EVENT_FIELDS} FROM es_events e
        WHERE (e.tx_id, e.position) > ($1::text::xid8, $2::bigint)
        ORDER BY e.tx_id, e.position LIMIT $3`,
      [cursor.txId, cursor.position, pageSize],
    );
    if (rows.length === 0) break;
    for (const r of rows) {
      const bad = checkEvent(r);
      if (bad) return result(bad);
      intactUpTo = Math.max(intactUpTo, Number(r.position));
    }
    const last = rows[rows.length - 1];
    cursor = { txId: last.tx_id, position: Number(last.position) };
  }

  // 4. Every stream's recorded head matches its last event (catches a deleted last event).
  const heads = await pool.query<{ stream_id: string; version: number; head_hash: string }>(
    'SELECT stream_id, version, head_hash FROM es_streams',
  );
  for (const h of heads.rows) {
    const seen = streams.get(h.stream_id) ?? { version: 0, hash: '' };
    if (seen.version !== h.version || seen.hash !== h.head_hash) {
      return result({
        position: intactUpTo,
        problem: 'stream_head_mismatch',
        detail: `${h.stream_id} records version ${h.version} but its events end at v${seen.version}`,
      });
    }
  }
  if (heads.rows.length !== streams.size) {
    const withHead = new Set(heads.rows.map((h) => h.stream_id));
    const missing = [...streams.keys()].find((s) => !withHead.has(s));
    return result({ position: intactUpTo, problem: 'stream_head_mismatch', detail: `stream ${missing} has events but no head` });
  }
  return result();
}
