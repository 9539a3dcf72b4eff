// The Relazione sulla performance reads the PIAO it reports on: the achievement for the year from
// the PIAO's own measurements; the Giunta's approval fixes the PIAO version; a later correction shows
// as a difference; the PIAO shows whether its Relazione was validated by the OIV (result bonuses gate).
import { createHash } from 'node:crypto';
import { isoDateAt } from '@ciclo/domain';
import { startTestApi, type TestApi } from '../support/api';

const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const YEAR = 2026;

interface Indicator {
  code: string;
  achievement: { score: number | null; actual?: unknown };
}
interface PlanAnswer {
  cycleId: string;
  version: number;
  achievement: { year: number; ambiti: { strategicObjectives: { operationalObjectives: { indicators: Indicator[] }[] }[] }[] };
}
interface LinkedPlan {
  linkId: string;
  year: number;
  target: { cycleId: string; version: number };
  current: PlanAnswer;
  approved: { version: number; event: string; plan: PlanAnswer } | null;
  differences: { code: string; name: string; approved: { score: number | null; actual: unknown }; current: { score: number | null; actual: unknown } }[];
}
const indicators = (p: PlanAnswer) => p.achievement.ambiti.flatMap((a) => a.strategicObjectives.flatMap((s) => s.operationalObjectives.flatMap((o) => o.indicators)));

describe('the Relazione reads the PIAO it reports on', () => {
  let api: TestApi;
  let po: string, sg: string, organi: string, oiv: string, rilevatore: string;
  let piao: string, relazione: string;

  beforeAll(async () => {
    api = await startTestApi('links-plan');
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
  const linkedPlan = (id: string, link = 'piao') => api.call<LinkedPlan & { code?: string }>('GET', `/cycles/${id}/links/${link}/plan`, { token: sg });
  const measure = (value: number, correctionReason?: string) =>
    api.call('POST', `/cycles/${piao}/measurements`, {
      token: rilevatore,
      body: { indicatorCode: '01_01_01_I1', period: `${YEAR}-01`, value, date: `${YEAR}-02-01`, ...(correctionReason ? { correctionReason } : {}) },
    });

  it('shows the PIAO achievement for the year reported on, measured once in the PIAO', async () => {
    piao = await open('piao', YEAR);
    const tree = await api.call('POST', `/cycles/${piao}/plan/commands/batch`, {
      token: po,
      body: {
        atomic: true,
        commands: [
          { command: 'add_node', kind: 'ambito', code: '01', title: 'Competitività del territorio' },
          { command: 'add_node', kind: 'strategic_objective', code: '01_01', title: 'Digitalizzazione', ambitoCode: '01' },
          { command: 'add_node', kind: 'operational_objective', code: '01_01_01', title: 'Punto Impresa Digitale', strategicObjectiveCode: '01_01' },
          {
            command: 'add_node',
            kind: 'indicator',
            code: '01_01_01_I1',
            objectiveCode: '01_01_01',
            name: 'Imprese assistite',
            type: 'volume',
            unit: 'n',
            baseline: { value: 20, year: YEAR - 1 },
            targets: [0, 1, 2].map((i) => ({ year: YEAR + i, operator: '>=', value: 60 })),
            weight: 100,
          },
        ],
      },
    });
    expect(tree.status).toBe(200);
    expect((await measure(30)).status).toBe(201);

    relazione = await open('relazione_performance', YEAR);
    const r = await linkedPlan(relazione);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ linkId: 'piao', year: YEAR, target: { cycleId: piao }, approved: null, differences: [] });
    expect(r.body.current.achievement.year).toBe(YEAR);
    expect(indicators(r.body.current)).toEqual([expect.objectContaining({ code: '01_01_01_I1', achievement: expect.objectContaining({ score: 50 }) })]);
  });

  it('the Giunta approving the Relazione fixes the PIAO version; a later correction shows as a difference', async () => {
    expect((await run(relazione, 'close_measurements', po)).status).toBe(200);
    expect((await run(relazione, 'submit', po)).status).toBe(200);
    const piaoVersion = (await api.call<{ version: number }>('GET', `/cycles/${piao}`, { token: sg })).body.version;
    const delib = await run(relazione, 'record_giunta_deliberation', organi, { number: '55/2026', date: today(), actHash: sha('relazione') });
    expect(delib.status).toBe(200);
    const history = (await api.call<{ versions: { type: string; data: Record<string, unknown> }[] }>('GET', `/cycles/${relazione}/history`, { token: sg })).body.versions;
    expect(history.find((v) => v.type === 'GiuntaDeliberationRecorded')?.data.linkedVersions).toEqual({ piao: piaoVersion });
    const view = (await api.call<{ links: { fixed?: { targetVersion: number } }[] }>('GET', `/cycles/${relazione}`, { token: sg })).body;
    expect(view.links[0].fixed?.targetVersion).toBe(piaoVersion);

    expect((await measure(45, 'Conteggio rifatto sul registro')).status).toBe(201);
    const r = (await linkedPlan(relazione)).body;
    expect(r.approved).toMatchObject({ version: piaoVersion, event: 'GiuntaDeliberationRecorded' });
    expect(indicators(r.approved?.plan as PlanAnswer)[0].achievement.score).toBe(50);
    expect(indicators(r.current)[0].achievement.score).toBe(75);
    expect(r.differences).toEqual([expect.objectContaining({ code: '01_01_01_I1', name: 'Imprese assistite', approved: expect.objectContaining({ score: 50 }), current: expect.objectContaining({ score: 75 }) })]);
  });

  it('the PIAO shows whether its Relazione was validated by the OIV, and when', async () => {
    const before = (await api.call<{ reports: { year: number; validated: unknown; messageIt: string }[] }>('GET', `/cycles/${piao}`, { token: sg })).body.reports;
    expect(before).toEqual([expect.objectContaining({ year: YEAR, cycleId: relazione, validated: null, messageIt: `Relazione sulla performance ${YEAR} non ancora validata dall'OIV` })]);
    expect((await run(relazione, 'validate', oiv, { reportReference: 'Documento di validazione 1/2026', date: today() })).status).toBe(200);
    const reports = (await api.call<{ reports: { year: number; validated: { date: string; reportReference: string; by: string } | null; approvedVersion: number | null; messageIt: string }[] }>('GET', `/cycles/${piao}`, { token: sg })).body.reports;
    const it = today().split('-').reverse().join('/');
    expect(reports).toEqual([
      expect.objectContaining({ year: YEAR, validated: { date: today(), reportReference: 'Documento di validazione 1/2026', by: 'u-oiv', at: expect.any(String) }, messageIt: `Relazione sulla performance ${YEAR} validata dall'OIV il ${it}` }),
    ]);
    expect(reports[0].approvedVersion).toEqual(expect.any(Number));
  });

  it('refuses an unknown link and a link with no cycle yet', async () => {
    const unknown = await linkedPlan(relazione, 'ptpct');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'UNKNOWN_LINK']);
    const lonely = await open('relazione_performance', 2031);
    const missing = await linkedPlan(lonely);
    expect([missing.status, missing.body.code]).toEqual([409, 'LINK_MISSING']);
  });
});
