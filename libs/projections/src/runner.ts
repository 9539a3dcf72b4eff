import type { PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { Checkpoint, EventStore, Subscription } from '@ciclo/event-store';
import { copyRows } from './bulk-insert';
import { subscriptionName, type Projector, type RebuildContext, type RebuildSink } from './projector';
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

  /** Rebuilds one projector (`rebuildAll` with its name). */
  async rebuild(name: string, onProgress?: (events: number) => void): Promise<RebuildResult> {
    return this.rebuildAll([name], onProgress);
  }

  /**
   * Rebuilds projectors (all of them by default) from position 0 into fresh tables while the live
   * ones keep serving, then swaps them in. The log is read once: each batch feeds every
   * projector's rebuild sink, which folds in memory and writes each fresh table in bulk (a
   * projector without one applies the batch to its fresh tables). Then one transaction locks every
   * rebuilt projector's checkpoint (the live runner waits), applies the events committed since the
   * read through the projectors' `apply`, renames the tables and moves the checkpoints. On failure
   * the fresh tables are dropped; the live ones and their checkpoints are untouched.
   */
  async rebuildAll(names?: readonly string[], onProgress?: (events: number) => void): Promise<RebuildResult> {
    const selected = names ? [...new Set(names)].map((n) => this.projector(n)) : [...this.projectors];
    const t0 = performance.now();
    const shadow = (t: string) => `${t}__rebuild`;
    const tables = selected.flatMap((p) => p.tables);
    const seconds: Record<string, number> = Object.fromEntries(selected.map((p) => [p.name, 0]));
    const phases = { feed: 0, finish: 0, indexes: 0, swap: 0 };
    const since = (t: number) => (performance.now() - t) / 1000;
    let events = 0;
    try {
      for (const t of tables) {
        await this.ds.query(`DROP TABLE IF EXISTS ${shadow(t)}`);
        // Without indexes: building each once after the bulk load is cheaper than maintaining it row by row.
        await this.ds.query(`CREATE TABLE ${shadow(t)} (LIKE ${t} INCLUDING ALL EXCLUDING INDEXES)`);
      }
      const ctx: RebuildContext = {
        table: shadow,
        // COPY, each call on a connection of its own (projectors write side by side).
        insert: async (table, columns, rows) => {
          if (Array.isArray(rows) && rows.length === 0) return;
          const runner = this.ds.createQueryRunner();
          try {
            await copyRows((await runner.connect()) as PoolClient, table, columns, rows);
          } finally {
            await runner.release();
          }
        },
      };
      const sinks = selected.map((p) => ({ name: p.name, sink: p.rebuilder?.(ctx) ?? this.applyingSink(p, shadow) }));
      const timed = async (name: string, work: () => Promise<void>) => {
        const t = performance.now();
        await work();
        seconds[name] += (performance.now() - t) / 1000;
      };
      // One read of the log for every projector; the next batch is read while this one is folded.
      let checkpoint: Checkpoint | null = null;
      const tFeed = performance.now();
      let next = this.store.readCommitted(null, REBUILD_BATCH);
      for (;;) {
        const batch = await next;
        if (batch.events.length === 0) break;
        checkpoint = batch.checkpoint;
        next = this.store.readCommitted(checkpoint, REBUILD_BATCH);
        next.catch(() => undefined);
        for (const { name, sink } of sinks) await timed(name, () => sink.feed(batch.events));
        events += batch.events.length;
        onProgress?.(events);
      }
      phases.feed = since(tFeed);
      // Each projector's last writes, then its indexes (built once, on the loaded tables) and
      // statistics: written in bulk, the fresh tables have no dead rows to vacuum. Projectors in
      // parallel, so that one builds indexes while another writes.
      // All settled before a failure is thrown: nothing may still write when the fresh tables are dropped.
      const tFinish = performance.now();
      const finished = await Promise.allSettled(
        selected.map(async (p, i) => {
          await timed(p.name, () => sinks[i].sink.finish());
          phases.finish = Math.max(phases.finish, since(tFinish));
          const tIndexes = performance.now();
          for (const t of p.tables) {
            await copyIndexes(this.ds, t, shadow(t));
            await this.ds.query(`ANALYZE ${shadow(t)}`);
          }
          phases.indexes = Math.max(phases.indexes, since(tIndexes));
        }),
      );
      for (const f of finished) if (f.status === 'rejected') throw f.reason;
      const tSwap = performance.now();
      await this.ds.transaction(async (m) => {
        const subs = selected.map((p) => subscriptionName(p.name));
        for (const sub of [...subs].sort()) {
          await m.query(`INSERT INTO projection_checkpoints (name, checkpoint, position) VALUES ($1, '', 0) ON CONFLICT (name) DO NOTHING`, [sub]);
          await m.query('SELECT checkpoint FROM projection_checkpoints WHERE name = $1 FOR UPDATE', [sub]);
        }
        // What was committed since the read: applied as the live runner would, on the fresh tables.
        for (;;) {
          const batch = await this.store.readCommitted(checkpoint, REBUILD_BATCH);
          if (batch.events.length === 0) break;
          for (const p of selected) await timed(p.name, () => p.apply(batch.events, { manager: m, table: shadow }));
          checkpoint = batch.checkpoint;
          events += batch.events.length;
          onProgress?.(events);
        }
        for (const t of tables) {
          const names = await indexNames(m, t);
          await m.query(`ALTER TABLE ${t} RENAME TO ${t}__old`);
          await m.query(`ALTER TABLE ${shadow(t)} RENAME TO ${t}`);
          await m.query(`DROP TABLE ${t}__old`);
          // The copy's indexes were named after the shadow table (rm_x__rebuild_pkey, ...): give them
          // back the live names, so that migrations naming an index or a constraint keep working
          // after a rebuild.
          const fresh = await indexNames(m, t);
          for (const [shape, name] of names) {
            const current = fresh.get(shape);
            if (current && current !== name) await m.query(`ALTER INDEX "${current}" RENAME TO "${name}"`);
          }
        }
        for (const sub of subs) {
          await m.query('UPDATE projection_checkpoints SET checkpoint = $2, position = $3, updated_at = now() WHERE name = $1', [
            sub,
            checkpoint ?? '',
            this.store.positionOf(checkpoint),
          ]);
        }
      });
      phases.swap = since(tSwap);
    } catch (err) {
      for (const t of tables) await this.ds.query(`DROP TABLE IF EXISTS ${shadow(t)}`).catch(() => undefined);
      throw err;
    }
    return { events, seconds: since(t0), projectors: seconds, phases };
  }

  /**
   * The rebuild of a projector without a sink of its own: each batch applied to the fresh tables
   * in a transaction, as the live runner does. Fresh tables have no planner statistics until
   * autovacuum reaches them, and a batch's look-up by a non-unique key would be planned as a scan
   * of the whole table (a rebuild quadratic in the log): analyze each time they may have doubled.
   */
  private applyingSink(p: Projector, table: (t: string) => string): RebuildSink {
    let batches = 0;
    return {
      feed: async (events) => {
        await this.ds.transaction((manager) => p.apply([...events], { manager, table }));
        batches++;
        if ((batches & (batches - 1)) === 0) for (const t of p.tables) await this.ds.query(`ANALYZE ${table(t)}`);
      },
      finish: async () => undefined,
    };
  }
}

