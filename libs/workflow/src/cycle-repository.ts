import { foldCycle, type CycleState, type DomainEvent, type FoldableEvent } from '@ciclo/domain';
import type { AppendResult, EventStore, RecordedEvent } from '@ciclo/event-store';
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

export interface CommandMeta {
  correlationId: string;
  causationId: string | null;
  idempotencyKey: string | null;
}

/** Loads cycles by folding their streams and appends what the decider decided. */
export class CycleRepository {
  constructor(private readonly store: EventStore) {}

  async load(tenant: string, cycleId: string, options: { until?: Date; toVersion?: number } = {}): Promise<{ state: CycleState; events: RecordedEvent[] }> {
    const events = await this.store.readStream(cycleStream(tenant, cycleId), options);
    return { state: foldCycle(events.map(toFoldable)), events };
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
    return this.store.append(
      cycleStream(tenant, cycleId),
      decided.map((e, i) => ({
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
          ...(typeof e.data.fields === 'object' && e.data.fields && 'reason' in e.data.fields
            ? { reason: String((e.data.fields as Record<string, unknown>).reason) }
            : typeof e.data.reason === 'string'
              ? { reason: e.data.reason }
              : {}),
        },
      })),
      { expectedVersion: expectedVersion === 0 ? 'no_stream' : expectedVersion },
    );
  }
}
