import type { CycleDefinition } from '../definitions';
import type { CycleState } from './model';

/** Where a cycle stands, as every list, feed and reminder reads it. */
export type CycleStatus = 'open' | 'closed' | 'cancelled';

/**
 * The one place that decides "closed": `cancelled` when cancelled, `closed` in a terminal stage of
 * its definition, `open` otherwise (also when the definition is not loaded).
 */
export function cycleStatus(state: Pick<CycleState, 'status' | 'stage'>, def: Pick<CycleDefinition, 'stages'> | undefined): CycleStatus {
  if (state.status === 'cancelled') return 'cancelled';
  return def?.stages.some((s) => s.id === state.stage && s.terminal) ? 'closed' : 'open';
}
