import { createHash } from 'node:crypto';
import { isoDateAt } from '@ciclo/domain';
import { startTestApi, type TestApi } from '../support/api';

const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('cycles through HTTP on PostgreSQL', () => {
  let api: TestApi;
  let po: string, sg: string, organi: string, oiv: string, otherTenant: string;

  beforeAll(async () => {
    api = await startTestApi('e2e');
    po = await api.token('u-po', ['po']);
    sg = await api.token('u-sg', ['segretario_generale', 'rpct']);
    organi = await api.token('u-organi', ['segreteria_organi']);
    oiv = await api.token('u-oiv', ['oiv']);
    otherTenant = await api.token('u-sg-fi', ['segretario_generale', 'po'], 'cciaa-fi');
  });
  afterAll(async () => {
    await api.close();
  });

  const open = async (type: string, year: number, token = po) => {
    const r = await api.call<{ cycleId: string; stage: string }>('POST', '/cycles', { token, body: { type, year } });
    expect(r.status).toBe(201);
    return r.body.cycleId;
  };
  const run = (id: string, command: string, token: string, body: unknown = {}, headers?: Record<string, string>) =>
    api.call<Record<string, unknown>>('POST', `/cycles/${id}/commands/${command}`, { token, body, headers });

  it('runs a whole PIAO 2027-2029 cycle from draft to publication', async () => {
    const id = await open('piao', 2027);
    expect((await run(id, 'submit', po, { note: 'Prima stesura' })).status).toBe(200);
    const changes = await run(id, 'request_changes', sg, { reason: 'Completare la sezione 2.3 sui rischi corruttivi' });
    expect(changes.status).toBe(200);
    expect(changes.body.stage).toBe('modifiche_richieste');
    expect((await run(id, 'submit', po)).status).toBe(200);
    expect((await run(id, 'approve', sg)).body.stage).toBe('in_giunta');
    const delib = await run(id, 'record_giunta_deliberation', organi, { number: '12/2026', date: today(), actHash: sha('delibera 12') });
    expect(delib.status).toBe(200);
    expect(delib.body.stage).toBe('adottato');
    const upload = await api.call('POST', `/cycles/${id}/documents`, {
      token: po,
      raw: Buffer.from('%PDF-1.7 PIAO 2027-2029'),
      headers: { 'content-type': 'application/pdf', 'x-file-name': encodeURIComponent('PIAO 2027-2029.pdf') },
    });
    expect(upload.status).toBe(201);
    const published = await run(id, 'publish', po, { channel: 'amministrazione_trasparente', url: 'https://www.example.org/at/piao-2027', date: today() });
    expect(published.status).toBe(200);
    const portal = await run(id, 'upload_to_portal', po, { recipient: 'funzione_pubblica', protocol: 'PIAO-2027-0001', date: today() });
    expect(portal.status).toBe(200);

    const view = await api.call<{ stage: string; status: string; history: { type: string; actorRole: string }[]; deadlines: { id: string; status: string; metOn?: string }[]; availableCommands: string[] }>(
      'GET',
      `/cycles/${id}`,
      { token: sg },
    );
    expect(view.body.stage).toBe('trasmesso');
    expect(view.body.status).toBe('closed');
    expect(view.body.availableCommands).toEqual([]);
    expect(view.body.history.map((h) => h.type)).toEqual([
      'SubmittedForReview',
      'ChangesRequested',
      'SubmittedForReview',
      'ApprovedBySecretaryGeneral',
      'GiuntaDeliberationRecorded',
      'PublishedOnWebsite',
      'UploadedToPiaoPortal',
    ]);
    expect(view.body.deadlines.find((d) => d.id === 'adozione')).toMatchObject({ status: 'met', metOn: today() });

    // Every event carries who, in which role, when and the correlation; the reason is in the metadata.
    const { rows } = await api.pool.query<{ type: string; metadata: Record<string, unknown> }>(
      `SELECT type, metadata FROM es_events WHERE stream_id = $1 ORDER BY version`,
      [`cciaa-po/cycle-${id}`],
    );
    const requested = rows.find((r) => r.type === 'ChangesRequested');
    expect(requested?.metadata).toMatchObject({
      tenant: 'cciaa-po',
      actorId: 'u-sg',
      actorRole: 'segretario_generale',
      reason: 'Completare la sezione 2.3 sui rischi corruttivi',
      definitionVersion: 1,
      schemaVersion: 1,
    });
    for (const r of rows) expect(typeof r.metadata.correlationId).toBe('string');

    // A closed cycle refuses everything, writing nothing.
    const head = await api.head();
    const closed = await run(id, 'comment', sg, { text: 'ancora?' });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('CYCLE_CLOSED');
    expect(await api.head()).toBe(head);
  });

  it('takes a Relazione sulla performance refused by the OIV, revised, then validated', async () => {
    const id = await open('relazione_performance', 2026);
    expect((await run(id, 'close_measurements', po)).status).toBe(200);
    expect((await run(id, 'submit', po)).status).toBe(200);
    expect((await run(id, 'record_giunta_deliberation', organi, { number: '40/2026', date: today(), actHash: sha('r1') })).status).toBe(200);
    const refused = await run(id, 'refuse_validation', oiv, {
      reason: 'Gli scostamenti degli obiettivi 02_01 non sono motivati',
      reportReference: 'Verbale OIV n. 7/2026',
    });
    expect(refused.status).toBe(200);
    expect(refused.body.stage).toBe('redazione');
    expect((await run(id, 'submit', po)).status).toBe(200);
    // The same deliberation number cannot be used twice by the Giunta in the same year.
    const dup = await run(id, 'record_giunta_deliberation', organi, { number: '40/2026', date: today(), actHash: sha('r2') });
    expect(dup.status).toBe(422);
    expect(dup.body.code).toBe('DUPLICATE_DELIBERATION_NUMBER');
    expect((await run(id, 'record_giunta_deliberation', organi, { number: '47/2026', date: today(), actHash: sha('r2') })).status).toBe(200);
    // Only the OIV validates.
    const bySg = await run(id, 'validate', sg, { reportReference: 'x', date: today() });
    expect(bySg.status).toBe(403);
    expect(bySg.body.code).toBe('ROLE_NOT_ALLOWED');
    const validated = await run(id, 'validate', oiv, { reportReference: 'Documento di validazione OIV 2026', date: today() });
    expect(validated.status).toBe(200);
    expect(validated.body.stage).toBe('validata');
    const view = await api.call<{ history: { type: string; fields: Record<string, unknown> }[] }>('GET', `/cycles/${id}`, { token: oiv });
    const refusal = view.body.history.find((h) => h.type === 'ValidationRefused');
    expect(refusal?.fields.reason).toBe('Gli scostamenti degli obiettivi 02_01 non sono motivati');
  });

  it('lets exactly one of two simultaneous Segretario Generale approvals succeed; the other gets 409', async () => {
    const id = await open('piao', 2028);
    await run(id, 'submit', po);
    const sg2 = await api.token('u-sg-vicario', ['segretario_generale']);
    const [a, b] = await Promise.all([run(id, 'approve', sg), run(id, 'approve', sg2)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(['UNKNOWN_TRANSITION', 'CONCURRENT_MODIFICATION']).toContain(loser.body.code);
    const view = await api.call<{ history: { type: string }[]; version: number }>('GET', `/cycles/${id}`, { token: sg });
    expect(view.body.history.filter((h) => h.type === 'ApprovedBySecretaryGeneral')).toHaveLength(1);
    expect(view.body.version).toBe(3);
  });

  describe('refusals write nothing and name the problem', () => {
    let id: string;
    beforeAll(async () => {
      id = await open('piao', 2029);
      await run(id, 'submit', po);
    });

    it.each([
      ['no token', () => api.call('POST', `/cycles/${id}/commands/approve`, { body: {} }), 401, 'UNAUTHENTICATED'],
      ['a forged token', () => api.call('POST', `/cycles/${id}/commands/approve`, { token: `${sg.slice(0, -4)}AAAA`, body: {} }), 401, 'UNAUTHENTICATED'],
      ['a role that may not approve', () => run(id, 'approve', po), 403, 'ROLE_NOT_ALLOWED'],
      ['an acting role the user does not hold', () => run(id, 'approve', po, {}, { 'x-acting-role': 'segretario_generale' }), 403, 'ROLE_NOT_HELD'],
      ['the submitter approving its own submission', async () => run(id, 'approve', await api.token('u-po', ['po', 'segretario_generale'])), 422, 'SEPARATION_OF_DUTIES'],
      ['a command not available in this stage', () => run(id, 'publish', po, { channel: 'albo_camerale', url: 'https://x.org', date: today() }), 409, 'UNKNOWN_TRANSITION'],
      ['an unknown command', () => run(id, 'fly_to_the_moon', sg), 400, 'UNKNOWN_COMMAND'],
      ['an unknown field', () => run(id, 'request_changes', sg, { reason: 'x', colour: 'red' }), 400, 'INVALID_FIELDS'],
      ['a missing reason', () => run(id, 'request_changes', sg, {}), 400, 'INVALID_FIELDS'],
      ['malformed JSON', () => api.call('POST', `/cycles/${id}/commands/approve`, { token: sg, body: '{"a":' }), 400, 'MALFORMED_JSON'],
      ['a malformed cycle id', () => run('not-a-uuid', 'approve', sg), 400, 'INVALID_REQUEST'],
      ["another tenant's cycle", () => run(id, 'approve', otherTenant), 404, 'CYCLE_NOT_FOUND'],
      ['an unknown cycle type', () => api.call('POST', '/cycles', { token: po, body: { type: 'oroscopo', year: 2027 } }), 400, 'UNKNOWN_CYCLE_TYPE'],
      ['a year out of range', () => api.call('POST', '/cycles', { token: po, body: { type: 'piao', year: 1999 } }), 400, 'INVALID_REQUEST'],
      ['an unknown field when opening', () => api.call('POST', '/cycles', { token: po, body: { type: 'piao', year: 2027, actor: 'u-sg' } }), 400, 'INVALID_REQUEST'],
    ])('refuses %s', async (_label, send, status, code) => {
      const head = await api.head();
      const r = await send();
      expect(r.status).toBe(status);
      expect(r.body.code).toBe(code);
      expect(await api.head()).toBe(head);
    });

    it('names each offending field', async () => {
      const r = await api.call<{ fields: { field: string }[] }>('POST', '/cycles', { token: po, body: { type: 'piao', year: 'duemila', extra: 1 } });
      expect(r.status).toBe(400);
      expect(r.body.fields.map((f) => f.field).sort()).toEqual(['body.extra', 'body.year']);
    });

    it('hides another tenant’s cycle on reads too', async () => {
      const r = await api.call('GET', `/cycles/${id}`, { token: otherTenant });
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('CYCLE_NOT_FOUND');
    });
  });

  it('answers a repeated request with the same Idempotency-Key with the original result', async () => {
    const rpct = await api.token('u-rpct', ['rpct']);
    const first = await api.call<{ cycleId: string }>('POST', '/cycles', { token: rpct, body: { type: 'ptpct', year: 2027 }, headers: { 'idempotency-key': 'open-ptpct-2027' } });
    expect(first.status).toBe(201);
    const again = await api.call<{ cycleId: string; replayed: boolean }>('POST', '/cycles', { token: rpct, body: { type: 'ptpct', year: 2027 }, headers: { 'idempotency-key': 'open-ptpct-2027' } });
    expect(again.status).toBe(201);
    expect(again.body.cycleId).toBe(first.body.cycleId);
    expect(again.body.replayed).toBe(true);
    const id = first.body.cycleId;
    const s1 = await run(id, 'submit', rpct, {}, { 'idempotency-key': 'submit-1' });
    expect(s1.status).toBe(200);
    const head = await api.head();
    const s2 = await run(id, 'submit', rpct, {}, { 'idempotency-key': 'submit-1' });
    expect(s2.status).toBe(200);
    expect(s2.body.position).toBe(s1.body.position);
    expect(s2.body.replayed).toBe(true);
    expect(await api.head()).toBe(head);
  });

  it('shows the state as it was at an earlier version or instant', async () => {
    const id = await open('piao', 2030);
    await run(id, 'submit', po);
    // PostgreSQL stamps events to the microsecond, an ISO instant carries milliseconds: an instant
    // taken within the millisecond of the submission would read as before it.
    await new Promise((r) => setTimeout(r, 20));
    const mid = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await run(id, 'approve', sg);
    const atV2 = await api.call<{ stage: string; asOfVersion: number }>('GET', `/cycles/${id}?version=2`, { token: sg });
    expect(atV2.body.stage).toBe('revisione_sg');
    const atMid = await api.call<{ stage: string }>('GET', `/cycles/${id}?asOf=${mid.toISOString()}`, { token: sg });
    expect(atMid.body.stage).toBe('revisione_sg');
    const now = await api.call<{ stage: string }>('GET', `/cycles/${id}`, { token: sg });
    expect(now.body.stage).toBe('in_giunta');
  });

  it('lists every version of a cycle and the difference between two versions', async () => {
    const id = await open('piao', 2031);
    await run(id, 'submit', po);
    await run(id, 'request_changes', sg, { reason: 'Aggiungere gli indicatori di salute economica' });
    const h = await api.call<{ versions: { version: number; type: string; actorRole: string; reason: string | null }[]; diff: { changes: { path: string; before?: unknown; after?: unknown }[] } }>(
      'GET',
      `/cycles/${id}/history?from=1&to=3`,
      { token: sg },
    );
    expect(h.status).toBe(200);
    expect(h.body.versions.map((v) => v.type)).toEqual(['CycleOpened', 'SubmittedForReview', 'ChangesRequested']);
    expect(h.body.versions[2]).toMatchObject({ actorRole: 'segretario_generale', reason: 'Aggiungere gli indicatori di salute economica' });
    const changes = Object.fromEntries(h.body.diff.changes.map((c) => [c.path, c]));
    expect(changes.stage).toEqual({ path: 'stage', before: 'bozza', after: 'modifiche_richieste' });
    expect(changes.version).toEqual({ path: 'version', before: 1, after: 3 });
    expect(changes['history[1]'].after).toMatchObject({ type: 'ChangesRequested' });
    const bad = await api.call('GET', `/cycles/${id}/history?from=1&to=9`, { token: sg });
    expect(bad.status).toBe(400);
    expect((await api.call('GET', `/cycles/${id}/history?from=1`, { token: sg })).status).toBe(400);
    expect((await api.call('GET', `/cycles/${id}/history`, { token: otherTenant })).status).toBe(404);
  });

  it('lists definitions and serves a state diagram', async () => {
    const list = await api.call<{ id: string; latest: boolean }[]>('GET', '/definitions', { token: po });
    expect(list.body.map((d) => d.id)).toEqual(expect.arrayContaining(['piao', 'relazione_performance', 'relazione_rpct', 'smvp']));
    const mermaid = await api.call('GET', '/definitions/piao/1?format=mermaid', { token: po });
    expect(String(mermaid.body)).toContain('stateDiagram-v2');
    expect(String(mermaid.body)).toContain('revisione_sg');
  });

  it('serves OpenAPI with the commands of every definition', async () => {
    const doc = await api.call<{ paths: Record<string, Record<string, { description?: string }>> }>('GET', '/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.paths['/cycles/{id}/commands/{command}'].post.description).toContain('record_giunta_deliberation');
  });

  it('reports health of database and Redis', async () => {
    const h = await api.call<{ status: string; components: Record<string, { status: string }> }>('GET', '/health');
    expect(h.status).toBe(200);
    expect(h.body.components.database.status).toBe('up');
    expect(h.body.components.redis.status).toBe('up');
  });
});
