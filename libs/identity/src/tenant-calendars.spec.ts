// The tenants' calendars as the directory records them: read from the log once, then kept current
// by the directory's own appends and by a catch-up a stale read starts; each tenant stream's events
// count once and in order, and a tenant the directory does not know has the national calendar.
import { DEFAULT_TENANT_TIME, ROMA_SANTI_PIETRO_E_PAOLO } from '@ciclo/domain';
import type { EventStore, RecordedEvent, StreamInfo, StreamQuery } from '@ciclo/event-store';
import { TenantCalendars } from './tenant-calendars';

const at = '2027-03-01T10:00:00.000Z';
const event = (streamId: string, version: number, type: string, data: Record<string, unknown>): RecordedEvent =>
  ({ streamId, version, type, data, metadata: { tenant: streamId.split('/')[0], actorId: 'u-root', actorRole: 'admin', occurredAt: at } }) as unknown as RecordedEvent;

const registered = (tenant: string, extra: Record<string, unknown> = {}) =>
  event(`${tenant}/tenant`, 1, 'TenantRegistered', { tenantId: tenant, name: `CCIAA ${tenant}`, ipaCode: 'x_y', timeZone: 'Europe/Rome', patronDays: [], extraClosures: [], ...extra });
const profile = (tenant: string, version: number, calendar: Record<string, unknown>) =>
  event(`${tenant}/tenant`, version, 'TenantProfileUpdated', { tenantId: tenant, address: 'Via', legalRepresentative: 'P', employees: 1, website: 'https://x.it', ...calendar });

/**
 * A store holding `events` (appended to as the test goes): the view lists the streams of a kind
 * with their versions and reads a stream from a version, as the event store's port answers.
 */
function fakeLog(events: RecordedEvent[]): { store: EventStore; reads: () => number; streamReads: string[] } {
  let reads = 0;
  const streamReads: string[] = [];
  const store = {
    async listStreams(query: StreamQuery): Promise<StreamInfo[]> {
      reads++;
      const versions = new Map<string, number>();
      for (const e of events) {
        const name = e.streamId.split('/')[1];
        if (name === query.kind || name.startsWith(`${query.kind}-`)) versions.set(e.streamId, Math.max(versions.get(e.streamId) ?? 0, e.version));
      }
      return [...versions].map(([streamId, version]) => ({ streamId, version })).sort((a, b) => (a.streamId < b.streamId ? -1 : 1));
    },
    async readStream(streamId: string, options: { fromVersion?: number } = {}): Promise<RecordedEvent[]> {
      streamReads.push(`${streamId}@${options.fromVersion ?? 1}`);
      return events.filter((e) => e.streamId === streamId && e.version >= (options.fromVersion ?? 1)).sort((a, b) => a.version - b.version);
    },
  } as unknown as EventStore;
  return { store, reads: () => reads, streamReads };
}

