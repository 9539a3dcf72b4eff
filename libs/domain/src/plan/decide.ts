/**
 * The plan decider: what a plan command means for a cycle, as events for the cycle's stream, or a
 * `DomainRefusal` with a stable code. Pure: the definition, the actor and the clock come in `ctx`.
 *
 * - Tree edits (add, update, move, remove, targets, weights) only in the stages the definition
 *   marks `editableStages`; after adoption (the cycle's first deliberation) only inside an open
 *   variation, which the Giunta approves.
 * - Measurements by rilevatori (and the struttura tecnica) at any time while the cycle is not
 *   cancelled; a correction is a new event with a reason; closed years refuse both.
 */
import { isoDateAt } from '../calendar';
import { actingRole } from '../cycle/decide';
import { DomainRefusal, type FieldProblem } from '../cycle/errors';
import type { CycleState, DecisionContext, DomainEvent, JsonRecord } from '../cycle/model';
import type { Role } from '../definitions';
import { acceptsValue } from '../performance/measurements';
import { parseMeasurementPeriod } from '../performance/periods';
import { resolveSmvpRules, SmvpRulesError, type SmvpRules } from '../performance/smvp-rules';
import type { PlanProblem } from '../performance/validation';
import { FieldReader, isObject, nodeFields, validateNode, validateTargets } from './fields';
import { nodeJson } from './evolve';
import { planEvent, type MeasurementData, type PlanEventData } from './events';
import {
  CONTENT_COMMANDS,
  NARRATIVE_MAX_LENGTH,
  NARRATIVE_SECTIONS,
  openVariation,
  PARENT_FIELD,
  PARENT_KIND,
  parentCodeOf,
  type IndicatorNode,
  type PlanCommand,
  type PlanEventType,
  type PlanNode,
  type PlanState,
} from './model';
import { decideRegister } from './register/decide';
import { REGISTER_COMMANDS, REGISTER_CYCLE_TYPES, type RegisterCommand } from './register/model';
import { descendantsOf, planSubmissionProblems, planYears } from './tree';
import { checkVariationOwner, closedByMonitoring, decideMonitoringPeriod, linkedPlanRefusal, linkedRole } from './decide-linked';

/** Who may do what (see docs/plan.md). */
export const PLAN_ROLES = {
  edit: ['po', 'dirigente', 'struttura_tecnica', 'rpct'],
  measure: ['rilevatore', 'struttura_tecnica'],
  closeYear: ['struttura_tecnica', 'segretario_generale'],
  openVariation: ['po', 'dirigente', 'struttura_tecnica', 'segretario_generale'],
  approveVariation: ['segreteria_organi'],
  scoring: ['struttura_tecnica', 'segretario_generale'],
  narrative: ['po', 'dirigente', 'struttura_tecnica'],
} as const satisfies Record<string, readonly Role[]>;

function event<K extends PlanEventType>(ctx: DecisionContext, role: Role, type: K, data: PlanEventData[K]): DomainEvent {
  return planEvent(type, data, ctx.actor.userId, role, ctx.now.toISOString());
}

function invalid(problems: FieldProblem[]): never {
  throw new DomainRefusal('PLAN_INVALID_FIELDS', problems.map((p) => `${p.field} ${p.problem}`).join('; '), problems);
}

/** The refusal of a submission (or of a variation's approval) listing every problem of the plan. */
export function planIncomplete(problems: readonly Pick<PlanProblem, 'code' | 'nodeCode' | 'message' | 'year'>[]): DomainRefusal {
  const counts = new Map<string, number>();
  for (const p of problems) counts.set(p.code, (counts.get(p.code) ?? 0) + 1);
  const detail = `${problems.length} problem${problems.length === 1 ? '' : 's'}: ${[...counts].map(([c, n]) => `${n} ${c}`).join(', ')}`;
  return new DomainRefusal(
    'PLAN_INCOMPLETE',
    detail,
    problems.map((p) => ({ field: p.nodeCode, problem: `${p.code}${p.year !== undefined ? ` ${p.year}` : ''}: ${p.message}` })),
  );
}

