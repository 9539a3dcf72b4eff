import { foldCycle, type CycleState, type DomainEvent, type FoldableEvent } from '@ciclo/domain';
import type { AppendResult, EventStore, NewEvent, RecordedEvent } from '@ciclo/event-store';
import { eventIdsFor } from './event-ids';

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
 * stream carries (who, in which role, when, correlation, definition version, and the reason if any).
 */
export function toNewEvents(tenant: string, decided: DomainEvent[], ids: string[], definitionVersion: number, meta: CommandMeta): NewEvent[] {
  return decided.map((e, i) => {
    const fields = e.data.fields;
    const reason =
      typeof fields === 'object' && fields !== null && !Array.isArray(fields) && 'reason' in fields
        ? String(fields.reason)
        : typeof e.data.reason === 'string'
          ? e.data.reason
          : undefined;
    return {
      eventId: ids[i],
      type: e.type,
      data: e.data,
      metadata: {
        tenant,
        actorId: e.actorId,
        actorRole: e.actorRole,
        occurredAt: e.occurredAt,
        correlationId: meta.correlationId,
        causationId: meta.causationId,
        schemaVersion: 1,
        definitionVersion,
        ...(reason !== undefined ? { reason } : {}),
        ...(meta.requestHash ? { requestHash: meta.requestHash } : {}),
      },
    };
  });
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
 * Folded states are kept in a bounded in-process cache (least recently used first out): a load
 * reads only the events after the cached version, so a command on a stream with thousands of
 * events costs one short read. The cache never decides anything on its own: every load checks the
 * store for newer events, and the append's expected version catches any write in between, so
 * several API processes stay correct.
 */
export class CycleRepository {
  private readonly cache = new Map<string, CycleState>();

  constructor(
    private readonly store: EventStore,
    private readonly cacheSize = 5000,
  ) {}

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
    const cached = this.cache.get(stream);
    const events = await this.store.readStream(stream, { fromVersion: (cached?.version ?? 0) + 1 });
    const state = cached && events.length === 0 ? cached : foldCycle(events.map(toFoldable), cached);
    this.remember(stream, state);
    return { state, events };
  }

  private remember(stream: string, state: CycleState): void {
    if (!state.exists) return;
    this.cache.delete(stream);
    this.cache.set(stream, state);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
  }

  async append(
    tenant: string,
    cycleId: string,
    decided: DomainEvent[],
    expectedVersion: number,
    definitionVersion: number,
    meta: CommandMeta,
    scope: string,
  ): Promise<AppendResult> {
    const ids = eventIdsFor(decided.length, meta.idempotencyKey ? { tenant, key: meta.idempotencyKey, scope } : null);
    return this.store.append(cycleStream(tenant, cycleId), toNewEvents(tenant, decided, ids, definitionVersion, meta), {
      expectedVersion: expectedVersion === 0 ? 'no_stream' : expectedVersion,
    });
  }
}
