/**
 * The parse step of the register commands: the input as sent (`RegisterCommand`, `unknown` fields)
 * becomes a `ParsedRegisterCommand`, or a `PLAN_INVALID_FIELDS` refusal naming every bad field.
 * Pure. The rating method in force and the plan's monitoring dates come in `context`: a rating and
 * a monitoring date are checked against them together with the other fields, in one refusal.
 */
import { DomainRefusal } from '../../cycle/errors';
import { invalid } from '../decide-common';
import { FieldReader, isObject } from '../fields';
import type { FieldChanges } from '../commands';
import type { ParsedRegisterCommand } from './commands';
import { validateItem, validateMethod } from './fields';
import { MEASURE_STATUSES, REGISTER_ITEM_KINDS, type IndicatorRating, type MeasureStatus, type RatingMethod, type RegisterCommand, type RegisterItemKind } from './model';

/** What the shape of a register command depends on. */
export interface RegisterParseContext {
  /** The rating method an assessment is made under now (`assessmentMethod`) */
  method: Pick<RatingMethod, 'indicators' | 'levels'>;
  /** The plan's monitoring dates */
  monitoringDates: readonly string[];
}

const fieldsOf = (command: RegisterCommand): Record<string, unknown> => command as unknown as Record<string, unknown>;

function itemRef(command: { kind: unknown; code: unknown }): { kind: RegisterItemKind; code: string } {
  const r = new FieldReader({ kind: command.kind, code: command.code });
  const kind = r.oneOf('kind', REGISTER_ITEM_KINDS, { required: true });
  const code = r.code('code');
  if (r.problems.length) invalid(r.problems);
  return { kind: kind as RegisterItemKind, code: code as string };
}

function changesOf(changes: unknown): FieldChanges {
  if (!isObject(changes) || Object.keys(changes).length === 0) invalid([{ field: 'changes', problem: 'must name at least one field to change' }]);
  return changes;
}

function parseAssessment(command: Extract<RegisterCommand, { type: 'assess_risk' }>, method: RegisterParseContext['method']): ParsedRegisterCommand {
  const r = new FieldReader(fieldsOf(command));
  const processCode = r.code('processCode');
  const rating = r.oneOf('rating', method.levels, { required: true });
  const motivation = r.string('motivation', { required: true, max: 4000 });
  const indicators: Record<string, IndicatorRating> = {};
  if (!isObject(command.indicators)) r.problem('indicators', `must rate every indicator of the method: ${method.indicators.map((i) => i.key).join(', ')}`);
  else {
    for (const k of Object.keys(command.indicators)) if (!method.indicators.some((i) => i.key === k)) r.problem(`indicators.${k}`, 'is not an indicator of the rating method');
    for (const ind of method.indicators) {
      const v = command.indicators[ind.key];
      if (!isObject(v)) {
        r.problem(`indicators.${ind.key}`, 'is required: {level, reason}');
        continue;
      }
      const ir = new FieldReader(v, `indicators.${ind.key}`);
      const level = ir.oneOf('level', method.levels, { required: true });
      const reason = ir.string('reason', { required: true, max: 2000 });
      for (const p of ir.problems) r.problem(p.field, p.problem);
      if (level && reason) indicators[ind.key] = { level, reason };
    }
  }
  if (r.problems.length) invalid(r.problems);
  return { type: 'assess_risk', processCode: processCode as string, indicators, rating: rating as string, motivation: motivation as string };
}

