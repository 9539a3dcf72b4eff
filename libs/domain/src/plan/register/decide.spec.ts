/* eslint-disable no-restricted-imports */
// The register decider, given/when/then on the real PTPCT and PIAO definitions: every command and
// its refusals, the fold, submission checks, adoption, variation (approved and withdrawn), the
// view's roll-up and the diff.
import { readFileSync } from 'fs';
import { join } from 'path';
import { decide } from '../../cycle/decide';
import { DomainRefusal } from '../../cycle/errors';
import type { FoldableEvent } from '../../cycle/evolve';
import { foldCycle } from '../../cycle/fold';
import type { ActorContext, CycleCommand, DomainEvent } from '../../cycle/model';
import { actor, commands, NOW, pathTo, TENANT, TIME_ZONE, todayAt } from '../../cycle/testing';
import { parseCycleDefinition, type CycleDefinition } from '../../definitions';
import { decidePlan } from '../decide';
import { foldPlan } from '../evolve';
import { initialPlanState, planHoldsNothing, type PlanCommand, type PlanState } from '../model';
import { planSubmissionProblems } from '../tree';
import { registerContent } from './model';
import { measureDeadlines } from './deadlines';
import { diffRegister, registerView } from './view';

const load = (id: string): CycleDefinition =>
  parseCycleDefinition(
    readFileSync(join(__dirname, '../../../../../seeds/cycles', `${id}.v1.yaml`), 'utf8'),
    `${id}.v1.yaml`,
  );
const ptpct = load('ptpct');
const rpct = actor('rpct');
const dirigente = actor('dirigente');
const po = actor('po');
const organi = actor('segreteria_organi');
const rilevatore = actor('rilevatore');
const sha = 'b'.repeat(64);
const TODAY = todayAt(NOW); // 2027-01-15

class Stream {
  events: FoldableEvent[];
  constructor(
    readonly def: CycleDefinition,
    initial: FoldableEvent[],
  ) {
    this.events = [...initial];
  }
  get cycle() {
    return foldCycle(this.events);
  }
  get plan() {
    return foldPlan(this.events);
  }
  private push(produced: DomainEvent[]): DomainEvent[] {
    for (const e of produced) this.events.push({ ...e, version: this.events.length + 1, tenant: TENANT });
    return produced;
  }
  do(command: PlanCommand, by: ActorContext, now = NOW): DomainEvent[] {
    return this.push(
      decidePlan(command, this.plan, this.cycle, {
        actor: by,
        now,
        definition: this.def,
        timeZone: TIME_ZONE,
      }),
    );
  }
  cycle$(command: CycleCommand, by: ActorContext, now = NOW): DomainEvent[] {
    const problems = planSubmissionProblems(this.plan, this.cycle, this.def);
    return this.push(
      decide(command, this.cycle, {
        actor: by,
        now,
        definition: this.def,
        timeZone: TIME_ZONE,
        planProblems: problems,
      }),
    );
  }
  refusal(fn: () => unknown): DomainRefusal {
    const before = this.events.length;
    try {
      fn();
    } catch (e) {
      if (e instanceof DomainRefusal) {
        expect(this.events.length).toBe(before);
        return e;
      }
      throw e;
    }
    throw new Error('expected a refusal');
  }
}

const process = {
  kind: 'process',
  code: 'C2.7.5',
  title: 'Manifestazioni a premio',
  area: 'Sviluppo economico',
  office: 'Regolazione del mercato',
};
const risk = {
  kind: 'risk',
  code: 'C2.7.5-R1',
  processCode: 'C2.7.5',
  description: 'Omissione del controllo per favorire un operatore',
  factors: ['discrezionalità', 'controlli scarsi'],
};
const measure = (code: string, riskCodes: string[] = ['C2.7.5-R1'], measureKind = 'specifica') => ({
  kind: 'measure',
  code,
  measureKind,
  category: measureKind === 'generale' ? 'formazione' : 'controllo',
  title: `Misura ${code}`,
  riskCodes,
  owner: { office: 'Regolazione del mercato', dirigente: 'Dirigente Area Sviluppo economico' },
  phases: [
    { title: 'Definizione della check list', deadline: '2027-03-31' },
    { title: 'Applicazione a tutte le pratiche', deadline: '2027-06-30' },
  ],
  indicator: 'Pratiche controllate con check list / pratiche totali',
  target: '100%',
});
const level = (l: string, reason = `motivo ${l}`) => ({ level: l, reason });
const allIndicators = (l: string) => ({
  interesse_esterno: level('alto', 'vantaggi economici per i promotori'),
  discrezionalita: level(l),
  eventi_passati: level(l),
  opacita: level(l),
  collaborazione: level('basso'),
  attuazione_misure: level(l),
});

