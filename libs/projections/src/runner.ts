import type { DataSource, EntityManager } from 'typeorm';
import type { Checkpoint, EventStore, Subscription } from '@ciclo/event-store';
import { subscriptionName, type Projector } from './projector';
import { typeormTransactor } from './transactor';

export interface ProjectorStatus {
  name: string;
  /** Global position of the last event applied. */
  position: number;
  headPosition: number;
  /** Positions written after the last applied one (0 when caught up). */
  lagEvents: number;
  /** Seconds since the oldest event not yet applied was recorded (0 when caught up). */
  lagSeconds: number;
  updatedAt: string | null;
}

export interface RunnerOptions {
  batchSize?: number;
  onError?: (projector: string, err: unknown) => void;
  onActive?: (projector: string) => void;
  onBatch?: (projector: string, count: number) => void;
}

/**
 * Runs every projector as a durable, exclusive subscription of the event store: rows and
 * checkpoint commit in one transaction, one process at a time per projector, others on standby.
 */
export class ProjectionRunner {
  private subs: Subscription[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly ds: DataSource,
    readonly projectors: readonly Projector[],
  ) {}

  start(options: RunnerOptions = {}): void {
    const transactor = typeormTransactor(this.ds, (cp) => this.store.positionOf(cp));
    for (const p of this.projectors) {
      this.subs.push(
        this.store.subscribe<EntityManager>(subscriptionName(p.name), (events, manager) => p.apply(events, { manager, table: (t) => t }), {
          transactor,
          batchSize: options.batchSize ?? 1000,
          onError: (err) => options.onError?.(p.name, err),
          onActive: () => options.onActive?.(p.name),
          onBatch: ({ count }) => options.onBatch?.(p.name, count),
        }),
      );
    }
  }

  /** Resolves when every projector has caught up with the log as it was at start. */
  async caughtUp(): Promise<void> {
    await Promise.all(this.subs.map((s) => s.caughtUp));
  }

  async stop(): Promise<void> {
    await Promise.all(this.subs.map((s) => s.stop()));
    this.subs = [];
  }

  projector(name: string): Projector {
    const p = this.projectors.find((x) => x.name === name);
    if (!p) throw new Error(`Unknown projection "${name}" (known: ${this.projectors.map((x) => x.name).join(', ')})`);
    return p;
  }

  async status(): Promise<ProjectorStatus[]> {
    const head = await this.store.headPosition();
    const rows = (await this.ds.query('SELECT name, checkpoint, updated_at FROM projection_checkpoints')) as {
      name: string;
      checkpoint: string;
      updated_at: Date;
    }[];
    const out: ProjectorStatus[] = [];
    for (const p of this.projectors) {
      const row = rows.find((r) => r.name === subscriptionName(p.name));
      const checkpoint = row?.checkpoint || null;
      const behind = await this.unapplied(checkpoint);
      out.push({
        name: p.name,
        position: this.store.positionOf(checkpoint),
        headPosition: head,
        lagEvents: behind.count,
        lagSeconds: behind.oldest ? Math.max(0, (Date.now() - behind.oldest.getTime()) / 1000) : 0,
        updatedAt: row ? row.updated_at.toISOString() : null,
      });
    }
    return out;
  }

  /** Events committed after a checkpoint: how many, and when the oldest was recorded. */
  private async unapplied(checkpoint: Checkpoint | null): Promise<{ count: number; oldest: Date | null }> {
    const lag = await this.store.lagAfter(checkpoint);
    return { count: lag.events, oldest: lag.oldest };
  }

  /** True when the projector has applied the event at `position` (read-your-writes). */
  async covers(projector: string, position: number): Promise<boolean> {
    const rows = (await this.ds.query('SELECT checkpoint FROM projection_checkpoints WHERE name = $1', [subscriptionName(projector)])) as {
      checkpoint: string;
    }[];
    const checkpoint = rows[0]?.checkpoint || null;
    if (!checkpoint) return false;
    return this.store.covers(checkpoint, position);
  }

