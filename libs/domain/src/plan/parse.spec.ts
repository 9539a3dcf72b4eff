// The parse step of the plan commands: valid input becomes a typed command; every malformed field
// is refused with PLAN_INVALID_FIELDS naming it, with the messages the deciders gave before.
import { DomainRefusal, type FieldProblem } from '../cycle/errors';
import { DEFAULT_RATING_METHOD } from './register/model';
import type { PlanCommand } from './model';
import { parsePlanCommand, type PlanParseContext } from './parse';

const context: PlanParseContext = {
  years: [2027, 2028, 2029],
  narrativeSections: ['2.1', '4'],
  register: { method: DEFAULT_RATING_METHOD, monitoringDates: ['2027-06-30', '2027-12-31'] },
};
const sha = 'AB'.repeat(32);

/** The refusal `fn` throws (it must be a DomainRefusal). */
function refusalOf(fn: () => unknown): DomainRefusal {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainRefusal) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const parse = (command: Record<string, unknown>) => parsePlanCommand(command as unknown as PlanCommand, context);
const indicator = { kind: 'indicator', code: 'I1', objectiveCode: '01_01_02', name: ' Pratiche ', unit: 'n', targets: [{ year: 2028, operator: '>=', value: 5 }, { year: 2027, operator: '>=', value: 4 }] };
const measurement = { indicatorCode: 'I1', period: '2027-S1', value: 12, date: '2027-07-01', source: ' gestionale ', attachmentHash: sha };

