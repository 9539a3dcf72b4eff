import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@ciclo/event-store';

export interface ProjectionContext {
  /** The transaction in which the rows and the checkpoint are written. */
  manager: EntityManager;
  /** Physical name of one of the projector's tables (a fresh copy while rebuilding). */
  table(name: string): string;
}

/**
 * Where a rebuild writes: fresh tables nobody reads yet, so rows go in bulk, each statement in its
 * own transaction (a failed rebuild drops them, the live tables are never touched).
 */
export interface RebuildContext {
  /** Physical name of one of the projector's tables (the fresh copy). */
  table(name: string): string;
  /**
   * Appends rows to a fresh table (`COPY`): `columns` lists each column with its SQL type (e.g.
   * `position bigint`), each row gives the values in that order (objects other than dates as
   * JSON); `rows` may be produced lazily, as the write consumes them. No conflict handling: a
   * rebuild writes each key once.
   */
  insert(table: string, columns: readonly string[], rows: Iterable<readonly unknown[]>): Promise<void>;
}

/**
 * A projector's rebuild from position 0 in one pass over the log: `feed` receives every batch in
 * commit order and keeps in memory what the final rows need (it may write rows that cannot change
 * any more, in chunks, to bound memory); `finish` writes the rest once. The rows must be those the
 * projector's `apply` gives when it projects the same log incrementally.
 */
export interface RebuildSink {
  feed(events: readonly RecordedEvent[]): Promise<void>;
  finish(): Promise<void>;
}

/**
 * Turns events into read-model rows. `apply` receives a batch in commit order (each stream in
 * version order) and must be deterministic: a rebuild from position 0 gives the same rows.
 */
export interface Projector {
  readonly name: string;
  /** Tables the projector owns, all rebuilt and swapped together. */
  readonly tables: readonly string[];
  apply(events: RecordedEvent[], ctx: ProjectionContext): Promise<void>;
  /**
   * A bulk rebuild (optional): without it, a rebuild calls `apply` batch by batch on the fresh
   * tables, which rewrites the rows of every entity a batch touches.
   */
  rebuilder?(ctx: RebuildContext): RebuildSink;
}

export const subscriptionName = (projector: string) => `projection:${projector}`;

const CYCLE_STREAM = /^([a-z0-9][a-z0-9_.-]*)\/cycle-([0-9a-f-]{36})$/;

/** The tenant and cycle id of a cycle stream, or null for other streams. */
export function cycleOfStream(streamId: string): { tenant: string; cycleId: string } | null {
  const m = CYCLE_STREAM.exec(streamId);
  return m ? { tenant: m[1], cycleId: m[2] } : null;
}
