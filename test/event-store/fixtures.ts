import { randomUUID } from 'node:crypto';
import type { JsonObject, NewEvent } from '@ciclo/event-store';

/** An event with complete metadata for `tenant`; fields can be overridden. */
export function anEvent(tenant: string, type = 'SomethingHappened', data: JsonObject = {}, extra: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: {
      tenant,
      actorId: 'user-1',
      actorRole: 'po',
      occurredAt: new Date().toISOString(),
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
    ...extra,
  };
}

export const uniqueStream = (tenant: string, kind = 'cycle') => `${tenant}/${kind}-${randomUUID()}`;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
