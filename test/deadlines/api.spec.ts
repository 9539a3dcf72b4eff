// The deadlines over HTTP: move_deadline, the iCalendar feed (parsed with ical.js, a standard
// parser), the in-app list, the queue dashboard behind the admin role.
import ICAL from 'ical.js';
import { resolve } from 'node:path';
import { publicUrl } from '@ciclo/config';
import type { CycleState } from '@ciclo/domain';
import { deadlinesCalendar, ReminderPlanner } from '@ciclo/deadlines';
import type { EventStore } from '@ciclo/event-store';
import { StaticTenantDirectory } from '@ciclo/notifications';
import { EVENT_STORE } from '@ciclo/platform';
import { ProjectionRunner } from '@ciclo/projections';
import { CycleRepository, DefinitionRegistry } from '@ciclo/workflow';
import { startTestApi, type TestApi } from '../support/api';

describe('deadlines API', () => {
  let api: TestApi;
  let rpct: string;
  let po: string;
  let admin: string;
  let cycleId: string;

  beforeAll(async () => {
    api = await startTestApi('dlapi', {}, { projections: true }); // the calendar is rendered from the cycles read model
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

  it('a personal calendar feed: a secret address read with a plain GET, 304 when unchanged, 404 once revoked', async () => {
    const before = await api.head();
    const bad = await api.call<{ code: string; fields: { field: string }[] }>('POST', '/calendar/feeds', { token: rpct, body: { scope: 'tutto' } });
    expect([bad.status, bad.body.code, bad.body.fields.map((f) => f.field)]).toEqual([400, 'INVALID_REQUEST', ['body.scope']]);
    expect(await api.head()).toBe(before);
    expect((await api.call('POST', '/calendar/feeds', { body: {} })).status).toBe(401);

    const created = await api.call<{ id: string; url: string; scope: string }>('POST', '/calendar/feeds', { token: rpct, body: { scope: 'mine' } });
    expect(created.status).toBe(201);
    expect(created.body.scope).toBe('mine');
    const path = new URL(created.body.url).pathname;
    expect(path).toMatch(new RegExp(`^/calendar/feeds/cciaa-po/${created.body.id}\\.[A-Za-z0-9_-]{43}\\.ics$`));
    // Only the hash of the secret is stored.
    const secret = path.split('.')[1];
    const { rows } = await api.pool.query<{ data: string }>(`SELECT data::text FROM es_events WHERE type = 'CalendarFeedCreated'`);
    expect(rows).toHaveLength(1);
    expect(rows[0].data).not.toContain(secret);
    const listed = await api.call<Record<string, unknown>[]>('GET', '/calendar/feeds', { token: rpct });
    expect(listed.body.map((f) => f.id)).toEqual([created.body.id]);
    expect(Object.keys(listed.body[0]).sort()).toEqual(['createdAt', 'id', 'scope']);

    // What a calendar application sends: a plain GET, no header.
    const feed = await api.call<string>('GET', path);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    const cal = new ICAL.Component(ICAL.parse(feed.body));
    expect(cal.getFirstPropertyValue('refresh-interval')?.toString()).toBe('PT1H');
    expect(cal.getFirstPropertyValue('x-published-ttl')).toBe('PT1H');
    const event = () => {
      const c = new ICAL.Component(ICAL.parse(feedBody));
      return c.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v)).find((e) => e.uid === `${cycleId}-pubblicazione@ciclo`);
    };
    let feedBody = feed.body;
    const first = event();
    expect(first).toBeDefined();
    const etag = feed.headers.get('etag') as string;
    expect(etag).toBeTruthy();
    expect((await api.call('GET', path, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await api.call('GET', path, { headers: { 'if-modified-since': feed.headers.get('last-modified') as string } })).status).toBe(304);
    // The cycle changes: a new ETag, the same UID, a higher SEQUENCE.
    expect((await api.call('POST', `/cycles/${cycleId}/commands/comment`, { token: rpct, body: { text: 'Nota per il calendario' } })).status).toBe(200);
    const changed = await api.call<string>('GET', path, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    feedBody = changed.body;
    expect(event()!.sequence).toBeGreaterThan(first!.sequence);

    // po's own feed (stages po acts on) does not carry the RPCT's report.
    const poFeed = await api.call<{ url: string }>('POST', '/calendar/feeds', { token: po, body: {} });
    expect(poFeed.status).toBe(201);
    const poCal = await api.call<string>('GET', new URL(poFeed.body.url).pathname);
    expect(new ICAL.Component(ICAL.parse(poCal.body)).getAllSubcomponents('vevent')).toHaveLength(0);

    // Wrong secret, other tenant, malformed: 404, nothing said about which part was wrong.
    expect((await api.call('GET', path.replace(/\.[A-Za-z0-9_-]{43}\./, `.${'A'.repeat(43)}.`))).status).toBe(404);
    expect((await api.call('GET', path.replace('/cciaa-po/', '/cciaa-fi/'))).status).toBe(404);
    expect((await api.call('GET', '/calendar/feeds/cciaa-po/nonsense.ics')).status).toBe(404);

    // Someone else cannot revoke it; its owner can, and the address stops working.
    const foreign = await api.call<{ code: string }>('DELETE', `/calendar/feeds/${created.body.id}`, { token: po });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'CALENDAR_FEED_NOT_FOUND']);
    expect((await api.call('GET', path)).status).toBe(200);
    const revoked = await api.call<{ revokedAt: string }>('DELETE', `/calendar/feeds/${created.body.id}`, { token: rpct });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBeTruthy();
    expect((await api.call('GET', path)).status).toBe(404);
    expect((await api.call<unknown[]>('GET', '/calendar/feeds', { token: rpct })).body).toEqual([]);
    expect((await api.call('DELETE', `/calendar/feeds/${created.body.id}`, { token: rpct })).status).toBe(404);
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

  it('renders from the cycles read model the very feed that folding every cycle from its events gives', async () => {
    for (const year of [2028, 2029]) expect((await api.call('POST', '/cycles', { token: rpct, body: { type: 'relazione_rpct', year } })).status).toBe(201);
    const served = await api.call<string>('GET', '/calendar.ics', { token: rpct });
    expect(served.status).toBe(200);
    const repo = new CycleRepository(api.app.get<EventStore>(EVENT_STORE));
    const { rows } = await api.pool.query<{ stream_id: string }>(`SELECT stream_id FROM es_streams WHERE tenant = 'cciaa-po' AND stream_id LIKE 'cciaa-po/cycle-%' ORDER BY stream_id`);
    const states: CycleState[] = [];
    for (const r of rows) states.push((await repo.load('cciaa-po', r.stream_id.slice('cciaa-po/cycle-'.length))).state);
    expect(states.length).toBeGreaterThanOrEqual(3);
    const { rows: last } = await api.pool.query<{ at: Date }>(`SELECT recorded_at AS at FROM es_events WHERE tenant = 'cciaa-po' ORDER BY position DESC LIMIT 1`);
    const planner = new ReminderPlanner(
      DefinitionRegistry.fromDirectory(resolve(__dirname, '../../seeds/cycles')),
      StaticTenantDirectory.fromDirectory(resolve(__dirname, '../../seeds/tenants')),
    );
    const folded = deadlinesCalendar(states, { planner, now: new Date(), stamp: last[0].at, publicUrl: publicUrl(api.settings), calendarName: 'Scadenze cciaa-po' });
    expect(served.body).toBe(folded);
    expect(served.body.match(/BEGIN:VALARM/g)?.length ?? 0).toBeGreaterThan(3);
  });

  it('a feed polled while the read model is behind is served uncached, without ETag', async () => {
    const created = await api.call<{ url: string }>('POST', '/calendar/feeds', { token: rpct, body: { scope: 'all' } });
    const path = new URL(created.body.url).pathname;
    const runner = api.app.get(ProjectionRunner);
    // Stop the projectors once they have applied everything so far (no batch in flight), then write.
    const head = await api.head();
    for (let i = 0; i < 200 && !(await runner.covers('cycles', head)); i++) await new Promise((r) => setTimeout(r, 25));
    await runner.stop();
    expect((await api.call('POST', `/cycles/${cycleId}/commands/comment`, { token: rpct, body: { text: 'Non ancora proiettato' } })).status).toBe(200);
    const { rows: tenantLast } = await api.pool.query<{ p: string }>(`SELECT max(position)::text AS p FROM es_events WHERE tenant = 'cciaa-po'`);
    expect(await runner.covers('cycles', Number(tenantLast[0].p))).toBe(false); // the read model is behind
    const behind = await api.call<string>('GET', path);
    expect(behind.status).toBe(200);
    expect(behind.headers.get('etag')).toBeNull();
    expect(behind.headers.get('last-modified')).toBeNull();
    expect(behind.headers.get('cache-control')).toBe('no-store');
    expect(behind.body).toMatch(/^BEGIN:VCALENDAR/);
    runner.start({ batchSize: 500 });
    const caughtUp = await api.call<string>('GET', path);
    expect(caughtUp.headers.get('etag')).toBeTruthy();
  });
});
