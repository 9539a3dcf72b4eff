/**
 * The parse step of the plan commands: the input as sent over HTTP or read from a file
 * (`PlanCommand`, `unknown` fields) becomes a typed `ParsedPlanCommand` (commands.ts), or a
 * `PLAN_INVALID_FIELDS` refusal naming every bad field. Pure.
 *
 * `decidePlan` runs it after the checks of the cycle (found, not cancelled, not linked to another
 * cycle's plan, register allowed, content editable) and of the role, so those refusals still come
 * first; what needs the plan's state (a node exists, a value suits an indicator's unit) is left to
 * the deciders. The plan's years, the cycle type's narrative sections, the rating method and the
 * monitoring dates come in `context`, so their checks stay in one refusal with the other fields.
 */
import { DomainRefusal } from '../cycle/errors';
import { parseMeasurementPeriod } from '../performance/periods';
import { resolveSmvpRules, SmvpRulesError, type SmvpRules } from '../performance/smvp-rules';
import type { ParsedContentCommand, ParsedMeasurementCommand, ParsedPlanCommand, ParsedTreeCommand, ParsedVariationCommand } from './commands';
import { invalid } from './decide-common';
import { FieldReader, isObject, validateNode, validateTargets } from './fields';
import { NARRATIVE_MAX_LENGTH, type PlanCommand } from './model';
import { REGISTER_COMMANDS, type RegisterCommand } from './register/model';
import { parseRegisterCommand, type RegisterParseContext } from './register/parse';

/** What the shape of a plan command depends on. */
export interface PlanParseContext {
  /** The years of the plan (`planYears`): targets, periods and closed years fall in them */
  years: readonly number[];
  /** Ids of the narrative sections of the cycle type */
  narrativeSections: readonly string[];
  /** For the register's commands */
  register: RegisterParseContext;
}

type Of<T extends PlanCommand['type']> = Extract<PlanCommand, { type: T }>;

const fieldsOf = (command: object): Record<string, unknown> => command as Record<string, unknown>;

/** A code naming an existing node: only its presence is checked here, the node is looked up by the decider. */
function nodeCode(value: unknown, field: string): string {
  if (typeof value !== 'string' || !value.trim()) invalid([{ field, problem: 'is required' }]);
  return value.trim();
}

function parseTree(command: Of<ParsedTreeCommand['type']>, years: readonly number[]): ParsedTreeCommand {
  switch (command.type) {
    case 'add_node': {
      const { node, problems } = validateNode(command.node, years);
      if (!node) invalid(problems);
      return { type: 'add_node', node };
    }
    case 'update_node': {
      const code = nodeCode(command.code, 'code');
      const { changes } = command as { changes: unknown };
      if (!isObject(changes) || Object.keys(changes).length === 0) invalid([{ field: 'changes', problem: 'must be an object with at least one field' }]);
      return { type: 'update_node', code, changes };
    }
    case 'move_node': {
      const code = nodeCode(command.code, 'code');
      const r = new FieldReader({ parentCode: command.parentCode });
      const parentCode = r.code('parentCode');
      if (!parentCode) invalid(r.problems);
      return { type: 'move_node', code, parentCode };
    }
    case 'remove_node':
      return { type: 'remove_node', code: nodeCode(command.code, 'code'), cascade: command.cascade === true };
    case 'set_targets': {
      const indicatorCode = nodeCode(command.indicatorCode, 'indicatorCode');
      const { targets, problems } = validateTargets(command.targets, years);
      let clearYears: number[] = [];
      if (command.clearYears !== undefined && command.clearYears !== null) {
        if (Array.isArray(command.clearYears) && command.clearYears.every((y) => Number.isInteger(y))) clearYears = command.clearYears as number[];
        else problems.push({ field: 'clearYears', problem: 'must be a list of years' });
      }
      if (targets.length === 0 && clearYears.length === 0 && problems.length === 0) problems.push({ field: 'targets', problem: 'must set at least one target (or clear a year)' });
      if (problems.length) invalid(problems);
      return { type: 'set_targets', indicatorCode, targets, clearYears };
    }
    case 'set_weights': {
      const objectiveCode = nodeCode(command.objectiveCode, 'objectiveCode');
      const raw = command.weights;
      if (!isObject(raw) || Object.keys(raw).length === 0) invalid([{ field: 'weights', problem: 'must map indicator codes to weights (percent)' }]);
      const weights: Record<string, number | null> = {};
      const problems = [];
      for (const [code, w] of Object.entries(raw)) {
        if (w === null || (typeof w === 'number' && Number.isFinite(w) && w >= 0 && w <= 100)) weights[code] = w;
        else problems.push({ field: `weights.${code}`, problem: 'must be a number from 0 to 100, or null (n.d.)' });
      }
      if (problems.length) invalid(problems);
      return { type: 'set_weights', objectiveCode, weights };
    }
  }
}

