import { DEFAULT_TENANT_TIME, isIsoDate, type PatronDay, type TenantCalendar, type TenantTime, type TenantTimeOf } from '@ciclo/domain';
import type { EventStore, RecordedEvent } from '@ciclo/event-store';
import { classifyDirectoryEvent } from './directory-events';
import { isValidTimeZone } from './time';

/** A tenant's calendar as the directory last recorded it. */
export interface TenantCalendarEntry {
  /** Name of the body */
  name: string;
  /** Calendar and IANA time zone every deadline of the tenant is computed with */
  time: TenantTime;
  /** Version of the tenant's stream folded */
  version: number;
}

const TENANT_STREAM = /^([a-z0-9][a-z0-9_.-]{0,62})\/tenant$/;

/** The valid entries of a stored calendar (older or foreign data folds, it does not throw). */
function calendarOf(patronDays: readonly PatronDay[], extraClosures: readonly string[]): TenantCalendar {
  const days = patronDays.filter(
    (p) =>
      typeof p === 'object' &&
      p !== null &&
      Number.isInteger(p.month) &&
      Number.isInteger(p.day) &&
      p.month >= 1 &&
      p.month <= 12 &&
      p.day >= 1 &&
      p.day <= 31 &&
      typeof p.name === 'string' &&
      typeof p.legalHoliday === 'boolean',
  );
  return { patronDays: days.map((p) => ({ month: p.month, day: p.day, name: p.name, legalHoliday: p.legalHoliday })), extraClosures: extraClosures.filter((d) => isIsoDate(d)) };
}

/**
 * Every tenant's calendar and time zone from the identity directory (`TenantRegistered`, then
 * `TenantProfileUpdated` when it carries them), held in memory so that `tenantTime` answers
 * synchronously, as the pure `deadlineDay` needs. One view per event store in a process
 * (`TenantCalendars.of`):
 *
 * - `ready()` reads the tenant streams once, before the first deadline is computed;
 * - the directory's own appends in this process are applied at once (`apply`);
 * - appends of other processes arrive on use: a read more than `staleMs` after the last catch-up
 *   starts one in the background (the next computation follows the change).
 *
 * A tenant the directory does not know has the national calendar in Rome's time zone.
 */
export class TenantCalendars {
  private static readonly views = new WeakMap<EventStore, TenantCalendars>();

  /** The view of `store` shared by every consumer in this process. */
  static of(store: EventStore): TenantCalendars {
    let view = TenantCalendars.views.get(store);
    if (!view) {
      view = new TenantCalendars(store);
      TenantCalendars.views.set(store, view);
    }
    return view;
  }

  private readonly tenants = new Map<string, TenantCalendarEntry>();
  private running: Promise<void> | null = null;
  private caughtUp: Promise<void> | null = null;
  private lastCatchUp = 0;

  constructor(
    private readonly store: EventStore,
    private readonly options: { staleMs?: number; clock?: () => number } = {},
  ) {}

  private now(): number {
    return this.options.clock?.() ?? Date.now();
  }

  /** The calendar and time zone of `tenant` (the national calendar when the directory does not know it). */
  readonly tenantTime: TenantTimeOf = (tenant) => this.entry(tenant)?.time ?? DEFAULT_TENANT_TIME;

  /** The directory's record of `tenant`'s calendar, or null. A read long after the last catch-up starts one. */
  entry(tenant: string): TenantCalendarEntry | null {
    if (this.caughtUp && !this.running && this.now() - this.lastCatchUp > (this.options.staleMs ?? 1000)) void this.refresh().catch(() => undefined);
    return this.tenants.get(tenant) ?? null;
  }

  /** Resolves once the committed log has been read (the first call reads it; later calls share it; a failed read is tried again). */
  ready(): Promise<void> {
    this.caughtUp ??= this.refresh().catch((err: unknown) => {
      this.caughtUp = null;
      throw err;
    });
    return this.caughtUp;
  }

  /**
   * Reads what the tenant streams gained since the last catch-up (one at a time): the store lists
   * the `<tenant>/tenant` streams with their versions, and only a stream past the version held is
   * read, from there. The cost follows the number of tenants, not the length of the log.
   */
  refresh(): Promise<void> {
    this.running ??= (async () => {
      try {
        const started = this.now();
        for (const s of await this.store.listStreams({ kind: 'tenant' })) {
          const tenant = TENANT_STREAM.exec(s.streamId)?.[1];
          if (!tenant) continue;
          const held = this.tenants.get(tenant)?.version ?? 0;
          if (s.version > held) this.apply(await this.store.readStream(s.streamId, { fromVersion: held + 1 }));
        }
        this.lastCatchUp = started;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /**
   * Folds directory events of tenant streams; any other event is ignored. Each stream's events
   * count once and in order: only the event right after the version held is applied, so the
   * directory's own appends and the log may both bring the same event, and an own append after
   * another process's (not read yet) waits for the log to bring both.
   */
  apply(events: readonly RecordedEvent[]): void {
    for (const stored of events) {
      const tenant = TENANT_STREAM.exec(stored.streamId)?.[1];
      if (!tenant) continue;
      const held = this.tenants.get(tenant);
      if (stored.version !== (held?.version ?? 0) + 1) continue;
      const e = classifyDirectoryEvent(stored);
      switch (e.kind) {
        case 'TenantRegistered': {
          const { name, timeZone, patronDays, extraClosures } = e.data;
          this.tenants.set(tenant, { name, version: e.version, time: { calendar: calendarOf(patronDays, extraClosures), timeZone: isValidTimeZone(timeZone) ? timeZone : DEFAULT_TENANT_TIME.timeZone } });
          break;
        }
        case 'TenantProfileUpdated': {
          if (!held) break;
          const { timeZone, patronDays, extraClosures } = e.data;
          const calendar = held.time.calendar;
          this.tenants.set(tenant, {
            name: held.name,
            version: e.version,
            time: {
              calendar: patronDays || extraClosures ? calendarOf(patronDays ?? calendar.patronDays, extraClosures ?? calendar.extraClosures) : calendar,
              timeZone: timeZone && isValidTimeZone(timeZone) ? timeZone : held.time.timeZone,
            },
          });
          break;
        }
        default:
          if (held) held.version = e.version;
      }
    }
  }
}