/** Parses a register command, or throws the refusal naming its bad fields. */
export function parseRegisterCommand(command: RegisterCommand, context: RegisterParseContext): ParsedRegisterCommand {
  switch (command.type) {
    case 'add_register_item': {
      const { item, problems } = validateItem(command.item);
      if (!item) invalid(problems.map((p) => ({ field: `item.${p.field}`.replace(/^item\.item$/, 'item'), problem: p.problem })));
      return { type: 'add_register_item', item };
    }
    case 'update_register_item':
      return { type: 'update_register_item', ...itemRef(command), changes: changesOf(command.changes) };
    case 'remove_register_item':
      return { type: 'remove_register_item', ...itemRef(command), cascade: command.cascade === true };
    case 'assess_risk':
      return parseAssessment(command, context.method);
    case 'set_rating_method': {
      const r = new FieldReader(fieldsOf(command));
      const reason = r.string('reason', { max: 4000 });
      const { method, problems } = validateMethod(command.method);
      if (!method || r.problems.length) invalid([...problems, ...r.problems]);
      return { type: 'set_rating_method', method, ...(reason ? { reason } : {}) };
    }
    case 'set_monitoring_dates': {
      const v = command.dates;
      if (!Array.isArray(v) || v.length === 0 || v.length > 24) invalid([{ field: 'dates', problem: 'must list 1 to 24 dates YYYY-MM-DD' }]);
      const problems = v.flatMap((d, i) => (new FieldReader({ d }).isoDate('d') ? [] : [{ field: `dates[${i}]`, problem: 'must be a date YYYY-MM-DD' }]));
      if (problems.length) invalid(problems);
      return { type: 'set_monitoring_dates', dates: [...new Set(v as string[])].sort() };
    }
    case 'report_measure': {
      const r = new FieldReader(fieldsOf(command));
      const measureCode = r.code('measureCode');
      const monitoringDate = r.isoDate('monitoringDate');
      const status = r.oneOf('status', MEASURE_STATUSES, { required: true });
      const evidence = r.string('evidence', { required: true, max: 4000 });
      const date = r.isoDate('date');
      const note = r.string('note', { max: 4000 });
      if (monitoringDate && !context.monitoringDates.includes(monitoringDate)) {
        r.problem('monitoringDate', `must be a monitoring date of the plan (${context.monitoringDates.join(', ') || 'none set'})`);
      }
      if (r.problems.length) invalid(r.problems);
      return { type: 'report_measure', measureCode: measureCode as string, monitoringDate: monitoringDate as string, status: status as MeasureStatus, evidence: evidence as string, date: date as string, ...(note ? { note } : {}) };
    }
    case 'check_measure_report': {
      const r = new FieldReader(fieldsOf(command));
      const measureCode = r.code('measureCode');
      const monitoringDate = r.isoDate('monitoringDate');
      const outcome = r.oneOf('outcome', ['confermato', 'rettificato'] as const, { required: true });
      const status = r.oneOf('status', MEASURE_STATUSES, { required: outcome === 'rettificato' });
      const note = r.string('note', { required: outcome === 'rettificato', max: 4000 });
      if (outcome === 'confermato' && command.status !== undefined && command.status !== null) r.problem('status', 'is given only when the outcome is rettificato');
      if (r.problems.length) invalid(r.problems);
      return {
        type: 'check_measure_report',
        measureCode: measureCode as string,
        monitoringDate: monitoringDate as string,
        outcome: outcome as 'confermato' | 'rettificato',
        ...(outcome === 'rettificato' ? { status: status as MeasureStatus } : {}),
        ...(note ? { note } : {}),
      };
    }
    case 'set_rpct_report_figures': {
      const r = new FieldReader(fieldsOf(command));
      const year = r.number('year', { integer: true, required: true, min: 2000, max: 2100 });
      const count = r.number('whistleblowingReports', { integer: true, required: true, min: 0, max: 100000 });
      const training = r.string('training', { max: 4000 });
      const note = r.string('note', { max: 4000 });
      if (r.problems.length) invalid(r.problems);
      return { type: 'set_rpct_report_figures', year: year as number, whistleblowingReports: count as number, ...(training ? { training } : {}), ...(note ? { note } : {}) };
    }
    default:
      throw new DomainRefusal('UNKNOWN_PLAN_COMMAND', (command as { type: string }).type);
  }
}