/** Events per read of a rebuild. */
const REBUILD_BATCH = 5000;

export interface RebuildResult {
  /** Events replayed, the last ones applied in the swap. */
  events: number;
  seconds: number;
  /** Seconds each projector spent folding and writing (the read of the log is shared, not counted). */
  projectors: Record<string, number>;
  /**
   * Wall-clock seconds of each phase: reading the log and feeding every projector (`feed`); the
   * projectors' last writes (`finish`, the slowest one's); building indexes and statistics on
   * the fresh tables (`indexes`, the slowest projector's, counted from the end of its own writes);
   * the swap transaction, with the events committed during the rebuild (`swap`).
   */
  phases: { feed: number; finish: number; indexes: number; swap: number };
}

/**
 * Gives `copy` the indexes of `table`, index-backed constraints (primary key, unique) as
 * constraints, each named by PostgreSQL after the copy (the swap gives back the live names).
 */
async function copyIndexes(ds: DataSource, table: string, copy: string): Promise<void> {
  const rows = (await ds.query(
    `SELECT pg_get_indexdef(i.indexrelid) AS def, pg_get_constraintdef(con.oid) AS constraint
       FROM pg_index i LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
      WHERE i.indrelid = $1::regclass ORDER BY i.indisprimary DESC, i.indexrelid`,
    [table],
  )) as { def: string; constraint: string | null }[];
  for (const r of rows) {
    if (r.constraint) await ds.query(`ALTER TABLE ${copy} ADD ${r.constraint}`);
    else await ds.query(r.def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON (ONLY )?\S+ /, `CREATE $1INDEX ON ${copy} `));
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
