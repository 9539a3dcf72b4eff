// Import through the plan commands into PostgreSQL: the seed 003 plan with exactly its counts,
// refusals with reasons, CSV and XLSX sheets with Italian headers, the process catalogue.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { catalogueTree } from '@ciclo/domain';
import { PostgresEventStore } from '@ciclo/event-store';
import type { Actor } from '@ciclo/identity';
import { createPlanRuntime, ExecuteCycleCommand, planSheet, writeXlsx, type PlanRuntime } from '@ciclo/workflow';
import { randomUUID } from 'node:crypto';
import * as ExcelJS from 'exceljs';
import { runImport } from '../../apps/cli/src/commands/import';
import { migrateDatabase } from '../../apps/cli/src/migrations';
import { createTestDatabase, type TestDatabase } from '../support/database';

const SEEDS = resolve(__dirname, '../../seeds');
const TENANT = 'cciaa-imp';
const actor: Actor = { userId: 'system:import', tenant: TENANT, roles: ['po', 'struttura_tecnica'] };
const seed003 = JSON.parse(readFileSync(resolve(SEEDS, 'plan/piano-performance-2022-2024.json'), 'utf8')) as Record<string, unknown[]>;

describe('ciclo import (through the plan commands)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let rt: PlanRuntime;
  const count = async () => Number((await store.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase('import');
    await migrateDatabase(db.url);
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 3 });
    rt = createPlanRuntime(store, SEEDS);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const openCycle = async (year: number) => {
    const cycleId = randomUUID();
    await rt.cycles.execute(new ExecuteCycleCommand(actor, cycleId, { type: 'open', cycleId, year }, { cycleType: 'piao', correlationId: 't' }));
    return cycleId;
  };

  it('imports the seed 003 plan with exactly the counts of the file; a second import writes nothing', async () => {
    const file = resolve(SEEDS, 'plan/piano-performance-2022-2024.json');
    const progress: number[] = [];
    const r = await rt.importer.importFile(file, readFileSync(file), { tenant: TENANT, actor, onProgress: (p) => progress.push(p.done) });
    expect(r.format).toBe('piano-performance');
    expect(r.cycleOpened).toBe(true);
    expect(r.created).toEqual({
      ambiti: seed003.ambiti.length,
      strategicObjectives: seed003.obiettiviStrategici.length,
      operationalObjectives: 46,
      indicators: 372,
    });
    expect(seed003.indicatori).toHaveLength(372);
    expect(r.refused).toEqual([]);
    expect(r.warnings.some((w) => w.ref === '02_01_01_I1' && /peso non indicato/.test(w.message))).toBe(true);
    expect(progress.at(-1)).toBe(429);
    const { plan, cycle } = await rt.repo.load(TENANT, r.cycleId as string);
    expect(cycle).toMatchObject({ cycleType: 'piao', year: 2022, stage: 'bozza' });
    expect(plan.nodes.get('01_01_01')).toMatchObject({ commonSystemObjective: true, resources: null, expectedImpact: expect.stringContaining('maturità digitale') });
    expect(plan.nodes.get('01_04_02_I3')).toMatchObject({ unit: 'si_no', targets: [{ year: 2022, operator: 'si_no', value: true }], baseline: { value: false, year: 2021 } });
    expect(plan.nodes.get('02_01_01_I1')).toMatchObject({ weight: null, targets: [] });

    const before = await count();
    const again = await rt.importer.importFile(file, readFileSync(file), { tenant: TENANT, actor });
    expect(again).toMatchObject({ cycleId: r.cycleId, cycleOpened: false, created: {}, events: 0, replayed: 429 });
    expect(await count()).toBe(before);

    // The imported draft is checked at submission: every problem at once.
    const submit = rt.cycles.execute(new ExecuteCycleCommand(actor, r.cycleId as string, { type: 'transition', command: 'submit', fields: {} }, { correlationId: 't' }));
    await expect(submit).rejects.toMatchObject({ code: 'PLAN_INCOMPLETE' });
    const err = await submit.catch((e: { fields: { field: string; problem: string }[] }) => e);
    const codes = new Set((err as { fields: { problem: string }[] }).fields.map((f) => f.problem.split(/[ :]/)[0]));
    expect([...codes].sort()).toEqual(expect.arrayContaining(['INDICATOR_WEIGHTS_SUM', 'INVALID_WEIGHT', 'OPERATOR_UNIT_MISMATCH', 'TARGET_MISSING']));
  });

  it("a submission checks the plan of the state it was decided on: no read of the cycle's stream with it cached, one without", async () => {
    let reads = 0;
    const counting = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop !== 'readStream') return Reflect.get(target, prop, receiver) as unknown;
        return (streamId: string, options?: { fromVersion?: number }) => {
          if (streamId.includes('/cycle-')) reads++;
          return target.readStream(streamId, options);
        };
      },
    });
    const own = createPlanRuntime(counting, SEEDS);
    const cycleId = randomUUID();
    await own.cycles.execute(new ExecuteCycleCommand(actor, cycleId, { type: 'open', cycleId, year: 2031 }, { cycleType: 'piao', correlationId: 't' }));
    reads = 0;
    const submitted = await own.cycles.execute(new ExecuteCycleCommand(actor, cycleId, { type: 'transition', command: 'submit', fields: {} }, { correlationId: 't' }));
    expect(submitted.stage).not.toBe('bozza');
    expect(reads).toBe(0); // decided on the cached state (the append checked its version); the plan check used it too

    // A process that has not seen the cycle loads it once, and the plan check uses that state.
    const fresh = createPlanRuntime(counting, SEEDS);
    reads = 0;
    const back = await fresh.cycles.execute(new ExecuteCycleCommand(actor, cycleId, { type: 'transition', command: 'withdraw', fields: {} }, { correlationId: 't' }));
    expect(back.stage).toBe('bozza');
    expect(reads).toBe(1);
  });

  it('reports what the decider refuses, with reasons, and writes the rest (seed 004 cards)', async () => {
    const file = resolve(SEEDS, 'plan/schede-obiettivo-2022-2024.json');
    const r = await rt.importer.importFile(file, readFileSync(file), { tenant: TENANT, actor });
    expect(r.created).toMatchObject({ operationalObjectives: 12, indicators: 42 });
    expect(r.refused.map((x) => [x.ref, x.code, x.reason])).toEqual(
      ['B1_I1', 'C1_I1', 'C4_I1', 'C6_I1'].map((ref) => [ref, 'PLAN_INVALID_FIELDS', 'Missing or malformed plan fields: name is required']),
    );
    const { plan } = await rt.repo.load(TENANT, r.cycleId as string);
    expect(plan.nodes.get('A1')).toMatchObject({ mission: { code: '011' }, timeSpan: { from: 2022, to: 2024 }, stakeholders: ['Cittadini', 'imprese', 'Enti locali'], cdr: expect.stringContaining('CDR 3') });
  });

  it('imports a CSV sheet with Italian headers, creating the missing parents and reporting bad rows', async () => {
    const cycleId = await openCycle(2027);
    const csv = [
      'Ambito strategico;Obiettivo strategico (OS);Codice obiettivo;Obiettivo operativo;Area di responsabilità;Risorse economiche;Indicatori;Algoritmo;Tipologia;UdM;Stato 2026;Target 2027;Target 2028;Target 2029;Peso indicatori;Fonte dati',
      '01 - Competitività;01_01 - Digitalizzazione;01_01_02;PID - Punto Impresa Digitale;Promozione;335.000,00 €;Assessment digitali;Numero di assessment;Volume;n.;130;≥ 60;>= 65;>= 70;50,0%;Registro PID',
      '01 - Competitività;01_01 - Digitalizzazione;01_01_02;;;;"Customer satisfaction; giudizio medio";Giudizio medio;Qualità;n.;7,4;>= 7,4;>= 7,5;>= 7,6;50%;Rilevazione customer',
      ';;01_01_02;;;;Relazione pubblicata;;Efficacia;data;n.d.;entro il 30/06/2027;30/06/2028;<= 30/06/2029;0;',
      ';;09_09_09;;;;Indicatore orfano;;Volume;n.;;>= 1;;;100;',
    ].join('\r\n');
    const r = await rt.importer.importFile('indicatori.csv', Buffer.from(`\uFEFF${csv}`), { tenant: TENANT, actor, cycleId });
    expect(r.format).toBe('foglio-indicatori');
    expect(r.created).toEqual({ ambiti: 1, strategicObjectives: 1, operationalObjectives: 1, indicators: 3 });
    expect(r.refused).toEqual([expect.objectContaining({ ref: 'riga 5', code: 'PLAN_PARENT_NOT_FOUND' })]);
    const { plan } = await rt.repo.load(TENANT, cycleId);
    expect(plan.nodes.get('01_01_02')).toMatchObject({ resources: { kind: 'euro', amount: 335000 }, area: 'Promozione' });
    expect(plan.nodes.get('01_01_02_I1')).toMatchObject({ type: 'volume', unit: 'n', weight: 50, baseline: { value: 130, year: 2026 }, targets: [{ year: 2027, operator: '>=', value: 60 }, { year: 2028, operator: '>=', value: 65 }, { year: 2029, operator: '>=', value: 70 }] });
    expect(plan.nodes.get('01_01_02_I2')).toMatchObject({ name: 'Customer satisfaction; giudizio medio', type: 'qualita', targets: [expect.objectContaining({ value: 7.4 }), expect.anything(), expect.anything()] });
    expect(plan.nodes.get('01_01_02_I3')).toMatchObject({ unit: 'data', baseline: { nd: true }, targets: [{ year: 2027, operator: 'entro_il', value: '2027-06-30' }, { year: 2028, operator: 'entro_il', value: '2028-06-30' }, { year: 2029, operator: 'entro_il', value: '2029-06-30' }] });

    // The exported sheet imports back: nothing changes.
    const sheet = planSheet([...plan.nodes.values()], [2027, 2028, 2029]);
    const back = await rt.importer.importFile('export.xlsx', await writeXlsx(sheet), { tenant: TENANT, actor, cycleId });
    expect(back.refused).toEqual([]);
    expect(back.created).toEqual({});
    expect(back.events === 0 ? [] : (await store.readStream(`${TENANT}/cycle-${cycleId}`)).slice(-back.events).map((e) => e.data)).toEqual([]);
  });

  it('imports an XLSX sheet: shared strings, percent and date cell formats', async () => {
    const cycleId = await openCycle(2027);
    await rt.plans.execute(
      new (await import('@ciclo/workflow')).ExecutePlanCommands(actor, cycleId, [
        { type: 'add_node', node: { kind: 'ambito', code: '03', title: 'Efficienza' } },
        { type: 'add_node', node: { kind: 'strategic_objective', code: '03_01', title: 'Gestione', ambitoCode: '03' } },
        { type: 'add_node', node: { kind: 'operational_objective', code: '03_01_01', title: 'Equilibrio', strategicObjectiveCode: '03_01', area: 'Servizi amministrativi', resources: { kind: 'risorse_interne' } } },
      ], { correlationId: 't', atomic: true }),
    );
    const xlsx = await excelLikeWorkbook();
    const r = await rt.importer.importFile('foglio.xlsx', xlsx, { tenant: TENANT, actor, cycleId });
    expect(r.refused).toEqual([]);
    expect(r.created).toEqual({ indicators: 2 });
    const { plan } = await rt.repo.load(TENANT, cycleId);
    expect(plan.nodes.get('03_01_01_I1')).toMatchObject({ name: '% di incasso del Diritto annuale', unit: '%', weight: 50, targets: [{ year: 2027, operator: '>=', value: 69.5 }] });
    expect(plan.nodes.get('03_01_01_I2')).toMatchObject({ unit: 'data', targets: [{ year: 2027, operator: 'entro_il', value: '2027-11-30' }] });
  });

  it('loads the process catalogue (seed 000) and the process cards (seed 001), searchable', async () => {
    const reports = await rt.importer.importPath(resolve(SEEDS, 'catalogue'), { tenant: TENANT, actor });
    const byFile = Object.fromEntries(reports.map((r) => [r.file.split('/').pop(), r]));
    expect(byFile['processi.json'].created).toEqual({ processes: 463 });
    expect(byFile['processi.json'].refused).toEqual([]);
    expect(byFile['schede-processo.json'].created).toEqual({ processCards: 27 });
    expect(byFile['strutture.json'].skipped).toMatch(/not imported/);
    expect(byFile['processi-anticorruzione.json'].skipped).toMatch(/risk register, not a plan/);
    const { state } = await rt.catalogueRepo.load(TENANT);
    const found = catalogueTree(state, { q: 'piano della performance' });
    expect(found.matches).toContain('A1.1.1.3');
    expect(catalogueTree(state, { code: 'C1.2.2.2' }).matches).toEqual(['C1.2.2.2', 'C1.2.2.2.1']);
  });

  it('`ciclo import --register` loads the curated mapping into a PTPCT as the RPCT, and refuses without --cycle', async () => {
    const cycleId = randomUUID();
    await rt.cycles.execute(new ExecuteCycleCommand({ userId: 'u-rpct', tenant: TENANT, roles: ['rpct'] }, cycleId, { type: 'open', cycleId, year: 2027 }, { cycleType: 'ptpct', correlationId: 'test' }));
    const saved = { url: process.env.DATABASE_URL, seeds: process.env.SEEDS_DIR };
    process.env.DATABASE_URL = db.url;
    process.env.SEEDS_DIR = SEEDS;
    try {
      const lines: string[] = [];
      const file = resolve(SEEDS, 'catalogue/processi-anticorruzione.json');
      const [report] = await runImport(file, { tenant: TENANT, cycle: cycleId, user: 'system:import', register: true }, (l) => lines.push(l));
      expect(report).toMatchObject({ format: 'registro-rischi', created: { processes: 52 } });
      expect(lines[0]).toMatch(/^processi-anticorruzione\.json \(registro-rischi, cycle .*\): created 52 processes/);
      const { plan } = await rt.repo.load(TENANT, cycleId);
      expect(plan.register.processes.get('C2.7.2')).toMatchObject({ area: 'Sviluppo economico', office: 'Armonizzaz. e tutela del mercato' });
      const events = (await store.readStream(`${TENANT}/cycle-${cycleId}`)).filter((e) => e.type === 'RegisterItemAdded');
      expect(new Set(events.map((e) => e.metadata.actorRole))).toEqual(new Set(['rpct']));
      await expect(runImport(file, { tenant: TENANT, user: 'system:import', register: true }, () => undefined)).rejects.toThrow('--register needs --cycle');
    } finally {
      process.env.DATABASE_URL = saved.url;
      process.env.SEEDS_DIR = saved.seeds;
      if (saved.url === undefined) delete process.env.DATABASE_URL;
      if (saved.seeds === undefined) delete process.env.SEEDS_DIR;
    }
  });
});


/** An XLSX as Excel writes it: shared strings with rich text, a percent and a date number format. */
async function excelLikeWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Indicatori');
  sheet.addRow(['Codice obiettivo', 'Indicatori', 'Tipologia', 'UdM', 'Target 2027', 'Peso indicatori']);
  sheet.addRow(['03_01_01', { richText: [{ text: '% di incasso', font: { bold: true } }, { text: ' del Diritto annuale' }] }, 'Efficienza', '%', '>= 69,5', 0.5]);
  sheet.addRow(['03_01_01', 'Relazione inviata', 'Efficienza', 'data', 46721, 0.5]);
  sheet.getCell('F2').numFmt = '0%';
  sheet.getCell('F3').numFmt = '0%';
  sheet.getCell('E3').numFmt = 'dd/mm/yyyy';
  return Buffer.from(await workbook.xlsx.writeBuffer({ useSharedStrings: true }));
}
