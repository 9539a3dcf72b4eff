// The performance cycle end to end through the API: the PIAO adopted and measured; the Monitoraggio
// intermedio opens, closes and reopens the PIAO's measurement period and proposes a variation of its
// tree that the Giunta approves in the monitoring cycle; the Relazione reads the varied PIAO, its
// approval fixes the figures, a later correction shows as a difference, the OIV validates.
import { createHash } from 'node:crypto';
import { isoDateAt } from '@ciclo/domain';
import { startTestApi, type TestApi } from '../support/api';

const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const YEAR = 2026;
const IND = '01_01_01_I1';

interface Indicator {
  code: string;
  targets: { year: number; value: number }[];
  achievement: { score: number | null };
}
interface Tree {
  achievement: { ambiti: { strategicObjectives: { operationalObjectives: { indicators: Indicator[] }[] }[] }[] };
}
const indicators = (p: Tree) => p.achievement.ambiti.flatMap((a) => a.strategicObjectives.flatMap((s) => s.operationalObjectives.flatMap((o) => o.indicators)));
interface LinkView {
  status: string;
  target?: { targetCycleId: string };
  plan?: { period: string; periodStatus: string; messageIt: string; variation: { number: number; status: string; deliberation?: { number: string } } | null };
}

describe('PIAO → Monitoraggio intermedio → Relazione sulla performance, through the API', () => {
  let api: TestApi;
  let po: string, sg: string, organi: string, oiv: string, ril: string, dir: string;
  let piao: string, monit: string, relazione: string;

  beforeAll(async () => {
    api = await startTestApi('links-chain');
    [po, sg, organi, oiv, ril, dir] = await Promise.all([
      api.token('u-po', ['po']),
      api.token('u-sg', ['segretario_generale']),
      api.token('u-organi', ['segreteria_organi']),
      api.token('u-oiv', ['oiv']),
      api.token('u-ril', ['rilevatore']),
      api.token('u-dir', ['dirigente']),
    ]);
  });
  afterAll(async () => {
    await api.close();
  });

  const open = async (type: string, year: number) => (await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type, year } })).body.cycleId;
  const run = (id: string, command: string, token: string, body: unknown = {}) => api.call<{ code?: string; stage?: string }>('POST', `/cycles/${id}/commands/${command}`, { token, body });
  const plan = (id: string, token: string, body: Record<string, unknown>) => api.call<{ code?: string }>('POST', `/cycles/${id}/plan/commands/${String(body.command)}`, { token, body: { ...body, command: undefined } });
  const measure = (period: string, value: number, correctionReason?: string) =>
    api.call<{ code?: string }>('POST', `/cycles/${piao}/measurements`, { token: ril, body: { indicatorCode: IND, period, value, date: today(), ...(correctionReason ? { correctionReason } : {}) } });
  const link = async (id: string) => (await api.call<{ links: LinkView[] }>('GET', `/cycles/${id}`, { token: sg })).body.links[0];
  const attach = (id: string) => api.call('POST', `/cycles/${id}/documents`, { token: po, raw: Buffer.from('%PDF-1.7 monitoraggio'), headers: { 'content-type': 'application/pdf', 'x-file-name': 'monitoraggio.pdf' } });

  it('adopts and measures the PIAO', async () => {
    piao = await open('piao', YEAR);
    const tree = await api.call('POST', `/cycles/${piao}/plan/commands/batch`, {
      token: po,
      body: {
        commands: [
          { command: 'add_node', kind: 'ambito', code: '01', title: 'Competitività del territorio' },
          { command: 'add_node', kind: 'strategic_objective', code: '01_01', title: 'Digitalizzazione', ambitoCode: '01' },
          { command: 'add_node', kind: 'operational_objective', code: '01_01_01', title: 'Punto Impresa Digitale', strategicObjectiveCode: '01_01', resources: null, area: 'Promozione' },
          {
            command: 'add_node',
            kind: 'indicator',
            code: IND,
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
    expect((await run(piao, 'submit', po)).status).toBe(200);
    expect((await run(piao, 'approve', sg)).status).toBe(200);
    expect((await run(piao, 'record_giunta_deliberation', organi, { number: '10/2026', date: today(), actHash: sha('piao') })).body.stage).toBe('adottato');
    expect((await measure(`${YEAR}-01`, 30)).status).toBe(201);
  });

  it('the Monitoraggio opens, closes and reopens the PIAO period of its year', async () => {
    monit = await open('monitoraggio_intermedio', YEAR);
    expect(await link(monit)).toMatchObject({ status: 'linked', target: { targetCycleId: piao }, plan: { period: `${YEAR}-S1`, periodStatus: 'open', variation: null } });

    expect((await run(monit, 'close_measurements', po)).status).toBe(200);
    expect((await link(monit)).plan).toMatchObject({ periodStatus: 'closed', messageIt: `Periodo di misurazione ${YEAR}-S1 del PIAO chiuso` });
    const refused = await measure(`${YEAR}-02`, 33);
    expect([refused.status, refused.body.code]).toEqual([409, 'MEASUREMENT_PERIOD_CLOSED']);
    // The period's events are on the PIAO's stream, carrying the monitoring cycle's id.
    const history = (await api.call<{ versions: { type: string; data: Record<string, unknown> }[] }>('GET', `/cycles/${piao}/history`, { token: sg })).body.versions;
    expect(history.filter((v) => v.type.startsWith('MeasurementPeriod')).map((v) => [v.type, v.data.monitoringCycleId, v.data.period])).toEqual([
      ['MeasurementPeriodOpened', monit, `${YEAR}-S1`],
      ['MeasurementPeriodClosed', monit, `${YEAR}-S1`],
    ]);

    expect((await run(monit, 'reopen_measurements', sg, { reason: 'Manca la misura di febbraio' })).status).toBe(200);
    expect((await measure(`${YEAR}-02`, 33)).status).toBe(201);
    expect((await run(monit, 'close_measurements', po)).status).toBe(200);
    const piaoPlan = (await api.call<{ monitoringPeriods: { period: string; status: string; monitoringCycleId: string }[] }>('GET', `/cycles/${piao}/plan`, { token: sg })).body;
    expect(piaoPlan.monitoringPeriods).toEqual([expect.objectContaining({ period: `${YEAR}-S1`, status: 'closed', monitoringCycleId: monit })]);
  });

  it('proposes a variation of the PIAO tree, refused where it does not belong, approved by the Giunta in the monitoring', async () => {
    expect((await run(monit, 'approve', sg)).status).toBe(200);
    expect((await attach(monit)).status).toBe(201);
    expect((await run(monit, 'send_report', po, { sentOn: today() })).status).toBe(200);
    // Not in the editable stage of the monitoring yet: the PIAO is frozen.
    const early = await plan(piao, dir, { command: 'set_targets', indicatorCode: IND, targets: [{ year: YEAR, operator: '>=', value: 45 }] });
    expect([early.status, early.body.code]).toEqual([409, 'PLAN_FROZEN']);

    expect((await run(monit, 'start_variation', sg, { reason: 'Obiettivo rivisto dopo il monitoraggio' })).body.stage).toBe('variazione_in_bozza');
    expect((await link(monit)).plan?.variation).toMatchObject({ number: 1, status: 'open' });
    // One variation at a time; the PIAO's variation is decided in the monitoring, and the monitoring has no tree of its own.
    const second = await plan(piao, sg, { command: 'open_variation', reason: 'Altra variazione' });
    expect([second.status, second.body.code]).toEqual([409, 'PLAN_VARIATION_OPEN']);
    const direct = await plan(piao, organi, { command: 'approve_variation', number: '11/2026', date: today(), actHash: sha('x') });
    expect([direct.status, direct.body.code]).toEqual([409, 'PLAN_VARIATION_LINKED']);
    const own = await plan(monit, dir, { command: 'set_targets', indicatorCode: IND, targets: [{ year: YEAR, operator: '>=', value: 45 }] });
    expect([own.status, own.body.code]).toEqual([409, 'PLAN_OF_LINKED_CYCLE']);

    // The edit goes to the PIAO's tree, inside the variation.
    expect((await plan(piao, dir, { command: 'set_targets', indicatorCode: IND, targets: [{ year: YEAR, operator: '>=', value: 45 }] })).status).toBe(200);
    expect((await run(monit, 'submit', po)).body.stage).toBe('variazione_in_giunta');
    const late = await plan(piao, dir, { command: 'set_targets', indicatorCode: IND, targets: [{ year: YEAR, operator: '>=', value: 50 }] });
    expect([late.status, late.body.code]).toEqual([409, 'PLAN_NOT_EDITABLE']);

    expect((await run(monit, 'record_giunta_deliberation', organi, { number: '20/2026', date: today(), actHash: sha('variazione') })).body.stage).toBe('chiuso');
    expect((await link(monit)).plan?.variation).toMatchObject({ status: 'approved', deliberation: { number: '20/2026' } });
    const varied = (await api.call<Tree & { variations: { status: string; monitoringCycleId: string; deliberation: { number: string } }[] }>('GET', `/cycles/${piao}/plan?year=${YEAR}`, { token: sg })).body;
    expect(varied.variations).toEqual([expect.objectContaining({ status: 'approved', monitoringCycleId: monit, deliberation: expect.objectContaining({ number: '20/2026' }) })]);
    expect(indicators(varied)[0].targets[0].value).toBe(45);
    const adopted = (await api.call<Tree>('GET', `/cycles/${piao}/plan?tree=adopted&year=${YEAR}`, { token: sg })).body;
    expect(indicators(adopted)[0].targets[0].value).toBe(60);
  });

  it('a monitoring cancelled with its variation open withdraws it from the PIAO, whose tree returns to where it was', async () => {
    const second = await open('monitoraggio_intermedio', YEAR);
    for (const [command, token, body] of [['close_measurements', po, {}], ['approve', sg, {}]] as const) expect((await run(second, command, token, body)).status).toBe(200);
    expect((await attach(second)).status).toBe(201);
    expect((await run(second, 'send_report', po, { sentOn: today() })).status).toBe(200);
    expect((await run(second, 'start_variation', sg, { reason: 'Seconda revisione' })).status).toBe(200);
    expect((await plan(piao, dir, { command: 'set_targets', indicatorCode: IND, targets: [{ year: YEAR, operator: '>=', value: 30 }] })).status).toBe(200);
    expect((await run(second, 'cancel', sg, { reason: 'Avviato per errore' })).status).toBe(200);
    const p = (await api.call<Tree & { variations: { number: number; status: string; withdrawnReason?: string }[] }>('GET', `/cycles/${piao}/plan?year=${YEAR}`, { token: sg })).body;
    expect(p.variations.map((v) => [v.number, v.status])).toEqual([
      [1, 'approved'],
      [2, 'withdrawn'],
    ]);
    expect(p.variations[1].withdrawnReason).toBe('Monitoraggio intermedio annullato: Avviato per errore');
    expect(indicators(p)[0].targets[0].value).toBe(45);
  });

  it('refuses a variation when no PIAO is linked, lets the period transitions run without one, and closes the period on a PIAO linked later', async () => {
    const lonely = await open('monitoraggio_intermedio', 2035);
    expect(await link(lonely)).toMatchObject({ status: 'missing', plan: { periodStatus: 'not_opened', messageIt: 'Nessun PIAO collegato: il periodo 2035-S1 non è aperto' } });
    expect((await run(lonely, 'close_measurements', po)).status).toBe(200);
    expect((await run(lonely, 'approve', sg)).status).toBe(200);
    expect((await attach(lonely)).status).toBe(201);
    expect((await run(lonely, 'send_report', po, { sentOn: today() })).status).toBe(200);
    // The view holds the action back, saying why; sent anyway, it is refused and nothing is written.
    const view = (await api.call<{ availableCommands: string[]; blockedCommands: { command: string; code: string; messageIt: string }[] }>('GET', `/cycles/${lonely}`, { token: sg })).body;
    expect(view.availableCommands).not.toContain('start_variation');
    expect(view.blockedCommands).toContainEqual({ command: 'start_variation', code: 'LINK_MISSING', messageIt: 'Il collegamento non è ancora risolto: nessun ciclo collegato' });
    const before = await api.head();
    const refused = await run(lonely, 'start_variation', sg, { reason: 'Nessun piano' });
    expect([refused.status, refused.body.code]).toEqual([409, 'LINK_MISSING']);
    expect(await api.head()).toBe(before);
    // A PIAO covering its year, opened later, is linked: the collection being closed already, so is its period there.
    const later = await open('piao', 2035);
    expect(await link(lonely)).toMatchObject({ status: 'linked', target: { targetCycleId: later }, plan: { period: '2035-S1', periodStatus: 'closed' } });
  });

  it('the Relazione reads the varied PIAO; the approval fixes it; a correction shows as a difference; the OIV validates', async () => {
    expect((await measure(`${YEAR}-Q4`, 36)).status).toBe(201);
    relazione = await open('relazione_performance', YEAR);
    const first = (await api.call<{ current: Tree }>('GET', `/cycles/${relazione}/links/piao/plan`, { token: sg })).body;
    expect(indicators(first.current)[0]).toMatchObject({ code: IND, achievement: { score: 80 } });
    expect(indicators(first.current)[0].targets[0]).toMatchObject({ year: YEAR, value: 45 });

    expect((await run(relazione, 'close_measurements', po)).status).toBe(200);
    expect((await run(relazione, 'submit', po)).status).toBe(200);
    expect((await run(relazione, 'record_giunta_deliberation', organi, { number: '30/2026', date: today(), actHash: sha('relazione') })).status).toBe(200);
    expect((await measure(`${YEAR}-Q4`, 45, 'Conteggio rifatto sul registro')).status).toBe(201);
    const after = (await api.call<{ differences: { code: string; approved: { score: number }; current: { score: number } }[] }>('GET', `/cycles/${relazione}/links/piao/plan`, { token: sg })).body;
    expect(after.differences).toEqual([expect.objectContaining({ code: IND, approved: expect.objectContaining({ score: 80 }), current: expect.objectContaining({ score: 100 }) })]);

    expect((await run(relazione, 'validate', oiv, { reportReference: 'Documento di validazione 1/2026', date: today() })).status).toBe(200);
    const reports = (await api.call<{ reports: { year: number; messageIt: string }[] }>('GET', `/cycles/${piao}`, { token: sg })).body.reports;
    expect(reports).toEqual([expect.objectContaining({ year: YEAR, messageIt: `Relazione sulla performance ${YEAR} validata dall'OIV il ${today().split('-').reverse().join('/')}` })]);
  });
});
