import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '@ciclo/event-store';

export interface ProjectionContext {
  /** The transaction in which the rows and the checkpoint are written. */
  manager: EntityManager;
  /** Physical name of one of the projector's tables (a fresh copy while rebuilding). */
  table(name: string): string;
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
}

export const subscriptionName = (projector: string) => `projection:${projector}`;

const CYCLE_STREAM = /^([a-z0-9][a-z0-9_.-]*)\/cycle-([0-9a-f-]{36})$/;

/** The tenant and cycle id of a cycle stream, or null for other streams. */
export function cycleOfStream(streamId: string): { tenant: string; cycleId: string } | null {
  const m = CYCLE_STREAM.exec(streamId);
  return m ? { tenant: m[1], cycleId: m[2] } : null;
}