  /**
   * Rebuilds a projector from position 0 into fresh tables while the live one keeps serving, then
   * swaps them in: the swap locks the projector's checkpoint (the live runner waits), applies the
   * last events, renames the tables and moves the checkpoint, all in one transaction.
   */
  async rebuild(name: string, onProgress?: (events: number) => void): Promise<{ events: number; seconds: number }> {
    const p = this.projector(name);
    const t0 = performance.now();
    const shadow = (t: string) => `${t}__rebuild`;
    for (const t of p.tables) {
      await this.ds.query(`DROP TABLE IF EXISTS ${shadow(t)}`);
      await this.ds.query(`CREATE TABLE ${shadow(t)} (LIKE ${t} INCLUDING ALL)`);
    }
    let checkpoint: Checkpoint | null = null;
    let events = 0;
    const step = async (manager: EntityManager): Promise<boolean> => {
      const batch = await this.store.readCommitted(checkpoint, 5000);
      if (batch.events.length === 0) return false;
      await p.apply(batch.events, { manager, table: shadow });
      checkpoint = batch.checkpoint;
      events += batch.events.length;
      onProgress?.(events);
      return true;
    };
    // New tables have no planner statistics until autovacuum reaches them; meanwhile a batch's
    // look-up by a non-unique key (`DELETE FROM rm_inbox WHERE cycle_id = ANY(...)`) is planned as a
    // scan of the whole table, which makes a rebuild quadratic in the log. Analyze each time the
    // tables may have doubled, and before the swap (the new live tables start with statistics).
    const analyze = async (vacuum = false) => {
      for (const t of p.tables) await this.ds.query(`${vacuum ? 'VACUUM (ANALYZE)' : 'ANALYZE'} ${shadow(t)}`);
    };
    for (let batches = 1; await this.ds.transaction((m) => step(m)); batches++) {
      if ((batches & (batches - 1)) === 0) await analyze();
    }
    // Each batch rewrote the rows of the cycles it touched: most of the heap and of the indexes are
    // dead versions. Vacuum before the swap, so that the first reads of the new tables do not walk
    // them (and find the pages all-visible, for index-only scans).
    await analyze(true);
    const sub = subscriptionName(p.name);
    await this.ds.transaction(async (m) => {
      await m.query(`INSERT INTO projection_checkpoints (name, checkpoint, position) VALUES ($1, '', 0) ON CONFLICT (name) DO NOTHING`, [sub]);
      await m.query('SELECT checkpoint FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [sub]);
      while (await step(m));
      for (const t of p.tables) {
        const names = await indexNames(m, t);
        await m.query(`ALTER TABLE ${t} RENAME TO ${t}__old`);
        await m.query(`ALTER TABLE ${shadow(t)} RENAME TO ${t}`);
        await m.query(`DROP TABLE ${t}__old`);
        // LIKE ... INCLUDING ALL named the copy's indexes after the shadow table (rm_x__rebuild_pkey,
        // then rm_x__rebuild_pkey1 on the next rebuild...): give them back the live names, so that
        // migrations naming an index or a constraint keep working after a rebuild.
        const fresh = await indexNames(m, t);
        for (const [shape, name] of names) {
          const current = fresh.get(shape);
          if (current && current !== name) await m.query(`ALTER INDEX "${current}" RENAME TO "${name}"`);
        }
      }
      await m.query('UPDATE projection_checkpoints SET checkpoint = $2, position = $3, updated_at = now() WHERE name = $1', [
        sub,
        checkpoint ?? '',
        this.store.positionOf(checkpoint),
      ]);
    });
    return { events, seconds: (performance.now() - t0) / 1000 };
  }
}

/** The indexes of a table by definition (without index and table name): renaming one that backs a constraint renames the constraint too. */
async function indexNames(m: EntityManager, table: string): Promise<Map<string, string>> {
  const rows = (await m.query(
    `SELECT c.relname AS name, regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON (ONLY )?\\S+ ', 'CREATE \\1INDEX ON ') AS shape
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass`,
    [table],
  )) as { name: string; shape: string }[];
  return new Map(rows.map((r) => [r.shape, r.name]));
}
