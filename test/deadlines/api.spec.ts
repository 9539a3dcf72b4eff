// The deadlines over HTTP: move_deadline, the iCalendar feed (parsed with ical.js, a standard
// parser), the in-app list, the queue dashboard behind the admin role.
import ICAL from 'ical.js';
import { startTestApi, type TestApi } from '../support/api';

describe('deadlines API', () => {
  let api: TestApi;
  let rpct: string;
  let po: string;
  let admin: string;
  let cycleId: string;

  beforeAll(async () => {
    api = await startTestApi('dlapi');
    rpct = await api.token('u-rpct', ['rpct']);
    po = await api.token('u-po', ['po']);
    admin = await api.token('u-admin', ['admin']);
    const r = await api.call<{ cycleId: string }>('POST', '/cycles', { token: rpct, body: { type: 'relazione_rpct', year: 2027 } });
    expect(r.status).toBe(201);
    cycleId = r.body.cycleId;
  });

  afterAll(async () => {
    await api?.close();
  });

  it('POST /cycles/{id}/commands/move_deadline moves the date, with the reason in the event', async () => {
    const bad = await api.call<{ code: string }>('POST', `/cycles/${cycleId}/commands/move_deadline`, {
      token: rpct,
      body: { deadlineId: 'pubblicazione', newDate: '2028-02-30', reason: 'ANAC', reference: 'Comunicato' },
    });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_DEADLINE_DATE']);
    const unknown = await api.call<{ code: string }>('POST', `/cycles/${cycleId}/commands/move_deadline`, {
      token: rpct,
      body: { deadlineId: 'nessuna', newDate: '2028-01-31', reason: 'ANAC', reference: 'Comunicato' },
    });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'UNKNOWN_DEADLINE']);
    const refused = await api.call<{ code: string }>('POST', `/cycles/${cycleId}/commands/move_deadline`, {
      token: po,
      body: { deadlineId: 'pubblicazione', newDate: '2028-01-31', reason: 'ANAC', reference: 'Comunicato' },
    });
    expect(refused.status).toBe(403);
    const ok = await api.call<{ events: { type: string }[] }>('POST', `/cycles/${cycleId}/commands/move_deadline`, {
      token: rpct,
      body: { deadlineId: 'pubblicazione', newDate: '2028-01-31', reason: 'Comunicato ANAC: differimento al 31 gennaio', reference: 'Comunicato ANAC del 5 dicembre 2027' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.events.map((e) => e.type)).toEqual(['DeadlineMoved']);
    const { rows } = await api.pool.query(`SELECT data, metadata->>'reason' AS reason FROM es_events WHERE type = 'DeadlineMoved'`);
    expect(rows[0].reason).toBe('Comunicato ANAC: differimento al 31 gennaio');
    expect(rows[0].data).toMatchObject({ fromDate: '2027-12-15', toDate: '2028-01-31' });
    const view = await api.call<{ deadlines: { id: string; legalDate: string; rescheduled?: { reference: string } }[] }>('GET', `/cycles/${cycleId}`, { token: rpct });
    expect(view.body.deadlines[0]).toMatchObject({ legalDate: '2028-01-31', rescheduled: { reference: 'Comunicato ANAC del 5 dicembre 2027' } });
  });

  it('GET /calendar.ics is a valid iCalendar feed with one event per deadline and its alarms', async () => {
    const r = await api.call<string>('GET', '/calendar.ics?tenant=cciaa-po', { token: rpct });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/calendar/);
    const text = r.body;
    expect(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    const cal = new ICAL.Component(ICAL.parse(text));
    expect(cal.getFirstPropertyValue('version')).toBe('2.0');
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const e = events.find((x) => x.uid === `${cycleId}-pubblicazione@ciclo`);
    expect(e).toBeDefined();
    expect(e!.startDate.toString()).toBe('2028-01-31');
    expect(e!.startDate.isDate).toBe(true);
    expect(e!.summary).toContain('Pubblicazione della Relazione annuale del RPCT');
    expect(e!.description).toContain('Comunicato ANAC del 5 dicembre 2027');
    // The event links to the console's page of the cycle, not to the JSON.
    expect(String(e!.component.getFirstPropertyValue('url'))).toMatch(new RegExp(`/cicli/${cycleId}$`));
    const alarms = e!.component.getAllSubcomponents('valarm');
    expect(alarms.map((a) => String(a.getFirstPropertyValue('trigger')))).toEqual([
      '2028-01-03T08:00:00Z', // 1 January 2028 (Saturday, Capodanno) → Monday 3
      '2028-01-17T08:00:00Z',
      '2028-01-24T08:00:00Z',
      '2028-01-31T08:00:00Z',
      '2028-02-07T08:00:00Z',
    ]);
    const other = await api.call('GET', '/calendar.ics?tenant=cciaa-fi', { token: rpct });
    expect(other.status).toBe(404);
    const mine = await api.call<string>('GET', '/calendar.ics?user=me', { token: po });
    expect(new ICAL.Component(ICAL.parse(mine.body)).getAllSubcomponents('vevent')).toHaveLength(0); // po does not act on the RPCT report now
    const someoneElse = await api.call('GET', '/calendar.ics?user=u-rpct', { token: po });
    expect(someoneElse.status).toBe(403);
  });

  it('the queue dashboard and the dead-letter list are for the admin role', async () => {
    expect((await api.call('GET', '/admin/queues')).status).toBe(401);
    expect((await api.call('GET', '/admin/queues', { token: rpct })).status).toBe(403);
    const page = await api.call<string>('GET', '/admin/queues', { token: admin });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html');
    const queues = await api.call<{ queues: { name: string }[] }>('GET', '/admin/queues/api/queues', { token: admin });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q) => q.name).sort()).toEqual(['reminders', 'webhooks']);
    expect((await api.call('GET', '/admin/webhooks/dead-letters', { token: admin })).status).toBe(200);
    expect((await api.call('GET', '/admin/webhooks/dead-letters', { token: rpct })).status).toBe(403);
  });

  it("GET /notifications lists the caller's in-app notifications", async () => {
    const r = await api.call<unknown[]>('GET', '/notifications?unread=true', { token: rpct });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([]);
  });
});