function draft(): Stream {
  return new Stream(ptpct, pathTo(ptpct, 'proposta_rpct', { year: 2027 }).events);
}

function filled(): Stream {
  const s = draft();
  s.do({ type: 'add_register_item', item: process }, rpct);
  s.do({ type: 'add_register_item', item: risk }, dirigente);
  s.do({ type: 'add_register_item', item: measure('MS1') }, rpct);
  s.do({ type: 'add_register_item', item: measure('MG-FORM', [], 'generale') }, rpct);
  s.do(
    {
      type: 'assess_risk',
      processCode: 'C2.7.5',
      indicators: allIndicators('medio'),
      rating: 'medio',
      motivation: 'interesse alto ma controlli regolari',
    },
    rpct,
  );
  s.do({ type: 'set_monitoring_dates', dates: ['2027-06-30', '2027-12-15'] }, rpct);
  return s;
}

function adopted(): Stream {
  const s = filled();
  s.cycle$(commands.transition('submit', {}), rpct);
  s.cycle$(
    commands.transition('record_giunta_deliberation', { number: '3/2027', date: TODAY, actHash: sha }),
    organi,
  );
  expect(s.cycle.stage).toBe('adottato');
  return s;
}

describe('a plan that holds nothing', () => {
  it('is one whose every field is still initial, its version, event count and last change aside', () => {
    expect(planHoldsNothing(initialPlanState())).toBe(true);
    expect(planHoldsNothing({ ...initialPlanState(), version: 9, planEvents: 3, lastChangeAt: NOW.toISOString() })).toBe(true);
    const full = adopted().plan;
    // Each field of a filled, adopted plan, alone on an initial plan, makes it hold something.
    const plan = (k: keyof PlanState) => ({ ...initialPlanState(), [k]: full[k] }) as PlanState;
    for (const k of ['adopted', 'adoptedRegister', 'register'] as const) expect([k, planHoldsNothing(plan(k))]).toEqual([k, false]);
    const others: Partial<PlanState> = {
      nodes: new Map([['x', {} as never]]),
      measurements: [{} as never],
      adoptedNodes: [],
      variations: [{} as never],
      variationBase: [],
      closedYears: [2027],
      monitoringPeriods: [{} as never],
      scoring: {} as never,
      narratives: { s: {} as never },
      registerBase: {} as never,
    };
    for (const [k, v] of Object.entries(others)) expect([k, planHoldsNothing({ ...initialPlanState(), [k]: v })]).toEqual([k, false]);
    const held: PlanState['register'] = {
      processes: full.register.processes,
      risks: full.register.risks,
      measures: full.register.measures,
      assessments: full.register.assessments,
      method: {} as never,
      monitoringDates: full.register.monitoringDates,
      reports: [{} as never],
      checks: [{} as never],
      monitoring: new Map([['MS1', []]]),
      reportFigures: new Map([[2027, {} as never]]),
    };
    for (const k of Object.keys(held) as (keyof typeof held)[]) {
      const one = { ...initialPlanState().register, [k]: held[k] };
      expect([k, planHoldsNothing({ ...initialPlanState(), register: one })]).toEqual([k, false]);
    }
  });

  it('folded on from a fresh plan wherever it held nothing, gives the register and deadlines of the whole fold', () => {
    const s = adopted();
    s.do(
      { type: 'report_measure', measureCode: 'MS1', monitoringDate: '2027-06-30', status: 'attuata', evidence: 'check list adottata', date: '2027-07-02' },
      dirigente,
      new Date('2027-07-05T09:00:00Z'),
    );
    const whole = foldPlan(s.events);
    let cuts = 0;
    for (let i = 0; i < s.events.length; i++) {
      if (!planHoldsNothing(foldPlan(s.events.slice(0, i)))) continue;
      cuts++;
      const rest = foldPlan(s.events.slice(i), initialPlanState());
      expect(registerContent(rest.register)).toEqual(registerContent(whole.register));
      expect(measureDeadlines(rest.register, !!rest.adopted)).toEqual(measureDeadlines(whole.register, !!whole.adopted));
    }
    // The cycle's own events before the first register item: more than one place to cut.
    expect(cuts).toBeGreaterThan(1);
    expect(planHoldsNothing(whole)).toBe(false);
  });
});

