// POST /cycles/{id}/plan/import: an indicator sheet (CSV or XLSX, Italian headers) uploaded as raw
// bytes, through the same importer as `ciclo import`; refusals of the file and of the stage.
import { writeXlsx } from '@ciclo/workflow';
import { startTestApi, type TestApi } from '../support/api';

type Report = { format: string; created: Record<string, number>; updated: number; unchanged: number; replayed: number; refused: { ref: string; code: string }[]; events: number };
type Body = Record<string, unknown> & { code?: string; fields?: { field: string; problem: string }[] };

const HEADER = 'Ambito strategico;Obiettivo strategico (OS);Codice obiettivo;Obiettivo operativo;Area di responsabilità;Indicatori;Tipologia;UdM;Stato 2026;Target 2027;Target 2028;Target 2029;Peso indicatori;Fonte dati';
const CSV = [
  HEADER,
  '01 - Competitività;01_01 - Digitalizzazione;01_01_02;PID - Punto Impresa Digitale;Promozione;Assessment digitali;Volume;n.;130;>= 60;>= 65;>= 70;50,0%;Registro PID',
  '01 - Competitività;01_01 - Digitalizzazione;01_01_02;;;Giudizio medio;Qualità;n.;7,4;>= 7,4;>= 7,5;>= 7,6;50%;Rilevazione',
  ';;09_09_09;;;Indicatore orfano;Volume;n.;;>= 1;;;100;',
].join('\r\n');

describe('plan import through HTTP', () => {
  let api: TestApi;
  let po: string, other: string;
  let id: string;

  beforeAll(async () => {
    api = await startTestApi('planimport');
    po = await api.token('u-po', ['po']);
    other = await api.token('u-po-fi', ['po'], 'cciaa-fi');
    const r = await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year: 2027 } });
    id = r.body.cycleId;
  });
  afterAll(async () => api.close());

  const upload = (name: string | undefined, raw: Buffer | string, token = po) =>
    api.call<Report & Body>('POST', `/cycles/${id}/plan/import`, { token, raw, headers: { 'content-type': 'text/csv', ...(name ? { 'x-file-name': encodeURIComponent(name) } : {}) } });

  it('imports a CSV sheet into the draft, reporting the bad row; the same file again writes nothing', async () => {
    const r = await upload('indicatori.csv', CSV);
    expect(r.status).toBe(200);
    expect(r.body.format).toBe('foglio-indicatori');
    expect(r.body.created).toEqual({ ambiti: 1, strategicObjectives: 1, operationalObjectives: 1, indicators: 2 });
    expect(r.body.refused).toEqual([expect.objectContaining({ ref: 'riga 4', code: 'PLAN_PARENT_NOT_FOUND' })]);
    const plan = await api.call<{ counts: Record<string, number> }>('GET', `/cycles/${id}/plan`, { token: po });
    expect(plan.body.counts).toMatchObject({ ambiti: 1, operationalObjectives: 1, indicators: 2 });

    const head = await api.head();
    const again = await upload('indicatori.csv', CSV);
    expect(again.status).toBe(200);
    expect(again.body.events).toBe(0);
    expect(await api.head()).toBe(head);
  });

  it('imports an XLSX sheet: existing indicators are updated, not duplicated', async () => {
    const rows = [
      ['Codice obiettivo', 'Codice indicatore', 'Indicatori', 'UdM', 'Target 2027', 'Target 2028', 'Target 2029', 'Peso indicatori'],
      ['01_01_02', '01_01_02_I1', 'Assessment digitali realizzati', 'n.', '>= 80', '>= 85', '>= 90', 50],
    ];
    const xlsx = await writeXlsx(rows, 'Indicatori');
    const r = await api.call<Report>('POST', `/cycles/${id}/plan/import`, { token: po, raw: xlsx, headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'foglio.xlsx' } });
    expect(r.status).toBe(200);
    expect(r.body.created).toEqual({});
    expect(r.body.updated).toBe(1);
    const plan = await api.call<{ counts: Record<string, number>; achievement: { ambiti: { strategicObjectives: { operationalObjectives: { indicators: { code: string; name: string; targets: { value: unknown }[] }[] }[] }[] }[] } }>('GET', `/cycles/${id}/plan`, { token: po });
    expect(plan.body.counts.indicators).toBe(2);
    const i1 = plan.body.achievement.ambiti[0].strategicObjectives[0].operationalObjectives[0].indicators.find((i) => i.code === '01_01_02_I1');
    expect(i1).toMatchObject({ name: 'Assessment digitali realizzati', targets: [{ value: 80 }, { value: 85 }, { value: 90 }] });
  });

  it('refuses a file without a name, of another type, empty or unreadable, naming the field; nothing written', async () => {
    const head = await api.head();
    const noName = await upload(undefined, CSV);
    expect(noName.status).toBe(400);
    expect(noName.body.fields?.map((f) => f.field)).toEqual(['header.X-File-Name']);
    const pdf = await upload('piano.pdf', CSV);
    expect(pdf.status).toBe(400);
    expect(pdf.body.fields?.map((f) => f.field)).toEqual(['header.X-File-Name']);
    const empty = await api.call<Body>('POST', `/cycles/${id}/plan/import`, { token: po, headers: { 'x-file-name': 'vuoto.csv', 'content-type': 'text/csv' } });
    expect(empty.status).toBe(400);
    expect(empty.body.fields?.map((f) => f.field)).toEqual(['body']);
    const broken = await upload('rotto.xlsx', 'questo non è uno zip');
    expect(broken.status).toBe(400);
    expect(broken.body.fields?.[0]).toMatchObject({ field: 'body', problem: expect.stringMatching(/XLSX/) });
    expect(await api.head()).toBe(head);
  });

  it("refuses another tenant's cycle (404); a role that may not edit the tree gets every row refused, nothing written", async () => {
    const foreign = await upload('indicatori.csv', CSV, other);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('CYCLE_NOT_FOUND');

    const rilevatore = await api.token('u-ril', ['rilevatore']);
    const head = await api.head();
    const csv = [HEADER, '01 - Competitività;01_01 - Digitalizzazione;01_01_03;Nuovo obiettivo;Promozione;Nuovo indicatore;Volume;n.;1;>= 1;>= 1;>= 1;100;Registro'].join('\n');
    const r = await upload('nuovo.csv', csv, rilevatore);
    expect(r.status).toBe(200);
    expect(r.body.events).toBe(0);
    expect(r.body.refused.length).toBeGreaterThan(0);
    expect(new Set(r.body.refused.map((x) => x.code))).toEqual(new Set(['ROLE_NOT_ALLOWED']));
    expect(await api.head()).toBe(head);
  });
});
