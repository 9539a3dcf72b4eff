import type { Pool } from 'pg';

/** The answer to a claim: this caller delivers now, or why not (and when another may). */
export type DeliveryClaim =
  /** `tookOver`: an earlier claim (failed, or whose lease expired) existed. */
  | { claimed: true; attempts: number; tookOver: boolean }
  | { claimed: false; status: 'sent' | 'skipped' }
  /** Another worker holds a lease that has not expired: try again after `retryInMs`. */
  | { claimed: false; status: 'sending'; retryInMs: number; owner: string | null };

/**
 * Claims of external deliveries (one row per reminder key, channel and target). A claim is a
 * lease: the row is `sending` until `lease_until`, held by `lease_owner`, and marked `sent` after the
 * hand-off. A worker killed in between leaves the lease, which expires; whoever claims after that
 * (the retried job, or the sweep of unfinished deliveries) takes it over and delivers. A delivery
 * that failed with an error is marked `failed` and may be claimed again at once.
 *
 * The lease must outlast the longest hand-off (connection, greeting and data timeouts of the SMTP
 * transport): a worker still sending when its lease expires may be doubled by the next claimant.
 */
export class DeliveryLog {
  constructor(private readonly pool: Pool) {}

  /** Takes (or takes over) the delivery for `leaseMs`; times are the database's. */
  async claim(key: string, channel: string, target: string, owner = 'worker', leaseMs = 120_000): Promise<DeliveryClaim> {
    const { rows } = await this.pool.query<{ attempts: number; took_over: boolean }>(
      `INSERT INTO ntf_deliveries (key, channel, target, status, lease_owner, lease_until)
       VALUES ($1, $2, $3, 'sending', $4, now() + make_interval(secs => $5::double precision / 1000))
       ON CONFLICT (key, channel, target) DO UPDATE
          SET status = 'sending', attempts = ntf_deliveries.attempts + 1, updated_at = now(),
              lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until
        WHERE ntf_deliveries.status = 'failed'
           OR (ntf_deliveries.status = 'sending' AND (ntf_deliveries.lease_until IS NULL OR ntf_deliveries.lease_until <= now()))
       RETURNING attempts, (xmax <> 0) AS took_over`,
      [key, channel, target, owner, leaseMs],
    );
    if (rows[0]) return { claimed: true, attempts: rows[0].attempts, tookOver: rows[0].took_over };
    const { rows: held } = await this.pool.query<{ status: string; owner: string | null; ms: number | null }>(
      `SELECT status, lease_owner AS owner, GREATEST(0, EXTRACT(EPOCH FROM lease_until - now()) * 1000)::float8 AS ms
         FROM ntf_deliveries WHERE key = $1 AND channel = $2 AND target = $3`,
      [key, channel, target],
    );
    const h = held[0];
    if (!h) return this.claim(key, channel, target, owner, leaseMs); // removed in between: try again
    if (h.status === 'sending') return { claimed: false, status: 'sending', retryInMs: Math.ceil(h.ms ?? 0), owner: h.owner };
    if (h.status === 'failed') return this.claim(key, channel, target, owner, leaseMs); // failed in between
    return { claimed: false, status: h.status === 'skipped' ? 'skipped' : 'sent' };
  }

  async sent(key: string, channel: string, target: string, messageId: string | null): Promise<void> {
    await this.pool.query(
      `UPDATE ntf_deliveries SET status = 'sent', message_id = $4, last_error = NULL, lease_until = NULL, updated_at = now() WHERE key = $1 AND channel = $2 AND target = $3`,
      [key, channel, target, messageId],
    );
  }

  async failed(key: string, channel: string, target: string, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE ntf_deliveries SET status = 'failed', last_error = $4, lease_until = NULL, updated_at = now() WHERE key = $1 AND channel = $2 AND target = $3`,
      [key, channel, target, error.slice(0, 2000)],
    );
  }

  /** Deliveries claimed by a worker whose lease expired before it finished: the sweep completes them. */
  async unfinished(channel: string, limit = 100): Promise<{ key: string; target: string }[]> {
    const { rows } = await this.pool.query<{ key: string; target: string }>(
      `SELECT key, target FROM ntf_deliveries
        WHERE channel = $1 AND status = 'sending' AND (lease_until IS NULL OR lease_until <= now())
        ORDER BY updated_at LIMIT $2`,
      [channel, limit],
    );
    return rows;
  }

  async status(key: string, channel: string, target: string): Promise<{ status: string; attempts: number } | null> {
    const { rows } = await this.pool.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM ntf_deliveries WHERE key = $1 AND channel = $2 AND target = $3',
      [key, channel, target],
    );
    return rows[0] ?? null;
  }
}
