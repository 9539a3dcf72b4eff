// `ciclo seed demo`: the demo chamber once (a second run writes nothing and says so), seen through
// the API: the PIAO in progress with the seed 003 tree and its measurements, the process catalogue.
import { resolve } from 'node:path';
import { PostgresEventStore } from '@ciclo/event-store';
import { seedDemo } from '../../apps/cli/src/commands/seed-demo';
import { startTestApi, type TestApi } from '../support/api';

const SEEDS = resolve(__dirname, '../../seeds');

describe('ciclo seed demo', () => {
  let api: TestApi;
  let store: PostgresEventStore;
  beforeAll(async () => {
    api = await startTestApi('seeddemo');
    store = new PostgresEventStore({ connectionString: api.db.url, poolSize: 3 });
  });
  afterAll(async () => {
    await store.close();
    await api.close();
  });

  it('loads the demo chamber once; a second run writes nothing and says so', async () => {
    const first = await seedDemo(store, SEEDS);
    expect(first.tenant).toBe('cciaa-po');
    expect(first.written).toBeGreaterThan(900);
    const head = await api.head();
    const second = await seedDemo(store, SEEDS);
    expect(second.cycleId).toBe(first.cycleId);
    expect(second.written).toBe(0);
    expect(second.lines.at(-1)).toBe('Demo chamber already loaded: nothing written.');
    expect(await api.head()).toBe(head);

    const token = await api.token('u-demo-po-1', ['po'], 'cciaa-po');
    const plan = await api.call<{
      stage: string;
      period: string;
      counts: Record<string, number>;
      achievement: { year: number; ambiti: { strategicObjectives: { operationalObjectives: { code: string; achievement: { score: number | null }; indicators: { code: string; measurements: { value: unknown; history: unknown[] }[] }[] }[] }[] }[] };
    }>('GET', `/cycles/${first.cycleId}/plan?year=2022`, { token });
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({ stage: 'bozza', period: '2022-2024', counts: { ambiti: 3, strategicObjectives: 8, operationalObjectives: 46, indicators: 372, measurements: 8 } });
    const pid = plan.body.achievement.ambiti[0].strategicObjectives[0].operationalObjectives.find((o) => o.code === '01_01_02');
    const i1 = pid?.indicators.find((i) => i.code === '01_01_02_I1');
    expect(i1?.measurements).toEqual([expect.objectContaining({ value: 36, history: [expect.objectContaining({ value: 34 })] })]);
    expect(pid?.achievement.score).toBeGreaterThan(0);

    // The cycles linked to the PIAO: the monitoring of 2022 closed the first semester on it and sent its results; the Relazione 2022 reads it.
    const sg = await api.token('u-demo-sg', ['segretario_generale'], 'cciaa-po');
    const monitoring = (await api.call<{ stage: string; links: { status: string; target: { targetCycleId: string }; plan: { period: string; periodStatus: string } }[] }>('GET', `/cycles/${first.monitoringCycleId}`, { token: sg })).body;
    expect(monitoring).toMatchObject({ stage: 'esiti_comunicati', links: [{ status: 'linked', target: { targetCycleId: first.cycleId }, plan: { period: '2022-S1', periodStatus: 'closed' } }] });
    const closed = await api.call<{ code: string }>('POST', `/cycles/${first.cycleId}/measurements`, {
      token: await api.token('u-demo-ril', ['rilevatore'], 'cciaa-po'),
      body: { indicatorCode: '01_01_01_I1', period: '2022-Q2', value: 40, date: '2022-07-01' },
    });
    expect([closed.status, closed.body.code]).toEqual([409, 'MEASUREMENT_PERIOD_CLOSED']);
    const relazione = await api.call<{ target: { cycleId: string }; current: { achievement: { year: number } } }>('GET', `/cycles/${first.relazioneCycleId}/links/piao/plan`, { token: sg });
    expect(relazione.body).toMatchObject({ target: { cycleId: first.cycleId }, current: { achievement: { year: 2022 } } });
    const piao = (await api.call<{ linkedFrom: { sourceCycleId: string }[] }>('GET', `/cycles/${first.cycleId}`, { token: sg })).body;
    expect(piao.linkedFrom.map((l) => l.sourceCycleId).sort()).toEqual([first.monitoringCycleId, first.relazioneCycleId].sort());
  });

  it('gives the PTPCT 2021-2023 a register monitored through the year, one measure late, and its RPCT annual report', async () => {
    const demo = await seedDemo(store, SEEDS);
    expect(demo.written).toBe(0);
    const rpct = await api.token('u-demo-rpct', ['rpct'], 'cciaa-po');
    const cycle = (await api.call<{ stage: string; title: string }>('GET', `/cycles/${demo.registerCycleId}`, { token: rpct })).body;
    expect(cycle).toMatchObject({ stage: 'trasmesso', title: 'PTPCT 2021-2023 - Camera di commercio di Pistoia-Prato' });
    type Register = {
      problems: unknown[];
      adopted: { deliberation: { number: string; date: string } } | null;
      summary: { processes: number; risks: number; measures: number; overdue: number; byRating: { level: string; processes: number }[]; byKind: Record<string, number> };
      processes: { code: string; area?: string; office?: string; rating: string; motivation: string; indicators: Record<string, { level: string; reason: string }> }[];
      measures: { code: string; status: string | null; checked: boolean; overdue: boolean; owner: { dirigente: string }; monitoring: { date: string; missing: boolean; check?: { outcome: string; status: string } }[] }[];
    };
    const reg = (await api.call<Register>('GET', `/cycles/${demo.registerCycleId}/register?date=2021-12-31`, { token: rpct })).body;
    expect(reg.problems).toEqual([]);
    expect(reg.adopted?.deliberation).toMatchObject({ number: '9/2021', date: '2021-01-28' });
    expect(reg.summary).toMatchObject({
      processes: 8,
      risks: 11,
      measures: 13,
      overdue: 1,
      byKind: { generale: 5, specifica: 8 },
      byRating: [
        { level: 'alto', processes: 3 },
        { level: 'medio', processes: 3 },
        { level: 'basso', processes: 2 },
        { level: 'non_valutato', processes: 0 },
      ],
    });
    // Processes of the curated mapping (seed 002) with its area and office; every indicator with its reason.
    const contracts = reg.processes.find((p) => p.code === 'B2.1.1');
    expect(contracts).toMatchObject({ area: 'Servizi amministrativi', office: 'Risorse umane e patrimonio', rating: 'alto' });
    expect(Object.values(contracts?.indicators ?? {})).toHaveLength(6);
    expect(Object.values(contracts?.indicators ?? {}).every((i) => i.reason.length > 10)).toBe(true);
    const late = reg.measures.filter((m) => m.overdue);
    expect(late.map((m) => m.code)).toEqual(['MG-ROT']);
    expect(late[0].monitoring.find((x) => x.date === '2021-06-30')?.missing).toBe(true);
    expect(reg.measures.find((m) => m.code === 'MS-C2.4.1')?.monitoring[0].check).toMatchObject({ outcome: 'rettificato', status: 'non_attuata' });

    const csv = await fetch(`${api.url}/cycles/${demo.registerCycleId}/register/relazione-rpct?year=2021`, { headers: { authorization: `Bearer ${rpct}` } });
    const rows = (await csv.text()).replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.split(';'));
    const value = (item: string) => rows.find((r) => r[1] === item)?.[2];
    expect(['Misure programmate', 'Misure attuate', 'Misure parzialmente attuate', 'Misure in ritardo', 'Segnalazioni pervenute', 'Rendicontazioni rettificate dal RPCT'].map(value)).toEqual(['13', '12', '1', '1', '1', '1']);
  });

  it('serves the catalogue as a tree, searchable by code or text', async () => {
    const token = await api.token('u-demo-sg', ['segretario_generale'], 'cciaa-po');
    const all = await api.call<{ total: number; tree: { code: string }[] }>('GET', '/catalogue/processes', { token });
    expect(all.body.total).toBe(463);
    expect(all.body.tree.map((n) => n.code)).toEqual(['A', 'B', 'C', 'D', 'ALTRO']);
    const byCode = await api.call<{ matches: string[]; tree: { code: string; children: { code: string }[] }[] }>('GET', '/catalogue/processes?code=A1.1.1', { token });
    expect(byCode.body.matches[0]).toBe('A1.1.1');
    expect(byCode.body.tree.map((n) => n.code)).toEqual(['A']);
    const byText = await api.call<{ matches: string[] }>('GET', `/catalogue/processes?q=${encodeURIComponent('relazione previsionale')}`, { token });
    expect(byText.body.matches).toContain('A1.1.1.1');
    const bad = await api.call('GET', '/catalogue/processes?colour=red', { token });
    expect(bad.status).toBe(400);
    // Another tenant has its own (empty) catalogue.
    const other = await api.call<{ total: number }>('GET', '/catalogue/processes', { token: await api.token('u-x', ['po'], 'cciaa-fi') });
    expect(other.body.total).toBe(0);
  });
});
