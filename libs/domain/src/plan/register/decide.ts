/**
 * The register decider: register commands as events of the cycle's stream, or a refusal. Called by
 * `decidePlan`, which has already refused a cancelled cycle and, for content commands, a stage
 * where the plan is not editable or a frozen plan without an open variation.
 */
import { isoDateAt } from '../../calendar';
import { actingRole } from '../../cycle/decide';
import { DomainRefusal, type FieldProblem } from '../../cycle/errors';
import type { CycleState, DecisionContext, DomainEvent, JsonRecord } from '../../cycle/model';
import type { Role } from '../../definitions';
import { FieldReader, isObject } from '../fields';
import type { PlanState } from '../model';
import type { RegisterEventData } from './events';
import { itemFields, suggestedRating, validateItem, validateMethod } from './fields';
import {
  assessmentMethod,
  MEASURE_STATUSES,
  methodOf,
  methodRefOf,
  REGISTER_CYCLE_TYPES,
  REGISTER_ITEM_KINDS,
  type IndicatorRating,
  type MeasureStatus,
  type RatingMethodRef,
  type RegisterCommand,
  type RegisterEventType,
  type RegisterItem,
  type RegisterItemKind,
  type RegisterState,
} from './model';

/** Who may do what in the register. */
export const REGISTER_ROLES = {
  edit: ['rpct', 'dirigente'],
  assess: ['rpct', 'dirigente'],
  method: ['rpct'],
  report: ['dirigente', 'po'],
  check: ['rpct'],
  figures: ['rpct'],
} as const satisfies Record<string, readonly Role[]>;

function event<K extends RegisterEventType>(ctx: DecisionContext, role: Role, type: K, data: RegisterEventData[K]): DomainEvent {
  return { type, data: data as unknown as JsonRecord, actorId: ctx.actor.userId, actorRole: role, occurredAt: ctx.now.toISOString() };
}

function invalid(problems: FieldProblem[]): never {
  throw new DomainRefusal(
    'PLAN_INVALID_FIELDS',
    problems.map((p) => `${p.field} ${p.problem}`).join('; '),
    problems,
  );
}

const json = (v: unknown): JsonRecord => JSON.parse(JSON.stringify(v)) as JsonRecord;

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function mapOf(r: RegisterState, kind: RegisterItemKind): Map<string, RegisterItem> {
  return (kind === 'process' ? r.processes : kind === 'risk' ? r.risks : r.measures) as Map<
    string,
    RegisterItem
  >;
}

function itemOf(r: RegisterState, kindIn: unknown, codeIn: unknown): RegisterItem {
  const fr = new FieldReader({ kind: kindIn, code: codeIn });
  const kind = fr.oneOf('kind', REGISTER_ITEM_KINDS, { required: true });
  const code = fr.code('code');
  if (fr.problems.length) invalid(fr.problems);
  const item = mapOf(r, kind as RegisterItemKind).get(code as string);
  if (!item)
    throw new DomainRefusal(
      'REGISTER_ITEM_NOT_FOUND',
      `${kind} ${code}`,
      [],
      `${kind === 'process' ? 'processo' : kind === 'risk' ? 'rischio' : 'misura'} ${code}`,
    );
  return item;
}

/** A risk's process and a measure's risks must be in the register. */
function checkReferences(r: RegisterState, item: RegisterItem): void {
  if (item.kind === 'risk' && !r.processes.has(item.processCode)) {
    throw new DomainRefusal('REGISTER_REFERENCE_NOT_FOUND', `processCode ${item.processCode}`, [
      { field: 'processCode', problem: `no process ${item.processCode} in the register` },
    ]);
  }
  if (item.kind === 'measure') {
    const missing = item.riskCodes.filter((c) => !r.risks.has(c));
    if (missing.length) {
      throw new DomainRefusal(
        'REGISTER_REFERENCE_NOT_FOUND',
        `riskCodes ${missing.join(', ')}`,
        missing.map((c) => ({ field: `riskCodes.${c}`, problem: `no risk ${c} in the register` })),
      );
    }
  }
}

function today(ctx: DecisionContext): string {
  return isoDateAt(ctx.now, ctx.timeZone ?? 'Europe/Rome');
}