describe('register decider: items', () => {
  it('given a PTPCT proposal, when the RPCT maps a process, its risk and measures, then the register holds them', () => {
    const s = filled();
    expect([...s.plan.register.processes.keys()]).toEqual(['C2.7.5']);
    expect(s.plan.register.risks.get('C2.7.5-R1')).toMatchObject({
      processCode: 'C2.7.5',
      factors: ['discrezionalità', 'controlli scarsi'],
    });
    expect(s.plan.register.measures.get('MG-FORM')).toMatchObject({ measureKind: 'generale', riskCodes: [] });
    expect(s.events.filter((e) => e.type === 'RegisterItemAdded')).toHaveLength(4);
    expect(s.cycle).toMatchObject({ stage: 'proposta_rpct', version: s.events.length });
  });

  it('refuses a duplicate code, a risk of an unknown process, a measure of an unknown risk', () => {
    const s = filled();
    expect(s.refusal(() => s.do({ type: 'add_register_item', item: process }, rpct)).code).toBe(
      'REGISTER_ITEM_EXISTS',
    );
    const orphan = s.refusal(() =>
      s.do({ type: 'add_register_item', item: { ...risk, code: 'R9', processCode: 'Z9' } }, rpct),
    );
    expect(orphan.code).toBe('REGISTER_REFERENCE_NOT_FOUND');
    expect(orphan.fields).toEqual([{ field: 'processCode', problem: 'no process Z9 in the register' }]);
    const m = s.refusal(() =>
      s.do({ type: 'add_register_item', item: measure('MS9', ['C2.7.5-R1', 'NOPE']) }, rpct),
    );
    expect(m.code).toBe('REGISTER_REFERENCE_NOT_FOUND');
    expect(m.fields.map((f) => f.field)).toEqual(['riskCodes.NOPE']);
  });

  it('names every bad field of an item', () => {
    const s = filled();
    const bad = s.refusal(() =>
      s.do(
        {
          type: 'add_register_item',
          item: {
            ...measure('MS9', []),
            category: 'magia',
            owner: { office: 'x' },
            phases: [{ title: 'a', deadline: '31/12/2027' }],
            target: '',
            colour: 'rosso',
          },
        },
        rpct,
      ),
    );
    expect(bad.code).toBe('PLAN_INVALID_FIELDS');
    expect(bad.fields.map((f) => f.field).sort()).toEqual([
      'item.category',
      'item.colour',
      'item.owner.dirigente',
      'item.phases[0].deadline',
      'item.riskCodes',
      'item.target',
    ]);
    expect(
      s.refusal(() => s.do({ type: 'add_register_item', item: { kind: 'rischio' } }, rpct)).fields,
    ).toEqual([{ field: 'item.kind', problem: 'must be one of: process, risk, measure' }]);
  });

  it('refuses roles that do not draft the register', () => {
    const s = filled();
    for (const who of [po, rilevatore])
      expect(
        s.refusal(() => s.do({ type: 'add_register_item', item: { ...process, code: 'X1' } }, who)).code,
      ).toBe('ROLE_NOT_ALLOWED');
    expect(
      s.refusal(() =>
        s.do(
          {
            type: 'set_rating_method',
            method: { indicators: [{ key: 'a', title: 'A' }], levels: ['basso', 'alto'] },
          },
          dirigente,
        ),
      ).code,
    ).toBe('ROLE_NOT_ALLOWED');
  });

  it('updates only what changes and refuses kind, code, foreign fields and unknown items', () => {
    const s = filled();
    expect(
      s.do(
        {
          type: 'update_register_item',
          kind: 'process',
          code: 'C2.7.5',
          changes: { title: 'Manifestazioni a premio' },
        },
        rpct,
      ),
    ).toEqual([]);
    const [e] = s.do(
      {
        type: 'update_register_item',
        kind: 'process',
        code: 'C2.7.5',
        changes: { office: 'Ufficio metrico', note: null },
      },
      rpct,
    );
    expect(e.data).toEqual({
      kind: 'process',
      code: 'C2.7.5',
      set: { office: 'Ufficio metrico' },
      unset: [],
    });
    expect(s.plan.register.processes.get('C2.7.5')?.office).toBe('Ufficio metrico');
    const r = s.refusal(() =>
      s.do(
        {
          type: 'update_register_item',
          kind: 'risk',
          code: 'C2.7.5-R1',
          changes: { code: 'X', rating: 'alto' },
        },
        rpct,
      ),
    );
    expect(r.fields.map((f) => f.field)).toEqual(['changes.code', 'changes.rating']);
    expect(
      s.refusal(() =>
        s.do({ type: 'update_register_item', kind: 'measure', code: 'NOPE', changes: { title: 'x' } }, rpct),
      ).code,
    ).toBe('REGISTER_ITEM_NOT_FOUND');
    expect(
      s.refusal(() =>
        s.do(
          { type: 'update_register_item', kind: 'risk', code: 'C2.7.5-R1', changes: { processCode: 'Z9' } },
          rpct,
        ),
      ).code,
    ).toBe('REGISTER_REFERENCE_NOT_FOUND');
  });

  it('removes with cascade only: a process takes its risks and assessment, a risk leaves its measures', () => {
    const s = filled();
    expect(
      s.refusal(() => s.do({ type: 'remove_register_item', kind: 'process', code: 'C2.7.5' }, rpct)).code,
    ).toBe('REGISTER_ITEM_IN_USE');
    expect(
      s.refusal(() => s.do({ type: 'remove_register_item', kind: 'risk', code: 'C2.7.5-R1' }, rpct)).code,
    ).toBe('REGISTER_ITEM_IN_USE');
    const [e] = s.do({ type: 'remove_register_item', kind: 'process', code: 'C2.7.5', cascade: true }, rpct);
    expect(e.data).toEqual({
      kind: 'process',
      code: 'C2.7.5',
      removed: [{ kind: 'risk', code: 'C2.7.5-R1' }],
    });
    expect(s.plan.register.risks.size).toBe(0);
    expect(s.plan.register.assessments.size).toBe(0);
    expect(s.plan.register.measures.get('MS1')?.riskCodes).toEqual([]);
  });

  it('lives in the PIAO too (section 2.3): the RPCT drafts it in bozza, the submission checks it', () => {
    const piao = load('piao');
    const s = new Stream(piao, pathTo(piao, 'bozza', { year: 2027 }).events);
    s.do({ type: 'add_register_item', item: process }, rpct);
    const r = s.refusal(() => s.cycle$(commands.transition('submit', {}), po));
    expect([r.code, r.fields]).toEqual([
      'PLAN_INCOMPLETE',
      [{ field: 'C2.7.5', problem: 'PROCESS_NOT_ASSESSED: the process has no risk assessment' }],
    ]);
    s.do(
      {
        type: 'assess_risk',
        processCode: 'C2.7.5',
        indicators: allIndicators('basso'),
        rating: 'basso',
        motivation: 'm',
      },
      rpct,
    );
    expect(s.cycle$(commands.transition('submit', {}), po).map((e) => e.type)).toEqual([
      'SubmittedForReview',
    ]);
    expect(
      s.refusal(() => s.do({ type: 'add_register_item', item: { ...process, code: 'X1' } }, rpct)).code,
    ).toBe('PLAN_NOT_EDITABLE');
  });

  it('refuses a cycle type without a register', () => {
    const smvp = load('smvp');
    const s = new Stream(smvp, pathTo(smvp, smvp.initialStage, { year: 2027 }).events);
    expect(s.refusal(() => s.do({ type: 'add_register_item', item: process }, rpct)).code).toBe(
      'REGISTER_NOT_IN_CYCLE',
    );
  });
});

