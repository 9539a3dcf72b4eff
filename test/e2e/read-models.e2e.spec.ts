import { createHash } from 'node:crypto';
import { isoDateAt } from '@ciclo/domain';
import { startTestApi, type TestApi } from '../support/api';

const today = () => isoDateAt(new Date(), 'Europe/Rome');

describe('read models through HTTP (projectors running)', () => {
  let api: TestApi;
  let po: string, sg: string, organi: string, other: string;

  beforeAll(async () => {
    api = await startTestApi('readmodels', {}, { projections: true });
    po = await api.token('u-po', ['po']);
    sg = await api.token('u-sg', ['segretario_generale']);
    organi = await api.token('u-organi', ['segreteria_organi']);
    other = await api.token('u-x', ['segretario_generale', 'po'], 'cciaa-fi');
  });
  afterAll(async () => {
    await api.close();
  });

  const run = (id: string, command: string, token: string, body: unknown = {}) =>
    api.call<{ position: number; stage: string }>('POST', `/cycles/${id}/commands/${command}`, { token, body });

  it('puts a submitted plan in the Segretario Generale inbox, then in the Giunta secretariat inbox after approval', async () => {
    const opened = await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year: 2027 } });
    const id = opened.body.cycleId;
    const submitted = await run(id, 'submit', po);
    const inbox = await api.call<{ cycleId: string; role: string; commands: string[]; dueDate: string }[]>('GET', `/inbox?minPosition=${submitted.body.position}`, {
      token: sg,
    });
    expect(inbox.status).toBe(200);
    const item = inbox.body.find((i) => i.cycleId === id);
    expect(item).toMatchObject({ role: 'segretario_generale', dueDate: '2027-02-01' });
    expect(item?.commands.sort()).toEqual(['approve', 'request_changes']);

    const approved = await run(id, 'approve', sg);
    const sgInbox = await api.call<{ cycleId: string }[]>('GET', `/inbox?minPosition=${approved.body.position}`, { token: sg });
    expect(sgInbox.body.some((i) => i.cycleId === id)).toBe(false);
    const organiInbox = await api.call<{ cycleId: string; commands: string[] }[]>('GET', `/inbox?minPosition=${approved.body.position}`, { token: organi });
    expect(organiInbox.body.find((i) => i.cycleId === id)?.commands).toContain('record_giunta_deliberation');

    // Another tenant sees none of it.
    const foreign = await api.call<unknown[]>('GET', `/inbox?minPosition=${approved.body.position}`, { token: other });
    expect(foreign.body).toEqual([]);
  });

  it('orders the inbox by the nearest due date, then by waiting time', async () => {
    const ids: string[] = [];
    for (const year of [2029, 2027, 2028]) {
      const r = await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year, title: `Ordine ${year}` } });
      ids.push(r.body.cycleId);
    }
    let last = 0;
    for (const id of ids) last = (await run(id, 'submit', po)).body.position;
    const inbox = await api.call<{ title: string; dueDate: string }[]>('GET', `/inbox?minPosition=${last}`, { token: sg });
    const mine = inbox.body.filter((i) => i.title.startsWith('Ordine'));
    expect(mine.map((i) => i.title)).toEqual(['Ordine 2027', 'Ordine 2028', 'Ordine 2029']);
  });

  it('lists deadlines with legal and effective dates and marks them met', async () => {
    const opened = await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year: 2027, title: 'Scadenze' } });
    const id = opened.body.cycleId;
    await run(id, 'submit', po);
    await run(id, 'approve', sg);
    const adopted = await run(id, 'record_giunta_deliberation', organi, {
      number: '99/2026',
      date: today(),
      actHash: createHash('sha256').update('x').digest('hex'),
    });
    const r = await api.call<{ deadlineId: string; legalDate: string; effectiveDate: string; moved: boolean; status: string; metOn: string; statusText: string }[]>(
      'GET',
      `/deadlines?cycleId=${id}&minPosition=${adopted.body.position}`,
      { token: sg },
    );
    const adozione = r.body.find((d) => d.deadlineId === 'adozione');
    expect(adozione).toMatchObject({ legalDate: '2027-01-31', effectiveDate: '2027-02-01', moved: true, status: 'met', metOn: today() });
    const pubblicazione = r.body.find((d) => d.deadlineId === 'pubblicazione');
    expect(pubblicazione?.status).toMatch(/future|due_soon|overdue/);
  });

  it('pages the deadlines: the pages add up to the whole list, each status filter is paged too, the limit is bounded', async () => {
    let last = 0;
    for (const year of [2020, 2032, 2033]) last = (await api.call<{ position: number }>('POST', '/cycles', { token: po, body: { type: 'piao', year } })).body.position;
    type D = { cycleId: string; deadlineId: string; status: string };
    const key = (d: D) => `${d.cycleId}/${d.deadlineId}`;
    const all = await api.call<D[]>('GET', `/deadlines?minPosition=${last}`, { token: sg });
    expect(all.status).toBe(200);
    expect(all.body.length).toBeGreaterThanOrEqual(6);
    const paged: D[] = [];
    for (let offset = 0; ; offset += 4) {
      const page = await api.call<D[]>('GET', `/deadlines?limit=4&offset=${offset}`, { token: sg });
      expect(page.status).toBe(200);
      expect(page.body.length).toBeLessThanOrEqual(4);
      paged.push(...page.body);
      if (page.body.length < 4) break;
    }
    expect(paged.map(key)).toEqual(all.body.map(key));
    const statuses = [...new Set(all.body.map((d) => d.status))];
    expect(statuses.length).toBeGreaterThan(1);
    for (const status of statuses) {
      const expected = all.body.filter((d) => d.status === status).map(key);
      const first = await api.call<D[]>('GET', `/deadlines?status=${status}&limit=2`, { token: sg });
      expect({ status, answer: first.status, body: Array.isArray(first.body) ? 'list' : first.body }).toEqual({ status, answer: 200, body: 'list' });
      expect(first.body.map(key)).toEqual(expected.slice(0, 2));
      const rest = await api.call<D[]>('GET', `/deadlines?status=${status}&limit=1000&offset=2`, { token: sg });
      expect(rest.body.map(key)).toEqual(expected.slice(2));
    }
    for (const bad of ['limit=0', 'limit=1001', 'offset=-1', 'limit=x']) {
      const r = await api.call<{ fields: { field: string }[] }>('GET', `/deadlines?${bad}`, { token: sg });
      expect(r.status).toBe(400);
      expect(r.body.fields[0].field).toBe(`query.${bad.split('=')[0]}`);
    }
  });

  it('lists cycles from the read model, filtered', async () => {
    const opened = await api.call<{ cycleId: string; position: number }>('POST', '/cycles', {
      token: await api.token('u-rpct', ['rpct']),
      body: { type: 'ptpct', year: 2031 },
    });
    const r = await api.call<{ id: string; type: string; stage: string; nextActors: string[] }[]>('GET', `/cycles?type=ptpct&year=2031&minPosition=${opened.body.position}`, {
      token: sg,
    });
    expect(r.body.map((c) => c.id)).toEqual([opened.body.cycleId]);
    expect(r.body[0].nextActors.length).toBeGreaterThan(0);
  });

  it('answers 503 with Retry-After when the read model cannot reach the position in time', async () => {
    const r = await api.call('GET', `/inbox?minPosition=999999999`, { token: sg });
    expect(r.status).toBe(503);
    expect(r.body.code).toBe('PROJECTION_BEHIND');
    expect(r.headers.get('retry-after')).toBe('1');
  });

  it('reports projection lag in the health check', async () => {
    const h = await api.call<{ components: Record<string, { status: string; detail: string }> }>('GET', '/health');
    expect(h.body.components.projections.status).toBe('up');
    expect(h.body.components.projections.detail).toMatch(/cycles: \d+ events/);
  });

  it('refuses a role the caller does not hold and malformed filters', async () => {
    expect((await api.call('GET', '/inbox?role=oiv', { token: sg })).status).toBe(400);
    expect((await api.call('GET', '/deadlines?status=late', { token: sg })).status).toBe(400);
    expect((await api.call('GET', '/cycles?tenant=cciaa-fi', { token: sg })).status).toBe(404);
  });
});
