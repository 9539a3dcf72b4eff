import { applyPlanEvent, clonePlanState, evolve, initialCycleState, initialPlanState, type CycleState, type DomainEvent, type PlanState } from '@ciclo/domain';
import type { AppendResult, EventStore, RecordedEvent } from '@ciclo/event-store';
import { cycleStream, toFoldable, toNewEvents, type CommandMeta } from '../cycle-repository';
import { eventIdsFor } from '../event-ids';
import { FoldCache, StreamFolder, type Fold } from '@ciclo/commands';

/** A cycle stream folded twice over: the cycle (stage, history) and its plan content. */
export interface FoldedCycle {
  cycle: CycleState;
  plan: PlanState;
  /** Ids of every event of the stream (for idempotent replays); empty for time-travel loads. */
  eventIds: ReadonlySet<string>;
}

interface Cached {
  cycle: CycleState;
  plan: PlanState;
  eventIds: Set<string>;
}

export function foldRecorded(events: readonly RecordedEvent[], from?: Cached): Cached {
  let cycle = from?.cycle ?? initialCycleState();
  const plan = from ? clonePlanState(from.plan) : initialPlanState();
  const eventIds = new Set(from?.eventIds ?? []);
  for (const e of events) {
    const f = toFoldable(e);
    cycle = evolve(cycle, f);
    applyPlanEvent(plan, f);
    eventIds.add(e.eventId.toLowerCase());
  }
  return { cycle, plan, eventIds };
}

/** The stream folded twice; kept in the cache once the cycle exists. */
const planFold: Fold<Cached> = {
  initial: () => foldRecorded([]),
  apply: (from, events) => foldRecorded(events, from),
  version: (s) => s.plan.version,
  keep: (s) => s.cycle.exists,
  hasEvent: (s, id) => s.eventIds.has(id),
};

/**
 * Loads a cycle's stream as cycle state and plan state, and appends plan events. Like the cycle
 * repository it keeps folded states in a bounded cache and reads only the events after the cached
 * version; the append's expected version catches concurrent writers.
 */
export class PlanRepository {
  private readonly folder: StreamFolder<Cached>;

  constructor(
    readonly store: EventStore,
    cacheSize = 500,
  ) {
    this.folder = new StreamFolder(store, planFold, new FoldCache<Cached>(cacheSize));
  }

  async load(tenant: string, cycleId: string, options: { until?: Date; toVersion?: number } = {}): Promise<FoldedCycle> {
    const stream = cycleStream(tenant, cycleId);
    if (options.until || options.toVersion) {
      const events = await this.store.readStream(stream, options);
      const folded = foldRecorded(events);
      return { ...folded, eventIds: new Set() };
    }
    return (await this.folder.load(stream)).state;
  }

  /**
   * Appends decided events with the stream's metadata; ids derived from the idempotency key when
   * given. With `after` (the states the caller folded the events into, owned by the cache from
   * now on) the cache moves to the new version without reading back what was just written.
   */
  async append(
    tenant: string,
    cycleId: string,
    decided: DomainEvent[],
    expectedVersion: number,
    definitionVersion: number,
    meta: CommandMeta,
    scope: string,
    after?: { cycle: CycleState; plan: PlanState },
  ): Promise<AppendResult> {
    const ids = eventIdsFor(decided.length, meta.idempotencyKey ? { tenant, key: meta.idempotencyKey, scope } : null);
    const result = await this.appendEvents(tenant, cycleId, decided, ids, expectedVersion, definitionVersion, meta);
    const stream = cycleStream(tenant, cycleId);
    const cached = this.folder.cache.get(stream);
    if (after && !result.replayed && cached && cached.plan.version === expectedVersion && after.plan.version === result.nextVersion) {
      for (const id of ids) cached.eventIds.add(id.toLowerCase());
      this.folder.remember(stream, { cycle: after.cycle, plan: after.plan, eventIds: cached.eventIds });
    }
    return result;
  }

  private appendEvents(tenant: string, cycleId: string, decided: DomainEvent[], ids: string[], expectedVersion: number, definitionVersion: number, meta: CommandMeta): Promise<AppendResult> {
    return this.store.append(cycleStream(tenant, cycleId), toNewEvents(tenant, decided, ids, definitionVersion, meta), {
      expectedVersion: expectedVersion === 0 ? 'no_stream' : expectedVersion,
    });
  }
}
