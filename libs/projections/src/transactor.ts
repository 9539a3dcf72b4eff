import type { DataSource, EntityManager } from 'typeorm';
import type { Checkpoint, SubscriptionTransactor } from '@ciclo/event-store';

/** Position of the last event in a checkpoint ("<tx>:<position>" or "<commit>:<prepare>"), for display and lag. */
export function positionOf(checkpoint: Checkpoint | null): number {
  const m = checkpoint ? /:(\d+)$/.exec(checkpoint) : null;
  return m ? Number(m[1]) : 0;
}

/** Projector checkpoints in `projection_checkpoints`, in the same TypeORM transaction as the rows. */
export function typeormTransactor(ds: DataSource): SubscriptionTransactor<EntityManager> {
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