/** The items that refer to an item: a process's risks; a risk's measures. */
export function dependentsOf(r: RegisterState, item: RegisterItem): RegisterItem[] {
  if (item.kind === 'process') return [...r.risks.values()].filter((x) => x.processCode === item.code);
  if (item.kind === 'risk') return [...r.measures.values()].filter((m) => m.riskCodes.includes(item.code));
  return [];
}

export function decideRegister(
  command: RegisterCommand,
  plan: PlanState,
  cycle: CycleState,
  ctx: DecisionContext,
  variationId?: string,
): DomainEvent[] {
  if (!REGISTER_CYCLE_TYPES.includes(cycle.cycleType))
    throw new DomainRefusal('REGISTER_NOT_IN_CYCLE', cycle.cycleType);
  const reg = plan.register;
  const inVariation = <T extends object>(data: T): T & { variationId?: string } => (variationId ? { ...data, variationId } : data);
  switch (command.type) {
    case 'add_register_item': {
      const role = actingRole(ctx, REGISTER_ROLES.edit);
      const { item, problems } = validateItem(command.item);
      if (!item)
        invalid(
          problems.map((p) => ({
            field: `item.${p.field}`.replace(/^item\.item$/, 'item'),
            problem: p.problem,
          })),
        );
      if (mapOf(reg, item.kind).has(item.code))
        throw new DomainRefusal('REGISTER_ITEM_EXISTS', `${item.kind} ${item.code}`);
      checkReferences(reg, item);
      return [event(ctx, role, 'RegisterItemAdded', inVariation({ item: json(item) as unknown as RegisterItem }))];
    }
    case 'update_register_item': {
      const role = actingRole(ctx, REGISTER_ROLES.edit);
      const current = itemOf(reg, command.kind, command.code);
      if (!isObject(command.changes) || Object.keys(command.changes).length === 0)
        invalid([{ field: 'changes', problem: 'must name at least one field to change' }]);
      const problems: FieldProblem[] = [];
      for (const k of Object.keys(command.changes)) {
        if (k === 'kind' || k === 'code')
          problems.push({
            field: `changes.${k}`,
            problem: 'cannot be changed (remove the item and add another)',
          });
        else if (!itemFields(current.kind).includes(k))
          problems.push({ field: `changes.${k}`, problem: `is not a field of a register ${current.kind}` });
      }
      if (problems.length) invalid(problems);
      const merged: Record<string, unknown> = { ...current };
      for (const [k, v] of Object.entries(command.changes)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      const { item, problems: mergedProblems } = validateItem(merged);
      if (!item) invalid(mergedProblems.map((p) => ({ field: `changes.${p.field}`, problem: p.problem })));
      checkReferences(reg, item);
      const before = current as unknown as Record<string, unknown>;
      const after = item as unknown as Record<string, unknown>;
      const set: JsonRecord = {};
      const unset: string[] = [];
      for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (!(k in after)) unset.push(k);
        else if (canonical(before[k]) !== canonical(after[k])) set[k] = json({ v: after[k] }).v as JsonRecord;
      }
      if (Object.keys(set).length === 0 && unset.length === 0) return [];
      return [
        event(
          ctx,
          role,
          'RegisterItemUpdated',
          inVariation({ kind: current.kind, code: current.code, set, unset }),
        ),
      ];
    }
    case 'remove_register_item': {
      const role = actingRole(ctx, REGISTER_ROLES.edit);
      const current = itemOf(reg, command.kind, command.code);
      const deps = dependentsOf(reg, current);
      if (deps.length && command.cascade !== true) {
        throw new DomainRefusal(
          'REGISTER_ITEM_IN_USE',
          `${deps.length} item(s) refer to ${current.kind} ${current.code}: ${deps.map((d) => d.code).join(', ')}`,
        );
      }
      // A process takes its risks with it; a risk is unlinked from the measures treating it.
      const removed = current.kind === 'process' ? deps.map((d) => ({ kind: d.kind, code: d.code })) : [];
      return [
        event(
          ctx,
          role,
          'RegisterItemRemoved',
          inVariation({ kind: current.kind, code: current.code, removed }),
        ),
      ];
    }
    case 'assess_risk': {
      const role = actingRole(ctx, REGISTER_ROLES.assess);
      // The chamber's method in force is pinned to the register unless the plan has its own.
      const tenant = ctx.ratingMethod ?? null;
      const { method, pin: pinning } = assessmentMethod(reg, tenant);
      const pin = pinning ? tenant : null;
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const processCode = r.code('processCode');
      const rating = r.oneOf('rating', method.levels, { required: true });
      const motivation = r.string('motivation', { required: true, max: 4000 });
      const indicators: Record<string, IndicatorRating> = {};
      if (!isObject(command.indicators))
        r.problem(
          'indicators',
          `must rate every indicator of the method: ${method.indicators.map((i) => i.key).join(', ')}`,
        );
      else {
        for (const k of Object.keys(command.indicators))
          if (!method.indicators.some((i) => i.key === k))
            r.problem(`indicators.${k}`, 'is not an indicator of the rating method');
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
      if (!reg.processes.has(processCode as string))
        throw new DomainRefusal(
          'REGISTER_ITEM_NOT_FOUND',
          `process ${processCode}`,
          [],
          `processo ${processCode}`,
        );
      const previous = reg.assessments.get(processCode as string);
      const ref: RatingMethodRef = pin ? { source: 'ente', version: pin.version } : methodRefOf(reg);
      const pinned = pin
        ? [
            event(
              ctx,
              role,
              'RiskRatingMethodSet',
              inVariation({
                method: json({ indicators: pin.indicators, levels: pin.levels }),
                reason: `metodo di valutazione dell'ente, versione ${pin.version}: ${pin.reason}`,
                source: 'ente',
                tenantVersion: pin.version,
              }),
            ),
          ]
        : [];
      if (
        !pin &&
        previous &&
        previous.rating === rating &&
        previous.motivation === motivation &&
        canonical(previous.indicators) === canonical(indicators)
      )
        return [];
      const suggested = suggestedRating(
        method.levels,
        Object.values(indicators).map((i) => i.level),
      );
      return [
        ...pinned,
        event(
          ctx,
          role,
          'RiskAssessed',
          inVariation({
            processCode: processCode as string,
            indicators: json(indicators) as unknown as Record<string, IndicatorRating>,
            rating: rating as string,
            motivation: motivation as string,
            suggestedRating: suggested,
            method: ref,
          }),
        ),
      ];
    }
    case 'set_rating_method': {
      const role = actingRole(ctx, REGISTER_ROLES.method);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const reason = r.string('reason', { max: 4000 });
      const { method, problems } = validateMethod(command.method);
      if (!method || r.problems.length) invalid([...problems, ...r.problems]);
      if (
        canonical(method) ===
        canonical({ indicators: methodOf(reg).indicators, levels: methodOf(reg).levels })
      )
        return [];
      return [
        event(
          ctx,
          role,
          'RiskRatingMethodSet',
          inVariation({ method: json(method), ...(reason ? { reason } : {}) }),
        ),
      ];
    }
    case 'set_monitoring_dates': {
      const role = actingRole(ctx, REGISTER_ROLES.method);
      const v = command.dates;
      const problems: FieldProblem[] = [];
      if (!Array.isArray(v) || v.length === 0 || v.length > 24)
        problems.push({ field: 'dates', problem: 'must list 1 to 24 dates YYYY-MM-DD' });
      else
        v.forEach((d, i) => {
          const fr = new FieldReader({ d });
          if (!fr.isoDate('d')) problems.push({ field: `dates[${i}]`, problem: 'must be a date YYYY-MM-DD' });
        });
      if (problems.length) invalid(problems);
      const dates = [...new Set(v as string[])].sort();
      if (canonical(dates) === canonical(reg.monitoringDates)) return [];
      return [event(ctx, role, 'MeasureMonitoringDatesSet', inVariation({ dates }))];
    }
    case 'report_measure': {
      const role = actingRole(ctx, REGISTER_ROLES.report);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const measureCode = r.code('measureCode');
      const monitoringDate = r.isoDate('monitoringDate');
      const status = r.oneOf('status', MEASURE_STATUSES, { required: true });
      const evidence = r.string('evidence', { required: true, max: 4000 });
      const date = r.isoDate('date');
      const note = r.string('note', { max: 4000 });
      if (monitoringDate && !reg.monitoringDates.includes(monitoringDate))
        r.problem(
          'monitoringDate',
          `must be a monitoring date of the plan (${reg.monitoringDates.join(', ') || 'none set'})`,
        );
      if (r.problems.length) invalid(r.problems);
      if (!plan.adopted)
        throw new DomainRefusal(
          'PLAN_NOT_ADOPTED',
          'measures are monitored once the plan is adopted',
          [],
          'le misure si monitorano dopo l’adozione del piano',
        );
      if ((date as string) > today(ctx))
        throw new DomainRefusal('DATE_IN_FUTURE', `${date} is after ${today(ctx)}`);
      if (!reg.measures.has(measureCode as string))
        throw new DomainRefusal(
          'REGISTER_ITEM_NOT_FOUND',
          `measure ${measureCode}`,
          [],
          `misura ${measureCode}`,
        );
      if (reg.checks.some((c) => c.measureCode === measureCode && c.monitoringDate === monitoringDate))
        throw new DomainRefusal('MEASURE_REPORT_CHECKED', `${measureCode} at ${monitoringDate}`);
      return [
        event(ctx, role, 'MeasureReported', {
          measureCode: measureCode as string,
          monitoringDate: monitoringDate as string,
          status: status as MeasureStatus,
          evidence: evidence as string,
          date: date as string,
          ...(note ? { note } : {}),
        }),
      ];
    }
    case 'check_measure_report': {
      const role = actingRole(ctx, REGISTER_ROLES.check);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const measureCode = r.code('measureCode');
      const monitoringDate = r.isoDate('monitoringDate');
      const outcome = r.oneOf('outcome', ['confermato', 'rettificato'] as const, { required: true });
      const status = r.oneOf('status', MEASURE_STATUSES, { required: outcome === 'rettificato' });
      const note = r.string('note', { required: outcome === 'rettificato', max: 4000 });
      if (outcome === 'confermato' && command.status !== undefined && command.status !== null)
        r.problem('status', 'is given only when the outcome is rettificato');
      if (r.problems.length) invalid(r.problems);
      const report = [...reg.reports]
        .reverse()
        .find((x) => x.measureCode === measureCode && x.monitoringDate === monitoringDate);
      if (!report) throw new DomainRefusal('MEASURE_REPORT_NOT_FOUND', `${measureCode} at ${monitoringDate}`);
      if (reg.checks.some((c) => c.measureCode === measureCode && c.monitoringDate === monitoringDate))
        throw new DomainRefusal('MEASURE_REPORT_CHECKED', `${measureCode} at ${monitoringDate}`);
      return [
        event(ctx, role, 'MeasureReportChecked', {
          measureCode: measureCode as string,
          monitoringDate: monitoringDate as string,
          outcome: outcome as 'confermato' | 'rettificato',
          status: outcome === 'rettificato' ? (status as MeasureStatus) : report.status,
          reportedStatus: report.status,
          ...(note ? { note } : {}),
        }),
      ];
    }
    case 'set_rpct_report_figures': {
      const role = actingRole(ctx, REGISTER_ROLES.figures);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const year = r.number('year', { integer: true, required: true, min: 2000, max: 2100 });
      const count = r.number('whistleblowingReports', { integer: true, required: true, min: 0, max: 100000 });
      const training = r.string('training', { max: 4000 });
      const note = r.string('note', { max: 4000 });
      if (r.problems.length) invalid(r.problems);
      const previous = reg.reportFigures.get(year as number);
      if (
        previous &&
        previous.whistleblowingReports === count &&
        previous.training === training &&
        previous.note === note
      )
        return [];
      return [
        event(ctx, role, 'RpctReportFiguresSet', {
          year: year as number,
          whistleblowingReports: count as number,
          ...(training ? { training } : {}),
          ...(note ? { note } : {}),
        }),
      ];
    }
  }
}
