import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApi, type TestApi } from '../support/api';
import { parseCsv, pdfLines } from './helpers';
import { romeDateTime } from '../../apps/api/src/audit-export';

interface Entry {
  position: number;
  tenant: string;
  streamId: string;
  cycleId: string | null;
  type: string;
  actorId: string;
  actorRole: string;
  reason: string | null;
  correlationId: string;
  summary: string;
  hash: string;
  recordedAt: string;
}
interface Page {
  items: Entry[];
  nextCursor: string | null;
  scope: string;
  order: string;
  lastVerification: unknown;
}

const TRICKY_REASON = '=SUM(A1:A2), rivedere "pesi" e obiettivi\nseconda riga';

describe('GET /audit: the audit trail the RPCT reviews', () => {
  let api: TestApi;
  let rpct: string, oiv: string, admin: string, po: string, po2: string, bystander: string, sg: string, sgRpct: string, foreign: string;
  let cycleA: string, cycleB: string, cycleC: string;
  /** Everything written during setup is recorded before this instant. */
  let setupEnd: string;
  let head: number;

  beforeAll(async () => {
    api = await startTestApi('audittrail', {}, { projections: true });
    [rpct, oiv, admin, po, po2, bystander, sg, sgRpct, foreign] = await Promise.all([
      api.token('u-rpct', ['rpct']),
      api.token('u-oiv', ['oiv']),
      api.token('u-admin', ['admin']),
      api.token('u-po', ['po']),
      api.token('u-po2', ['po']),
      api.token('u-po3', ['po']),
      api.token('u-sg', ['segretario_generale']),
      api.token('u-sg-rpct', ['segretario_generale', 'rpct']),
      api.token('u-fi', ['rpct', 'po'], 'cciaa-fi'),
    ]);
    const open = async (token: string, type: string, year: number) => {
      const r = await api.call<{ cycleId: string }>('POST', '/cycles', { token, body: { type, year } });
      expect(r.status).toBe(201);
      return r.body.cycleId;
    };
    const run = async (id: string, command: string, token: string, body: unknown = {}) => {
      const r = await api.call('POST', `/cycles/${id}/commands/${command}`, { token, body });
      expect(r.status).toBe(200);
    };
    cycleA = await open(po, 'piao', 2027);
    await run(cycleA, 'submit', po);
    await run(cycleA, 'approve', sg);
    cycleB = await open(po2, 'piao', 2028);
    await run(cycleB, 'submit', po2);
    await run(cycleB, 'request_changes', sg, { reason: TRICKY_REASON });
    cycleC = await open(rpct, 'ptpct', 2027);
    const fi = await open(foreign, 'piao', 2027);
    await run(fi, 'submit', foreign);
    head = await api.head();
    await new Promise((r) => setTimeout(r, 20));
    setupEnd = new Date().toISOString();
  });
  afterAll(async () => {
    await api.close();
  });

  const page = (token: string, query = '', headers: Record<string, string> = {}) =>
    api.call<Page>('GET', `/audit?minPosition=${head}${query ? `&${query}` : ''}`, { token, headers });
  const setupOnly = () => `to=${encodeURIComponent(setupEnd)}&limit=500`;

  it('shows RPCT, OIV and administrators the whole trail of their tenant, newest first', async () => {
    for (const token of [rpct, oiv, admin]) {
      const r = await page(token, setupOnly());
      expect(r.status).toBe(200);
      expect(r.body.scope).toBe('tenant');
      expect(r.body.items).toHaveLength(7); // A: open, submit, approve; B: open, submit, request changes; C: open
      expect(new Set(r.body.items.map((i) => i.cycleId))).toEqual(new Set([cycleA, cycleB, cycleC]));
      expect(r.body.items.every((i) => i.tenant === 'cciaa-po')).toBe(true);
      const positions = r.body.items.map((i) => i.position);
      expect(positions).toEqual([...positions].sort((a, b) => b - a));
    }
    const r = await page(rpct, `${setupOnly()}&cycleId=${cycleA}`);
    expect(r.body.items.map((i) => i.summary).reverse()).toEqual([
      'La Posizione organizzativa ha aperto il PIAO 2027-2029',
      'La Posizione organizzativa ha inviato il PIAO 2027-2029',
      'Il Segretario Generale ha approvato il PIAO 2027-2029',
    ]);
  });

  it('shows anyone else only the cycles they acted in; another tenant sees nothing of it', async () => {
    const mine = await page(po, setupOnly());
    expect(mine.body.scope).toBe('own_cycles');
    expect(new Set(mine.body.items.map((i) => i.cycleId))).toEqual(new Set([cycleA]));
    expect(mine.body.items).toHaveLength(3); // including the Segretario Generale's approval of that cycle
    const theirs = await page(po2, setupOnly());
    expect(new Set(theirs.body.items.map((i) => i.cycleId))).toEqual(new Set([cycleB]));
    const sgView = await page(sg, setupOnly());
    expect(new Set(sgView.body.items.map((i) => i.cycleId))).toEqual(new Set([cycleA, cycleB]));
    expect((await page(bystander, setupOnly())).body.items).toEqual([]);
    // Filters cannot widen the scope.
    expect((await page(po, `${setupOnly()}&cycleId=${cycleB}`)).body.items).toEqual([]);
    // Another tenant's RPCT sees its own tenant only.
    const fi = await page(foreign, setupOnly());
    expect(fi.body.items.length).toBeGreaterThan(0);
    expect(fi.body.items.every((i) => i.tenant === 'cciaa-fi')).toBe(true);
    expect((await page(foreign, `${setupOnly()}&cycleId=${cycleA}`)).body.items).toEqual([]);
    // The role acted in decides: the Segretario Generale who is also RPCT.
    expect((await page(sgRpct, setupOnly())).body.scope).toBe('tenant');
    expect((await page(sgRpct, setupOnly(), { 'x-acting-role': 'segretario_generale' })).body.scope).toBe('own_cycles');
    expect((await page(po, setupOnly(), { 'x-acting-role': 'rpct' })).status).toBe(403);
  });

  it('filters by cycle, actor, role, event type and time range', async () => {
    const all = (await page(rpct, setupOnly())).body.items;
    const check = async (query: string, predicate: (e: Entry) => boolean) => {
      const r = await page(rpct, query.includes('to=') ? `limit=500&${query}` : `${setupOnly()}&${query}`);
      expect(r.status).toBe(200);
      expect(r.body.items.map((i) => i.position)).toEqual(all.filter(predicate).map((i) => i.position));
      expect(r.body.items.length).toBeGreaterThan(0);
    };
    await check(`cycleId=${cycleB}`, (e) => e.cycleId === cycleB);
    await check('actorId=u-sg', (e) => e.actorId === 'u-sg');
    await check('role=po', (e) => e.actorRole === 'po');
    await check('type=CycleOpened', (e) => e.type === 'CycleOpened');
    await check('type=ChangesRequested', (e) => e.reason === TRICKY_REASON);
    const middle = all[3].recordedAt;
    await check(`from=${encodeURIComponent(middle)}`, (e) => e.recordedAt >= middle);
    await check(`from=${encodeURIComponent(all[all.length - 1].recordedAt)}&to=${encodeURIComponent(middle)}`, (e) => e.recordedAt < middle);
    await check('role=segretario_generale&actorId=u-sg&type=ApprovedBySecretaryGeneral', (e) => e.type === 'ApprovedBySecretaryGeneral');
    // A date is midnight in Rome.
    expect((await page(rpct, 'to=2000-01-01')).body.items).toEqual([]);
  });

  it('pages by cursor in both orders with no row twice and none missing', async () => {
    const all = (await page(rpct, setupOnly())).body.items.map((i) => i.position);
    for (const order of ['desc', 'asc'] as const) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r: { status: number; body: Page } = await page(rpct, `to=${encodeURIComponent(setupEnd)}&limit=2&order=${order}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        expect(r.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...r.body.items.map((i) => i.position));
        cursor = r.body.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      expect(pages).toBe(Math.ceil(all.length / 2));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(order === 'desc' ? all : [...all].reverse());
    }
    // A cursor belongs to its order.
    const first = await page(rpct, `${setupOnly().replace('limit=500', 'limit=2')}`);
    const wrong = await page(rpct, `order=asc&cursor=${first.body.nextCursor}`);
    expect(wrong.status).toBe(400);
  });

  it('rejects malformed parameters naming the field', async () => {
    const field = async (query: string) => {
      const r = await api.call<{ code: string; fields: { field: string }[] }>('GET', `/audit?${query}`, { token: rpct });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('INVALID_REQUEST');
      return r.body.fields.map((f) => f.field);
    };
    expect(await field('limit=0')).toEqual(['query.limit']);
    expect(await field('limit=501')).toEqual(['query.limit']);
    expect(await field('order=up')).toEqual(['query.order']);
    expect(await field('cycleId=nope')).toEqual(['query.cycleId']);
    expect(await field('from=yesterday')).toEqual(['query.from']);
    expect(await field('to=2027-02-30')).toEqual(['query.to']);
    expect(await field('from=2027-02-01&to=2027-01-01')).toEqual(['query.to']);
    expect(await field('cursor=%25%25')).toEqual(['query.cursor']);
    expect(await field('type=approved')).toEqual(['query.type']);
    expect(await field('tenant=cciaa-fi')).toEqual(['query.tenant']);
    expect((await api.call<{ fields: { field: string }[] }>('GET', '/audit/export.csv?role=A', { token: rpct })).body.fields[0].field).toBe('query.role');
    expect((await api.call('GET', '/audit', {})).status).toBe(401);
  });

  it('exports CSV: every matching row, RFC 4180, formulas neutralised, hash of the body in a header', async () => {
    const r = await fetch(`${api.url}/audit/export.csv?to=${encodeURIComponent(setupEnd)}`, { headers: { authorization: `Bearer ${rpct}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-cciaa-po-\d{8}T\d{6}\.csv"$/);
    const bytes = Buffer.from(await r.arrayBuffer());
    expect(r.headers.get('x-audit-rows-sha256')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    // Semicolons, as Italian Excel splits cells.
    expect(bytes.toString('utf8').split('\r\n')[0]).toBe('\uFEFFposition;recorded_at;occurred_at;tenant;stream_id;cycle_id;version;type;actor_id;actor_role;reason;correlation_id;summary;event_id;hash');
    const rows = parseCsv(bytes.toString('utf8').slice(1));
    expect(rows[0]).toEqual([
      'position', 'recorded_at', 'occurred_at', 'tenant', 'stream_id', 'cycle_id', 'version', 'type',
      'actor_id', 'actor_role', 'reason', 'correlation_id', 'summary', 'event_id', 'hash',
    ]);
    const body = rows.slice(1);
    expect(body).toHaveLength(7);
    expect(r.headers.get('x-audit-row-count')).toBe('7');
    // Oldest first by default, each row complete.
    const positions = body.map((c) => Number(c[0]));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(body.every((c) => c.length === 15 && /^[0-9a-f]{64}$/.test(c[14]))).toBe(true);
    const changes = body.find((c) => c[7] === 'ChangesRequested') as string[];
    expect(changes[10]).toBe(`'${TRICKY_REASON}`);
    expect(changes[12]).toBe(`Il Segretario Generale ha chiesto modifiche al PIAO 2028-2030: «${TRICKY_REASON}»`);
    // The raw text quotes the cell and doubles its quotes.
    expect(bytes.toString('utf8')).toContain(`"'=SUM(A1:A2), rivedere ""pesi"" e obiettivi\nseconda riga"`);
    // The same rows as the JSON trail.
    const json = await page(rpct, `${setupOnly()}&order=asc`);
    expect(body.map((c) => c[14])).toEqual(json.body.items.map((i) => i.hash));
    // A po's export holds its own cycles only.
    const mine = await fetch(`${api.url}/audit/export.csv?to=${encodeURIComponent(setupEnd)}`, { headers: { authorization: `Bearer ${po}` } });
    const mineRows = parseCsv((await mine.text()).replace(/^\uFEFF/, '')).slice(1);
    expect(new Set(mineRows.map((c) => c[5]))).toEqual(new Set([cycleA]));
  });

  it('exports a PDF with a cover page (filters, time, chain status, row count, rows hash) and the rows', async () => {
    const query = `to=${encodeURIComponent(setupEnd)}&cycleId=${cycleA}`;
    const r = await fetch(`${api.url}/audit/export.pdf?${query}`, { headers: { authorization: `Bearer ${oiv}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await r.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF/);
    const csv = await fetch(`${api.url}/audit/export.csv?${query}`, { headers: { authorization: `Bearer ${oiv}` } });
    const csvSha = createHash('sha256').update(Buffer.from(await csv.arrayBuffer())).digest('hex');
    expect(r.headers.get('x-audit-rows-sha256')).toBe(csvSha);
    const text = pdfLines(pdf).join('\n');
    expect(text).toContain('Registro di audit');
    // A tenant without a registered name is named by its id.
    expect(text).toContain('cciaa-po - esportazione in PDF generata da Ciclo');
    expect(text).toContain('Data e ora di esportazione');
    // The scope line names the cycle by its title; the other filters in words, times in Rome.
    expect(text).toContain('Il solo ciclo «Piano integrato di attività e organizzazione (PIAO) 2027-2029», limitato dal filtro qui sotto');
    expect(text).not.toContain(cycleA);
    expect(text).toContain(`Al (escluso): ${romeDateTime(setupEnd)} (ora di Roma)`);
    expect(text).toMatch(/INTEGRA fino alla posizione \d+/);
    expect(text).toMatch(/Righe esportate\n3\n/);
    expect(text).toContain('SHA-256 delle righe esportate');
    expect(text).toContain(csvSha);
    expect(text).toContain('u-oiv (OIV)');
    expect(text).toMatch(/pagina 1 di 2/);
    // The rows' pages as poppler reads them (whitespace folded: a cell's text may wrap).
    const file = join(mkdtempSync(join(tmpdir(), 'ciclo-audit-pdf-')), 'audit.pdf');
    writeFileSync(file, pdf);
    const all = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8').replace(/\s+/g, ' ');
    expect(all).toContain('pagina 2 di 2');
    // Event types and roles in Italian, not as identifiers.
    expect(all).toContain('Apertura del ciclo');
    expect(all).toContain('Posizione organizzativa');
    expect(all).not.toMatch(/\bCycleOpened\b/);
    // The table, with Italian headings and the rows' summaries.
    expect(all).toContain('Sintesi');
    expect(all).toContain('Motivazione');
    expect(all).toContain('Il Segretario Generale ha approvato il PIAO 2027-2029');
    expect(all).toContain('La Posizione organizzativa ha aperto il PIAO 2027-2029');
  });

  it('records every read of the trail as an AuditTrailRead event that then appears in the trail', async () => {
    const r = await page(admin, `cycleId=${cycleA}&limit=2`, { 'x-correlation-id': 'corr-audit-read-1' });
    expect(r.status).toBe(200);
    const readAt = Number(r.headers.get('x-audit-read-position'));
    expect(readAt).toBeGreaterThan(head);
    const { rows } = await api.pool.query<{ stream_id: string; type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }>(
      'SELECT stream_id, type, data, metadata FROM es_events WHERE position = $1',
      [readAt],
    );
    expect(rows[0]).toMatchObject({
      stream_id: 'cciaa-po/audit-access',
      type: 'AuditTrailRead',
      data: { what: 'page', format: 'json', filters: { cycleId: cycleA }, order: 'desc', limit: 2, rowCount: 2, scope: 'tenant' },
      metadata: { tenant: 'cciaa-po', actorId: 'u-admin', actorRole: 'admin', correlationId: 'corr-audit-read-1', causationId: null, schemaVersion: 1 },
    });
    const csv = await api.call('GET', `/audit/export.csv?cycleId=${cycleA}`, { token: po });
    const csvAt = Number(csv.headers.get('x-audit-read-position'));
    const trail = await api.call<Page>('GET', `/audit?type=AuditTrailRead&minPosition=${csvAt}`, { token: rpct });
    const shown = new Map(trail.body.items.map((i) => [i.position, i]));
    expect(shown.get(readAt)).toMatchObject({ actorId: 'u-admin', actorRole: 'admin', cycleId: null, correlationId: 'corr-audit-read-1', summary: "L'amministratore ha consultato il registro di audit (2 righe)" });
    expect(shown.get(csvAt)).toMatchObject({ actorId: 'u-po', actorRole: 'po', summary: 'La Posizione organizzativa ha esportato il registro di audit in CSV (3 righe)' });
    const exported = await api.pool.query<{ data: Record<string, unknown> }>('SELECT data FROM es_events WHERE position = $1', [csvAt]);
    expect(exported.rows[0].data).toMatchObject({ what: 'export', format: 'csv', rowCount: 3, sha256: csv.headers.get('x-audit-rows-sha256'), scope: 'own_cycles' });
    // Reads of the trail are not cycle rows: a po does not see them.
    expect((await api.call<Page>('GET', `/audit?type=AuditTrailRead&minPosition=${csvAt}`, { token: po })).body.items).toEqual([]);
  });

  it('reads=exclude leaves out who read the trail, in pages and exports; the read itself is still recorded', async () => {
    const warm = await page(rpct, 'limit=1');
    const readAt = Number(warm.headers.get('x-audit-read-position'));
    const withReads = await api.call<Page>('GET', `/audit?minPosition=${readAt}&limit=500`, { token: rpct });
    expect(withReads.body.items.some((i) => i.type === 'AuditTrailRead')).toBe(true);
    const without = await api.call<Page>('GET', `/audit?minPosition=${readAt}&limit=500&reads=exclude`, { token: rpct });
    expect(without.status).toBe(200);
    expect(without.body.items.length).toBeGreaterThan(0);
    expect(without.body.items.some((i) => i.type === 'AuditTrailRead')).toBe(false);
    expect(without.body.items.map((i) => i.position)).toEqual(withReads.body.items.filter((i) => i.type !== 'AuditTrailRead' && i.position < readAt).map((i) => i.position));
    const recorded = await api.pool.query<{ data: { filters: Record<string, string> } }>('SELECT data FROM es_events WHERE position = $1', [
      Number(without.headers.get('x-audit-read-position')),
    ]);
    expect(recorded.rows[0].data.filters).toEqual({ reads: 'exclude' });
    const csv = await api.call<string>('GET', `/audit/export.csv?reads=exclude`, { token: rpct });
    expect(csv.status).toBe(200);
    expect(csv.body).not.toContain('AuditTrailRead');
    expect(Number(csv.headers.get('x-audit-row-count'))).toBeGreaterThanOrEqual(without.body.items.length);
    const bad = await api.call<{ fields: { field: string }[] }>('GET', '/audit?reads=never', { token: rpct });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f) => f.field)).toEqual(['query.reads']);
  });

  it('GET /audit/facets lists the people, event types (in Italian) and cycles of the trail the caller may read', async () => {
    const full = await api.call<{ actors: { actorId: string }[]; types: { type: string; label: string }[]; cycles: { cycleId: string; title: string }[] }>('GET', '/audit/facets', { token: oiv });
    expect(full.status).toBe(200);
    const actorIds = full.body.actors.map((a) => a.actorId);
    for (const id of ['u-po', 'u-po2', 'u-sg', 'u-rpct']) expect(actorIds).toContain(id);
    expect(actorIds).not.toContain('u-fi');
    expect(full.body.types).toEqual(expect.arrayContaining([
      { type: 'CycleOpened', label: 'Apertura del ciclo' },
      { type: 'ChangesRequested', label: expect.any(String) },
      { type: 'ApprovedBySecretaryGeneral', label: expect.any(String) },
    ]));
    expect(full.body.types.find((t) => t.type === 'ApprovedBySecretaryGeneral')?.label).not.toBe('ApprovedBySecretaryGeneral');
    expect(full.body.cycles.map((c) => c.cycleId).sort()).toEqual([cycleA, cycleB, cycleC].sort());
    // A po sees only what concerns the cycles they acted in; another tenant nothing of this one.
    const mine = await api.call<{ actors: { actorId: string }[]; cycles: { cycleId: string }[] }>('GET', '/audit/facets', { token: po });
    expect(mine.body.cycles.map((c) => c.cycleId)).toEqual([cycleA]);
    expect(mine.body.actors.map((a) => a.actorId).sort()).toEqual(['u-po', 'u-sg']);
    const other = await api.call<{ cycles: { cycleId: string }[] }>('GET', '/audit/facets', { token: foreign });
    expect(other.body.cycles.map((c) => c.cycleId)).not.toContain(cycleA);
    expect((await api.call('GET', '/audit/facets?x=1', { token: rpct })).status).toBe(400);
    // Not a read of rows: nothing is written.
    const before = await api.head();
    await api.call('GET', '/audit/facets', { token: rpct });
    expect(await api.head()).toBe(before);
  });
});