describe('tenant calendars from the identity directory', () => {
  it('reads the tenant streams once: registrations and profile updates with a calendar, not other streams', async () => {
    const log = [
      registered('cciaa-rm', { patronDays: [ROMA_SANTI_PIETRO_E_PAOLO] }),
      event('cciaa-rm/user-u1', 1, 'RoleGranted', { userId: 'u1', role: 'po' }),
      registered('cciaa-mi', { timeZone: 'Europe/Rome' }),
      profile('cciaa-mi', 2, { patronDays: [{ month: 12, day: 7, name: "Sant'Ambrogio", legalHoliday: false }, { month: 13, day: 1, name: 'bad', legalHoliday: true }], extraClosures: ['2027-12-24', 'never'] }),
      profile('cciaa-rm', 2, {}),
    ];
    const { store, streamReads } = fakeLog(log);
    const view = new TenantCalendars(store);
    await view.ready();
    // Only the tenant streams are read, each from its first event.
    expect(streamReads.sort()).toEqual(['cciaa-mi/tenant@1', 'cciaa-rm/tenant@1']);
    expect(view.tenantTime('cciaa-rm')).toEqual({ timeZone: 'Europe/Rome', calendar: { patronDays: [ROMA_SANTI_PIETRO_E_PAOLO], extraClosures: [] } });
    expect(view.entry('cciaa-rm')).toMatchObject({ name: 'CCIAA cciaa-rm', version: 2 });
    // Only the valid entries of a stored calendar count.
    expect(view.tenantTime('cciaa-mi').calendar).toEqual({ patronDays: [{ month: 12, day: 7, name: "Sant'Ambrogio", legalHoliday: false }], extraClosures: ['2027-12-24'] });
    expect(view.tenantTime('cciaa-xx')).toBe(DEFAULT_TENANT_TIME);
    expect(view.entry('cciaa-xx')).toBeNull();
  });

  it('applies an own append at once, counts each event once, and waits for the log when an earlier event is missing', () => {
    const view = new TenantCalendars(fakeLog([]).store);
    view.apply([registered('cciaa-rm')]);
    view.apply([registered('cciaa-rm', { patronDays: [ROMA_SANTI_PIETRO_E_PAOLO] })]);
    expect(view.tenantTime('cciaa-rm').calendar.patronDays).toEqual([]);
    // Version 3 before version 2 (written by another process, not read yet): not applied.
    view.apply([profile('cciaa-rm', 3, { timeZone: 'Europe/Berlin' })]);
    expect(view.tenantTime('cciaa-rm').timeZone).toBe('Europe/Rome');
    view.apply([profile('cciaa-rm', 2, { patronDays: [ROMA_SANTI_PIETRO_E_PAOLO] }), profile('cciaa-rm', 3, { timeZone: 'Europe/Berlin' })]);
    expect(view.tenantTime('cciaa-rm')).toEqual({ timeZone: 'Europe/Berlin', calendar: { patronDays: [ROMA_SANTI_PIETRO_E_PAOLO], extraClosures: [] } });
    // A profile update without calendar fields keeps the calendar; an unknown time zone is not taken.
    view.apply([profile('cciaa-rm', 4, { timeZone: 'Mars/Olympus' })]);
    expect(view.tenantTime('cciaa-rm')).toEqual({ timeZone: 'Europe/Berlin', calendar: { patronDays: [ROMA_SANTI_PIETRO_E_PAOLO], extraClosures: [] } });
    // A profile update of a tenant never registered changes nothing.
    view.apply([profile('cciaa-zz', 1, { patronDays: [ROMA_SANTI_PIETRO_E_PAOLO] })]);
    expect(view.entry('cciaa-zz')).toBeNull();
  });

  it("follows another process's appends: a read after the stale time starts a catch-up, the next read has them", async () => {
    const log = [registered('cciaa-rm')];
    const { store, reads, streamReads } = fakeLog(log);
    let now = 0;
    const view = new TenantCalendars(store, { staleMs: 1000, clock: () => now });
    await view.ready();
    const afterReady = reads();
    log.push(profile('cciaa-rm', 2, { patronDays: [ROMA_SANTI_PIETRO_E_PAOLO] }));
    now = 500;
    expect(view.tenantTime('cciaa-rm').calendar.patronDays).toEqual([]);
    expect(reads()).toBe(afterReady);
    now = 1500;
    expect(view.tenantTime('cciaa-rm').calendar.patronDays).toEqual([]);
    // That read started the catch-up (its listing of the tenant streams is under way).
    expect(reads()).toBe(afterReady + 1);
    await view.refresh();
    expect(view.tenantTime('cciaa-rm').calendar.patronDays).toEqual([ROMA_SANTI_PIETRO_E_PAOLO]);
    // The stream was read from the version after the one held, and not again once nothing moved.
    expect(streamReads).toEqual(['cciaa-rm/tenant@1', 'cciaa-rm/tenant@2']);
    await view.refresh();
    expect(streamReads).toHaveLength(2);
  });

  it('is one view per event store, and a failed first read is tried again', async () => {
    const { store } = fakeLog([registered('cciaa-rm')]);
    expect(TenantCalendars.of(store)).toBe(TenantCalendars.of(store));
    let fail = true;
    const flaky = {
      async listStreams(): Promise<StreamInfo[]> {
        if (fail) throw new Error('store down');
        return [];
      },
    } as unknown as EventStore;
    const view = new TenantCalendars(flaky);
    await expect(view.ready()).rejects.toThrow('store down');
    fail = false;
    await expect(view.ready()).resolves.toBeUndefined();
  });
});
