// The identity directory is the one source of a tenant's calendar: a chamber registered through
// the API with a patron day that is a legal holiday sees a deadline falling on it moved to the next
// working day (cycle view and deadlines query); its calendar changed through the profile endpoint
// counts from the next computation, the read model and the iCalendar feed's reminders included,
// with no event on the cycle; an
// invalid calendar or a non-administrator is refused, writing nothing.
import { ROMA_SANTI_PIETRO_E_PAOLO } from '@ciclo/domain';
import { startTestApi, type TestApi } from '../support/api';
import { waitFor } from './support';

const ROMA = 'cciaa-rm';
const registry = { address: 'Via de Burrò 147, 00186 Roma', legalRepresentative: 'Presidente', employees: 200, website: 'https://www.rm.camcom.it' };

interface CycleView {
  deadlines: { id: string; legalDate: string; effectiveDate: string }[];
}
interface ErrorAnswer {
  code: string;
  messageIt: string;
  fields?: { field: string; problem: string; problemIt?: string }[];
}

describe("a tenant's calendar from the identity directory", () => {
  let api: TestApi;
  let admin: string, rpct: string;
  let cycleId: string;

  beforeAll(async () => {
    api = await startTestApi('dircal', {}, { projections: true });
    const root = await api.token('u-root', ['admin'], 'platform');
    const registered = await api.call('POST', '/tenants', { token: root, body: { id: ROMA, name: 'Camera di commercio di Roma', ipaCode: 'cciaa_rm', patronDays: [ROMA_SANTI_PIETRO_E_PAOLO] } });
    expect(registered.status).toBe(201);
    admin = await api.token('u-admin-rm', ['admin'], ROMA);
    rpct = await api.token('u-rpct-rm', ['rpct'], ROMA);
    const opened = await api.call<{ cycleId: string }>('POST', '/cycles', { token: rpct, body: { type: 'relazione_rpct', year: 2027 } });
    expect(opened.status).toBe(201);
    cycleId = opened.body.cycleId;
    // ANAC moves the publication to Tuesday 29 June 2027: Santi Pietro e Paolo in Rome.
    const moved = await api.call('POST', `/cycles/${cycleId}/commands/move_deadline`, {
      token: rpct,
      body: { deadlineId: 'pubblicazione', newDate: '2027-06-29', reason: 'Comunicato ANAC: termine al 29 giugno', reference: 'Comunicato ANAC del 3 maggio 2027' },
    });
    expect(moved.status).toBe(200);
  });

  afterAll(async () => {
    await api?.close();
  });

  /** The publication deadline as the cycle view computes it now. */
  async function inView(): Promise<{ legalDate: string; effectiveDate: string } | undefined> {
    const view = await api.call<CycleView>('GET', `/cycles/${cycleId}`, { token: rpct });
    expect(view.status).toBe(200);
    return view.body.deadlines.find((d) => d.id === 'pubblicazione');
  }

  /** Waits until the deadlines query (the read model) shows `date` as the effective date. */
  function inQuery(date: string): Promise<string> {
    return waitFor(`/deadlines at ${date}`, async () => {
      const r = await api.call<{ deadlineId: string; effectiveDate: string }[]>('GET', `/deadlines?cycleId=${cycleId}`, { token: rpct });
      const d = r.body.find((x) => x.deadlineId === 'pubblicazione');
      return d?.effectiveDate === date ? date : null;
    });
  }

  /** The publication deadline in the iCalendar feed: its day and when its "due today" reminder goes off. */
  async function inFeed(): Promise<{ day: string | undefined; dueAlarm: string | undefined }> {
    const ics = await api.call<string>('GET', '/calendar.ics', { token: rpct });
    expect(ics.status).toBe(200);
    const event = ics.body.split('BEGIN:VEVENT').find((e) => e.includes(`UID:${cycleId}-pubblicazione@ciclo`)) ?? '';
    const due = event.split('BEGIN:VALARM').find((a) => a.includes('DESCRIPTION:Scade oggi'));
    return { day: /DTSTART;VALUE=DATE:(\d{8})/.exec(event)?.[1], dueAlarm: /TRIGGER;VALUE=DATE-TIME:(\S+)/.exec(due ?? '')?.[1] };
  }

  const cycleEvents = async () => Number((await api.pool.query<{ n: string }>(`SELECT count(*) AS n FROM es_events WHERE stream_id = $1`, [`${ROMA}/cycle-${cycleId}`])).rows[0].n);

  it('moves a deadline on the patron day of a tenant registered through the API to the next working day', async () => {
    expect(await inView()).toEqual(expect.objectContaining({ legalDate: '2027-06-29', effectiveDate: '2027-06-30' }));
    expect(await inQuery('2027-06-30')).toBe('2027-06-30');
    // 09:00 in Rome (summer time) on the effective day.
    expect(await inFeed()).toEqual({ day: '20270630', dueAlarm: '20270630T070000Z' });
  });

  it('refuses an invalid calendar or a non-administrator on the profile endpoint, writing nothing', async () => {
    const head = await api.head();
    const zone = await api.call<ErrorAnswer>('PUT', `/tenants/${ROMA}/profile`, { token: admin, body: { ...registry, timeZone: 'Europe/Atlantide' } });
    expect(zone.status).toBe(400);
    expect(zone.body.fields).toEqual([expect.objectContaining({ field: 'body.timeZone', problemIt: 'deve essere un fuso orario IANA, ad esempio Europe/Rome' })]);
    expect(zone.body.messageIt).toMatch(/timeZone/);
    const day = await api.call<ErrorAnswer>('PUT', `/tenants/${ROMA}/profile`, { token: admin, body: { ...registry, patronDays: [{ month: 2, day: 30, name: 'Nessuno', legalHoliday: true }] } });
    expect(day.status).toBe(400);
    expect(day.body.fields).toEqual([expect.objectContaining({ field: 'body.patronDays', problemIt: 'giorno del patrono non valido: mese 2, giorno 30' })]);
    const closure = await api.call<ErrorAnswer>('PUT', `/tenants/${ROMA}/profile`, { token: admin, body: { ...registry, extraClosures: ['2027-13-01'] } });
    expect(closure.status).toBe(400);
    expect(closure.body.fields).toEqual([expect.objectContaining({ field: 'body.extraClosures', problemIt: 'data di chiusura non valida: "2027-13-01"' })]);
    const byRpct = await api.call<ErrorAnswer>('PUT', `/tenants/${ROMA}/profile`, { token: rpct, body: { ...registry, patronDays: [] } });
    expect(byRpct.status).toBe(403);
    expect(await api.head()).toBe(head);
    expect(await inView()).toEqual(expect.objectContaining({ effectiveDate: '2027-06-30' }));
  });

  it('follows a calendar changed through the profile endpoint from the next computation, with no event on the cycle', async () => {
    const before = await cycleEvents();
    const cleared = await api.call<{ patronDays: unknown[]; profile: { address: string } }>('PUT', `/tenants/${ROMA}/profile`, { token: admin, body: { ...registry, patronDays: [] } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ patronDays: [], profile: { address: registry.address } });
    expect(await inView()).toEqual(expect.objectContaining({ legalDate: '2027-06-29', effectiveDate: '2027-06-29' }));
    expect(await inQuery('2027-06-29')).toBe('2027-06-29');
    // The feed's reminders are planned again with the new calendar, not kept from before.
    expect(await inFeed()).toEqual({ day: '20270629', dueAlarm: '20270629T070000Z' });

    // The registry data alone leaves the calendar as it is.
    const same = await api.call('PUT', `/tenants/${ROMA}/profile`, { token: admin, body: { ...registry, employees: 201 } });
    expect(same.status).toBe(200);
    expect(await inView()).toEqual(expect.objectContaining({ effectiveDate: '2027-06-29' }));

    const restored = await api.call('PUT', `/tenants/${ROMA}/profile`, { token: admin, body: { ...registry, patronDays: [ROMA_SANTI_PIETRO_E_PAOLO] } });
    expect(restored.status).toBe(200);
    expect(await inView()).toEqual(expect.objectContaining({ effectiveDate: '2027-06-30' }));
    expect(await inQuery('2027-06-30')).toBe('2027-06-30');
    expect(await inFeed()).toEqual({ day: '20270630', dueAlarm: '20270630T070000Z' });
    expect(await cycleEvents()).toBe(before);
    const { rows } = await api.pool.query<{ v: number }>(`SELECT (metadata->>'schemaVersion')::int AS v FROM es_events WHERE stream_id = $1 AND type = 'TenantProfileUpdated'`, [`${ROMA}/tenant`]);
    expect(rows.map((r) => r.v)).toEqual([2, 2, 2]);
  });
});
