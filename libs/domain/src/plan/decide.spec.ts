/* eslint-disable no-restricted-imports */
// The plan decider, given/when/then on the real PIAO definition: editing per stage, submission
// checks listing every problem, measurements and corrections, adoption, variations and diffs.
import { readFileSync } from 'fs';
import { join } from 'path';
import { decide } from '../cycle/decide';
import { DomainRefusal } from '../cycle/errors';
import type { FoldableEvent } from '../cycle/evolve';
import { foldCycle } from '../cycle/fold';
import type { ActorContext, CycleCommand, DomainEvent } from '../cycle/model';
import { actor, commands, NOW, pathTo, TENANT, TIME_ZONE, todayAt } from '../cycle/testing';
import { parseCycleDefinition, type CycleDefinition } from '../definitions';
import { decidePlan } from './decide';
import { diffPlanNodes } from './diff';
import { foldPlan } from './evolve';
import type { PlanCommand } from './model';
import { planSubmissionProblems, planYears } from './tree';
import { planTreeView } from './view';

const load = (id: string): CycleDefinition =>
  parseCycleDefinition(readFileSync(join(__dirname, '../../../../seeds/cycles', `${id}.v1.yaml`), 'utf8'), `${id}.v1.yaml`);
const piao = load('piao');
const po = actor('po');
const rpct = actor('rpct');
const rilevatore = actor('rilevatore');
const organi = actor('segreteria_organi');
const sg = actor('segretario_generale');
const sha = 'a'.repeat(64);