describe('register decider: assessment by the qualitative method', () => {
  it('records every indicator with its reason, the rating with its motivation and the suggested level', () => {
    const s = filled();
    const [e] = s.do(
      {
        type: 'assess_risk',
        processCode: 'C2.7.5',
        indicators: allIndicators('alto'),
        rating: 'alto',
        motivation: 'eventi segnalati nel 2026',
      },
      dirigente,
    );
    expect(e).toMatchObject({
      type: 'RiskAssessed',
      actorRole: 'dirigente',
      data: { rating: 'alto', suggestedRating: 'alto' },
    });
    expect(s.plan.register.assessments.get('C2.7.5')).toMatchObject({
      rating: 'alto',
      motivation: 'eventi segnalati nel 2026',
      by: dirigente.userId,
    });
    // The same assessment again writes nothing.
    expect(
      s.do(
        {
          type: 'assess_risk',
          processCode: 'C2.7.5',
          indicators: allIndicators('alto'),
          rating: 'alto',
          motivation: 'eventi segnalati nel 2026',
        },
        dirigente,
      ),
    ).toEqual([]);
  });

  it('names every indicator missing, unknown, off the scale or without reason', () => {
    const s = filled();
    const { discrezionalita: _, ...partial } = allIndicators('medio');
    const r = s.refusal(() =>
      s.do(
        {
          type: 'assess_risk',
          processCode: 'C2.7.5',
          indicators: {
            ...partial,
            opacita: { level: 'altissimo', reason: 'x' },
            eventi_passati: { level: 'medio' },
            fortuna: level('alto'),
          },
          rating: 'enorme',
          motivation: '',
        },
        rpct,
      ),
    );
    expect(r.code).toBe('PLAN_INVALID_FIELDS');
    expect(r.fields.map((f) => f.field).sort()).toEqual([
      'indicators.discrezionalita',
      'indicators.eventi_passati.reason',
      'indicators.fortuna',
      'indicators.opacita.level',
      'motivation',
      'rating',
    ]);
    expect(
      s.refusal(() =>
        s.do(
          {
            type: 'assess_risk',
            processCode: 'Z9',
            indicators: allIndicators('medio'),
            rating: 'medio',
            motivation: 'm',
          },
          rpct,
        ),
      ).code,
    ).toBe('REGISTER_ITEM_NOT_FOUND');
  });

  it("follows a chamber's own method: five levels, its own indicators; earlier assessments must be redone", () => {
    const s = filled();
    const method = {
      indicators: [
        { key: 'interesse_esterno', title: 'Interesse esterno' },
        { key: 'discrezionalita', title: 'Discrezionalità' },
      ],
      levels: ['minimo', 'basso', 'moderato', 'alto', 'critico'],
    };
    s.do({ type: 'set_rating_method', method, reason: 'Metodo del PTPCT camerale' }, rpct);
    expect(s.do({ type: 'set_rating_method', method }, rpct)).toEqual([]);
    expect(registerView(s.plan.register, TODAY).processes[0]).toMatchObject({
      rating: null,
      needsReassessment: true,
    });
    expect(planSubmissionProblems(s.plan, s.cycle, ptpct).map((p) => p.code)).toContain(
      'PROCESS_NOT_ASSESSED',
    );
    s.do(
      {
        type: 'assess_risk',
        processCode: 'C2.7.5',
        indicators: { interesse_esterno: level('critico'), discrezionalita: level('moderato') },
        rating: 'critico',
        motivation: 'm',
      },
      rpct,
    );
    expect(s.plan.register.assessments.get('C2.7.5')).toMatchObject({
      rating: 'critico',
      suggestedRating: 'critico',
    });
    const bad = s.refusal(() =>
      s.do(
        {
          type: 'set_rating_method',
          method: { indicators: [{ key: 'A b', title: '' }], levels: ['alto', 'alto'] },
        },
        rpct,
      ),
    );
    expect(bad.fields.map((f) => f.field)).toEqual(['method.indicators[0]', 'method.levels[1]']);
  });
});

