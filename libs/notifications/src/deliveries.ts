import type { Pool } from 'pg';

/**
 * Claims of external deliveries (one row per reminder key, channel and target). A delivery is
 * claimed (`sending`) before the hand-off and marked `sent` after it: a process killed in between
 * leaves the claim, and the retry does not send again (at most one copy). A delivery that failed
 * with an error is marked `failed` and may be claimed again by the retry.
 */
export class DeliveryLog {
  constructor(private readonly pool: Pool) {}

  /** True when this caller may deliver now: never claimed, or the last attempt failed. */
  async claim(key: string, channel: string, target: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO ntf_deliveries (key, channel, target, status) VALUES ($1, $2, $3, 'sending')
       ON CONFLICT (key, channel, target) DO UPDATE SET status = 'sending', attempts = ntf_deliveries.attempts + 1, updated_at = now()
        WHERE ntf_deliveries.status = 'failed'`,
      [key, channel, target],
    );
    return rowCount === 1;
  }

  async sent(key: string, channel: string, target: string, messageId: string | null): Promise<void> {
    await this.pool.query(`UPDATE ntf_deliveries SET status = 'sent', message_id = $4, last_error = NULL, updated_at = now() WHERE key = $1 AND channel = $2 AND target = $3`, [
      key,
      channel,
      target,
      messageId,
    ]);
  }

  async failed(key: string, channel: string, target: string, error: string): Promise<void> {
    await this.pool.query(`UPDATE ntf_deliveries SET status = 'failed', last_error = $4, updated_at = now() WHERE key = $1 AND channel = $2 AND target = $3`, [
      key,
      channel,
      target,
      error.slice(0, 2000),
    ]);
  }

  async status(key: string, channel: string, target: string): Promise<{ status: string; attempts: number } | null> {
    const { rows } = await this.pool.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM ntf_deliveries WHERE key = $1 AND channel = $2 AND target = $3',
      [key, channel, target],
    );
    return rows[0] ?? null;
  }
}
