/* eslint-disable no-restricted-imports */
// A monitoring cycle acting on the PIAO's plan (docs/links.md): the period it opens, closes and
// reopens, the measurements a closed period refuses, the variation it opens, edits only while the
// monitoring is in its editable stage, approval only through the monitoring's deliberation.
import { readFileSync } from 'fs';
import { join } from 'path';
import { decide } from '../cycle/decide';
import { DomainRefusal } from '../cycle/errors';
import type { FoldableEvent } from '../cycle/evolve';
import { foldCycle } from '../cycle/fold';
import type { ActorContext, CycleCommand, DecisionContext, DomainEvent } from '../cycle/model';
import { actor, commands, NOW, pathTo, TENANT, TIME_ZONE, todayAt } from '../cycle/testing';
import { parseCycleDefinition, validateCycleDefinition, type CycleDefinition } from '../definitions';
import { decidePlan } from './decide';
import { foldPlan } from './evolve';
import { linkedPlanStep, monitoredPeriod, periodOpening, planLink, variationBlock } from './linked';
import type { PlanCommand } from './model';
import { planSubmissionProblems } from './tree';

const load = (id: string): CycleDefinition => parseCycleDefinition(readFileSync(join(__dirname, '../../../../seeds/cycles', `${id}.v1.yaml`), 'utf8'), `${id}.v1.yaml`);
const piao = load('piao');
const monitoring = load('monitoraggio_intermedio');
const MON = '00000000-0000-4000-8000-0000000000aa';
const [po, sg, organi, ril] = [actor('po'), actor('segretario_generale'), actor('segreteria_organi'), actor('rilevatore')];
const AUGUST = new Date('2027-08-02T10:00:00Z');