describe('register decider: monitoring dates and the figures of the annual report', () => {
  it('sets monitoring dates sorted and unique, names each bad date, and writes nothing when unchanged', () => {
    const s = filled();
    expect(
      s.do({ type: 'set_monitoring_dates', dates: ['2027-12-15', '2027-06-30', '2027-06-30'] }, rpct),
    ).toEqual([]);
    const bad = s.refusal(() =>
      s.do({ type: 'set_monitoring_dates', dates: ['2027-02-30', 'giugno'] }, rpct),
    );
    expect(bad.fields.map((f) => f.field)).toEqual(['dates[0]', 'dates[1]']);
    expect(s.refusal(() => s.do({ type: 'set_monitoring_dates', dates: [] }, rpct)).fields).toEqual([
      { field: 'dates', problem: 'must list 1 to 24 dates YYYY-MM-DD' },
    ]);
    expect(
      s.refusal(() => s.do({ type: 'set_monitoring_dates', dates: ['2027-09-30'] }, dirigente)).code,
    ).toBe('ROLE_NOT_ALLOWED');
  });

  it('records the RPCT figures of a year at any stage, the latest counting; refuses bad figures and other roles', () => {
    const s = adopted();
    const [e] = s.do(
      {
        type: 'set_rpct_report_figures',
        year: 2027,
        whistleblowingReports: 3,
        training: 'Corso base: 40 dipendenti',
      },
      rpct,
    );
    expect(e.data).toEqual({ year: 2027, whistleblowingReports: 3, training: 'Corso base: 40 dipendenti' });
    expect(
      s.do(
        {
          type: 'set_rpct_report_figures',
          year: 2027,
          whistleblowingReports: 3,
          training: 'Corso base: 40 dipendenti',
        },
        rpct,
      ),
    ).toEqual([]);
    s.do({ type: 'set_rpct_report_figures', year: 2027, whistleblowingReports: 4 }, rpct);
    expect(s.plan.register.reportFigures.get(2027)).toMatchObject({ whistleblowingReports: 4 });
    expect(s.plan.register.reportFigures.get(2027)?.training).toBeUndefined();
    const bad = s.refusal(() =>
      s.do({ type: 'set_rpct_report_figures', year: 27, whistleblowingReports: 1.5 }, rpct),
    );
    expect(bad.fields.map((f) => f.field)).toEqual(['year', 'whistleblowingReports']);
    expect(
      s.refusal(() =>
        s.do({ type: 'set_rpct_report_figures', year: 2027, whistleblowingReports: 1 }, dirigente),
      ).code,
    ).toBe('ROLE_NOT_ALLOWED');
  });
});

