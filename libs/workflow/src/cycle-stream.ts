import { FoldCache, StreamFolder, type Fold } from '@ciclo/commands';
import { applyPlanEvent, changesPlanContent, clonePlanState, evolve, initialCycleState, initialPlanState, type CycleState, type DomainEvent, type FoldableEvent, type PlanState } from '@ciclo/domain';
import type { EventStore, RecordedEvent } from '@ciclo/event-store';

/**
 * A cycle stream folded once into both states it holds: the cycle (stage, history, links) and its
 * plan content (tree, measurements, variations, register). One fold and one cache serve the cycle
 * and the plan commands and queries.
 */
export interface FoldedCycle {
  cycle: CycleState;
  plan: PlanState;
  /**
   * Ids of the stream's stored events (for idempotent replays): at least those folded, shared and
   * only ever added to by the states folded from one another (a later event's id here costs a
   * read of the stream, never a wrong answer); empty for time-travel loads.
   */
  eventIds: ReadonlySet<string>;
}

export const cycleStream = (tenant: string, cycleId: string) => `${tenant}/cycle-${cycleId}`;

export function toFoldable(e: RecordedEvent): FoldableEvent {
  return {
    type: e.type,
    data: e.data as FoldableEvent['data'],
    actorId: e.metadata.actorId,
    actorRole: e.metadata.actorRole,
    occurredAt: e.metadata.occurredAt,
    version: e.version,
    tenant: e.metadata.tenant,
  };
}

/** Both states after `events` (with their ids), starting from `from` (not changed, but for its ids, which only grow). */
function foldEvents(events: readonly { event: FoldableEvent; eventId: string }[], from?: FoldedCycle): FoldedCycle {
  let cycle = from?.cycle ?? initialCycleState();
  // The plan is copied at the first event that changes its content. Most of a cycle's events
  // (transitions, comments) move only its version: they get a new state object that shares the
  // tree, measurements and register with `from`, instead of a copy of a plan that may hold a
  // thousand indicators at every command. Shared parts are never changed in place: a copy is.
  let plan = from?.plan ?? initialPlanState();
  let owned = from === undefined;
  // Not copied: a stream's ids only grow (see FoldedCycle.eventIds).
  const eventIds = (from?.eventIds as Set<string> | undefined) ?? new Set<string>();
  for (const { event, eventId } of events) {
    cycle = evolve(cycle, event);
    if (!owned && changesPlanContent(event)) {
      plan = clonePlanState(plan);
      owned = true;
    }
    if (owned) applyPlanEvent(plan, event);
    else plan = { ...plan, version: event.version };
    eventIds.add(eventId.toLowerCase());
  }
  return { cycle, plan, eventIds };
}

/** Both states after stored events. */
export const foldRecorded = (events: readonly RecordedEvent[], from?: FoldedCycle): FoldedCycle => foldEvents(events.map((e) => ({ event: toFoldable(e), eventId: e.eventId })), from);

/** Both states after a command's own events, as appended with `ids` right after `from`. */
export function foldDecided(from: FoldedCycle, decided: readonly DomainEvent[], ids: readonly string[], tenant: string): FoldedCycle {
  const version = from.cycle.version;
  return foldEvents(decided.map((e, i) => ({ event: { ...e, version: version + 1 + i, tenant }, eventId: ids[i] })), from);
}

/** The ids of a command's own events added to a state's (lower case, as the stream's are kept). */
export function withEventIds(s: FoldedCycle, ids: readonly string[]): ReadonlySet<string> {
  const all = s.eventIds as Set<string>;
  for (const id of ids) all.add(id.toLowerCase());
  return all;
}

/** The fold of a cycle stream; a state is kept in the cache once the cycle exists. */
export const cycleStreamFold: Fold<FoldedCycle> = {
  initial: () => foldEvents([]),
  apply: (from, events) => foldRecorded(events, from),
  version: (s) => s.cycle.version,
  keep: (s) => s.cycle.exists,
  hasEvent: (s, id) => s.eventIds.has(id),
};

/** The one folder (and cache) of cycle streams a process shares between its repositories and handlers. */
export class CycleStreams {
  readonly folder: StreamFolder<FoldedCycle>;

  constructor(
    readonly store: EventStore,
    cacheSize = 5000,
  ) {
    this.folder = new StreamFolder(store, cycleStreamFold, new FoldCache<FoldedCycle>(cacheSize));
  }

  load(tenant: string, cycleId: string): Promise<{ state: FoldedCycle; events: RecordedEvent[] }> {
    return this.folder.load(cycleStream(tenant, cycleId));
  }
}