class Piao {
  events: FoldableEvent[] = [...pathTo(piao, 'bozza', { year: 2027 }).events];
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
  plan$(command: PlanCommand, by: ActorContext, extra: Partial<DecisionContext> = {}, now = NOW): DomainEvent[] {
    return this.push(decidePlan(command, this.plan, this.cycle, { actor: by, now, definition: piao, timeZone: TIME_ZONE, ...extra }));
  }
  cycle$(command: CycleCommand, by: ActorContext): DomainEvent[] {
    return this.push(decide(command, this.cycle, { actor: by, now: NOW, definition: piao, timeZone: TIME_ZONE, planProblems: planSubmissionProblems(this.plan, this.cycle, piao) }));
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

const period = (type: 'open_monitoring_period' | 'close_monitoring_period' | 'reopen_monitoring_period'): PlanCommand => ({ type, period: '2027-S1', monitoringCycleId: MON });
const via = { viaCycleId: MON };
const measure = (p: string, value = 10): PlanCommand => ({ type: 'record_measurement', indicatorCode: 'I1', period: p, value, date: '2027-08-01' });

function adopted(): Piao {
  const s = new Piao();
  const nodes = [
    { kind: 'ambito', code: 'A', title: 'Ambito' },
    { kind: 'strategic_objective', code: 'OS', title: 'Obiettivo strategico', ambitoCode: 'A' },
    { kind: 'operational_objective', code: 'OO', title: 'Obiettivo operativo', strategicObjectiveCode: 'OS', resources: null, area: 'Promozione' },
    { kind: 'indicator', code: 'I1', objectiveCode: 'OO', name: 'Imprese', type: 'volume', unit: 'n', baseline: { value: 1 }, weight: 100, targets: [2027, 2028, 2029].map((year) => ({ year, operator: '>=', value: 60 })) },
  ];
  for (const node of nodes) s.plan$({ type: 'add_node', node }, po);
  s.cycle$(commands.transition('submit', {}), po);
  s.cycle$(commands.transition('approve', {}), sg);
  s.cycle$(commands.transition('record_giunta_deliberation', { number: '5/2027', date: todayAt(NOW), actHash: 'a'.repeat(64) }), organi);
  return s;
}

describe("the monitoring's period on the PIAO", () => {
  it('opens, closes and reopens the period through the monitoring only; a closed period refuses the measurements inside it', () => {
    const s = adopted();
    expect(s.refusal(() => s.plan$(period('open_monitoring_period'), po)).code).toBe('ROLE_NOT_ALLOWED');
    expect(s.plan$(period('open_monitoring_period'), po, via).map((e) => [e.type, e.data])).toEqual([['MeasurementPeriodOpened', { period: '2027-S1', year: 2027, monitoringCycleId: MON }]]);
    expect(s.plan$(period('open_monitoring_period'), po, via)).toEqual([]);
    expect(s.plan$(period('reopen_monitoring_period'), po, via)).toEqual([]);
    expect(s.plan$(period('close_monitoring_period'), po, via).map((e) => e.type)).toEqual(['MeasurementPeriodClosed']);
    expect(s.plan.monitoringPeriods).toEqual([expect.objectContaining({ period: '2027-S1', status: 'closed', monitoringCycleId: MON })]);

    for (const p of ['2027-S1', '2027-Q2', '2027-06']) expect(s.refusal(() => s.plan$(measure(p), ril, {}, AUGUST)).code).toBe('MEASUREMENT_PERIOD_CLOSED');
    for (const p of ['2027-07', '2027-Q3', '2027']) expect(s.plan$(measure(p), ril, {}, AUGUST).map((e) => e.type)).toEqual(['MeasurementRecorded']);

    expect(s.plan$(period('reopen_monitoring_period'), sg, via).map((e) => e.type)).toEqual(['MeasurementPeriodReopened']);
    expect(s.plan$(measure('2027-Q2'), ril, {}, AUGUST).map((e) => e.type)).toEqual(['MeasurementRecorded']);
  });

  it('refuses a month or a period outside the plan years', () => {
    const s = adopted();
    expect(s.refusal(() => s.plan$({ type: 'open_monitoring_period', period: '2027-03', monitoringCycleId: MON }, po, via)).code).toBe('PLAN_INVALID_FIELDS');
    expect(s.refusal(() => s.plan$({ type: 'open_monitoring_period', period: '2031-S1', monitoringCycleId: MON }, po, via)).code).toBe('LINK_TARGET_YEAR_MISMATCH');
  });
});

describe("the monitoring's variation of the PIAO", () => {
  const editing = (stage: string) => ({ variationOwner: { cycleId: MON, stage, editableStages: monitoring.editableStages } });
  const setTarget = (value: number): PlanCommand => ({ type: 'set_targets', indicatorCode: 'I1', targets: [{ year: 2027, operator: '>=', value }] });

  it('is opened only through the monitoring, edited while the monitoring is in its editable stage, approved only by its deliberation', () => {
    const s = adopted();
    const open: PlanCommand = { type: 'open_variation', variationId: 'v1', reason: 'Target rivisto', monitoringCycleId: MON };
    expect(s.refusal(() => s.plan$(open, sg)).code).toBe('ROLE_NOT_ALLOWED');
    expect(s.plan$(open, sg, via)[0].data).toMatchObject({ variationId: 'v1', number: 1, monitoringCycleId: MON });
    expect(s.refusal(() => s.plan$({ type: 'open_variation', variationId: 'v2', reason: 'Altra' }, sg)).code).toBe('PLAN_VARIATION_OPEN');

    expect(s.refusal(() => s.plan$(setTarget(45), po)).code).toBe('PLAN_NOT_EDITABLE');
    const late = s.refusal(() => s.plan$(setTarget(45), po, editing('variazione_in_giunta')));
    expect([late.code, late.detail]).toEqual(['PLAN_NOT_EDITABLE', expect.stringContaining('stage "variazione_in_giunta" (editable in: variazione_in_bozza)')]);
    expect(s.plan$(setTarget(45), po, editing('variazione_in_bozza'))[0].data).toMatchObject({ variationId: 'v1' });

    const approve: PlanCommand = { type: 'approve_variation', number: '20/2027', date: todayAt(NOW), actHash: 'b'.repeat(64) };
    expect(s.refusal(() => s.plan$(approve, organi)).code).toBe('PLAN_VARIATION_LINKED');
    expect(s.refusal(() => s.plan$({ type: 'withdraw_variation', reason: 'No' }, po)).code).toBe('PLAN_VARIATION_LINKED');
    // The number is the monitoring's own deliberation: not a duplicate of itself.
    const known = [{ organ: 'giunta', year: 2027, number: '20/2027', cycleId: MON, cycleType: 'monitoraggio_intermedio' }];
    const approved = s.plan$(approve, organi, { ...via, knownDeliberations: known as never });
    expect(approved[0]).toMatchObject({ type: 'PlanVariationApproved', data: { kind: 'deliberation', organ: 'giunta', monitoringCycleId: MON, fields: { number: '20/2027' } } });
    expect(s.plan.variations[0]).toMatchObject({ status: 'approved', monitoringCycleId: MON, deliberation: { number: '20/2027' } });
    expect(s.plan.adoptedNodes?.find((n) => n.code === 'I1')).toMatchObject({ targets: [expect.objectContaining({ value: 60 }), expect.anything(), expect.anything()] });
    expect(s.plan.nodes.get('I1')).toMatchObject({ targets: [expect.objectContaining({ value: 45 }), expect.anything(), expect.anything()] });
  });

  it('the monitoring itself holds no tree', () => {
    const m = foldCycle(pathTo(monitoring, 'variazione_in_bozza', { year: 2027 }).events);
    expect(() => decidePlan({ type: 'add_node', node: { kind: 'ambito', code: 'A', title: 'A' } }, foldPlan([]), m, { actor: po, now: NOW, definition: monitoring })).toThrow(
      expect.objectContaining({ code: 'PLAN_OF_LINKED_CYCLE' }),
    );
  });
});

describe('the plan commands of the shipped monitoring definition', () => {
  const state = { cycleId: MON, year: 2027, links: { piao: { targetCycleId: 'p1' } as never } };
  it('maps its transitions to the PIAO: period S1 of its year, the variation with its reason and the deliberation', () => {
    expect(planLink(monitoring)?.id).toBe('piao');
    expect(monitoredPeriod(planLink(monitoring)!.plan, 2027)).toBe('2027-S1');
    expect(periodOpening(monitoring, state, 'piao')).toEqual({ type: 'open_monitoring_period', period: '2027-S1', monitoringCycleId: MON });
    expect(linkedPlanStep(monitoring, state, 'close_measurements', {}, 'v')).toMatchObject({ targetCycleId: 'p1', effect: 'close_period', command: { type: 'close_monitoring_period', period: '2027-S1' } });
    expect(linkedPlanStep(monitoring, state, 'reopen_measurements', {}, 'v')?.effect).toBe('reopen_period');
    expect(linkedPlanStep(monitoring, state, 'start_variation', { reason: 'R' }, 'v')?.command).toEqual({ type: 'open_variation', variationId: 'v', reason: 'R', monitoringCycleId: MON });
    expect(linkedPlanStep(monitoring, state, 'record_giunta_deliberation', { number: '1', date: '2027-07-01', actHash: 'h' }, 'v')?.command).toEqual({ type: 'approve_variation', number: '1', date: '2027-07-01', actHash: 'h' });
    expect(linkedPlanStep(monitoring, state, 'approve', {}, 'v')).toBeUndefined();
    expect(linkedPlanStep(monitoring, { ...state, links: {} }, 'start_variation', {}, 'v')?.targetCycleId).toBeNull();
    expect(linkedPlanStep(piao, state, 'submit', {}, 'v')).toBeUndefined();
  });

  it('says why a variation transition would be refused now, from the linked plan', () => {
    const draft = new Piao();
    const ready = adopted();
    expect(variationBlock(monitoring, MON, 'start_variation', null)).toBe('LINK_MISSING');
    expect(variationBlock(monitoring, MON, 'start_variation', { plan: ready.plan, cancelled: true })).toBe('CYCLE_CLOSED');
    expect(variationBlock(monitoring, MON, 'start_variation', { plan: draft.plan, cancelled: false })).toBe('PLAN_NOT_ADOPTED');
    expect(variationBlock(monitoring, MON, 'start_variation', { plan: ready.plan, cancelled: false })).toBeUndefined();
    expect(variationBlock(monitoring, MON, 'record_giunta_deliberation', { plan: ready.plan, cancelled: false })).toBe('PLAN_NO_VARIATION');
    ready.plan$({ type: 'open_variation', variationId: 'v1', reason: 'R', monitoringCycleId: 'other' }, sg, { viaCycleId: 'other' });
    expect(variationBlock(monitoring, MON, 'start_variation', { plan: ready.plan, cancelled: false })).toBe('PLAN_VARIATION_OPEN');
    expect(variationBlock(monitoring, MON, 'record_giunta_deliberation', { plan: ready.plan, cancelled: false })).toBe('PLAN_NO_VARIATION');
    expect(variationBlock(monitoring, 'other', 'record_giunta_deliberation', { plan: ready.plan, cancelled: false })).toBeUndefined();
    expect(variationBlock(monitoring, MON, 'approve', null)).toBeUndefined();
  });

  it("refuses a plan block on another relation, naming unknown transitions and an approval that is not a deliberation", () => {
    const raw = { ...(JSON.parse(JSON.stringify(monitoring)) as Record<string, unknown>) };
    raw.links = [{ id: 'piao', title: 'PIAO', type: 'piao', relation: 'reports_on', year: 'covering', plan: { period: 'S1', closePeriodOn: ['chiudi'], approveVariationOn: ['approve'] } }];
    try {
      validateCycleDefinition(raw, 'x.yaml');
      throw new Error('expected issues');
    } catch (e) {
      expect((e as { issues: { path: string; reason: string }[] }).issues.map((i) => `${i.path}: ${i.reason}`)).toEqual([
        'links[0].plan: only a measures_and_varies link acts on the target\'s plan (relation "reports_on")',
        'links[0].plan.closePeriodOn[0]: unknown transition command "chiudi"',
        'links[0].plan.approveVariationOn[0]: "approve" is not a deliberation',
      ]);
    }
  });
});
