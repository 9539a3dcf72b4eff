/**
 * The register decider: register commands as events of the cycle's stream, or a refusal. Called by
 * `decidePlan`, which has already refused a cancelled cycle and, for content commands, a stage
 * where the plan is not editable or a frozen plan without an open variation; then checked the role
 * and parsed the command (`parseRegisterCommand`): what is left here needs the register's state.
 */
import { isoDateAt } from '../../calendar';
import { DomainRefusal, type FieldProblem } from '../../cycle/errors';
import type { CycleState, DecisionContext, DomainEvent, JsonRecord } from '../../cycle/model';
import type { Role } from '../../definitions';
import type { PlanState } from '../model';
import type { RegisterEventData } from './events';
import type { ParsedRegisterCommand } from './commands';
import { itemFields, suggestedRating, validateItem } from './fields';
import {
  assessmentMethod,
  methodOf,
  methodRefOf,
  monitoringSlot,
  REGISTER_CYCLE_TYPES,
  type IndicatorRating,
  type RatingMethodRef,
  type RegisterCommandName,
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

function itemOf(r: RegisterState, kind: RegisterItemKind, code: string): RegisterItem {
  const item = mapOf(r, kind).get(code);
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

/** Who may issue each register command (checked by `decidePlan` before the command is parsed). */
export const REGISTER_COMMAND_ROLES: Record<RegisterCommandName, readonly Role[]> = {
  add_register_item: REGISTER_ROLES.edit,
  update_register_item: REGISTER_ROLES.edit,
  remove_register_item: REGISTER_ROLES.edit,
  assess_risk: REGISTER_ROLES.assess,
  set_rating_method: REGISTER_ROLES.method,
  set_monitoring_dates: REGISTER_ROLES.method,
  report_measure: REGISTER_ROLES.report,
  check_measure_report: REGISTER_ROLES.check,
  set_rpct_report_figures: REGISTER_ROLES.figures,
};

/**
 * Decides a parsed register command, issued in `role` (one of `REGISTER_COMMAND_ROLES`), against the
 * register: the checks left are those that need its state.
 */
export function decideRegister(
  command: ParsedRegisterCommand,
  role: Role,
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
      const { item } = command;
      if (mapOf(reg, item.kind).has(item.code))
        throw new DomainRefusal('REGISTER_ITEM_EXISTS', `${item.kind} ${item.code}`);
      checkReferences(reg, item);
      return [event(ctx, role, 'RegisterItemAdded', inVariation({ item: json(item) as unknown as RegisterItem }))];
    }
    case 'update_register_item': {
      const current = itemOf(reg, command.kind, command.code);
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
      const current = itemOf(reg, command.kind, command.code);
      const deps = dependentsOf(reg, current);
      if (deps.length && !command.cascade) {
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
      // The chamber's method in force is pinned to the register unless the plan has its own
      // (the command was parsed against the same method: `registerParseContext`).
      const tenant = ctx.ratingMethod ?? null;
      const { method, pin: pinning } = assessmentMethod(reg, tenant);
      const pin = pinning ? tenant : null;
      const { processCode, indicators, rating, motivation } = command;
      if (!reg.processes.has(processCode))
        throw new DomainRefusal(
          'REGISTER_ITEM_NOT_FOUND',
          `process ${processCode}`,
          [],
          `processo ${processCode}`,
        );
      const previous = reg.assessments.get(processCode);
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
            processCode,
            indicators: json(indicators) as unknown as Record<string, IndicatorRating>,
            rating,
            motivation,
            suggestedRating: suggested,
            method: ref,
          }),
        ),
      ];
    }
    case 'set_rating_method': {
      const { method, reason } = command;
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
      const { dates } = command;
      if (canonical(dates) === canonical(reg.monitoringDates)) return [];
      return [event(ctx, role, 'MeasureMonitoringDatesSet', inVariation({ dates }))];
    }
    case 'report_measure': {
      const { measureCode, monitoringDate, status, evidence, date, note } = command;
      if (!plan.adopted)
        throw new DomainRefusal(
          'PLAN_NOT_ADOPTED',
          'measures are monitored once the plan is adopted',
          [],
          'le misure si monitorano dopo l’adozione del piano',
        );
      if (date > today(ctx))
        throw new DomainRefusal('DATE_IN_FUTURE', `${date} is after ${today(ctx)}`);
      if (!reg.measures.has(measureCode))
        throw new DomainRefusal(
          'REGISTER_ITEM_NOT_FOUND',
          `measure ${measureCode}`,
          [],
          `misura ${measureCode}`,
        );
      if (monitoringSlot(reg, measureCode, monitoringDate)?.check)
        throw new DomainRefusal('MEASURE_REPORT_CHECKED', `${measureCode} at ${monitoringDate}`);
      return [event(ctx, role, 'MeasureReported', { measureCode, monitoringDate, status, evidence, date, ...(note ? { note } : {}) })];
    }
    case 'check_measure_report': {
      const { measureCode, monitoringDate, outcome, status, note } = command;
      const slot = monitoringSlot(reg, measureCode, monitoringDate);
      const report = slot?.report;
      if (!report) throw new DomainRefusal('MEASURE_REPORT_NOT_FOUND', `${measureCode} at ${monitoringDate}`);
      if (slot.check)
        throw new DomainRefusal('MEASURE_REPORT_CHECKED', `${measureCode} at ${monitoringDate}`);
      return [
        event(ctx, role, 'MeasureReportChecked', {
          measureCode,
          monitoringDate,
          outcome,
          status: outcome === 'rettificato' && status ? status : report.status,
          reportedStatus: report.status,
          ...(note ? { note } : {}),
        }),
      ];
    }
    case 'set_rpct_report_figures': {
      const { year, whistleblowingReports, training, note } = command;
      const previous = reg.reportFigures.get(year);
      if (
        previous &&
        previous.whistleblowingReports === whistleblowingReports &&
        previous.training === training &&
        previous.note === note
      )
        return [];
      return [
        event(ctx, role, 'RpctReportFiguresSet', {
          year,
          whistleblowingReports,
          ...(training ? { training } : {}),
          ...(note ? { note } : {}),
        }),
      ];
    }
  }
}
