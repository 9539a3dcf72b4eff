/**
 * What the console's pages read from the API: the inbox with its sender and note, paging and counts,
 * the cycle list's filters and search, names of people, the blocked actions with their reason, the
 * fields of every transition, and refusals whose Italian names the field and why.
 */
import { startTestApi, type TestApi } from '../support/api';

describe('API for the console pages', () => {
  let api: TestApi;
  let po: string, sg: string, organi: string, oiv: string;
  beforeAll(async () => {
    api = await startTestApi('console-api', {}, { projections: true });
    po = await api.token('u-po', ['po']);
    sg = await api.token('u-sg', ['segretario_generale']);
    organi = await api.token('u-organi', ['segreteria_organi']);
    oiv = await api.token('u-oiv', ['oiv']);
  }, 60_000);
  afterAll(async () => api?.close());

  const open = async (year: number, title: string, type = 'piao') =>
    (await api.call<{ cycleId: string; position: number }>('POST', '/cycles', { token: po, body: { type, year, title } })).body;
  const run = (id: string, command: string, token: string, body: unknown = {}) =>
    api.call<{ position: number; code?: string; messageIt?: string; fields?: { field: string; problem: string; problemIt: string }[] }>(
      'POST',
      `/cycles/${id}/commands/${command}`,
      { token, body },
    );

  it('an inbox item names who sent it, the note given, and the legal and effective date; offset pages; counts per role', async () => {
    const a = await open(2027, 'Inbox A');
    const b = await open(2028, 'Inbox B');
    await run(a.cycleId, 'submit', po, { note: 'Prima stesura, sezione 2.3 da rivedere' });
    const last = (await run(b.cycleId, 'submit', po)).body.position;
    const inbox = await api.call<Record<string, unknown>[]>('GET', `/inbox?minPosition=${last}`, { token: sg });
    expect(inbox.status).toBe(200);
    const item = inbox.body.find((i) => i.cycleId === a.cycleId);
    // 31 January 2027 is a Sunday: the effective date is Monday 1 February.
    expect(item).toMatchObject({
      legalDate: '2027-01-31',
      dueDate: '2027-02-01',
      definitionVersion: 1,
      sentBy: { actorId: 'u-po', role: 'po', command: 'submit', note: 'Prima stesura, sezione 2.3 da rivedere' },
    });
    expect(inbox.body.find((i) => i.cycleId === b.cycleId)).toMatchObject({ sentBy: { note: null } });

    const first = await api.call<{ cycleId: string }[]>('GET', '/inbox?limit=1', { token: sg });
    const second = await api.call<{ cycleId: string }[]>('GET', '/inbox?limit=1&offset=1', { token: sg });
    expect(first.body.map((i) => i.cycleId)).toEqual([a.cycleId]);
    expect(second.body.map((i) => i.cycleId)).toEqual([b.cycleId]);
    expect((await api.call('GET', '/inbox?offset=-1', { token: sg })).status).toBe(400);

    const counts = await api.call<{ total: number; byRole: Record<string, number>; overdue: number }>('GET', '/inbox/counts', { token: sg });
    expect(counts.body).toMatchObject({ total: 2, byRole: { segretario_generale: 2 } });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
    expect(counts.body.overdue).toBe(inbox.body.filter((i) => typeof i.dueDate === 'string' && i.dueDate < today).length);
  });

  it('the cycle list filters by status and searches the title', async () => {
    const c = await open(2031, 'Piano cercabile del 2031');
    const x = await open(2032, 'Altro 50%_piano');
    const cancelled = await api.call<{ position: number }>('POST', `/cycles/${x.cycleId}/commands/cancel`, { token: sg, body: { reason: 'aperto per errore' } });
    const found = await api.call<{ id: string }[]>('GET', `/cycles?q=CERCABILE&minPosition=${cancelled.body.position}`, { token: sg });
    expect(found.body.map((r) => r.id)).toEqual([c.cycleId]);
    // LIKE wildcards are literal.
    expect((await api.call<{ id: string }[]>('GET', '/cycles?q=50%25_', { token: sg })).body.map((r) => r.id)).toEqual([x.cycleId]);
    expect((await api.call<{ id: string }[]>('GET', '/cycles?q=0%25x', { token: sg })).body).toEqual([]);
    const gone = await api.call<{ id: string; status: string }[]>('GET', '/cycles?status=cancelled', { token: sg });
    expect(gone.body.map((r) => r.id)).toEqual([x.cycleId]);
    const bad = await api.call<{ fields: { field: string }[] }>('GET', '/cycles?status=chiuso', { token: sg });
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0].field).toBe('query.status');
  });

  it('people: names for every member, nothing for another tenant', async () => {
    const { seedDemo } = await import('../../apps/cli/src/commands/seed-demo');
    const { EVENT_STORE } = await import('@ciclo/platform');
    await seedDemo(api.app.get(EVENT_STORE), api.settings.SEEDS_DIR);
    const people = await api.call<{ userId: string; name: string; roles: string[] }[]>('GET', '/tenants/cciaa-po/people', { token: po });
    expect(people.status).toBe(200);
    expect(people.body).toContainEqual({ userId: 'u-demo-sg', name: 'Giulia Esempio', roles: ['segretario_generale'] });
    expect(JSON.stringify(people.body)).not.toContain('@example.org');
    expect((await api.call('GET', '/tenants/cciaa-fi/people', { token: po })).status).toBe(404);
  });

  it('a cycle lists the actions held back by a rule with the reason; the definition gives every field of each action', async () => {
    // A deliberation dated today is accepted for a cycle of next year (act dates: not before the year before the period).
    const c = await open(new Date().getFullYear() + 1, 'Bloccate');
    await run(c.cycleId, 'submit', po);
    await run(c.cycleId, 'approve', sg);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
    expect((await run(c.cycleId, 'record_giunta_deliberation', organi, { number: '7/2026', date: today, actHash: 'a'.repeat(64) })).status).toBe(200);
    const view = await api.call<{ availableCommands: string[]; blockedCommands: { command: string; code: string; messageIt: string }[] }>('GET', `/cycles/${c.cycleId}`, { token: po });
    expect(view.body.availableCommands).not.toContain('publish');
    expect(view.body.blockedCommands).toEqual([{ command: 'publish', code: 'ATTACHMENT_REQUIRED', messageIt: 'Occorre allegare almeno un documento' }]);
    expect((await api.call<{ blockedCommands: unknown[] }>('GET', `/cycles/${c.cycleId}`, { token: oiv })).body.blockedCommands).toEqual([]);

    const def = await api.call<{ transitions: { command: string; inputs: { name: string; type: string; required: boolean; values?: string[] }[] }[] }>('GET', '/definitions/piao/1', { token: po });
    const rc = def.body.transitions.find((t) => t.command === 'request_changes');
    expect(rc?.inputs).toEqual([expect.objectContaining({ name: 'reason', type: 'text', required: true, maxLength: 4000 })]);
    const pub = def.body.transitions.find((t) => t.command === 'publish');
    expect(pub?.inputs.map((f) => f.name)).toEqual(['channel', 'url', 'date']);
    expect(pub?.inputs[0].values).toContain('amministrazione_trasparente');
    const list = await api.call<{ id: string; openRoles: string[] }[]>('GET', '/definitions', { token: po });
    expect(list.body.find((d) => d.id === 'piao')?.openRoles).toEqual(['segretario_generale', 'po']);
  });

  it('a refusal says in Italian which field and why, beside the English', async () => {
    const c = await open(2034, 'Rifiuti');
    await run(c.cycleId, 'submit', po);
    const before = await api.head();
    const r = await run(c.cycleId, 'request_changes', sg, { reason: '   ' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('INVALID_FIELDS');
    expect(r.body.fields).toEqual([{ field: 'reason', problem: 'must not be empty', problemIt: 'non può essere vuoto' }]);
    expect(r.body.messageIt).toBe('Campi mancanti o non validi: reason: non può essere vuoto');
    const long = await run(c.cycleId, 'request_changes', sg, { reason: 'x'.repeat(4001) });
    expect(long.body.fields?.[0].problemIt).toBe('può contenere al massimo 4000 caratteri');
    const bad = await api.call<{ code: string; messageIt: string; fields: { field: string; problemIt: string }[] }>('GET', '/inbox?limit=0', { token: sg });
    expect(bad.body.code).toBe('INVALID_REQUEST');
    expect(bad.body.messageIt).toMatch(/^Richiesta non valida: query\.limit: /);
    expect(await api.head()).toBe(before);
  });
});