function requireCycle(cycle: CycleState, ctx: DecisionContext): void {
  if (!cycle.exists || cycle.tenant !== ctx.actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
  if (cycle.status === 'cancelled') throw new DomainRefusal('CYCLE_CLOSED', 'cancelled');
}

/** Whether the tree may be edited now, and if not, the refusal. */
export function editability(
  plan: PlanState,
  cycle: CycleState,
  ctx: Pick<DecisionContext, 'definition' | 'variationOwner'>,
): { editable: true; variationId?: string } | { editable: false; refusal: DomainRefusal } {
  if (cycle.status === 'cancelled') return { editable: false, refusal: new DomainRefusal('CYCLE_CLOSED', 'cancelled') };
  if (ctx.definition.links.some((l) => l.plan)) return { editable: false, refusal: linkedPlanRefusal() };
  if (plan.adopted) {
    const v = openVariation(plan);
    if (v?.monitoringCycleId) {
      // A variation a monitoring cycle opened is edited while that cycle is in one of its editable stages.
      const owner = ctx.variationOwner?.cycleId === v.monitoringCycleId ? ctx.variationOwner : undefined;
      if (!owner || !owner.editableStages.includes(owner.stage)) {
        return {
          editable: false,
          refusal: new DomainRefusal(
            'PLAN_NOT_EDITABLE',
            `variation n. ${v.number} belongs to monitoring cycle ${v.monitoringCycleId}, in stage "${owner?.stage ?? 'unknown'}" (editable in: ${owner?.editableStages.join(', ') || 'no stage'})`,
          ),
        };
      }
    }
    if (v) return { editable: true, variationId: v.variationId };
    return {
      editable: false,
      refusal: new DomainRefusal('PLAN_FROZEN', `adopted with ${plan.adopted.deliberation.organ} deliberation n. ${plan.adopted.deliberation.number} of ${plan.adopted.deliberation.date}: open a variation (open_variation)`),
    };
  }
  const stages = ctx.definition.editableStages;
  if (ctx.definition.content === 'survey_grid') {
    return { editable: false, refusal: new DomainRefusal('PLAN_NOT_EDITABLE', `${ctx.definition.id} edits a survey grid, not a plan`) };
  }
  if (!stages.includes(cycle.stage)) {
    return { editable: false, refusal: new DomainRefusal('PLAN_NOT_EDITABLE', `stage "${cycle.stage}" (editable in: ${stages.join(', ') || 'no stage'})`) };
  }
  return { editable: true };
}

/**
 * Whether the narrative sections may be written now: in the stages the definition marks
 * `editableStages` (the gate of the tree), or while a variation of the adopted plan is open.
 */
export function narrativeEditability(plan: PlanState, cycle: CycleState, ctx: Pick<DecisionContext, 'definition'>): { editable: true } | { editable: false; refusal: DomainRefusal } {
  if (cycle.status === 'cancelled') return { editable: false, refusal: new DomainRefusal('CYCLE_CLOSED', 'cancelled') };
  if (plan.adopted && openVariation(plan)) return { editable: true };
  const stages = ctx.definition.editableStages;
  if (!stages.includes(cycle.stage)) {
    return { editable: false, refusal: new DomainRefusal('PLAN_NOT_EDITABLE', `stage "${cycle.stage}" (the narrative sections are written in: ${stages.join(', ') || 'no stage'})`) };
  }
  return { editable: true };
}

function nodeOf(plan: PlanState, code: unknown, field: string): PlanNode {
  if (typeof code !== 'string' || !code.trim()) invalid([{ field, problem: 'is required' }]);
  const node = plan.nodes.get(code.trim());
  if (!node) throw new DomainRefusal('PLAN_NODE_NOT_FOUND', code.trim());
  return node;
}

/** The RPCT edits only section 2.3 (rischi corruttivi e trasparenza): its objectives and their indicators. */
function checkSection(plan: PlanState, role: Role, node: PlanNode): void {
  if (role !== 'rpct') return;
  const objective = node.kind === 'indicator' ? plan.nodes.get(node.objectiveCode) : node;
  if (objective?.kind !== 'operational_objective' || objective.section !== 'rischi_corruttivi') {
    throw new DomainRefusal('ROLE_NOT_ALLOWED', 'the RPCT edits only the objectives of section 2.3 (rischi_corruttivi) and their indicators');
  }
}

function checkParent(plan: PlanState, node: PlanNode): void {
  const parentKind = PARENT_KIND[node.kind];
  const parentCode = parentCodeOf(node);
  if (!parentKind || parentCode === null) return;
  const parent = plan.nodes.get(parentCode);
  if (!parent || parent.kind !== parentKind) {
    throw new DomainRefusal('PLAN_PARENT_NOT_FOUND', `${PARENT_FIELD[node.kind]} ${parentCode}: no ${parentKind.replace(/_/g, ' ')} with that code`);
  }
}

/** JSON with sorted keys: stored events come back from the database with their keys reordered. */
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
const sameJson = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

function today(ctx: DecisionContext): string {
  return isoDateAt(ctx.now, ctx.timeZone ?? 'Europe/Rome');
}

/**
 * Decides a plan command against the plan and the cycle (both folded from the cycle's stream).
 * Returns the events to append: an empty list when an update changes nothing.
 */
export function decidePlan(command: PlanCommand, plan: PlanState, cycle: CycleState, ctx: DecisionContext): DomainEvent[] {
  requireCycle(cycle, ctx);
  const def = ctx.definition;
  if (def.links.some((l) => l.plan)) throw linkedPlanRefusal();
  const years = planYears(cycle.year, def.period);
  const isRegister = (REGISTER_COMMANDS as readonly string[]).includes(command.type);
  if (isRegister && !REGISTER_CYCLE_TYPES.includes(cycle.cycleType)) throw new DomainRefusal('REGISTER_NOT_IN_CYCLE', cycle.cycleType);
  let variationId: string | undefined;
  if ((CONTENT_COMMANDS as readonly string[]).includes(command.type)) {
    const e = editability(plan, cycle, ctx);
    if (!e.editable) throw e.refusal;
    variationId = e.variationId;
  }
  const inVariation = <T extends object>(data: T): T & { variationId?: string } => (variationId ? { ...data, variationId } : data);
  if (isRegister) return decideRegister(command as RegisterCommand, plan, cycle, ctx, variationId);

  switch (command.type) {
    case 'add_node': {
      const role = actingRole(ctx, PLAN_ROLES.edit);
      const { node, problems } = validateNode(command.node, years);
      if (!node) invalid(problems);
      if (plan.nodes.has(node.code)) throw new DomainRefusal('PLAN_NODE_EXISTS', node.code);
      checkParent(plan, node);
      checkSection(plan, role, node);
      return [event(ctx, role, 'PlanNodeAdded', inVariation({ node: nodeJson(node) as unknown as PlanNode }))];
    }
    case 'update_node': {
      const role = actingRole(ctx, PLAN_ROLES.edit);
      const current = nodeOf(plan, command.code, 'code');
      checkSection(plan, role, current);
      if (!isObject(command.changes) || Object.keys(command.changes).length === 0) invalid([{ field: 'changes', problem: 'must be an object with at least one field' }]);
      const problems: FieldProblem[] = [];
      const parentField = PARENT_FIELD[current.kind];
      for (const k of Object.keys(command.changes)) {
        if (k === 'code' || k === 'kind') problems.push({ field: `changes.${k}`, problem: 'cannot be changed (remove the node and add another)' });
        else if (k === parentField) problems.push({ field: `changes.${k}`, problem: 'cannot be changed here: use move_node' });
        else if (!nodeFields(current.kind).includes(k)) problems.push({ field: `changes.${k}`, problem: `is not a field of a node of kind ${current.kind}` });
      }
      if (problems.length) invalid(problems);
      const merged: Record<string, unknown> = { ...current };
      for (const [k, v] of Object.entries(command.changes)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      const { node, problems: mergedProblems } = validateNode(merged, years);
      if (!node) invalid(mergedProblems.map((p) => ({ field: `changes.${p.field}`, problem: p.problem })));
      checkSection(plan, role, node);
      const before = current as unknown as Record<string, unknown>;
      const after = node as unknown as Record<string, unknown>;
      const set: JsonRecord = {};
      const unset: string[] = [];
      for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (!(k in after)) unset.push(k);
        else if (!sameJson(before[k], after[k])) set[k] = JSON.parse(JSON.stringify(after[k]));
      }
      if (Object.keys(set).length === 0 && unset.length === 0) return [];
      return [event(ctx, role, 'PlanNodeUpdated', inVariation({ code: current.code, kind: current.kind, set, unset }))];
    }
    case 'move_node': {
      const role = actingRole(ctx, PLAN_ROLES.edit);
      const current = nodeOf(plan, command.code, 'code');
      const field = PARENT_FIELD[current.kind];
      if (!field) invalid([{ field: 'code', problem: 'an ambito has no parent: it cannot be moved' }]);
      const r = new FieldReader({ parentCode: command.parentCode });
      const parentCode = r.code('parentCode');
      if (!parentCode) invalid(r.problems);
      const from = parentCodeOf(current) as string;
      if (from === parentCode) return [];
      const moved = { ...current, [field]: parentCode } as PlanNode;
      checkParent(plan, moved);
      checkSection(plan, role, current);
      checkSection(plan, role, moved);
      return [event(ctx, role, 'PlanNodeMoved', inVariation({ code: current.code, kind: current.kind, fromParentCode: from, toParentCode: parentCode }))];
    }
    case 'remove_node': {
      const role = actingRole(ctx, PLAN_ROLES.edit);
      const current = nodeOf(plan, command.code, 'code');
      checkSection(plan, role, current);
      const below = descendantsOf(plan.nodes, current.code);
      if (below.length > 0 && command.cascade !== true) {
        throw new DomainRefusal('PLAN_NODE_HAS_CHILDREN', `${current.code} has ${below.length} node(s) below it: remove them first or pass cascade: true`);
      }
      for (const n of below) checkSection(plan, role, n);
      return [event(ctx, role, 'PlanNodeRemoved', inVariation({ code: current.code, kind: current.kind, removed: below.map((n) => ({ code: n.code, kind: n.kind })) }))];
    }
    case 'set_targets': {
      const role = actingRole(ctx, PLAN_ROLES.edit);
      const current = nodeOf(plan, command.indicatorCode, 'indicatorCode');
      if (current.kind !== 'indicator') invalid([{ field: 'indicatorCode', problem: `${current.code} is a ${current.kind}, not an indicator` }]);
      checkSection(plan, role, current);
      const { targets, problems } = validateTargets(command.targets, years);
      let clear: number[] = [];
      if (command.clearYears !== undefined && command.clearYears !== null) {
        if (Array.isArray(command.clearYears) && command.clearYears.every((y) => Number.isInteger(y))) clear = command.clearYears as number[];
        else problems.push({ field: 'clearYears', problem: 'must be a list of years' });
      }
      if (targets.length === 0 && clear.length === 0 && problems.length === 0) problems.push({ field: 'targets', problem: 'must set at least one target (or clear a year)' });
      if (problems.length) invalid(problems);
      const byYear = new Map(current.targets.map((t) => [t.year, t]));
      for (const y of clear) byYear.delete(y);
      for (const t of targets) byYear.set(t.year, t);
      const next = [...byYear.values()].sort((a, b) => a.year - b.year);
      if (sameJson(next, current.targets)) return [];
      return [event(ctx, role, 'IndicatorTargetsSet', inVariation({ indicatorCode: current.code, targets: JSON.parse(JSON.stringify(next)) }))];
    }
    case 'set_weights': {
      const role = actingRole(ctx, PLAN_ROLES.edit);
      const objective = nodeOf(plan, command.objectiveCode, 'objectiveCode');
      if (objective.kind !== 'operational_objective') invalid([{ field: 'objectiveCode', problem: `${objective.code} is a ${objective.kind}, not an operational objective` }]);
      checkSection(plan, role, objective);
      if (!isObject(command.weights) || Object.keys(command.weights).length === 0) invalid([{ field: 'weights', problem: 'must map indicator codes to weights (percent)' }]);
      const problems: FieldProblem[] = [];
      const weights: Record<string, number | null> = {};
      let changed = false;
      for (const [code, w] of Object.entries(command.weights)) {
        const ind = plan.nodes.get(code);
        if (ind?.kind !== 'indicator' || ind.objectiveCode !== objective.code) problems.push({ field: `weights.${code}`, problem: `is not an indicator of ${objective.code}` });
        else if (w !== null && (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 100)) problems.push({ field: `weights.${code}`, problem: 'must be a number from 0 to 100, or null (n.d.)' });
        else {
          weights[code] = w as number | null;
          if ((ind as IndicatorNode).weight !== w) changed = true;
        }
      }
      if (problems.length) invalid(problems);
      if (!changed) return [];
      return [event(ctx, role, 'IndicatorWeightsSet', inVariation({ objectiveCode: objective.code, weights }))];
    }
    case 'record_measurement':
    case 'correct_measurement': {
      const role = actingRole(ctx, PLAN_ROLES.measure);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const indicatorCode = r.code('indicatorCode');
      const periodText = r.string('period', { required: true, max: 10 });
      const date = r.isoDate('date');
      const value = r.raw('value');
      if (value === undefined || value === null) r.problem('value', 'is required');
      const source = r.string('source', { max: 500 });
      const note = r.string('note', { max: 4000 });
      const attachmentHash = r.sha256('attachmentHash');
      const reason = command.type === 'correct_measurement' ? r.string('reason', { required: true, max: 4000 }) : undefined;
      const period = periodText ? parseMeasurementPeriod(periodText) : null;
      if (periodText && !period) r.problem('period', 'must be a year (2027), a month (2027-06), a semester (2027-S1) or a quarter (2027-Q2)');
      if (period && !years.includes(period.year)) r.problem('period', `must fall in a year of the plan (${years.join(', ')})`);
      if (period && date && date < `${String(period.year).padStart(4, '0')}-${String(period.startMonth).padStart(2, '0')}-01`) r.problem('date', 'is before the period starts');
      if (r.problems.length) invalid(r.problems);
      if ((date as string) > today(ctx)) throw new DomainRefusal('DATE_IN_FUTURE', `${date} is after ${today(ctx)}`);
      const indicator = plan.nodes.get(indicatorCode as string);
      if (indicator?.kind !== 'indicator') throw new DomainRefusal('PLAN_NODE_NOT_FOUND', `indicator ${indicatorCode}`);
      if (!acceptsValueOf(indicator, value)) {
        invalid([{ field: 'value', problem: `must be ${indicator.unit === 'data' ? 'a date YYYY-MM-DD (or false: not achieved)' : indicator.unit === 'si_no' ? 'true or false' : 'a number'} for unit ${indicator.unit}` }]);
      }
      if (plan.closedYears.includes((period as NonNullable<typeof period>).year)) {
        throw new DomainRefusal('MEASUREMENT_PERIOD_CLOSED', `the measurements of ${(period as NonNullable<typeof period>).year} are closed`);
      }
      const monitored = closedByMonitoring(plan, period as NonNullable<typeof period>);
      if (monitored) throw new DomainRefusal('MEASUREMENT_PERIOD_CLOSED', `the monitoring of ${monitored} closed its collection of measurements (reopen_measurements reopens it)`);
      const previous = [...plan.measurements].reverse().find((m) => m.indicatorCode === indicator.code && m.period === periodText);
      if (command.type === 'record_measurement' && previous) {
        throw new DomainRefusal('MEASUREMENT_ALREADY_RECORDED', `${indicator.code} ${periodText} = ${String(previous.value)} (recorded ${previous.date}): correct it with a reason`);
      }
      if (command.type === 'correct_measurement' && !previous) throw new DomainRefusal('MEASUREMENT_NOT_FOUND', `${indicator.code} ${periodText}`);
      const data: MeasurementData = { indicatorCode: indicator.code, period: periodText as string, value: value as number, date: date as string };
      if (source) data.source = source;
      if (note) data.note = note;
      if (attachmentHash) data.attachmentHash = attachmentHash;
      if (command.type === 'correct_measurement') {
        return [event(ctx, role, 'MeasurementCorrected', { ...data, reason: reason as string, previousValue: (previous as NonNullable<typeof previous>).value })];
      }
      return [event(ctx, role, 'MeasurementRecorded', data)];
    }
    case 'close_measurement_year': {
      const role = actingRole(ctx, PLAN_ROLES.closeYear);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const year = r.number('year', { integer: true, required: true });
      const reason = r.string('reason', { max: 4000 });
      if (year !== undefined && !years.includes(year)) r.problem('year', `must be a year of the plan (${years.join(', ')})`);
      if (r.problems.length) invalid(r.problems);
      if (plan.closedYears.includes(year as number)) throw new DomainRefusal('MEASUREMENT_PERIOD_CLOSED', `${year} is already closed`);
      return [event(ctx, role, 'MeasurementYearClosed', { year: year as number, ...(reason ? { reason } : {}) })];
    }
    case 'open_monitoring_period':
    case 'close_monitoring_period':
    case 'reopen_monitoring_period':
      return decideMonitoringPeriod(command, plan, years, ctx);
    case 'open_variation': {
      if (command.monitoringCycleId !== undefined && ctx.viaCycleId !== command.monitoringCycleId) linkedRole({ ...ctx, viaCycleId: undefined });
      const role = actingRole(ctx, PLAN_ROLES.openVariation);
      if (!plan.adopted) throw new DomainRefusal('PLAN_NOT_ADOPTED', `stage "${cycle.stage}": edit the draft instead`);
      const open = openVariation(plan);
      if (open) throw new DomainRefusal('PLAN_VARIATION_OPEN', `variation n. ${open.number} opened on ${open.openedAt}`);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const reason = r.string('reason', { required: true, max: 4000 });
      if (r.problems.length) invalid(r.problems);
      return [
        event(ctx, role, 'PlanVariationOpened', {
          variationId: command.variationId,
          number: plan.variations.length + 1,
          reason: reason as string,
          ...(command.monitoringCycleId ? { monitoringCycleId: command.monitoringCycleId } : {}),
        }),
      ];
    }
    case 'approve_variation': {
      const role = actingRole(ctx, PLAN_ROLES.approveVariation);
      const open = openVariation(plan);
      if (!open) throw new DomainRefusal('PLAN_NO_VARIATION');
      checkVariationOwner(open, ctx);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const number = r.string('number', { required: true, max: 50 });
      const date = r.isoDate('date');
      const actHash = r.sha256('actHash');
      if (!actHash && !r.problems.some((p) => p.field === 'actHash')) r.problem('actHash', 'is required');
      if (r.problems.length) invalid(r.problems);
      const d = date as string;
      if (d > today(ctx)) throw new DomainRefusal('DELIBERATION_DATE_IN_FUTURE', `${d} is after ${today(ctx)}`);
      const opened = isoDateAt(new Date(open.openedAt), ctx.timeZone ?? 'Europe/Rome');
      if (d < opened) throw new DomainRefusal('DELIBERATION_DATE_BEFORE_SUBMISSION', `${d} is before the variation was opened (${opened})`);
      const n = (number as string).toLowerCase();
      const year = d.slice(0, 4);
      // Through the monitoring cycle, the deliberation is that cycle's: its number was checked there.
      const dup =
        !open.monitoringCycleId &&
        (cycle.deliberations.some((x) => x.organ === 'giunta' && x.date.slice(0, 4) === year && x.number.trim().toLowerCase() === n) ||
        plan.variations.some((v) => v.deliberation && v.deliberation.date.slice(0, 4) === year && v.deliberation.number.trim().toLowerCase() === n) ||
        (ctx.knownDeliberations ?? []).some((x) => x.organ === 'giunta' && String(x.year) === year && x.number.trim().toLowerCase() === n && x.cycleId !== cycle.cycleId));
      if (dup) throw new DomainRefusal('DUPLICATE_DELIBERATION_NUMBER', `giunta n. ${number} of ${year}`);
      const problems = planSubmissionProblems(plan, cycle, def);
      if (problems.length) throw planIncomplete(problems);
      return [
        event(ctx, role, 'PlanVariationApproved', {
          variationId: open.variationId,
          number: open.number,
          kind: 'deliberation',
          organ: 'giunta',
          fields: { number: number as string, date: d, actHash: actHash as string },
          ...(open.monitoringCycleId ? { monitoringCycleId: open.monitoringCycleId } : {}),
        }),
      ];
    }
    case 'withdraw_variation': {
      const role = actingRole(ctx, PLAN_ROLES.openVariation);
      const open = openVariation(plan);
      if (!open) throw new DomainRefusal('PLAN_NO_VARIATION');
      checkVariationOwner(open, ctx);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const reason = r.string('reason', { required: true, max: 4000 });
      if (r.problems.length) invalid(r.problems);
      return [event(ctx, role, 'PlanVariationWithdrawn', { variationId: open.variationId, number: open.number, reason: reason as string })];
    }
    case 'write_narrative': {
      const role = actingRole(ctx, PLAN_ROLES.narrative);
      const sections = NARRATIVE_SECTIONS[cycle.cycleType] ?? [];
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const section = r.string('section', { required: true, max: 40 });
      if (section && !sections.some((x) => x.id === section)) r.problem('section', `must be one of: ${sections.map((x) => x.id).join(', ') || '(this cycle type has no narrative sections)'}`);
      if (typeof command.text !== 'string') r.problem('text', 'is required (an empty text clears the section)');
      else if (command.text.length > NARRATIVE_MAX_LENGTH) r.problem('text', `must be at most ${NARRATIVE_MAX_LENGTH} characters`);
      if (r.problems.length) invalid(r.problems);
      const e = narrativeEditability(plan, cycle, ctx);
      if (!e.editable) throw e.refusal;
      const text = (command.text as string).replace(/\r\n?/g, '\n').trim();
      if ((plan.narratives[section as string]?.text ?? '') === text) return [];
      return [event(ctx, role, 'NarrativeSectionWritten', { section: section as string, text })];
    }
    case 'set_scoring_rules': {
      const role = actingRole(ctx, PLAN_ROLES.scoring);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const tolerance = r.number('weightTolerance', { min: 0, max: 10 });
      const reason = r.string('reason', { max: 4000 });
      if (!isObject(command.rules)) r.problem('rules', 'must be an object of SMVP rules');
      const known: (keyof SmvpRules)[] = ['allowOverachievement', 'overachievementCap', 'lowerIsBetterFormula', 'equalsScoring', 'equalsTolerance', 'equalsTolerancePercent', 'dateGraceDays', 'bands'];
      if (isObject(command.rules)) {
        for (const k of Object.keys(command.rules)) if (!(known as string[]).includes(k)) r.problem(`rules.${k}`, 'is not an SMVP rule');
        try {
          resolveSmvpRules(command.rules as Partial<SmvpRules>);
        } catch (err) {
          if (err instanceof SmvpRulesError) for (const p of err.problems) r.problem('rules', p);
          else throw err;
        }
      }
      if (r.problems.length) invalid(r.problems);
      return [
        event(ctx, role, 'PlanScoringRulesSet', {
          rules: JSON.parse(JSON.stringify(command.rules)) as JsonRecord,
          ...(tolerance !== undefined ? { weightTolerance: tolerance } : {}),
          ...(reason ? { reason } : {}),
        }),
      ];
    }
    default:
      throw new DomainRefusal('UNKNOWN_PLAN_COMMAND', command.type);
  }
}

function acceptsValueOf(indicator: IndicatorNode, value: unknown): boolean {
  if (!(typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string')) return false;
  return acceptsValue({ unit: indicator.unit } as Parameters<typeof acceptsValue>[0], value);
}