describe('parsePlanCommand: valid input becomes a typed command', () => {
  it('add_node: the node with its defaults filled and its targets sorted by year', () => {
    expect(parse({ type: 'add_node', node: indicator })).toEqual({
      type: 'add_node',
      node: {
        kind: 'indicator',
        code: 'I1',
        objectiveCode: '01_01_02',
        name: 'Pratiche',
        type: 'altro',
        unit: 'n',
        baseline: { nd: true },
        targets: [{ year: 2027, operator: '>=', value: 4 }, { year: 2028, operator: '>=', value: 5 }],
        weight: null,
      },
    });
  });

  it('update_node, move_node, remove_node: codes trimmed, cascade false unless true', () => {
    expect(parse({ type: 'update_node', code: ' I1 ', changes: { weight: 40, note: null } })).toEqual({ type: 'update_node', code: 'I1', changes: { weight: 40, note: null } });
    expect(parse({ type: 'move_node', code: 'I1', parentCode: ' 01_01_03 ' })).toEqual({ type: 'move_node', code: 'I1', parentCode: '01_01_03' });
    expect(parse({ type: 'remove_node', code: '01' })).toEqual({ type: 'remove_node', code: '01', cascade: false });
    expect(parse({ type: 'remove_node', code: '01', cascade: 'yes' })).toEqual({ type: 'remove_node', code: '01', cascade: false });
    expect(parse({ type: 'remove_node', code: '01', cascade: true })).toEqual({ type: 'remove_node', code: '01', cascade: true });
  });

  it('set_targets and set_weights: targets sorted, years to clear, weights with n.d. as null', () => {
    expect(parse({ type: 'set_targets', indicatorCode: 'I1', targets: indicator.targets, clearYears: [2029] })).toEqual({
      type: 'set_targets',
      indicatorCode: 'I1',
      targets: [{ year: 2027, operator: '>=', value: 4 }, { year: 2028, operator: '>=', value: 5 }],
      clearYears: [2029],
    });
    expect(parse({ type: 'set_targets', indicatorCode: 'I1', clearYears: [2028] })).toEqual({ type: 'set_targets', indicatorCode: 'I1', targets: [], clearYears: [2028] });
    expect(parse({ type: 'set_weights', objectiveCode: '01_01_02', weights: { I1: 60, I2: null, I3: 0 } })).toEqual({ type: 'set_weights', objectiveCode: '01_01_02', weights: { I1: 60, I2: null, I3: 0 } });
  });

  it('record and correct a measurement: the period read, texts trimmed, the hash lower-case, the value as sent', () => {
    const typed = { indicatorCode: 'I1', period: '2027-S1', range: { kind: 'semester', year: 2027, startMonth: 1, endMonth: 6 }, value: 12, date: '2027-07-01', source: 'gestionale', attachmentHash: 'ab'.repeat(32) };
    expect(parse({ type: 'record_measurement', ...measurement })).toMatchObject({ type: 'record_measurement', ...typed });
    expect(parse({ type: 'correct_measurement', ...measurement, value: 'pending', reason: ' errore ' })).toMatchObject({ type: 'correct_measurement', ...typed, value: 'pending', reason: 'errore' });
    expect(parse({ type: 'record_measurement', ...measurement })).not.toHaveProperty('note');
    expect(parse({ type: 'close_measurement_year', year: 2027 })).toEqual({ type: 'close_measurement_year', year: 2027 });
    expect(parse({ type: 'close_measurement_year', year: 2028, reason: ' fine anno ' })).toEqual({ type: 'close_measurement_year', year: 2028, reason: 'fine anno' });
  });

  it('variations: the reason trimmed, the act hash lower-case, the engine-set ids kept', () => {
    expect(parse({ type: 'open_variation', variationId: 'v-1', reason: ' nuovi obiettivi ' })).toEqual({ type: 'open_variation', variationId: 'v-1', reason: 'nuovi obiettivi' });
    expect(parse({ type: 'open_variation', variationId: 'v-2', reason: 'r', monitoringCycleId: 'm-1' })).toEqual({ type: 'open_variation', variationId: 'v-2', reason: 'r', monitoringCycleId: 'm-1' });
    expect(parse({ type: 'approve_variation', number: ' 12/2027 ', date: '2027-03-01', actHash: sha })).toEqual({ type: 'approve_variation', number: '12/2027', date: '2027-03-01', actHash: 'ab'.repeat(32) });
    expect(parse({ type: 'withdraw_variation', reason: 'non serve' })).toEqual({ type: 'withdraw_variation', reason: 'non serve' });
  });

  it('narrative and scoring rules: line ends made \\n and the text trimmed; the rules a plain copy', () => {
    expect(parse({ type: 'write_narrative', section: '4', text: ' Primo\r\nSecondo\rTerzo\n ' })).toEqual({ type: 'write_narrative', section: '4', text: 'Primo\nSecondo\nTerzo' });
    expect(parse({ type: 'write_narrative', section: '2.1', text: '' })).toEqual({ type: 'write_narrative', section: '2.1', text: '' });
    const rules = { allowOverachievement: true, overachievementCap: 130 };
    const parsed = parse({ type: 'set_scoring_rules', rules, weightTolerance: 0.5, reason: ' SMVP 2027 ' });
    expect(parsed).toEqual({ type: 'set_scoring_rules', rules, weightTolerance: 0.5, reason: 'SMVP 2027' });
    expect((parsed as { rules: object }).rules).not.toBe(rules);
  });

  it("the engine's commands pass as they are; an unknown command is refused as such", () => {
    const linked = { type: 'open_monitoring_period', period: '2027-S1', monitoringCycleId: 'm-1' } as const;
    expect(parse(linked)).toBe(linked);
    expect(refusalOf(() => parse({ type: 'rename_plan' }))).toMatchObject({ code: 'UNKNOWN_PLAN_COMMAND', detail: 'rename_plan' });
  });
});

