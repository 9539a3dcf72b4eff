import type { Pool, PoolClient } from 'pg';
import type { Checkpoint } from '../types';
import { EVENT_COLUMNS, parseCheckpoint, serializeCheckpoint, toRecorded, type EventRow } from './rows';
import type { CommittedRows, SubscriptionRows } from './shared-reads';

/**
 * The committed log after a checkpoint, in commit order: `(tx_id, position)`, only below
 * `pg_snapshot_xmin(pg_current_snapshot())` (the oldest transaction still running), so that
 * whatever could still commit sorts after what is returned. With the checkpoint after each event.
 */
export async function queryCommitted(db: Pool | PoolClient, after: Checkpoint | null, limit: number): Promise<CommittedRows> {
  const cp = parseCheckpoint(after);
  // ORDER BY names the table's columns: a bare `tx_id` would be the output column `tx_id::text`,
  // sorted as text ('10' before '9': events skipped or read twice) and without the index.
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM es_events
      WHERE (tx_id, position) > ($1::text::xid8, $2::bigint)
        AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY es_events.tx_id, es_events.position
      LIMIT $3`,
    [cp.txId, cp.position, limit],
  );
  return {
    events: rows.map(toRecorded),
    checkpoints: rows.map((r) => serializeCheckpoint({ txId: r.tx_id, position: Number(r.position) })),
  };
}

/**
 * `queryCommitted`, and in the same statement (so the same snapshot) whether events after the
 * checkpoint are committed but not readable yet: when the page holds every readable one, that is
 * whether more waits behind a running transaction, learnt without a second round trip.
 */
export async function queryForSubscriptions(db: Pool, after: Checkpoint | null, limit: number): Promise<SubscriptionRows> {
  const cp = parseCheckpoint(after);
  const { rows } = await db.query<Partial<EventRow> & { pending: boolean }>(
    `SELECT p.pending, b.* FROM
       (SELECT EXISTS (SELECT 1 FROM es_events WHERE (tx_id, position) > ($1::text::xid8, $2::bigint)
                         AND tx_id >= pg_snapshot_xmin(pg_current_snapshot())) AS pending) p
       LEFT JOIN (SELECT ${EVENT_COLUMNS}, es_events.tx_id AS commit_order FROM es_events
                   WHERE (tx_id, position) > ($1::text::xid8, $2::bigint)
                     AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
                   ORDER BY es_events.tx_id, es_events.position
                   LIMIT $3) b ON true
      ORDER BY b.commit_order, b.position`,
    [cp.txId, cp.position, limit],
  );
  // No event: one row of nulls carrying `pending`.
  const events = rows.filter((r) => r.position != null) as EventRow[];
  return {
    events: events.map(toRecorded),
    checkpoints: events.map((r) => serializeCheckpoint({ txId: r.tx_id, position: Number(r.position) })),
    pending: rows.length > 0 && rows[0].pending,
  };
}