/** A cycle stream under test: plan and cycle commands are decided on the fold of what came before. */
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
  plan$(command: PlanCommand, by: ActorContext, now = NOW): DomainEvent[] {
    return this.push(decidePlan(command, this.plan, this.cycle, { actor: by, now, definition: this.def, timeZone: TIME_ZONE }));
  }
  cycle$(command: CycleCommand, by: ActorContext, now = NOW): DomainEvent[] {
    const problems = planSubmissionProblems(this.plan, this.cycle, this.def);
    return this.push(decide(command, this.cycle, { actor: by, now, definition: this.def, timeZone: TIME_ZONE, planProblems: problems }));
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

const ambito = { kind: 'ambito', code: '01', title: 'Competitività del territorio' };
const strategic = { kind: 'strategic_objective', code: '01_01', title: 'Digitalizzazione', ambitoCode: '01' };
const objective = {
  kind: 'operational_objective',
  code: '01_01_02',
  title: 'PID - Punto Impresa Digitale',
  description: 'Supporto alla digitalizzazione',
  resources: { kind: 'euro', amount: 335000 },
  strategicObjectiveCode: '01_01',
  area: 'Promozione e sviluppo economico',
  office: 'Punto Impresa Digitale',
  stakeholders: ['Imprese'],
};
const target = (year: number, value: number) => ({ year, operator: '>=', value });
const indicator = (code: string, weight: number | null, targets: Record<string, unknown>[] = [target(2027, 60), target(2028, 60), target(2029, 60)]) => ({
  kind: 'indicator',
  code,
  objectiveCode: '01_01_02',
  name: `Indicatore ${code}`,
  type: 'volume',
  unit: 'n',
  baseline: { value: 130, year: 2026 },
  targets,
  weight,
});

function draft(stage = 'bozza'): Stream {
  const s = new Stream(piao, pathTo(piao, stage, { year: 2027 }).events);
  return s;
}

function withTree(s: Stream, weights: [number, number] = [50, 50]): Stream {
  for (const node of [ambito, strategic, objective, indicator('I1', weights[0]), indicator('I2', weights[1])]) s.plan$({ type: 'add_node', node }, po);
  return s;
}

/** A PIAO 2027-2029 with a complete tree, taken through submission, approval and the Giunta's deliberation. */
function adopted(): Stream {
  const s = withTree(draft());
  s.cycle$(commands.transition('submit', {}), po);
  s.cycle$(commands.transition('approve', {}), sg);
  s.cycle$(commands.transition('record_giunta_deliberation', { number: '5/2027', date: todayAt(NOW), actHash: sha }), organi);
  expect(s.cycle.stage).toBe('adottato');
  return s;
}

describe('plan decider: editing per stage', () => {
  it('given a PIAO in bozza, when a PO adds the tree, then one PlanNodeAdded per node builds it', () => {
    const s = withTree(draft());
    expect([...s.plan.nodes.keys()]).toEqual(['01', '01_01', '01_01_02', 'I1', 'I2']);
    expect(s.plan.nodes.get('01_01_02')).toMatchObject({ section: 'performance', commonSystemObjective: false, resources: { kind: 'euro', amount: 335000 } });
    expect(s.events.filter((e) => e.type === 'PlanNodeAdded')).toHaveLength(5);
    // The cycle's own fold ignores plan events: still in bozza, version counted.
    expect(s.cycle).toMatchObject({ stage: 'bozza', version: s.events.length });
  });

  it.each(['bozza', 'modifiche_richieste'])('allows editing in the editable stage %s', (stage) => {
    const s = draft(stage);
    expect(s.plan$({ type: 'add_node', node: ambito }, po).map((e) => e.type)).toEqual(['PlanNodeAdded']);
  });

  it.each(['revisione_sg', 'in_giunta'])('refuses editing in %s with PLAN_NOT_EDITABLE, writing nothing', (stage) => {
    const s = draft(stage);
    const r = s.refusal(() => s.plan$({ type: 'add_node', node: ambito }, po));
    expect(r.code).toBe('PLAN_NOT_EDITABLE');
    expect(r.detail).toContain('bozza, modifiche_richieste');
  });

  it('refuses editors without an editing role, and the RPCT outside section 2.3', () => {
    const s = withTree(draft());
    expect(s.refusal(() => s.plan$({ type: 'update_node', code: 'I1', changes: { name: 'x' } }, rilevatore)).code).toBe('ROLE_NOT_ALLOWED');
    expect(s.refusal(() => s.plan$({ type: 'update_node', code: 'I1', changes: { name: 'x' } }, rpct)).code).toBe('ROLE_NOT_ALLOWED');
    s.plan$({ type: 'add_node', node: { ...objective, code: '01_01_09', title: 'Prevenzione della corruzione', section: 'rischi_corruttivi' } }, po);
    s.plan$({ type: 'add_node', node: { ...indicator('R1', 100), objectiveCode: '01_01_09' } }, rpct);
    expect(s.plan.nodes.get('R1')).toBeDefined();
  });

  it('checks codes, parents and fields, naming every bad field', () => {
    const s = withTree(draft());
    expect(s.refusal(() => s.plan$({ type: 'add_node', node: indicator('I1', 10) }, po)).code).toBe('PLAN_NODE_EXISTS');
    expect(s.refusal(() => s.plan$({ type: 'add_node', node: { ...indicator('I9', 10), objectiveCode: '09_09_09' } }, po)).code).toBe('PLAN_PARENT_NOT_FOUND');
    const bad = s.refusal(() => s.plan$({ type: 'add_node', node: { ...indicator('I9', 10), unit: 'km', weight: -1, targets: [{ year: 2031, operator: '>=', value: 1 }], colour: 'red' } }, po));
    expect(bad.code).toBe('PLAN_INVALID_FIELDS');
    expect(bad.fields.map((f) => f.field).sort()).toEqual(['colour', 'targets[0].year', 'unit', 'weight']);
    expect(s.refusal(() => s.plan$({ type: 'update_node', code: 'I1', changes: { objectiveCode: '01_01_02' } }, po)).code).toBe('PLAN_INVALID_FIELDS');
    expect(s.refusal(() => s.plan$({ type: 'update_node', code: 'NOPE', changes: { name: 'x' } }, po)).code).toBe('PLAN_NODE_NOT_FOUND');
  });

  it('updates only what changes, moves, removes with or without cascade, sets targets and weights', () => {
    const s = withTree(draft());
    expect(s.plan$({ type: 'update_node', code: 'I1', changes: { name: 'Indicatore I1' } }, po)).toEqual([]);
    const [upd] = s.plan$({ type: 'update_node', code: 'I1', changes: { dataSource: 'Registro imprese', algorithm: null } }, po);
    expect(upd.data).toMatchObject({ code: 'I1', set: { dataSource: 'Registro imprese' }, unset: [] });
    s.plan$({ type: 'add_node', node: { ...objective, code: '01_01_03', title: 'Altro' } }, po);
    s.plan$({ type: 'move_node', code: 'I2', parentCode: '01_01_03' }, po);
    expect(s.plan.nodes.get('I2')).toMatchObject({ objectiveCode: '01_01_03' });
    expect(s.refusal(() => s.plan$({ type: 'move_node', code: 'I2', parentCode: '01' }, po)).code).toBe('PLAN_PARENT_NOT_FOUND');
    expect(s.refusal(() => s.plan$({ type: 'remove_node', code: '01_01_03' }, po)).code).toBe('PLAN_NODE_HAS_CHILDREN');
    const [rm] = s.plan$({ type: 'remove_node', code: '01_01_03', cascade: true }, po);
    expect(rm.data).toMatchObject({ code: '01_01_03', removed: [{ code: 'I2', kind: 'indicator' }] });
    expect(s.plan.nodes.has('I2')).toBe(false);
    s.plan$({ type: 'set_targets', indicatorCode: 'I1', targets: [{ year: 2028, operator: '>=', value: 70 }] }, po);
    expect((s.plan.nodes.get('I1') as { targets: unknown[] }).targets).toEqual([target(2027, 60), target(2028, 70), target(2029, 60)]);
    s.plan$({ type: 'set_weights', objectiveCode: '01_01_02', weights: { I1: 100 } }, po);
    expect(s.plan.nodes.get('I1')).toMatchObject({ weight: 100 });
    expect(s.refusal(() => s.plan$({ type: 'set_weights', objectiveCode: '01_01_02', weights: { I2: 10 } }, po)).code).toBe('PLAN_INVALID_FIELDS');
  });
});

describe('plan decider: submission checks', () => {
  it('given an incoherent tree, when the PO submits, then PLAN_INCOMPLETE lists every problem at once', () => {
    const s = withTree(draft(), [33.3, 33.3]);
    s.plan$({ type: 'add_node', node: indicator('I3', null, [target(2027, 5)]) }, po);
    s.plan$({ type: 'add_node', node: { ...indicator('I4', 0, [{ year: 2027, operator: 'entro_il', value: '2027-06-30' }, target(2028, 1), target(2029, 1)]), unit: 'n' } }, po);
    const r = s.refusal(() => s.cycle$(commands.transition('submit', {}), po));
    expect(r.code).toBe('PLAN_INCOMPLETE');
    const problems = r.fields.map((f) => `${f.field} ${f.problem.split(':')[0]}`).sort();
    expect(problems).toEqual(['01_01_02 INDICATOR_WEIGHTS_SUM', 'I3 INVALID_WEIGHT', 'I3 TARGET_MISSING 2028', 'I3 TARGET_MISSING 2029', 'I4 OPERATOR_UNIT_MISMATCH 2027']);
    expect(s.cycle.stage).toBe('bozza');
  });

  it('accepts weights summing to 100 within 0.1 and every year targeted', () => {
    const s = withTree(draft(), [50, 49.95]);
    expect(s.cycle$(commands.transition('submit', {}), po).map((e) => e.type)).toEqual(['SubmittedForReview']);
  });

  it('does not check a cycle without plan content', () => {
    const s = draft();
    expect(s.cycle$(commands.transition('submit', {}), po).map((e) => e.type)).toEqual(['SubmittedForReview']);
  });
});

describe('plan decider: measurements', () => {
  const m = (over: Record<string, unknown> = {}): PlanCommand => ({ type: 'record_measurement', indicatorCode: 'I1', period: '2027-S1', value: 40, date: '2027-07-05', source: 'Registro', ...over }) as PlanCommand;
  const later = new Date('2027-09-01T10:00:00Z');

  it('records measurements by rilevatori; a second record for the same period is refused', () => {
    const s = withTree(draft());
    s.plan$(m(), rilevatore, later);
    const r = s.refusal(() => s.plan$(m({ value: 42 }), rilevatore, later));
    expect(r.code).toBe('MEASUREMENT_ALREADY_RECORDED');
    expect(s.refusal(() => s.plan$(m(), po, later)).code).toBe('ROLE_NOT_ALLOWED');
  });

  it('a correction is a new event with a reason and never overwrites the earlier record', () => {
    const s = withTree(draft());
    s.plan$(m(), rilevatore, later);
    expect(s.refusal(() => s.plan$({ ...m({ value: 42 }), type: 'correct_measurement', reason: '' } as PlanCommand, rilevatore, later)).code).toBe('PLAN_INVALID_FIELDS');
    const [c] = s.plan$({ ...m({ value: 42, date: '2027-07-20' }), type: 'correct_measurement', reason: 'Doppio conteggio rimosso' } as PlanCommand, rilevatore, later);
    expect(c).toMatchObject({ type: 'MeasurementCorrected', data: { value: 42, previousValue: 40, reason: 'Doppio conteggio rimosso' } });
    expect(s.plan.measurements.map((x) => x.value)).toEqual([40, 42]);
    const view = planTreeView([...s.plan.nodes.values()], s.plan.measurements, { year: 2027 });
    const i1 = view.ambiti[0].strategicObjectives[0].operationalObjectives[0].indicators[0];
    expect(i1.measurements).toEqual([
      expect.objectContaining({ period: '2027-S1', value: 42, correctionReason: 'Doppio conteggio rimosso', history: [expect.objectContaining({ value: 40, correctedBecause: 'Doppio conteggio rimosso' })] }),
    ]);
    expect(i1.achievement).toMatchObject({ actual: 42, score: 70, status: 'parzialmente_raggiunto' });
    expect(s.refusal(() => s.plan$({ ...m({ period: '2027-Q3', date: '2027-08-01' }), type: 'correct_measurement', reason: 'x' } as PlanCommand, rilevatore, later)).code).toBe('MEASUREMENT_NOT_FOUND');
  });

  it('checks period, date, unit and closed years', () => {
    const s = withTree(draft());
    expect(s.refusal(() => s.plan$(m({ period: '2031' }), rilevatore, later)).code).toBe('PLAN_INVALID_FIELDS');
    expect(s.refusal(() => s.plan$(m({ value: true }), rilevatore, later)).code).toBe('PLAN_INVALID_FIELDS');
    expect(s.refusal(() => s.plan$(m({ date: '2027-09-30' }), rilevatore, later)).code).toBe('DATE_IN_FUTURE');
    expect(s.refusal(() => s.plan$(m({ indicatorCode: 'NOPE' }), rilevatore, later)).code).toBe('PLAN_NODE_NOT_FOUND');
    s.plan$({ type: 'close_measurement_year', year: 2027, reason: 'Relazione validata' }, actor('struttura_tecnica'), later);
    expect(s.refusal(() => s.plan$(m(), rilevatore, later)).code).toBe('MEASUREMENT_PERIOD_CLOSED');
  });
});

describe('plan decider: adoption and variations', () => {
  it('given an adopted plan, edits are refused with PLAN_FROZEN', () => {
    const s = adopted();
    expect(s.plan.adopted?.deliberation).toMatchObject({ organ: 'giunta', number: '5/2027' });
    expect(s.refusal(() => s.plan$({ type: 'update_node', code: 'I1', changes: { name: 'x' } }, po)).code).toBe('PLAN_FROZEN');
    expect(s.refusal(() => s.plan$({ type: 'approve_variation', number: '9/2027', date: todayAt(NOW), actHash: sha }, organi)).code).toBe('PLAN_NO_VARIATION');
  });

  it('a variation opens, edits, is approved by a Giunta deliberation; both trees stay and the diff shows the change', () => {
    const s = adopted();
    s.plan$({ type: 'open_variation', variationId: 'v-1', reason: 'Monitoraggio di giugno: target irraggiungibile' }, po);
    expect(s.refusal(() => s.plan$({ type: 'open_variation', variationId: 'v-2', reason: 'x' }, po)).code).toBe('PLAN_VARIATION_OPEN');
    s.plan$({ type: 'set_targets', indicatorCode: 'I1', targets: [target(2027, 45)] }, po);
    s.plan$({ type: 'add_node', node: indicator('I3', 0) }, po);
    // An incomplete variation cannot be approved; the refusal lists the problems.
    s.plan$({ type: 'set_weights', objectiveCode: '01_01_02', weights: { I3: 10 } }, po);
    expect(s.refusal(() => s.plan$({ type: 'approve_variation', number: '30/2027', date: todayAt(NOW), actHash: sha }, organi)).code).toBe('PLAN_INCOMPLETE');
    s.plan$({ type: 'set_weights', objectiveCode: '01_01_02', weights: { I2: 40 } }, po);
    expect(s.refusal(() => s.plan$({ type: 'approve_variation', number: '5/2027', date: todayAt(NOW), actHash: sha }, organi)).code).toBe('DUPLICATE_DELIBERATION_NUMBER');
    const [approved] = s.plan$({ type: 'approve_variation', number: '30/2027', date: todayAt(NOW), actHash: sha }, organi);
    expect(approved.data).toMatchObject({ kind: 'deliberation', organ: 'giunta', fields: { number: '30/2027' } });
    const plan = s.plan;
    expect(plan.variations).toEqual([expect.objectContaining({ number: 1, status: 'approved', changes: 4 })]);
    expect(s.refusal(() => s.plan$({ type: 'update_node', code: 'I1', changes: { name: 'x' } }, po)).code).toBe('PLAN_FROZEN');
    // As adopted vs as varied.
    expect((plan.adoptedNodes ?? []).map((n) => n.code)).toEqual(['01', '01_01', '01_01_02', 'I1', 'I2']);
    const diff = diffPlanNodes(plan.adoptedNodes ?? [], [...plan.nodes.values()]);
    expect(diff.summary).toEqual({ added: 1, removed: 0, changed: 2, moved: 0, unchanged: 3 });
    expect(diff.changes.find((c) => c.code === 'I1')?.fields).toEqual([{ field: 'targets[0].value', before: 60, after: 45 }]);
    expect(diff.changes.find((c) => c.code === 'I3')).toMatchObject({ change: 'added' });
    // The cycle itself did not move.
    expect(s.cycle.stage).toBe('adottato');
  });

  it('a withdrawn variation restores the tree as it was', () => {
    const s = adopted();
    s.plan$({ type: 'open_variation', variationId: 'v-1', reason: 'Prova' }, po);
    s.plan$({ type: 'remove_node', code: 'I2' }, po);
    s.plan$({ type: 'withdraw_variation', reason: 'Non necessaria' }, po);
    expect([...s.plan.nodes.keys()]).toEqual(['01', '01_01', '01_01_02', 'I1', 'I2']);
    expect(s.plan.variations[0]).toMatchObject({ status: 'withdrawn', withdrawnReason: 'Non necessaria' });
  });

  it('a draft cannot open a variation', () => {
    const s = withTree(draft());
    expect(s.refusal(() => s.plan$({ type: 'open_variation', variationId: 'v', reason: 'x' }, po)).code).toBe('PLAN_NOT_ADOPTED');
  });

  it('plan years follow the period', () => {
    expect(planYears(2027, 'triennial')).toEqual([2027, 2028, 2029]);
    expect(planYears(2027, 'annual')).toEqual([2027]);
    expect(planYears(2024, 'mandate')).toEqual([2024, 2025, 2026, 2027, 2028]);
  });
});

describe('plan decider: narrative sections', () => {
  const write = (section: unknown, text: unknown) => ({ type: 'write_narrative', section, text }) as PlanCommand;

  it('given a PIAO in bozza, when a PO writes a section, then NarrativeSectionWritten carries the Markdown; the same text again writes nothing; empty clears', () => {
    const s = draft();
    expect(s.plan$(write('2.1', '  # Valore\r\n\r\ntesto  '), po)).toEqual([expect.objectContaining({ type: 'NarrativeSectionWritten', data: { section: '2.1', text: '# Valore\n\ntesto' } })]);
    expect(s.plan.narratives['2.1']).toMatchObject({ text: '# Valore\n\ntesto', by: po.userId, version: s.events.length });
    expect(s.plan$(write('2.1', '# Valore\n\ntesto'), po)).toEqual([]);
    expect(s.plan$(write('2.1', ''), po).map((e) => e.type)).toEqual(['NarrativeSectionWritten']);
    expect(s.plan.narratives).toEqual({});
  });

  it.each(['revisione_sg', 'in_giunta'])('refuses writing in %s, which is not an editable stage, writing nothing', (stage) => {
    const s = draft(stage);
    expect(s.refusal(() => s.plan$(write('3.1', 'testo'), po)).code).toBe('PLAN_NOT_EDITABLE');
  });

  it('refuses an unknown section, a text that is not text or too long, and a role that does not write the plan', () => {
    const s = draft();
    expect(s.refusal(() => s.plan$(write('2.2', 'x'), po)).fields.map((f) => f.field)).toEqual(['section']);
    expect(s.refusal(() => s.plan$(write('4', 12), po)).fields.map((f) => f.field)).toEqual(['text']);
    expect(s.refusal(() => s.plan$(write('4', 'x'.repeat(20001)), po)).fields.map((f) => f.field)).toEqual(['text']);
    expect(s.refusal(() => s.plan$(write('4', 'x'), rilevatore)).code).toBe('ROLE_NOT_ALLOWED');
    expect(s.refusal(() => s.plan$(write('4', 'x'), rpct)).code).toBe('ROLE_NOT_ALLOWED');
  });

  it('after adoption only inside an open variation', () => {
    const s = adopted();
    expect(s.refusal(() => s.plan$(write('4', 'x'), po)).code).toBe('PLAN_NOT_EDITABLE');
    s.plan$({ type: 'open_variation', variationId: 'v1', reason: 'Monitoraggio' }, po);
    expect(s.plan$(write('4', 'Monitoraggio semestrale'), po).map((e) => e.type)).toEqual(['NarrativeSectionWritten']);
  });
});