/** [what is wrong, the command, the problems named (all of them, in order)]. */
const MALFORMED: [string, Record<string, unknown>, FieldProblem[]][] = [
  ['a node that is not an object', { type: 'add_node', node: 'I1' }, [{ field: 'node', problem: 'must be an object' }]],
  ['a node of no known kind', { type: 'add_node', node: { kind: 'obiettivo' } }, [{ field: 'kind', problem: 'must be one of: ambito, strategic_objective, operational_objective, indicator' }]],
  [
    'an indicator with a foreign field, a bad code and a target out of the plan',
    { type: 'add_node', node: { ...indicator, code: 'I 1', colour: 'red', targets: [{ year: 2031, operator: '>=', value: 1 }] } },
    [
      { field: 'colour', problem: 'is not a field of a node of kind indicator' },
      { field: 'code', problem: 'must be a code of 1 to 40 letters, digits, _ . - (e.g. 01_01_02)' },
      { field: 'targets[0].year', problem: 'must be a year of the plan (2027, 2028, 2029)' },
    ],
  ],
  ['update_node without a code', { type: 'update_node', code: '  ', changes: { weight: 1 } }, [{ field: 'code', problem: 'is required' }]],
  ['update_node with no changes', { type: 'update_node', code: 'I1', changes: {} }, [{ field: 'changes', problem: 'must be an object with at least one field' }]],
  ['update_node with changes that are a list', { type: 'update_node', code: 'I1', changes: [1] }, [{ field: 'changes', problem: 'must be an object with at least one field' }]],
  ['move_node without a code', { type: 'move_node', parentCode: '01' }, [{ field: 'code', problem: 'is required' }]],
  ['move_node without a parent', { type: 'move_node', code: 'I1' }, [{ field: 'parentCode', problem: 'is required' }]],
  ['move_node to a parent that is no code', { type: 'move_node', code: 'I1', parentCode: 'a/b' }, [{ field: 'parentCode', problem: 'must be a code of 1 to 40 letters, digits, _ . - (e.g. 01_01_02)' }]],
  ['remove_node with a code that is a number', { type: 'remove_node', code: 7 }, [{ field: 'code', problem: 'is required' }]],
  ['set_targets without an indicator', { type: 'set_targets', targets: indicator.targets }, [{ field: 'indicatorCode', problem: 'is required' }]],
  ['set_targets with nothing to set', { type: 'set_targets', indicatorCode: 'I1', targets: [] }, [{ field: 'targets', problem: 'must set at least one target (or clear a year)' }]],
  [
    'set_targets with a bad target and years to clear that are no years',
    { type: 'set_targets', indicatorCode: 'I1', targets: [{ year: 2027, operator: '~', value: 1 }], clearYears: ['2028'] },
    [
      { field: 'targets[0].operator', problem: 'must be one of: >=, <=, =, >, <, entro_il, si_no' },
      { field: 'clearYears', problem: 'must be a list of years' },
    ],
  ],
  ['set_targets with targets that are no list', { type: 'set_targets', indicatorCode: 'I1', targets: { year: 2027 } }, [{ field: 'targets', problem: 'must be a list of {year, operator, value}' }]],
  ['set_weights without an objective', { type: 'set_weights', weights: { I1: 1 } }, [{ field: 'objectiveCode', problem: 'is required' }]],
  ['set_weights with no weights', { type: 'set_weights', objectiveCode: 'O1', weights: {} }, [{ field: 'weights', problem: 'must map indicator codes to weights (percent)' }]],
  [
    'set_weights with weights out of range',
    { type: 'set_weights', objectiveCode: 'O1', weights: { I1: 101, I2: '50', I3: 50, I4: -1 } },
    [
      { field: 'weights.I1', problem: 'must be a number from 0 to 100, or null (n.d.)' },
      { field: 'weights.I2', problem: 'must be a number from 0 to 100, or null (n.d.)' },
      { field: 'weights.I4', problem: 'must be a number from 0 to 100, or null (n.d.)' },
    ],
  ],
  [
    'a measurement with nothing in it',
    { type: 'record_measurement' },
    [
      { field: 'indicatorCode', problem: 'is required' },
      { field: 'period', problem: 'is required' },
      { field: 'date', problem: 'is required' },
      { field: 'value', problem: 'is required' },
    ],
  ],
  [
    'a measurement with a period out of the plan and a bad hash',
    { type: 'record_measurement', ...measurement, period: '2031-Q1', date: '2031-04-01', attachmentHash: 'x' },
    [
      { field: 'attachmentHash', problem: 'must be a SHA-256 in 64 hex digits' },
      { field: 'period', problem: 'must fall in a year of the plan (2027, 2028, 2029)' },
    ],
  ],
  ['a measurement with a period that is no period', { type: 'record_measurement', ...measurement, period: '2027-X' }, [{ field: 'period', problem: 'must be a year (2027), a month (2027-06), a semester (2027-S1) or a quarter (2027-Q2)' }]],
  ['a measurement dated before its period', { type: 'record_measurement', ...measurement, period: '2027-Q3', date: '2027-06-30' }, [{ field: 'date', problem: 'is before the period starts' }]],
  ['a correction without a reason', { type: 'correct_measurement', ...measurement }, [{ field: 'reason', problem: 'is required' }]],
  ['a record with a source too long', { type: 'record_measurement', ...measurement, source: 'x'.repeat(501) }, [{ field: 'source', problem: 'must be 1 to 500 characters' }]],
  ['closing a year that is not a whole number', { type: 'close_measurement_year', year: 2027.5 }, [{ field: 'year', problem: 'must be a whole number' }]],
  ['closing a year out of the plan', { type: 'close_measurement_year', year: 2030, reason: 3 }, [{ field: 'reason', problem: 'must be a string' }, { field: 'year', problem: 'must be a year of the plan (2027, 2028, 2029)' }]],
  ['opening a variation without a reason', { type: 'open_variation', variationId: 'v' }, [{ field: 'reason', problem: 'is required' }]],
  ['opening a variation with a blank reason', { type: 'open_variation', variationId: 'v', reason: ' ' }, [{ field: 'reason', problem: 'must be 1 to 4000 characters' }]],
  ['withdrawing a variation with a reason too long', { type: 'withdraw_variation', reason: 'x'.repeat(4001) }, [{ field: 'reason', problem: 'must be 1 to 4000 characters' }]],
  [
    'approving a variation without its deliberation',
    { type: 'approve_variation' },
    [
      { field: 'number', problem: 'is required' },
      { field: 'date', problem: 'is required' },
      { field: 'actHash', problem: 'is required' },
    ],
  ],
  ['approving with a date that is no date and a bad hash', { type: 'approve_variation', number: '1', date: '2027-02-30', actHash: 'z'.repeat(64) }, [{ field: 'date', problem: 'must be a date YYYY-MM-DD' }, { field: 'actHash', problem: 'must be a SHA-256 in 64 hex digits' }]],
  ['a narrative of a section the cycle type has not, without a text', { type: 'write_narrative', section: '9' }, [{ field: 'section', problem: 'must be one of: 2.1, 4' }, { field: 'text', problem: 'is required (an empty text clears the section)' }]],
  ['a narrative too long', { type: 'write_narrative', section: '4', text: 'x'.repeat(20001) }, [{ field: 'text', problem: 'must be at most 20000 characters' }]],
  ['scoring rules that are no object', { type: 'set_scoring_rules', rules: [], weightTolerance: 11 }, [{ field: 'weightTolerance', problem: 'must be between 0 and 10' }, { field: 'rules', problem: 'must be an object of SMVP rules' }]],
  [
    'scoring rules with a rule unknown and a cap below 100',
    { type: 'set_scoring_rules', rules: { cap: 1, overachievementCap: 90 } },
    [
      { field: 'rules.cap', problem: 'is not an SMVP rule' },
      { field: 'rules', problem: 'overachievementCap must be a finite number ≥ 100' },
    ],
  ],
  ['scoring rules whose bands are no list', { type: 'set_scoring_rules', rules: { bands: 'alte' } }, [{ field: 'rules', problem: 'bands must be a list of {key, label, from, colour}' }]],
  ['scoring rules with a band that is no object', { type: 'set_scoring_rules', rules: { bands: [null] } }, [{ field: 'rules', problem: 'band 1: must be {key, label, from, colour}' }]],
];

describe('parsePlanCommand: each malformed field is refused, named', () => {
  it.each(MALFORMED)('%s', (_what, command, problems) => {
    const refusal = refusalOf(() => parse(command));
    expect(refusal.code).toBe('PLAN_INVALID_FIELDS');
    expect(refusal.fields).toEqual(problems);
    expect(refusal.detail).toBe(problems.map((p) => `${p.field} ${p.problem}`).join('; '));
  });
});
