// The plan through HTTP on PostgreSQL: editing per stage, submission checks, measurements and
// corrections, adoption, a variation with both trees and their diff, exports, the catalogue.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { isoDateAt } from '@ciclo/domain';
import { readXlsx } from '@ciclo/workflow';
import { startTestApi, type TestApi } from '../support/api';

const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
type Body = Record<string, unknown> & { code?: string; fields?: { field: string; problem: string }[] };

describe('plan through HTTP', () => {
  let api: TestApi;
  let po: string, sg: string, organi: string, rilevatore: string, other: string;
  let id: string;
  // Last year's plan: its measurements are all in the past.
  const year = Number(today().slice(0, 4)) - 1;

  beforeAll(async () => {
    api = await startTestApi('plan');
    po = await api.token('u-po', ['po']);
    sg = await api.token('u-sg', ['segretario_generale']);
    organi = await api.token('u-organi', ['segreteria_organi']);
    rilevatore = await api.token('u-ril', ['rilevatore']);
    other = await api.token('u-po-fi', ['po'], 'cciaa-fi');
    const r = await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year } });
    id = r.body.cycleId;
  });
  afterAll(async () => {
    await api.close();
  });

  const plan = (command: string, body: unknown, token = po) => api.call<Body>('POST', `/cycles/${id}/plan/commands/${command}`, { token, body });
  const run = (command: string, token: string, body: unknown = {}) => api.call<Body>('POST', `/cycles/${id}/commands/${command}`, { token, body });
  const targets = (v: number) => [0, 1, 2].map((i) => ({ year: year + i, operator: '>=', value: v }));
  const indicator = (code: string, weight: number | null, t = targets(60)) => ({
    kind: 'indicator',
    code,
    objectiveCode: '01_01_02',
    name: `Indicatore ${code}`,
    algorithm: 'Numero di assessment',
    type: 'volume',
    unit: 'n',
    baseline: { value: 130, year: year - 1 },
    targets: t,
    weight,
    dataSource: 'Registro PID',
  });

  it('builds the tree in the draft, refuses edits outside the editable stages and lists every submission problem', async () => {
    const batch = await plan('batch', {
      commands: [
        { command: 'add_node', kind: 'ambito', code: '01', title: 'Competitività del territorio' },
        { command: 'add_node', kind: 'strategic_objective', code: '01_01', title: 'Digitalizzazione', ambitoCode: '01' },
        {
          command: 'add_node',
          kind: 'operational_objective',
          code: '01_01_02',
          title: 'PID - Punto Impresa Digitale',
          description: 'Supporto alla digitalizzazione delle imprese',
          expectedImpact: 'Maturità digitale delle imprese',
          resources: { kind: 'euro', amount: 335000 },
          strategicObjectiveCode: '01_01',
          area: 'Promozione e sviluppo economico',
          office: 'Punto Impresa Digitale',
          mission: { code: '011', title: 'Competitività e sviluppo delle imprese' },
          programme: 'Promozione e attuazione di politiche di sviluppo',
          stakeholders: ['Imprese', 'Associazioni di categoria'],
          timeSpan: { from: year, to: year + 2 },
          commonSystemObjective: true,
        },
        { command: 'add_node', ...indicator('01_01_02_I1', 50) },
        { command: 'add_node', ...indicator('01_01_02_I2', 40, [{ year, operator: '>=', value: 4 }]) },
      ],
    });
    expect(batch.status).toBe(200);
    expect((batch.body.events as unknown[]).length).toBe(5);

    // An atomic batch with one bad command writes nothing.
    const head = await api.head();
    const bad = await plan('batch', { commands: [{ command: 'add_node', kind: 'ambito', code: '02', title: 'Altro' }, { command: 'add_node', kind: 'ambito', code: '01', title: 'Doppio' }] });
    expect([bad.status, bad.body.code]).toEqual([409, 'PLAN_NODE_EXISTS']);
    expect(await api.head()).toBe(head);
    expect((await plan('add_node', { kind: 'ambito', code: '09', title: 'x' }, rilevatore)).body.code).toBe('ROLE_NOT_ALLOWED');
    expect((await plan('frobnicate', {})).body.code).toBe('UNKNOWN_PLAN_COMMAND');
    expect((await api.call('GET', `/cycles/${id}/plan`, { token: other })).status).toBe(404);

    const submit = await run('submit', po);
    expect([submit.status, submit.body.code]).toEqual([422, 'PLAN_INCOMPLETE']);
    expect((submit.body.fields ?? []).map((f) => `${f.field} ${f.problem.split(':')[0]}`).sort()).toEqual([
      '01_01_02 INDICATOR_WEIGHTS_SUM',
      `01_01_02_I2 TARGET_MISSING ${year + 1}`,
      `01_01_02_I2 TARGET_MISSING ${year + 2}`,
    ]);
    const view = await api.call<{ problems: unknown[]; editable: boolean; counts: Record<string, number> }>('GET', `/cycles/${id}/plan`, { token: po });
    expect(view.body).toMatchObject({ editable: true, counts: { ambiti: 1, strategicObjectives: 1, operationalObjectives: 1, indicators: 2 } });
    expect(view.body.problems).toHaveLength(3);

    expect((await plan('set_targets', { indicatorCode: '01_01_02_I2', targets: [{ year: year + 1, operator: '>=', value: 5 }, { year: year + 2, operator: '>=', value: 6 }] })).status).toBe(200);
    expect((await plan('set_weights', { objectiveCode: '01_01_02', weights: { '01_01_02_I2': 50 } })).status).toBe(200);
    expect((await run('submit', po)).body.stage).toBe('revisione_sg');
    const locked = await plan('update_node', { code: '01_01_02_I1', changes: { name: 'Altro nome' } });
    expect([locked.status, locked.body.code]).toEqual([409, 'PLAN_NOT_EDITABLE']);
  });

  it('records measurements and corrections, never overwriting, and scores them', async () => {
    const m = { indicatorCode: '01_01_02_I1', period: `${year}-01`, value: 30, date: `${year}-02-01` };
    expect((await api.call<Body>('POST', `/cycles/${id}/measurements`, { token: rilevatore, body: m })).status).toBe(201);
    const again = await api.call<Body>('POST', `/cycles/${id}/measurements`, { token: rilevatore, body: { ...m, value: 31 } });
    expect([again.status, again.body.code]).toEqual([409, 'MEASUREMENT_ALREADY_RECORDED']);
    const corrected = await api.call<Body>('POST', `/cycles/${id}/measurements`, { token: rilevatore, body: { ...m, value: 45, correctionReason: 'Conteggio rifatto sul registro' } });
    expect(corrected.status).toBe(201);
    expect((await api.call<Body>('POST', `/cycles/${id}/measurements`, { token: po, body: m })).body.code).toBe('ROLE_NOT_ALLOWED');
    const { rows } = await api.pool.query<{ type: string; reason: string | null }>(`SELECT type, metadata->>'reason' AS reason FROM es_events WHERE stream_id = $1 AND type LIKE 'Measurement%' ORDER BY version`, [`cciaa-po/cycle-${id}`]);
    expect(rows).toEqual([
      { type: 'MeasurementRecorded', reason: null },
      { type: 'MeasurementCorrected', reason: 'Conteggio rifatto sul registro' },
    ]);
    const view = await api.call<{ achievement: { ambiti: { strategicObjectives: { operationalObjectives: { indicators: Record<string, unknown>[] }[] }[] }[] } }>('GET', `/cycles/${id}/plan?year=${year}&monitoringDate=${today()}`, { token: po });
    const i1 = view.body.achievement.ambiti[0].strategicObjectives[0].operationalObjectives[0].indicators[0];
    expect(i1.measurements).toEqual([expect.objectContaining({ value: 45, correctionReason: 'Conteggio rifatto sul registro', history: [expect.objectContaining({ value: 30 })] })]);
    expect(i1.achievement).toMatchObject({ actual: 45, score: 75, shown: 75 });
    expect(i1.variance).toMatchObject({ indicatorCode: '01_01_02_I1' });
    // monitoringDate=auto (the console's): 31 December of a past year, today in the current one, none for a future one.
    const auto = async (y: number) => (await api.call<{ achievement: { year: number; variance?: { monitoringDate: string } } }>('GET', `/cycles/${id}/plan?year=${y}&monitoringDate=auto`, { token: po })).body.achievement;
    expect(await auto(year)).toMatchObject({ year, variance: { monitoringDate: `${year}-12-31` } });
    expect(await auto(year + 1)).toMatchObject({ year: year + 1, variance: { monitoringDate: today() } });
    expect((await auto(year + 2)).variance).toBeUndefined();
    const bad = await api.call<Body>('GET', `/cycles/${id}/plan?monitoringDate=ieri`, { token: po });
    expect([bad.status, bad.body.fields?.map((f) => f.field)]).toEqual([400, ['query.monitoringDate']]);
  });

  it('freezes the adopted plan; a variation approved by the Giunta keeps both trees and their diff', async () => {
    expect((await run('approve', sg)).body.stage).toBe('in_giunta');
    expect((await run('record_giunta_deliberation', organi, { number: '12/' + year, date: today(), actHash: sha('piao') })).body.stage).toBe('adottato');
    // The PIAO document now names the deliberation on its cover and pages, no longer a draft.
    const download = async (path: string) => Buffer.from(await (await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${po}` } })).arrayBuffer());
    const pdf = await download(`/cycles/${id}/documents/piao.pdf`);
    const pdfFile = join(mkdtempSync(join(tmpdir(), 'piao-')), 'piao.pdf');
    writeFileSync(pdfFile, pdf);
    const pdfText = execFileSync('pdftotext', ['-enc', 'UTF-8', pdfFile, '-']).toString('utf8').replace(/\s+/g, ' ');
    const itDay = `${today().slice(8, 10)}/${today().slice(5, 7)}/${today().slice(0, 4)}`;
    expect(pdfText).toContain(`Adottato con deliberazione della Giunta n. 12/${year} del ${itDay}`);
    expect(pdfText).not.toContain('BOZZA');
    // The portal pack: the same PDF, the metadata the portal stores, the same bytes twice.
    const pack = await download(`/cycles/${id}/documents/portal-pack.zip`);
    expect((await download(`/cycles/${id}/documents/portal-pack.zip`)).equals(pack)).toBe(true);
    const zip = await JSZip.loadAsync(pack);
    expect(Object.keys(zip.files).sort()).toEqual([`PIAO-${year}-${year + 2}.pdf`, 'metadati.csv', 'metadati.json']);
    expect((await zip.file(`PIAO-${year}-${year + 2}.pdf`)?.async('nodebuffer'))?.equals(pdf)).toBe(true);
    const meta = JSON.parse((await zip.file('metadati.json')?.async('string')) as string) as Record<string, unknown>;
    expect(meta).toMatchObject({ anni: [year, year + 1, year + 2], dataApprovazione: today(), estremiAtto: `deliberazione della Giunta n. 12/${year} del ${itDay}`, organoApprovazione: 'Giunta camerale' });
    expect(meta.documento).toEqual({ nome: `PIAO-${year}-${year + 2}.pdf`, sha256: createHash('sha256').update(pdf).digest('hex') });
    const frozen = await plan('update_node', { code: '01_01_02_I1', changes: { name: 'Altro nome' } });
    expect([frozen.status, frozen.body.code]).toEqual([409, 'PLAN_FROZEN']);

    expect((await plan('open_variation', { reason: 'Monitoraggio intermedio: target da rivedere' })).status).toBe(200);
    const before = await api.call<{ version: number }>('GET', `/cycles/${id}/plan`, { token: po });
    expect((await plan('set_targets', { indicatorCode: '01_01_02_I1', targets: [{ year, operator: '>=', value: 50 }] })).status).toBe(200);
    expect((await plan('update_node', { code: '01_01_02', changes: { office: 'PID e innovazione' } })).status).toBe(200);
    const wrongRole = await plan('approve_variation', { number: '40/' + year, date: today(), actHash: sha('var') }, po);
    expect(wrongRole.body.code).toBe('ROLE_NOT_ALLOWED');
    const approved = await plan('approve_variation', { number: '40/' + year, date: today(), actHash: sha('var') }, organi);
    expect(approved.status).toBe(200);
    expect((await plan('update_node', { code: '01_01_02', changes: { office: 'x' } })).body.code).toBe('PLAN_FROZEN');

    const adopted = await api.call<{ tree: string; achievement: { ambiti: { strategicObjectives: { operationalObjectives: { office: string; indicators: { targets: { value: number }[] }[] }[] }[] }[] } }>('GET', `/cycles/${id}/plan?tree=adopted`, { token: po });
    const varied = await api.call<typeof adopted.body & { variations: { status: string; deliberation: { number: string } }[] }>('GET', `/cycles/${id}/plan`, { token: po });
    const oo = (b: typeof adopted.body) => b.achievement.ambiti[0].strategicObjectives[0].operationalObjectives[0];
    expect(oo(adopted.body).office).toBe('Punto Impresa Digitale');
    expect(oo(varied.body).office).toBe('PID e innovazione');
    expect(oo(adopted.body).indicators[0].targets[0].value).toBe(60);
    expect(oo(varied.body).indicators[0].targets[0].value).toBe(50);
    expect(varied.body.variations).toEqual([expect.objectContaining({ status: 'approved', deliberation: expect.objectContaining({ number: `40/${year}` }) })]);

    const diff = await api.call<{ summary: Record<string, number>; changes: { code: string; change: string; fields: { field: string; before: unknown; after: unknown }[] }[] }>('GET', `/cycles/${id}/plan/diff?from=adopted&to=current`, { token: po });
    expect(diff.body.summary).toMatchObject({ added: 0, removed: 0, changed: 2 });
    expect(diff.body.changes.find((c) => c.code === '01_01_02_I1')?.fields).toEqual([{ field: 'targets[0].value', before: 60, after: 50 }]);
    // Time travel: the plan at the version before the variation's edits.
    const old = await api.call<{ asOfVersion: number; editable: boolean }>('GET', `/cycles/${id}/plan?version=${before.body.version}`, { token: po });
    expect(old.body).toMatchObject({ asOfVersion: before.body.version, editable: false });
    const vdiff = await api.call<{ summary: Record<string, number> }>('GET', `/cycles/${id}/plan/diff?from=v${before.body.version}&to=current`, { token: po });
    expect(vdiff.body.summary.changed).toBe(2);
    expect((await api.call<Body>('GET', `/cycles/${id}/plan/diff?from=yesterday`, { token: po })).status).toBe(400);
  });

  it('exports the PIAO by DM 132/2022 sections, and the indicator sheet as CSV and XLSX', async () => {
    const json = await api.call<{ sezioni: { numero: string; sottosezioni?: { numero: string; contenuto: unknown[] }[] }[] }>('GET', `/cycles/${id}/plan/export?format=json`, { token: po });
    expect(json.body.sezioni.map((s) => s.numero)).toEqual(['1', '2', '3', '4']);
    const s2 = json.body.sezioni[1].sottosezioni ?? [];
    expect(s2.map((s) => s.numero)).toEqual(['2.1', '2.2', '2.3']);
    expect(s2[1].contenuto).toHaveLength(1);
    const csv = await api.call<string>('GET', `/cycles/${id}/plan/export?format=csv`, { token: po });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('Codice obiettivo;Obiettivo operativo');
    expect(lines[0]).toContain(`Target ${year}`);
    expect(lines).toHaveLength(3);
    const res = await fetch(`${api.url}/cycles/${id}/plan/export?format=xlsx`, { headers: { authorization: `Bearer ${po}` } });
    const rows = await readXlsx(Buffer.from(await res.arrayBuffer()));
    expect(rows[1][7]).toBe('01_01_02_I1');
    expect(rows.length).toBe(3);
  });

  it('documents the plan endpoints in the OpenAPI description', async () => {
    const doc = await api.call<{ paths: Record<string, unknown> }>('GET', '/docs/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/cycles/{id}/plan', '/cycles/{id}/plan/diff', '/cycles/{id}/plan/export', '/cycles/{id}/plan/commands/{command}', '/cycles/{id}/measurements', '/catalogue/processes']),
    );
  });
});
