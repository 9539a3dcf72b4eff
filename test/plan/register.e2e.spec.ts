// The risk register over HTTP, on a PTPCT: commands through the plan's endpoint, the register view
// by rating with measure status, the import of a register sheet, refusals naming fields (nothing
// written), adoption, monitoring and the RPCT's check, a variation with its diff, and time travel.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isoDateAt } from '@ciclo/domain';
import { readXlsx, writeXlsx } from '@ciclo/workflow';
import { parseCsv } from '../audit/helpers';
import { startTestApi, type TestApi } from '../support/api';

type Body = Record<string, unknown> & {
  code?: string;
  messageIt?: string;
  fields?: { field: string; problem: string }[];
};
type Register = {
  version: number;
  editable: boolean;
  summary: {
    processes: number;
    risks: number;
    measures: number;
    overdue: number;
    byRating: { level: string; processes: number }[];
    measuresByStatus: Record<string, number>;
  };
  processes: {
    code: string;
    rating: string | null;
    area?: string;
    office?: string;
    risks: { code: string; measureCodes: string[] }[];
  }[];
  measures: {
    code: string;
    status: string | null;
    checked: boolean;
    overdue: boolean;
    riskCodes: string[];
  }[];
  problems: { code: string; nodeCode: string }[];
};

const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const HEADER =
  'Codice processo;Processo;Area;Ufficio;Codice rischio;Evento rischioso;Fattori abilitanti;Valutazione complessiva;Motivazione;interesse_esterno;discrezionalita;eventi_passati;opacita;collaborazione;attuazione_misure;Codice misura;Misura;Tipo misura;Categoria;Ufficio responsabile;Dirigente;Fasi e scadenze;Indicatore di attuazione;Target';
const ind =
  'alto: vantaggi economici;medio: margini di scelta;basso: nessun evento;medio: pubblicazione parziale;basso: collaborativo;medio: misure in corso';

