import { eventIdsFor, expectedVersionOf, toNewEvents as buildEvents, type EventMeta } from '@ciclo/commands';
import { cycleEventSchemaVersion, foldCycle, planEventSchemaVersion, type CycleState, type DomainEvent } from '@ciclo/domain';
import type { AppendResult, EventStore, Json, JsonObject, NewEvent, RecordedEvent } from '@ciclo/event-store';
import { cycleStream, CycleStreams, foldDecided, toFoldable } from './cycle-stream';

export { cycleStream, toFoldable } from './cycle-stream';

/**
 * What the decider decided, as events for the store: ids, and the metadata every event of a cycle
 * stream carries (who, in which role, when, correlation, definition version, and the reason if any),
 * built by the one command path (`toNewEvents` of @ciclo/commands).
 */
export function toNewEvents(tenant: string, decided: DomainEvent[], ids: string[], definitionVersion: number, meta: CommandMeta): NewEvent[] {
  return buildEvents(decided, ids, cycleEventMeta(tenant, meta, definitionVersion), cycleStreamSchemaVersion);
}

/** The metadata of a command's events on a cycle stream (`definitionVersion`, when not given here, comes with the decision). */
export function cycleEventMeta(tenant: string, meta: Pick<CommandMeta, 'correlationId' | 'causationId' | 'requestHash'>, definitionVersion?: number): EventMeta {
  return {
    tenant,
    correlationId: meta.correlationId,
    causationId: meta.causationId,
    extra: { ...(definitionVersion !== undefined ? { definitionVersion } : {}), ...(meta.requestHash ? { requestHash: meta.requestHash } : {}) },
    perEvent: (e): Record<string, Json> => {
      const reason = reasonOf(e.data);
      return reason !== undefined ? { reason } : {};
    },
  };
}

/** The schema version of an event of a cycle stream: the plan's types have theirs, the rest the cycle's. */
export const cycleStreamSchemaVersion = (type: string): number => planEventSchemaVersion(type) ?? cycleEventSchemaVersion(type);

/** The reason an event's data carry (`fields.reason`, or `reason`), repeated in its metadata. */
function reasonOf(data: JsonObject): string | undefined {
  const fields = data.fields;
  if (typeof fields === 'object' && fields !== null && !Array.isArray(fields) && 'reason' in fields) return String(fields.reason);
  return typeof data.reason === 'string' ? data.reason : undefined;
}

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
 * Folded states are kept in a bounded in-process cache (least recently used first out), shared
 * with the plan repository and the command handlers (`CycleStreams`: one fold of the stream into
 * the cycle and its plan): a load reads only the events after the cached version, so a command on
 * a stream with thousands of events costs one short read. The cache never decides anything on its
 * own: every load checks the store for newer events, and the append's expected version catches
 * any write in between, so several API processes stay correct.
 */
export class CycleRepository {
  readonly streams: CycleStreams;

  constructor(
    private readonly store: EventStore,
    cache: number | CycleStreams = 5000,
  ) {
    this.streams = typeof cache === 'number' ? new CycleStreams(store, cache) : cache;
  }

  async load(
    tenant: string,
    cycleId: string,
    options: { until?: Date; toVersion?: number; allEvents?: boolean } = {},
  ): Promise<{ state: CycleState; /** The events read: all of them, or only those after the cached state. */ events: RecordedEvent[] }> {
    if (options.until || options.toVersion || options.allEvents) {
      const events = await this.store.readStream(cycleStream(tenant, cycleId), options);
      return { state: foldCycle(events.map(toFoldable)), events };
    }
    const { state, events } = await this.streams.load(tenant, cycleId);
    return { state: state.cycle, events };
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
    const cached = this.streams.folder.cache.get(stream);
    if (!r.replayed && cached && cached.cycle.version === expectedVersion && r.nextVersion === expectedVersion + decided.length) {
      this.streams.folder.remember(stream, foldDecided(cached, decided, ids, tenant));
    }
    return r;
  }
}
