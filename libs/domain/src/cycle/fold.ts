import { evolve, type FoldableEvent } from './evolve';
import { initialCycleState, type CycleState } from './model';

/** The state after `events`, in stream order. */
export function foldCycle(events: readonly FoldableEvent[], from: CycleState = initialCycleState()): CycleState {
  return events.reduce(evolve, from);
}
