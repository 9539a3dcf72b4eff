// GET /cycles/{id}/documents/relazione.pdf: the Relazione sulla performance reads the PIAO it
// reports on; narrative sections are events written in editable stages only (and print in the PIAO
// too); "non ancora validata" on every page until the OIV validates, then its reference; figures
// fixed by the Giunta's approval; the same bytes twice; time travel; the refusals.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isoDateAt } from '@ciclo/domain';
import { startTestApi, type TestApi } from '../support/api';

const OUT = resolve(__dirname, '../../test-results/documents');
const YEAR = 2026;
const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('GET /cycles/{id}/documents/relazione.pdf and the narrative sections', () => {
  let api: TestApi;
  let po: string, sg: string, organi: string, oiv: string, rilevatore: string;
  let piao: string, relazione: string;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    api = await startTestApi('relazionepdf');
    po = await api.token('u-po', ['po']);
    sg = await api.token('u-sg', ['segretario_generale']);
    organi = await api.token('u-organi', ['segreteria_organi']);
    oiv = await api.token('u-oiv', ['oiv']);
    rilevatore = await api.token('u-ril', ['rilevatore']);
  });
  afterAll(async () => {
    await api.close();
  });

  const open = async (type: string, year: number) => (await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type, year } })).body.cycleId;
  const run = (id: string, command: string, token: string, body: unknown = {}) => api.call<Record<string, unknown>>('POST', `/cycles/${id}/commands/${command}`, { token, body });
  const narrative = (id: string, section: string, text: unknown, token = po) => api.call<{ code?: string; fields?: { field: string }[]; results?: unknown[] }>('POST', `/cycles/${id}/plan/commands/write_narrative`, { token, body: { section, text } });
  const pdf = async (path: string, token = sg) => {
    const r = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { res: r, bytes: Buffer.from(await r.arrayBuffer()) };
  };
  const poppler = (bytes: Buffer, name: string) => {
    const file = resolve(OUT, `${name}.pdf`);
    writeFileSync(file, bytes);
    return { file, text: execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']).toString('utf8'), info: execFileSync('pdfinfo', [file]).toString('utf8') };
  };
  const measure = (code: string, value: number, correctionReason?: string) =>
    api.call('POST', `/cycles/${piao}/measurements`, { token: rilevatore, body: { indicatorCode: code, period: String(YEAR), value, date: today(), ...(correctionReason ? { correctionReason } : {}) } });

  it('narrative sections of the PIAO: written in an editable stage, cleared, refused with the field named, printed from Markdown', async () => {
    piao = await open('piao', YEAR);
    const indicator = (code: string, objectiveCode: string, name: string) => ({
      command: 'add_node',
      kind: 'indicator',
      code,
      objectiveCode,
      name,
      type: 'volume',
      unit: 'n',
      baseline: { value: 20, year: YEAR - 1 },
      targets: [0, 1, 2].map((i) => ({ year: YEAR + i, operator: '>=', value: 100 })),
      weight: 100,
    });
    const tree = await api.call('POST', `/cycles/${piao}/plan/commands/batch`, {
      token: po,
      body: {
        commands: [
          { command: 'add_node', kind: 'ambito', code: '01', title: 'Competitività del territorio' },
          { command: 'add_node', kind: 'strategic_objective', code: '01_01', title: 'Digitalizzazione delle imprese', ambitoCode: '01' },
          { command: 'add_node', kind: 'operational_objective', code: '01_01_01', title: 'Punto Impresa Digitale', strategicObjectiveCode: '01_01', area: 'Area promozione' },
          indicator('01_01_01_I1', '01_01_01', 'Imprese assistite'),
          { command: 'add_node', kind: 'operational_objective', code: '01_01_02', title: 'Registro delle imprese più veloce', strategicObjectiveCode: '01_01', area: 'Area anagrafe' },
          indicator('01_01_02_I1', '01_01_02', 'Pratiche evase entro 5 giorni'),
        ],
      },
    });
    expect(tree.status).toBe(200);
    const bands = [
      { key: 'below_minimum', label: 'Sotto la soglia minima', from: 0, colour: '#d32f2f' },
      { key: 'minimum_to_target', label: 'Tra soglia minima e target', from: 60, colour: '#f9a825' },
      { key: 'target_to_excellent', label: 'Tra target ed eccellenza', from: 100, colour: '#388e3c' },
    ];
    expect((await api.call('POST', `/cycles/${piao}/plan/commands/set_scoring_rules`, { token: sg, body: { rules: { bands } } })).status).toBe(200);

    const written = await narrative(piao, '2.1', "## Il valore pubblico\n\nLa Camera crea **valore** per le imprese del territorio.\n\n- meno tempi d'attesa\n- più servizi digitali");
    expect(written.status).toBe(200);
    expect((await narrative(piao, '3.3', 'Fabbisogni: 3 assunzioni.')).status).toBe(200);
    expect((await narrative(piao, '3.3', '')).status).toBe(200); // cleared
    const bad = await narrative(piao, '9.9', 'x');
    expect([bad.status, bad.body.code, bad.body.fields?.map((f) => f.field)]).toEqual([400, 'PLAN_INVALID_FIELDS', ['section']]);
    const noText = await narrative(piao, '4', 42);
    expect([noText.status, noText.body.fields?.map((f) => f.field)]).toEqual([400, ['text']]);
    const notAllowed = await narrative(piao, '4', 'testo', rilevatore);
    expect([notAllowed.status, notAllowed.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    const long = await narrative(piao, '4', 'x'.repeat(20001));
    expect(long.status).toBe(400);

    const plan = await api.call<{ narratives: { section: string; title: string; text: string; by?: string }[]; narrativesEditable: boolean; version: number }>('GET', `/cycles/${piao}/plan`, { token: sg });
    expect(plan.body.narrativesEditable).toBe(true);
    expect(plan.body.narratives.map((n) => [n.section, n.text.slice(0, 21), n.by ?? null])).toEqual([
      ['2.1', '## Il valore pubblico', 'u-po'],
      ['3.1', '', null],
      ['3.2', '', null],
      ['3.3', '', null],
      ['4', '', null],
    ]);
    const history = (await api.call<{ versions: { type: string; data: Record<string, unknown> }[] }>('GET', `/cycles/${piao}/history`, { token: sg })).body.versions;
    expect(history.filter((v) => v.type === 'NarrativeSectionWritten').map((v) => v.data.section)).toEqual(['2.1', '3.3', '3.3']);

    const { text } = poppler((await pdf(`/cycles/${piao}/documents/piao.pdf`)).bytes, 'piao-narratives');
    expect(text).toContain('Il valore pubblico');
    expect(text).toContain('La Camera crea valore per le imprese del territorio.');
    expect(text).toContain("meno tempi d'attesa");
    expect(text).not.toContain('Fabbisogni: 3 assunzioni.');
    // Time travel: before the text was written the section was empty.
    const before = poppler((await pdf(`/cycles/${piao}/documents/piao.pdf?version=${plan.body.version - 4}`)).bytes, 'piao-narratives-before');
    expect(before.text).not.toContain('La Camera crea valore');
    const earlier = await api.call<{ narratives: { text: string }[]; narrativesEditable: boolean }>('GET', `/cycles/${piao}/plan?version=${plan.body.version - 4}`, { token: sg });
    expect([earlier.body.narratives[0].text, earlier.body.narrativesEditable]).toEqual(['', false]);
  });

  it('refuses narratives outside the editable stages, writing nothing', async () => {
    relazione = await open('relazione_performance', YEAR);
    // The Relazione opens in "misurazione": not an editable stage.
    const versionBefore = (await api.call<{ version: number }>('GET', `/cycles/${relazione}`, { token: sg })).body.version;
    const refused = await narrative(relazione, 'scostamenti', 'Troppo presto');
    expect([refused.status, refused.body.code]).toEqual([409, 'PLAN_NOT_EDITABLE']);
    expect((refused.body as { messageIt?: string }).messageIt).toEqual(expect.any(String));
    expect((await api.call<{ version: number }>('GET', `/cycles/${relazione}`, { token: sg })).body.version).toBe(versionBefore);
    // A PIAO section is not a section of the Relazione.
    expect((await run(relazione, 'close_measurements', po)).status).toBe(200);
    const wrong = await narrative(relazione, '2.1', 'x');
    expect([wrong.status, wrong.body.fields?.map((f) => f.field)]).toEqual([400, ['section']]);
  });

  it('the Relazione before validation: every section, the objectives and their achievement, "non ancora validata" on every page, the same bytes twice', async () => {
    expect((await measure('01_01_01_I1', 100)).status).toBe(201);
    expect((await measure('01_01_02_I1', 40)).status).toBe(201);
    expect((await narrative(relazione, 'scostamenti', "## Registro delle imprese\n\nIl passaggio al nuovo gestionale ha rallentato l'evasione delle pratiche.\n\n1. migrazione dei dati\n2. formazione del personale")).status).toBe(200);
    const { res, bytes } = await pdf(`/cycles/${relazione}/documents/relazione.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="Relazione-performance-2026-v\d+\.pdf"$/);
    expect(res.headers.get('x-content-sha256')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await pdf(`/cycles/${relazione}/documents/relazione.pdf`)).bytes.equals(bytes)).toBe(true);
    const { file, text, info } = poppler(bytes, 'relazione-draft');
    expect(info).toMatch(/^Title:\s+Relazione sulla performance 2026 - /m);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(bytes.toString('latin1')).toContain('/Lang (it-IT)');
    const fonts = execFileSync('pdffonts', [file]).toString('utf8');
    expect(fonts.split('\n').slice(2).filter((l) => l.trim()).every((l) => /DejaVuSans/.test(l) && /\byes\s+yes\s+yes\b/.test(l))).toBe(true);
    for (const h of ['1. Sintesi dei risultati', '2. Raggiungimento per area', '3. Raggiungimento per obiettivo', '4. Indicatori', '5. Analisi degli scostamenti', "6. Validazione dell'OIV"]) expect(text).toContain(h);
    expect(text).toMatch(/complessivo dell'ente nel 2026: 70%/);
    expect(text).toMatch(/01_01_01\s+Punto Impresa Digitale\s+Area promozione\s+100%/);
    expect(text).toMatch(/01_01_02\s+Registro delle imprese più veloce\s+Area anagrafe\s+40%/);
    expect(text).toMatch(/Area anagrafe\s+1\s+1\s+40%\s+Sotto la soglia minima/);
    expect(text).toContain("Il passaggio al nuovo gestionale ha rallentato l'evasione delle pratiche.");
    expect(text).toContain('formazione del personale');
    expect(text).toContain('Non ancora approvata dalla Giunta');
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(4);
    for (const p of pages) expect(p).toContain('non ancora validata');
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '6', file, resolve(OUT, 'relazione-draft')]);
  });

  it('approved and validated: the OIV reference and date, figures fixed at the approval; time travel gives the earlier document', async () => {
    expect((await run(relazione, 'submit', po)).status).toBe(200);
    const approvedAt = (await api.call<{ version: number }>('GET', `/cycles/${relazione}`, { token: sg })).body.version;
    expect((await run(relazione, 'record_giunta_deliberation', organi, { number: '55/2026', date: today(), actHash: sha('relazione') })).status).toBe(200);
    // A correction after the approval does not change the Relazione the Giunta approved.
    expect((await measure('01_01_02_I1', 90, 'Conteggio rifatto sul registro')).status).toBe(201);
    const refused = await narrative(relazione, 'scostamenti', 'Dopo la Giunta');
    expect([refused.status, refused.body.code]).toEqual([409, 'PLAN_NOT_EDITABLE']);
    expect((await run(relazione, 'validate', oiv, { reportReference: 'Documento di validazione 1/2026', date: today() })).status).toBe(200);
    const { text } = poppler((await pdf(`/cycles/${relazione}/documents/relazione.pdf`)).bytes, 'relazione-validated');
    const it = today().split('-').reverse().join('/');
    expect(text).toContain(`Validata dall'OIV: Documento di validazione 1/2026 del ${it}`);
    expect(text).toContain(`Approvata con deliberazione della Giunta n. 55/2026 del ${it}`);
    expect(text).not.toMatch(/non ancora validata/i);
    expect(text).toMatch(/Area anagrafe\s+1\s+1\s+40%/);
    expect(text.replace(/\s+/g, ' ')).toContain("fissata dall'approvazione della Giunta");
    // The correction made after the approval is shown as such, not applied.
    expect(text).toContain("Dati cambiati nel PIAO dopo l'approvazione");
    expect(text).toMatch(/01_01_02_I1\s+Pratiche evase entro 5 giorni\s+40%\s+90%/);
    // At the version before the deliberation: not approved, not validated, live figures then.
    const then = poppler((await pdf(`/cycles/${relazione}/documents/relazione.pdf?version=${approvedAt}`)).bytes, 'relazione-at-submission');
    expect(then.text).toContain('non ancora validata');
    expect(then.text).toContain('Non ancora approvata dalla Giunta');
  });

  it('refuses a malformed id, version or asOf, an unknown cycle, another tenant and a cycle that is not a Relazione sulla performance', async () => {
    const field = async (path: string) => {
      const r = await api.call<{ fields: { field: string }[] }>('GET', path, { token: sg });
      expect(r.status).toBe(400);
      return r.body.fields.map((f) => f.field);
    };
    expect(await field('/cycles/nope/documents/relazione.pdf')).toEqual(['path.id']);
    expect(await field(`/cycles/${relazione}/documents/relazione.pdf?version=zero`)).toEqual(['query.version']);
    expect(await field(`/cycles/${relazione}/documents/relazione.pdf?asOf=ieri`)).toEqual(['query.asOf']);
    const unknown = await api.call<{ code: string }>('GET', '/cycles/00000000-0000-4000-8000-000000000000/documents/relazione.pdf', { token: sg });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'CYCLE_NOT_FOUND']);
    const foreign = await api.call<{ code: string }>('GET', `/cycles/${relazione}/documents/relazione.pdf`, { token: await api.token('u-x', ['po'], 'cciaa-fi') });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'CYCLE_NOT_FOUND']);
    expect((await api.call('GET', `/cycles/${relazione}/documents/relazione.pdf`)).status).toBe(401);
    const notRelazione = await api.call<{ code: string; messageIt: string }>('GET', `/cycles/${piao}/documents/relazione.pdf`, { token: sg });
    expect([notRelazione.status, notRelazione.body.code]).toEqual([404, 'DOCUMENT_NOT_FOR_CYCLE_TYPE']);
  });
});
