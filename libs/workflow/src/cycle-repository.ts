import { eventIdsFor, expectedVersionOf, FoldCache, StreamFolder, toNewEvents as buildEvents, type Fold } from '@ciclo/commands';
import { cycleEventSchemaVersion, foldCycle, planEventSchemaVersion, initialCycleState, type CycleState, type DomainEvent, type FoldableEvent } from '@ciclo/domain';
import type { AppendResult, EventStore, Json, JsonObject, NewEvent, RecordedEvent } from '@ciclo/event-store';

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

/**
 * What the decider decided, as events for the store: ids, and the metadata every event of a cycle
 * stream carries (who, in which role, when, correlation, definition version, and the reason if any),
 * built by the one command path (`toNewEvents` of @ciclo/commands).
 */
export function toNewEvents(tenant: string, decided: DomainEvent[], ids: string[], definitionVersion: number, meta: CommandMeta): NewEvent[] {
  return buildEvents(decided, ids, {
    tenant,
    correlationId: meta.correlationId,
    causationId: meta.causationId,
    extra: { definitionVersion, ...(meta.requestHash ? { requestHash: meta.requestHash } : {}) },
    perEvent: (e): Record<string, Json> => {
      const reason = reasonOf(e.data);
      return reason !== undefined ? { reason } : {};
    },
  }, cycleStreamSchemaVersion);
}

/** The schema version of an event of a cycle stream: the plan's types have theirs, the rest the cycle's. */
export const cycleStreamSchemaVersion = (type: string): number => planEventSchemaVersion(type) ?? cycleEventSchemaVersion(type);

/** The reason an event's data carry (`fields.reason`, or `reason`), repeated in its metadata. */
function reasonOf(data: JsonObject): string | undefined {
  const fields = data.fields;
  if (typeof fields === 'object' && fields !== null && !Array.isArray(fields) && 'reason' in fields) return String(fields.reason);
  return typeof data.reason === 'string' ? data.reason : undefined;
}

/** A cycle folded from its stream; kept in the cache once it exists. */
const cycleFold: Fold<CycleState> = {
  initial: initialCycleState,
  apply: (from, events) => foldCycle(events.map(toFoldable), from),
  version: (s) => s.version,
  keep: (s) => s.exists,
};

export interface CommandMeta {
  correlationId: string;
  causationId: string | null;
  idempotencyKey: string | null;
  /** Hash of the request body an Idempotency-Key was sent with (see idempotency.ts). */
  requestHash?: string;
}

/**
 * Loads cycles by folding their streams and appends what the decider decided.
 *
 * Folded states are kept in a bounded in-process cache (least recently used first out): a load
 * reads only the events after the cached version, so a command on a stream with thousands of
 * events costs one short read. The cache never decides anything on its own: every load checks the
 * store for newer events, and the append's expected version catches any write in between, so
 * several API processes stay correct.
 */
export class CycleRepository {
  private readonly folder: StreamFolder<CycleState>;

  constructor(
    private readonly store: EventStore,
    cacheSize = 5000,
  ) {
    this.folder = new StreamFolder(store, cycleFold, new FoldCache<CycleState>(cacheSize));
  }

  async load(
    tenant: string,
    cycleId: string,
    options: { until?: Date; toVersion?: number; allEvents?: boolean } = {},
  ): Promise<{ state: CycleState; /** The events read: all of them, or only those after the cached state. */ events: RecordedEvent[] }> {
    const stream = cycleStream(tenant, cycleId);
    if (options.until || options.toVersion || options.allEvents) {
      const events = await this.store.readStream(stream, options);
      return { state: foldCycle(events.map(toFoldable)), events };
    }
    return this.folder.load(stream);
  }

  /** Appends what the decider decided; the cached state moves forward by the same events (no read back). */
  async append(
    tenant: string,
    cycleId: string,
    decided: DomainEvent[],
    expectedVersion: number,
    definitionVersion: number,
    meta: CommandMeta,
    scope: string,
  ): Promise<AppendResult> {
    const stream = cycleStream(tenant, cycleId);
    const ids = eventIdsFor(decided.length, meta.idempotencyKey ? { tenant, key: meta.idempotencyKey, scope } : null);
    const r = await this.store.append(stream, toNewEvents(tenant, decided, ids, definitionVersion, meta), { expectedVersion: expectedVersionOf(expectedVersion) });
    const cached = this.folder.cache.get(stream);
    if (!r.replayed && cached && cached.version === expectedVersion && r.nextVersion === expectedVersion + decided.length) {
      this.folder.remember(stream, foldCycle(decided.map((e, i) => ({ ...e, version: expectedVersion + 1 + i, tenant })), cached));
    }
    return r;
  }
}