describe('risk register over HTTP', () => {
  let api: TestApi;
  let rpct: string, dirigente: string, organi: string, po: string;
  let id: string;
  const year = Number(today().slice(0, 4));
  const monitoring = `${year}-01-15` <= today() ? `${year}-01-15` : today();
  const csv = () =>
    [
      HEADER,
      `C2.7.5;Manifestazioni a premio;Sviluppo economico;Regolazione del mercato;C2.7.5-R1;Omesso controllo per favorire un promotore;discrezionalità| controlli scarsi;alto;interesse economico elevato;${ind};MS1;Check list dei controlli;specifica;controllo;Regolazione del mercato;Dirigente Area 2;Check list entro 31/12/${year + 1};Pratiche con check list / totali;100%`,
      `C2.7.5;;;;C2.7.5-R2;Uso improprio di informazioni riservate;;;;;;;;;;MS1;;;;;;;;`,
      `B1.1.1;Acquisizione risorse umane;Servizi amministrativi;Personale;B1.1.1-R1;Requisiti di accesso personalizzati;discrezionalità;medio;bandi standard;${ind};MG-TRASP;Pubblicazione dei bandi;generale;trasparenza;Personale;Dirigente Area 1;Pubblicazione entro 30/06/${year + 1};Bandi pubblicati / bandi;100%`,
      `;Riga senza codice;;;;;;;;;;;;;;;;;;;;;;`,
    ].join('\r\n');

  beforeAll(async () => {
    api = await startTestApi('register');
    rpct = await api.token('u-rpct', ['rpct']);
    dirigente = await api.token('u-dir', ['dirigente']);
    organi = await api.token('u-org', ['segreteria_organi']);
    po = await api.token('u-po', ['po']);
    const r = await api.call<{ cycleId: string }>('POST', '/cycles', {
      token: rpct,
      body: { type: 'ptpct', year },
    });
    expect(r.status).toBe(201);
    id = r.body.cycleId;
  });
  afterAll(async () => api.close());

  const cmd = (command: string, body: unknown, token = rpct) =>
    api.call<Body>('POST', `/cycles/${id}/plan/commands/${command}`, { token, body });
  const upload = (name: string, raw: Buffer | string, token = rpct) =>
    api.call<
      Body & {
        created: Record<string, number>;
        refused: { ref: string; code: string }[];
        events: number;
        unchanged: number;
      }
    >('POST', `/cycles/${id}/register/import`, {
      token,
      raw,
      headers: { 'content-type': 'text/csv', 'x-file-name': encodeURIComponent(name) },
    });
  const register = async (query = '') =>
    (await api.call<Register>('GET', `/cycles/${id}/register${query}`, { token: rpct })).body;

  it('imports a register sheet: processes, risks, measures linked to every risk of their rows, assessments; the same file again writes nothing', async () => {
    const r = await upload('registro.csv', csv());
    expect(r.status).toBe(200);
    expect(r.body.created).toEqual({ processes: 2, risks: 3, measures: 2, assessments: 2 });
    expect(r.body.refused).toEqual([expect.objectContaining({ ref: 'riga 5', code: 'PLAN_INVALID_FIELDS' })]);
    const reg = await register();
    expect(reg.summary).toMatchObject({
      processes: 2,
      risks: 3,
      measures: 2,
      byRating: [
        { level: 'alto', processes: 1 },
        { level: 'medio', processes: 1 },
        { level: 'basso', processes: 0 },
        { level: 'non_valutato', processes: 0 },
      ],
    });
    expect(reg.processes.map((p) => `${p.code}:${p.rating}`)).toEqual(['C2.7.5:alto', 'B1.1.1:medio']);
    expect(reg.processes[0]).toMatchObject({
      area: 'Sviluppo economico',
      office: 'Regolazione del mercato',
      risks: [
        { code: 'C2.7.5-R1', measureCodes: ['MS1'] },
        { code: 'C2.7.5-R2', measureCodes: ['MS1'] },
      ],
    });
    expect(reg.measures.find((m) => m.code === 'MS1')?.riskCodes).toEqual(['C2.7.5-R1', 'C2.7.5-R2']);
    // A general measure on a row treats that row's risk too.
    expect(reg.measures.find((m) => m.code === 'MG-TRASP')?.riskCodes).toEqual(['B1.1.1-R1']);
    expect(reg.problems).toEqual([]);

    const head = await api.head();
    const again = await upload('registro.csv', csv());
    expect(again.body.events).toBe(0);
    expect(await api.head()).toBe(head);
  });

  it('imports the same register from XLSX as unchanged, and refuses a file without a proper name or of a cycle without a register', async () => {
    const rows = csv()
      .split('\r\n')
      .slice(0, 4)
      .map((l) => l.split(';'));
    const xlsx = await writeXlsx(rows, 'Registro');
    const r = await upload('registro.xlsx', xlsx);
    expect(r.status).toBe(200);
    expect(r.body.events).toBe(0);
    expect(r.body.unchanged).toBeGreaterThan(0);
    const bad = await api.call<Body>('POST', `/cycles/${id}/register/import`, {
      token: rpct,
      raw: 'x',
      headers: { 'content-type': 'text/csv', 'x-file-name': 'registro.pdf' },
    });
    expect([bad.status, bad.body.fields?.map((f) => f.field)]).toEqual([400, ['header.X-File-Name']]);
    const smvp = await api.call<{ cycleId: string }>('POST', '/cycles', {
      token: await api.token('u-sg', ['segretario_generale']),
      body: { type: 'smvp', year },
    });
    const none = await api.call<Body>('GET', `/cycles/${smvp.body.cycleId}/register`, { token: rpct });
    expect([none.status, none.body.code]).toEqual([422, 'REGISTER_NOT_IN_CYCLE']);
  });

  it('refuses bad commands with 4xx naming the fields in English and Italian, writing nothing', async () => {
    const head = await api.head();
    const bad = await cmd('add_register_item', {
      kind: 'measure',
      code: 'MS9',
      measureKind: 'specifica',
      category: 'x',
      title: 'T',
      riskCodes: [],
      owner: {},
      indicator: 'i',
      target: 't',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('PLAN_INVALID_FIELDS');
    expect(bad.body.messageIt).toMatch(/Campi del piano/);
    expect(bad.body.fields?.map((f) => f.field).sort()).toEqual([
      'item.category',
      'item.owner.dirigente',
      'item.owner.office',
      'item.riskCodes',
    ]);
    const role = await cmd(
      'assess_risk',
      { processCode: 'C2.7.5', indicators: {}, rating: 'alto', motivation: 'm' },
      po,
    );
    expect([role.status, role.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    const missing = await cmd('remove_register_item', { kind: 'risk', code: 'NOPE' });
    expect([missing.status, missing.body.code]).toEqual([404, 'REGISTER_ITEM_NOT_FOUND']);
    const extra = await cmd('set_monitoring_dates', { dates: ['2027-06-30'], when: 'now' });
    expect([extra.status, extra.body.fields?.map((f) => f.field)]).toEqual([400, ['body.when']]);
    expect(await api.head()).toBe(head);
  });

  it('adopts, monitors: the dirigente reports, the RPCT corrects; a variation changes the register and the diff shows it; time travel reads the past', async () => {
    const batch = await api.call<Body>('POST', `/cycles/${id}/plan/commands/batch`, {
      token: rpct,
      body: {
        commands: [
          {
            command: 'add_register_item',
            kind: 'measure',
            code: 'MS2',
            measureKind: 'specifica',
            category: 'trasparenza',
            title: 'Pubblicazione dei requisiti',
            riskCodes: ['B1.1.1-R1'],
            owner: { office: 'Personale', dirigente: 'Dirigente Area 1' },
            phases: [{ title: 'Pubblicazione', deadline: `${year + 1}-03-31` }],
            indicator: 'Bandi con requisiti motivati',
            target: '100%',
          },
          { command: 'set_monitoring_dates', dates: [monitoring, `${year + 1}-06-30`] },
        ],
      },
    });
    expect(batch.status).toBe(200);
    const before = await register();
    expect(before.problems).toEqual([]);
    expect(
      (await api.call<Body>('POST', `/cycles/${id}/commands/submit`, { token: rpct, body: {} })).status,
    ).toBe(200);
    const adopted = await api.call<Body>('POST', `/cycles/${id}/commands/record_giunta_deliberation`, {
      token: organi,
      body: { number: `7/${year}`, date: today(), actHash: sha('ptpct') },
    });
    expect(adopted.body.stage).toBe('adottato');
    const frozen = await cmd('update_register_item', {
      kind: 'process',
      code: 'B1.1.1',
      changes: { office: 'Ufficio personale' },
    });
    expect([frozen.status, frozen.body.code]).toEqual([409, 'PLAN_FROZEN']);

    expect(
      (
        await cmd(
          'report_measure',
          {
            measureCode: 'MS1',
            monitoringDate: monitoring,
            status: 'attuata',
            evidence: 'check list in uso dal 10/01',
            date: today(),
          },
          dirigente,
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await cmd('check_measure_report', {
          measureCode: 'MS1',
          monitoringDate: monitoring,
          outcome: 'rettificato',
          status: 'parzialmente_attuata',
          note: 'applicata a metà delle pratiche',
        })
      ).status,
    ).toBe(200);
    const late = await cmd(
      'report_measure',
      { measureCode: 'MS1', monitoringDate: monitoring, status: 'attuata', evidence: 'x', date: today() },
      dirigente,
    );
    expect([late.status, late.body.code]).toEqual([409, 'MEASURE_REPORT_CHECKED']);
    const reg = await register(`?date=${year + 1}-12-31`);
    expect(reg.measures.find((m) => m.code === 'MS1')).toMatchObject({
      status: 'parzialmente_attuata',
      checked: true,
      overdue: true,
    });
    expect(reg.summary.measuresByStatus).toMatchObject({ parzialmente_attuata: 1, non_rendicontata: 2 });

    const versionAtAdoption = reg.version;
    expect((await cmd('open_variation', { reason: 'nuovo ufficio competente' }, dirigente)).status).toBe(200);
    expect(
      (
        await cmd('update_register_item', {
          kind: 'process',
          code: 'B1.1.1',
          changes: { office: 'Ufficio personale' },
        })
      ).status,
    ).toBe(200);
    expect(
      (await cmd('approve_variation', { number: `8/${year}`, date: today(), actHash: sha('var') }, organi))
        .status,
    ).toBe(200);
    const diff = await api.call<{ changes: unknown[]; summary: Record<string, number> }>(
      'GET',
      `/cycles/${id}/register/diff`,
      { token: rpct },
    );
    expect(diff.body.changes).toEqual([
      {
        kind: 'process',
        code: 'B1.1.1',
        change: 'changed',
        fields: [{ field: 'office', before: 'Personale', after: 'Ufficio personale' }],
      },
    ]);
    const past = await register(`?version=${versionAtAdoption}`);
    expect(past.processes.find((p) => p.code === 'B1.1.1')?.office).toBe('Personale');
    const asAdopted = await register('?tree=adopted');
    expect(asAdopted.processes.find((p) => p.code === 'B1.1.1')?.office).toBe('Personale');
    expect((await register()).processes.find((p) => p.code === 'B1.1.1')?.office).toBe('Ufficio personale');
  });

  it("pre-fills the RPCT's annual report from the register and the monitoring, with the figures the RPCT enters", async () => {
    const wrongRole = await cmd('set_rpct_report_figures', { year, whistleblowingReports: 2 }, dirigente);
    expect([wrongRole.status, wrongRole.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    const bad = await cmd('set_rpct_report_figures', { year, whistleblowingReports: -1 });
    expect([bad.status, bad.body.fields?.map((f) => f.field)]).toEqual([400, ['whistleblowingReports']]);
    expect(
      (
        await cmd('set_rpct_report_figures', {
          year,
          whistleblowingReports: 2,
          training: 'Corso anticorruzione: 25 dipendenti, 4 ore',
        })
      ).status,
    ).toBe(200);

    const res = await fetch(`${api.url}/cycles/${id}/register/relazione-rpct`, {
      headers: { authorization: `Bearer ${rpct}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
    expect(rows[0]).toEqual(['Sezione', 'Voce', 'Valore', 'Fonte']);
    const value = (item: string) => rows.find((r) => r[1] === item)?.[2];
    const late = monitoring < today() ? '2' : '0'; // MG-TRASP and MS2 have no report for the first monitoring date
    expect(
      [
        'Processi mappati',
        'Eventi rischiosi individuati',
        'Processi con livello di rischio alto',
        'Processi con livello di rischio medio',
        'Processi con livello di rischio basso',
        'Misure programmate',
        'Misure generali programmate',
        'Misure specifiche programmate',
        'Misure attuate',
        'Misure parzialmente attuate',
        'Misure non rendicontate',
        'Misure in ritardo',
        'Misure di trasparenza programmate',
        'Misure di trasparenza attuate',
        'Segnalazioni pervenute',
        'Formazione erogata',
        'Rendicontazioni dei dirigenti',
        'Rendicontazioni verificate dal RPCT',
        'Rendicontazioni rettificate dal RPCT',
      ].map((i) => [i, value(i)]),
    ).toEqual([
      ['Processi mappati', '2'],
      ['Eventi rischiosi individuati', '3'],
      ['Processi con livello di rischio alto', '1'],
      ['Processi con livello di rischio medio', '1'],
      ['Processi con livello di rischio basso', '0'],
      ['Misure programmate', '3'],
      ['Misure generali programmate', '1'],
      ['Misure specifiche programmate', '2'],
      ['Misure attuate', '0'],
      ['Misure parzialmente attuate', '1'],
      ['Misure non rendicontate', '2'],
      ['Misure in ritardo', late],
      ['Misure di trasparenza programmate', '2'],
      ['Misure di trasparenza attuate', '0'],
      ['Segnalazioni pervenute', '2'],
      ['Formazione erogata', 'Corso anticorruzione: 25 dipendenti, 4 ore'],
      ['Rendicontazioni dei dirigenti', '1'],
      ['Rendicontazioni verificate dal RPCT', '1'],
      ['Rendicontazioni rettificate dal RPCT', '1'],
    ]);
    expect(rows.find((r) => r[1] === 'Segnalazioni pervenute')?.[0]).toBe('8. Whistleblowing');

    const xlsx = await fetch(`${api.url}/cycles/${id}/register/relazione-rpct?format=xlsx`, {
      headers: { authorization: `Bearer ${rpct}` },
    });
    const sheet = await readXlsx(Buffer.from(await xlsx.arrayBuffer()));
    expect(sheet[0]).toEqual(['Sezione', 'Voce', 'Valore', 'Fonte']);
    expect(sheet.find((r) => r[1] === 'Misure programmate')?.[2]).toBe(3);
    const out = await api.call<Body>('GET', `/cycles/${id}/register/relazione-rpct?year=${year + 5}`, {
      token: rpct,
    });
    expect([out.status, out.body.fields?.map((f) => f.field)]).toEqual([400, ['query.year']]);

    // The same report as a document, next to the CSV and XLSX.
    const pdfOf = () =>
      fetch(`${api.url}/cycles/${id}/register/relazione-rpct.pdf`, { headers: { authorization: `Bearer ${rpct}` } });
    const pdf = await pdfOf();
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(pdf.headers.get('content-disposition')).toContain(`relazione-rpct-${year}.pdf`);
    const file = join(mkdtempSync(join(tmpdir(), 'rpct-')), 'relazione-rpct.pdf');
    writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
    expect(execFileSync('pdfinfo', [file]).toString('utf8')).toMatch(/^Tagged:\s+yes$/m);
    const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']).toString('utf8');
    const line = (label: string) => text.split('\n').find((l) => l.includes(label)) ?? '';
    expect(text).toContain(`Relazione annuale del RPCT ${year}`);
    expect(line('Processi mappati')).toMatch(/Processi mappati\s+2\s/);
    expect(line('Misure programmate ')).toMatch(/\s3\s/);
    expect(line('Misure in ritardo ')).toMatch(new RegExp(`\\s${late}\\s`));
    expect(line('Segnalazioni pervenute')).toMatch(/\s2\s+indicate dal RPCT/);
    expect(line('Formazione erogata')).toContain('Corso anticorruzione');
    expect(text).toContain('Processi per livello di rischio');
    expect((await pdfOf()).headers.get('x-content-sha256')).toBe(pdf.headers.get('x-content-sha256'));
    const badYear = await api.call<Body>('GET', `/cycles/${id}/register/relazione-rpct.pdf?year=${year + 5}`, {
      token: rpct,
    });
    expect([badYear.status, badYear.body.fields?.map((f) => f.field)]).toEqual([400, ['query.year']]);
  });

  it("prints a PIAO's register in section 2.3 of its PDF", async () => {
    const po = await api.token('u-po', ['po']);
    const piao = (
      await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year } })
    ).body.cycleId;
    const add = await api.call<Body>('POST', `/cycles/${piao}/plan/commands/add_register_item`, {
      token: rpct,
      body: { kind: 'process', code: 'C2.2.3', title: 'Manifestazioni a premio', area: 'Sviluppo economico' },
    });
    expect(add.status).toBe(200);
    const res = await fetch(`${api.url}/cycles/${piao}/documents/piao.pdf`, {
      headers: { authorization: `Bearer ${po}` },
    });
    expect(res.status).toBe(200);
    const file = join(mkdtempSync(join(tmpdir(), 'registro-')), 'piao.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'])
      .toString('utf8')
      .replace(/\s+/g, ' ');
    expect(text).toContain('Mappatura dei processi e valutazione del rischio');
    expect(text).toContain('C2.2.3 - Manifestazioni a premio');
    expect(text).toContain('non valutato');
  });

  it('loads the processes of the curated mapping (seed 002) by their catalogue 000 codes, with area and office', async () => {
    const other = (
      await api.call<{ cycleId: string }>('POST', '/cycles', {
        token: rpct,
        body: { type: 'ptpct', year: year + 1 },
      })
    ).body.cycleId;
    const raw = readFileSync(resolve(__dirname, '../../seeds/catalogue/processi-anticorruzione.json'));
    const r = await api.call<
      Body & { created: Record<string, number>; refused: { ref: string; code: string }[] }
    >('POST', `/cycles/${other}/register/import`, {
      token: rpct,
      raw,
      headers: { 'content-type': 'application/json', 'x-file-name': 'processi-anticorruzione.json' },
    });
    expect(r.status).toBe(200);
    expect(r.body.created).toEqual({ processes: 52 });
    expect(r.body.refused).toEqual([
      expect.objectContaining({ ref: 'mappatura[57] D1.2.1', code: 'REGISTER_REFERENCE_NOT_FOUND' }),
    ]);
    const reg = (await api.call<Register>('GET', `/cycles/${other}/register`, { token: rpct })).body;
    expect(reg.summary.processes).toBe(52);
    expect(reg.processes.find((p) => p.code === 'C2.2.3')).toMatchObject({
      area: 'Sviluppo economico',
      office: 'Armonizzaz. e tutela del mercato',
      rating: null,
    });
    expect(reg.problems.filter((p) => p.code === 'PROCESS_NOT_ASSESSED')).toHaveLength(52);
  });
});
