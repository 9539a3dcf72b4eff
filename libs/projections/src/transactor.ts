import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { checkpointedBatch, type Checkpoint, type SubscriptionTransactor } from '@ciclo/event-store';

/** The stored checkpoint (an empty one reads as none). */
const stored = (rows: { checkpoint: string | null }[]): Checkpoint | null => (rows.length && rows[0].checkpoint ? rows[0].checkpoint : null);

/**
 * Projector checkpoints in `projection_checkpoints`, in the same TypeORM transaction as the rows.
 * `positionOf` (the event store's) gives the position stored beside each checkpoint.
 */
export function typeormTransactor(ds: DataSource, positionOf: (checkpoint: Checkpoint | null) => number): SubscriptionTransactor<EntityManager> {
  return {
    async load(name) {
      const rows = (await ds.query('SELECT checkpoint FROM projection_checkpoints WHERE name = $1', [name])) as { checkpoint: string }[];
      return stored(rows);
    },
    /** Through `checkpointedBatch`, on the query runner's connection; the projector writes through the runner's manager. */
    async applyBatch(name, from, to, fn) {
      const position = positionOf(to);
      if (!Number.isSafeInteger(position)) throw new Error(`Malformed checkpoint ${to}`);
      const runner = ds.createQueryRunner();
      const client = (await runner.connect()) as PoolClient;
      // TypeORM must not open a transaction of its own inside this one (a save() would, and commit it).
      const flags = runner as unknown as { isTransactionActive: boolean };
      flags.isTransactionActive = true;
      try {
        const n = client.escapeLiteral(name);
        return await checkpointedBatch<{ checkpoint: string | null }>(
          client,
          {
            lock: `SELECT checkpoint FROM projection_checkpoints WHERE name = ${n} FOR UPDATE`,
            stored,
            save: `INSERT INTO projection_checkpoints (name, checkpoint, position, updated_at) VALUES (${n}, ${client.escapeLiteral(to)}, ${position}, now())
                   ON CONFLICT (name) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, position = EXCLUDED.position, updated_at = now()`,
          },
          from,
          () => fn(runner.manager),
        );
      } finally {
        flags.isTransactionActive = false;
        await runner.release();
      }
    },
  };
}