describe('register decider: the cycle rules', () => {
  it('refuses the submission while a process is not assessed or a risk is untreated, listing each', () => {
    const s = filled();
    s.do(
      {
        type: 'add_register_item',
        item: { ...process, code: 'B1.1.1', title: 'Acquisizione risorse umane' },
      },
      rpct,
    );
    s.do({ type: 'add_register_item', item: { ...risk, code: 'B1.1.1-R1', processCode: 'B1.1.1' } }, rpct);
    s.do({ type: 'add_register_item', item: { ...measure('MG-ROT', [], 'generale'), phases: [] } }, rpct);
    const r = s.refusal(() => s.cycle$(commands.transition('submit', {}), rpct));
    expect(r.code).toBe('PLAN_INCOMPLETE');
    expect(r.fields.map((f) => `${f.field} ${f.problem.split(':')[0]}`).sort()).toEqual([
      'B1.1.1 PROCESS_NOT_ASSESSED',
      'B1.1.1-R1 RISK_WITHOUT_MEASURE',
      'MG-ROT MEASURE_WITHOUT_PHASES',
    ]);
  });

  it('refuses edits outside the editable stage and after adoption; a variation changes it, a withdrawal restores it', () => {
    const s = filled();
    s.cycle$(commands.transition('submit', {}), rpct);
    expect(
      s.refusal(() => s.do({ type: 'add_register_item', item: { ...process, code: 'X1' } }, rpct)).code,
    ).toBe('PLAN_NOT_EDITABLE');
    s.cycle$(
      commands.transition('record_giunta_deliberation', { number: '3/2027', date: TODAY, actHash: sha }),
      organi,
    );
    expect(s.refusal(() => s.do({ type: 'set_monitoring_dates', dates: ['2027-09-30'] }, rpct)).code).toBe(
      'PLAN_FROZEN',
    );
    expect(s.plan.adoptedRegister?.processes.map((p) => p.code)).toEqual(['C2.7.5']);

    s.do({ type: 'open_variation', variationId: 'v1', reason: 'nuovo processo a rischio' }, dirigente);
    const [added] = s.do(
      { type: 'add_register_item', item: { ...process, code: 'X1', title: 'Contributi alle imprese' } },
      rpct,
    );
    expect(added.data).toMatchObject({ variationId: 'v1' });
    s.do({ type: 'withdraw_variation', reason: 'non serve' }, dirigente);
    expect(s.plan.register.processes.has('X1')).toBe(false);

    s.do({ type: 'open_variation', variationId: 'v2', reason: 'nuove date' }, dirigente);
    s.do({ type: 'set_monitoring_dates', dates: ['2027-09-30', '2027-06-30'] }, rpct);
    s.do({ type: 'approve_variation', number: '9/2027', date: TODAY, actHash: sha }, organi);
    expect(s.plan.register.monitoringDates).toEqual(['2027-06-30', '2027-09-30']);
    const d = diffRegister(s.plan.adoptedRegister!, registerContent(s.plan.register));
    expect(d.changes).toEqual([
      {
        kind: 'settings',
        code: 'monitoringDates',
        change: 'changed',
        fields: [{ field: '[1]', before: '2027-12-15', after: '2027-09-30' }],
      },
    ]);
  });
});

