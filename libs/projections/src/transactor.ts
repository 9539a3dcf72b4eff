import type { PoolClient, QueryResult } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { Checkpoint, SubscriptionTransactor } from '@ciclo/event-store';

/**
 * Projector checkpoints in `projection_checkpoints`, in the same TypeORM transaction as the rows.
 * `positionOf` (the event store's) gives the position stored beside each checkpoint.
 */
export function typeormTransactor(
  ds: DataSource,
  positionOf: (checkpoint: Checkpoint | null) => number,
): SubscriptionTransactor<EntityManager> {
  return {
    async load(name) {
      const rows = (await ds.query('SELECT checkpoint FROM projection_checkpoints WHERE name = $1', [
        name,
      ])) as {
        checkpoint: string;
      }[];
      return rows.length && rows[0].checkpoint ? rows[0].checkpoint : null;
    },
    /**
     * Two round trips besides the projector's own: BEGIN with the checkpoint's lock, then the new
     * checkpoint with COMMIT, sent on the query runner's connection (several statements in one query
     * go by the simple protocol, which takes no parameters: values go in as quoted literals). The
     * checkpoint is locked before any row is written, the order a rebuild's swap also takes.
     */
    async applyBatch(name, from, to, fn) {
      const position = positionOf(to);
      if (!Number.isSafeInteger(position)) throw new Error(`Malformed checkpoint ${to}`);
      const runner = ds.createQueryRunner();
      const client = (await runner.connect()) as PoolClient;
      const lit = (v: string) => client.escapeLiteral(v);
      // TypeORM must not open a transaction of its own inside this one (a save() would, and commit it).
      const flags = runner as unknown as { isTransactionActive: boolean };
      // Set before BEGIN is sent: whatever fails after it, the connection goes back with no transaction open.
      let open = true;
      try {
        const results = (await client.query(
          `BEGIN; SELECT checkpoint FROM projection_checkpoints WHERE name = ${lit(name)} FOR UPDATE`,
        )) as unknown as QueryResult<{ checkpoint: string | null }>[];
        flags.isTransactionActive = true;
        const rows = results[1].rows;
        const stored = rows.length && rows[0].checkpoint ? rows[0].checkpoint : null;
        if (stored !== from) return false;
        await fn(runner.manager);
        await client.query(
          `INSERT INTO projection_checkpoints (name, checkpoint, position, updated_at) VALUES (${lit(name)}, ${lit(to)}, ${position}, now())
           ON CONFLICT (name) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, position = EXCLUDED.position, updated_at = now();
           COMMIT`,
        );
        open = false;
        return true;
      } finally {
        flags.isTransactionActive = false;
        // Not committed (moved, or a failure): roll back.
        if (open) await client.query('ROLLBACK').catch(() => undefined);
        await runner.release();
      }
    },
  };
}
