import type { DataSource, EntityManager } from 'typeorm';
import type { Checkpoint, SubscriptionTransactor } from '@ciclo/event-store';

/**
 * Projector checkpoints in `projection_checkpoints`, in the same TypeORM transaction as the rows.
 * `positionOf` (the event store's) gives the position stored beside each checkpoint.
 */
export function typeormTransactor(ds: DataSource, positionOf: (checkpoint: Checkpoint | null) => number): SubscriptionTransactor<EntityManager> {
  return {
    transaction: (fn) => ds.transaction((manager) => fn(manager)),
    async load(name, tx) {
      const rows = (await (tx ?? ds.manager).query(
        `SELECT checkpoint FROM projection_checkpoints WHERE name = $1${tx ? ' FOR UPDATE' : ''}`,
        [name],
      )) as { checkpoint: string }[];
      return rows.length && rows[0].checkpoint ? rows[0].checkpoint : null;
    },
    async save(tx, name, checkpoint) {
      await tx.query(
        `INSERT INTO projection_checkpoints (name, checkpoint, position, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (name) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, position = EXCLUDED.position, updated_at = now()`,
        [name, checkpoint, positionOf(checkpoint)],
      );
    },
  };
}