describe('register decider: monitoring', () => {
  const report = (over: Record<string, unknown> = {}) =>
    ({
      type: 'report_measure',
      measureCode: 'MS1',
      monitoringDate: '2027-06-30',
      status: 'parzialmente_attuata',
      evidence: 'check list adottata con determinazione n. 40',
      date: '2027-07-02',
      ...over,
    }) as PlanCommand;
  const JULY = new Date('2027-07-05T09:00:00Z');

  it('refuses a report before adoption, in the future, off the monitoring dates, or by the RPCT', () => {
    const s = filled();
    expect(s.refusal(() => s.do(report(), dirigente, JULY)).code).toBe('PLAN_NOT_ADOPTED');
    const a = adopted();
    expect(a.refusal(() => a.do(report(), dirigente, NOW)).code).toBe('DATE_IN_FUTURE');
    const off = a.refusal(() =>
      a.do(report({ monitoringDate: '2027-07-01', status: 'fatta', evidence: '' }), dirigente, JULY),
    );
    expect(off.fields.map((f) => f.field).sort()).toEqual(['evidence', 'monitoringDate', 'status']);
    expect(a.refusal(() => a.do(report(), rpct, JULY)).code).toBe('ROLE_NOT_ALLOWED');
    expect(a.refusal(() => a.do(report({ measureCode: 'NOPE' }), dirigente, JULY)).code).toBe(
      'REGISTER_ITEM_NOT_FOUND',
    );
  });

  it('given reports at the monitoring date, when the RPCT checks them, then the checked status counts and the report is closed', () => {
    const s = adopted();
    s.do(report({ status: 'attuata' }), dirigente, JULY);
    s.do(report(), po, JULY); // a later report supersedes an unchecked one
    expect(
      s
        .refusal(() =>
          s.do(
            {
              type: 'check_measure_report',
              measureCode: 'MS1',
              monitoringDate: '2027-06-30',
              outcome: 'rettificato',
            },
            rpct,
            JULY,
          ),
        )
        .fields.map((f) => f.field),
    ).toEqual(['status', 'note']);
    expect(
      s.refusal(() =>
        s.do(
          {
            type: 'check_measure_report',
            measureCode: 'MG-FORM',
            monitoringDate: '2027-06-30',
            outcome: 'confermato',
          },
          rpct,
          JULY,
        ),
      ).code,
    ).toBe('MEASURE_REPORT_NOT_FOUND');
    const [c] = s.do(
      {
        type: 'check_measure_report',
        measureCode: 'MS1',
        monitoringDate: '2027-06-30',
        outcome: 'rettificato',
        status: 'non_attuata',
        note: 'check list non applicata',
      },
      rpct,
      JULY,
    );
    expect(c.data).toMatchObject({ status: 'non_attuata', reportedStatus: 'parzialmente_attuata' });
    expect(s.refusal(() => s.do(report(), dirigente, JULY)).code).toBe('MEASURE_REPORT_CHECKED');
    expect(
      s.refusal(() =>
        s.do(
          {
            type: 'check_measure_report',
            measureCode: 'MS1',
            monitoringDate: '2027-06-30',
            outcome: 'confermato',
          },
          rpct,
          JULY,
        ),
      ).code,
    ).toBe('MEASURE_REPORT_CHECKED');

    const v = registerView(s.plan.register, '2027-07-05');
    const ms1 = v.measures.find((m) => m.code === 'MS1')!;
    expect(ms1).toMatchObject({
      status: 'non_attuata',
      checked: true,
      overdue: true,
      latePhases: [{ deadline: '2027-03-31' }, { deadline: '2027-06-30' }],
    });
    expect(v.measures.find((m) => m.code === 'MG-FORM')).toMatchObject({
      status: null,
      overdue: true,
      monitoring: [
        { date: '2027-06-30', missing: true },
        { date: '2027-12-15', missing: false },
      ],
    });
    expect(v.summary).toMatchObject({
      processes: 1,
      risks: 1,
      measures: 2,
      overdue: 2,
      measuresByStatus: { attuata: 0, parzialmente_attuata: 0, non_attuata: 1, non_rendicontata: 1 },
      byKind: { generale: 1, specifica: 1 },
    });
    expect(v.summary.byRating).toEqual([
      { level: 'alto', processes: 0 },
      { level: 'medio', processes: 1 },
      { level: 'basso', processes: 0 },
      { level: 'non_valutato', processes: 0 },
    ]);
    expect(v.processes[0]).toMatchObject({
      code: 'C2.7.5',
      rating: 'medio',
      measureCodes: ['MS1'],
      risks: [{ code: 'C2.7.5-R1', measureCodes: ['MS1'] }],
    });
  });

  it('gives the reminder machinery the dates still to meet once adopted: phases of measures not attuate, monitoring dates without report', () => {
    expect(measureDeadlines(filled().plan.register, false)).toEqual([]);
    const s = adopted();
    const ids = (r = s.plan.register) => measureDeadlines(r, true).map((d) => `${d.id}@${d.legalDate}`);
    expect(ids()).toEqual([
      'misura.MS1.fase1@2027-03-31',
      'misura.MS1.fase2@2027-06-30',
      'misura.MS1.monitoraggio@2027-06-30',
      'misura.MS1.monitoraggio@2027-12-15',
      'misura.MG-FORM.fase1@2027-03-31',
      'misura.MG-FORM.fase2@2027-06-30',
      'misura.MG-FORM.monitoraggio@2027-06-30',
      'misura.MG-FORM.monitoraggio@2027-12-15',
    ]);
    s.do(report({ status: 'attuata' }), dirigente, JULY);
    expect(ids().filter((x) => x.startsWith('misura.MS1'))).toEqual(['misura.MS1.monitoraggio@2027-12-15']);
    s.do(
      {
        type: 'check_measure_report',
        measureCode: 'MS1',
        monitoringDate: '2027-06-30',
        outcome: 'rettificato',
        status: 'parzialmente_attuata',
        note: 'non applicata a tutte le pratiche',
      },
      rpct,
      JULY,
    );
    expect(ids().filter((x) => x.startsWith('misura.MS1'))).toEqual([
      'misura.MS1.fase1@2027-03-31',
      'misura.MS1.fase2@2027-06-30',
      'misura.MS1.monitoraggio@2027-12-15',
    ]);
    expect(measureDeadlines(s.plan.register, true)[0].title).toBe(
      'Misura «MS1»: Definizione della check list',
    );
  });

  it('lists processes highest rating first, the unassessed last', () => {
    const s = filled();
    s.do({ type: 'add_register_item', item: { ...process, code: 'A1', title: 'A' } }, rpct);
    s.do({ type: 'add_register_item', item: { ...process, code: 'B1', title: 'B' } }, rpct);
    s.do(
      {
        type: 'assess_risk',
        processCode: 'B1',
        indicators: allIndicators('alto'),
        rating: 'alto',
        motivation: 'm',
      },
      rpct,
    );
    expect(registerView(s.plan.register, TODAY).processes.map((p) => `${p.code}:${p.rating}`)).toEqual([
      'B1:alto',
      'C2.7.5:medio',
      'A1:null',
    ]);
  });
});