function parseMeasurement(command: Of<ParsedMeasurementCommand['type']>, years: readonly number[]): ParsedMeasurementCommand {
  const r = new FieldReader(fieldsOf(command));
  if (command.type === 'close_measurement_year') {
    const year = r.number('year', { integer: true, required: true });
    const reason = r.string('reason', { max: 4000 });
    if (year !== undefined && !years.includes(year)) r.problem('year', `must be a year of the plan (${years.join(', ')})`);
    if (r.problems.length) invalid(r.problems);
    return { type: 'close_measurement_year', year: year as number, ...(reason ? { reason } : {}) };
  }
  const indicatorCode = r.code('indicatorCode');
  const periodText = r.string('period', { required: true, max: 10 });
  const date = r.isoDate('date');
  const value = r.raw('value');
  if (value === undefined || value === null) r.problem('value', 'is required');
  const source = r.string('source', { max: 500 });
  const note = r.string('note', { max: 4000 });
  const attachmentHash = r.sha256('attachmentHash');
  const reason = command.type === 'correct_measurement' ? r.string('reason', { required: true, max: 4000 }) : undefined;
  const range = periodText ? parseMeasurementPeriod(periodText) : null;
  if (periodText && !range) r.problem('period', 'must be a year (2027), a month (2027-06), a semester (2027-S1) or a quarter (2027-Q2)');
  if (range && !years.includes(range.year)) r.problem('period', `must fall in a year of the plan (${years.join(', ')})`);
  if (range && date && date < `${String(range.year).padStart(4, '0')}-${String(range.startMonth).padStart(2, '0')}-01`) r.problem('date', 'is before the period starts');
  if (r.problems.length) invalid(r.problems);
  const measurement = {
    indicatorCode: indicatorCode as string,
    period: periodText as string,
    range: range as NonNullable<typeof range>,
    value,
    date: date as string,
    ...(source ? { source } : {}),
    ...(note ? { note } : {}),
    ...(attachmentHash ? { attachmentHash } : {}),
  };
  return command.type === 'correct_measurement' ? { type: 'correct_measurement', reason: reason as string, ...measurement } : { type: 'record_measurement', ...measurement };
}

function parseVariation(command: Of<ParsedVariationCommand['type']>): ParsedVariationCommand {
  const r = new FieldReader(fieldsOf(command));
  switch (command.type) {
    case 'open_variation': {
      const reason = r.string('reason', { required: true, max: 4000 });
      if (r.problems.length) invalid(r.problems);
      return { type: 'open_variation', variationId: command.variationId, reason: reason as string, ...(command.monitoringCycleId !== undefined ? { monitoringCycleId: command.monitoringCycleId } : {}) };
    }
    case 'approve_variation': {
      const number = r.string('number', { required: true, max: 50 });
      const date = r.isoDate('date');
      const actHash = r.sha256('actHash');
      if (!actHash && !r.problems.some((p) => p.field === 'actHash')) r.problem('actHash', 'is required');
      if (r.problems.length) invalid(r.problems);
      return { type: 'approve_variation', number: number as string, date: date as string, actHash: actHash as string };
    }
    case 'withdraw_variation': {
      const reason = r.string('reason', { required: true, max: 4000 });
      if (r.problems.length) invalid(r.problems);
      return { type: 'withdraw_variation', reason: reason as string };
    }
  }
}

const SMVP_RULE_KEYS: readonly (keyof SmvpRules)[] = ['allowOverachievement', 'overachievementCap', 'lowerIsBetterFormula', 'equalsScoring', 'equalsTolerance', 'equalsTolerancePercent', 'dateGraceDays', 'bands'];

function parseContent(command: Of<ParsedContentCommand['type']>, sections: readonly string[]): ParsedContentCommand {
  const r = new FieldReader(fieldsOf(command));
  if (command.type === 'write_narrative') {
    const section = r.string('section', { required: true, max: 40 });
    if (section && !sections.includes(section)) r.problem('section', `must be one of: ${sections.join(', ') || '(this cycle type has no narrative sections)'}`);
    const { text } = command;
    if (typeof text !== 'string') r.problem('text', 'is required (an empty text clears the section)');
    else if (text.length > NARRATIVE_MAX_LENGTH) r.problem('text', `must be at most ${NARRATIVE_MAX_LENGTH} characters`);
    if (r.problems.length) invalid(r.problems);
    return { type: 'write_narrative', section: section as string, text: (text as string).replace(/\r\n?/g, '\n').trim() };
  }
  const weightTolerance = r.number('weightTolerance', { min: 0, max: 10 });
  const reason = r.string('reason', { max: 4000 });
  const { rules } = command;
  if (!isObject(rules)) r.problem('rules', 'must be an object of SMVP rules');
  else {
    for (const k of Object.keys(rules)) if (!(SMVP_RULE_KEYS as string[]).includes(k)) r.problem(`rules.${k}`, 'is not an SMVP rule');
    try {
      resolveSmvpRules(rules as Partial<SmvpRules>);
    } catch (err) {
      if (err instanceof SmvpRulesError) for (const p of err.problems) r.problem('rules', p);
      else throw err;
    }
  }
  if (r.problems.length) invalid(r.problems);
  return {
    type: 'set_scoring_rules',
    rules: JSON.parse(JSON.stringify(rules)) as Partial<SmvpRules>,
    ...(weightTolerance !== undefined ? { weightTolerance } : {}),
    ...(reason ? { reason } : {}),
  };
}

/** Parses a plan command, or throws the refusal naming its bad fields (`UNKNOWN_PLAN_COMMAND` for an unknown type). */
export function parsePlanCommand(command: PlanCommand, context: PlanParseContext): ParsedPlanCommand {
  if ((REGISTER_COMMANDS as readonly string[]).includes(command.type)) return parseRegisterCommand(command as RegisterCommand, context.register);
  switch (command.type) {
    case 'add_node':
    case 'update_node':
    case 'move_node':
    case 'remove_node':
    case 'set_targets':
    case 'set_weights':
      return parseTree(command, context.years);
    case 'record_measurement':
    case 'correct_measurement':
    case 'close_measurement_year':
      return parseMeasurement(command, context.years);
    case 'open_variation':
    case 'approve_variation':
    case 'withdraw_variation':
      return parseVariation(command);
    case 'write_narrative':
    case 'set_scoring_rules':
      return parseContent(command, context.narrativeSections);
    case 'open_monitoring_period':
    case 'close_monitoring_period':
    case 'reopen_monitoring_period':
      return command;
    default:
      throw new DomainRefusal('UNKNOWN_PLAN_COMMAND', (command as { type: string }).type);
  }
}
