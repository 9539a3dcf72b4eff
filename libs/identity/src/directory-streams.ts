import { FoldCache, runCommand, StreamFolder } from '@ciclo/commands';
import type { EventStore, JsonObject, RecordedEvent } from '@ciclo/event-store';
import type { ChangeAuthor } from './actor';
import { calendarFeedsFold, type CalendarFeedsState } from './calendar-feeds';
import { directoryEventSchemaVersion, type DirectoryEventType } from './directory-events';
import { apiKeysFold, tenantFold, userFold, type ApiKeysState, type TenantState, type UserState } from './directory-model';
import { IdentityRefusal } from './errors';
import { TenantCalendars } from './tenant-calendars';

/** What every directory change carries besides its author. */
export interface ChangeMeta {
  correlationId: string;
}

/** What a directory command decided: one event (none: nothing to write), and the answer from the state after it. */
export interface DirectoryDecision<S, R> {
  event?: { type: DirectoryEventType; data: JsonObject };
  answer(after: S): R | Promise<R>;
}

/**
 * The directory's streams through the one command path: a folder (fold + bounded cache) per kind
 * of stream, and `write`, which runs a command on `runCommand` (load, decide, append at the
 * expected version, decide again once on a concurrent write) with the author's metadata.
 */
export class DirectoryStreams {
  readonly users: StreamFolder<UserState>;
  readonly keys: StreamFolder<ApiKeysState>;
  readonly feeds: StreamFolder<CalendarFeedsState>;
  readonly tenants: StreamFolder<TenantState>;

  constructor(
    readonly store: EventStore,
    private readonly options: { cacheSize?: number; clock?: () => Date } = {},
  ) {
    const size = options.cacheSize ?? 10000;
    this.users = new StreamFolder(store, userFold, new FoldCache(size));
    this.keys = new StreamFolder(store, apiKeysFold, new FoldCache(size));
    this.feeds = new StreamFolder(store, calendarFeedsFold, new FoldCache(size));
    this.tenants = new StreamFolder(store, tenantFold, new FoldCache(size));
  }

  now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  /** Runs one directory command on a stream: the cache and the tenants' calendars move forward by the event written (no read back). */
  write<S extends object, R>(
    folder: StreamFolder<S>,
    stream: string,
    tenant: string,
    by: ChangeAuthor,
    meta: ChangeMeta,
    decide: (state: S) => DirectoryDecision<S, R> | Promise<DirectoryDecision<S, R>>,
    conflict: () => Error = () => new IdentityRefusal('CONCURRENT_MODIFICATION'),
  ): Promise<R> {
    return runCommand<S, R>({
      folder,
      stream,
      meta: { tenant, correlationId: meta.correlationId, extra: by.tenant && by.tenant !== tenant ? { actorTenant: by.tenant } : {} },
      schemaVersion: directoryEventSchemaVersion,
      decide: async (state) => {
        const d = await decide(state);
        if (!d.event) return { events: [], answer: () => d.answer(state) };
        const decided = { ...d.event, actorId: by.userId, actorRole: by.role, occurredAt: this.now().toISOString() };
        let after: S | undefined;
        return {
          events: [decided],
          after: ([eventId]) => {
            const event = recorded(stream, tenant, decided, eventId, folder.fold.version(state) + 1);
            // The tenants' calendars of this process follow the directory's own appends at once.
            TenantCalendars.of(this.store).apply([event]);
            return (after = folder.fold.apply(state, [event]));
          },
          answer: async () => d.answer(after ?? (await folder.load(stream)).state),
        };
      },
      conflict,
    });
  }
}

/** An event as the store records it, for folding a command's own event without reading it back. */
function recorded(streamId: string, tenant: string, e: { type: string; data: JsonObject; actorId: string; actorRole: string; occurredAt: string }, eventId: string, version: number): RecordedEvent {
  return {
    eventId,
    streamId,
    type: e.type,
    data: e.data,
    metadata: { tenant, actorId: e.actorId, actorRole: e.actorRole, occurredAt: e.occurredAt, correlationId: '', causationId: null, schemaVersion: directoryEventSchemaVersion(e.type) },
    version,
    position: 0,
    recordedAt: new Date(e.occurredAt),
    hash: '',
  };
}
