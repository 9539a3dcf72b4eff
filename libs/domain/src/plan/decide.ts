/**
 * The plan decider: what a plan command means for a cycle, as events for the cycle's stream, or a
 * `DomainRefusal` with a stable code. Pure: the definition, the actor and the clock come in `ctx`.
 *
 * - Tree edits (add, update, move, remove, targets, weights) only in the stages the definition
 *   marks `editableStages`; after adoption (the cycle's first deliberation) only inside an open
 *   variation, which the Giunta approves.
 * - Measurements by rilevatori (and the struttura tecnica) at any time while the cycle is not
 *   cancelled; a correction is a new event with a reason; closed years refuse both.
 *
 * This file checks what every command needs (the cycle, the editability of the content, the role),
 * parses the command (`parse.ts`: the input's `unknown` fields become a typed command, or a refusal
 * naming the bad fields) and hands each group of commands to its part: tree edits (`decide-tree.ts`), measurements
 * (`decide-measurements.ts`), variations (`decide-variations.ts`), narrative and scoring rules
 * (`decide-content.ts`), the monitoring's periods (`decide-linked.ts`), the register
 * (`register/decide.ts`).
 */
import { actingRole } from '../cycle/decide';
import { DomainRefusal } from '../cycle/errors';
import type { CycleState, DecisionContext, DomainEvent } from '../cycle/model';
import type { Role } from '../definitions';
import { PLAN_ROLES } from './decide-common';
import { decideContent } from './decide-content';
import { decideMonitoringPeriod, linkedPlanRefusal, linkedRole } from './decide-linked';
import { decideMeasurement } from './decide-measurements';
import { decideTreeEdit } from './decide-tree';
import { decideVariation } from './decide-variations';
import { CONTENT_COMMANDS, NARRATIVE_SECTIONS, openVariation, type PlanCommand, type PlanCommandName, type PlanState } from './model';
import { parsePlanCommand, type PlanParseContext } from './parse';
import { decideRegister, REGISTER_COMMAND_ROLES } from './register/decide';
import { assessmentMethod, REGISTER_COMMANDS, REGISTER_CYCLE_TYPES, type RegisterCommandName } from './register/model';
import { planYears } from './tree';

export { PLAN_ROLES, planIncomplete } from './decide-common';
export { narrativeEditability } from './decide-content';

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

/** Who may issue each plan command of the tree, the measurements, the variations and the texts. */
const PLAN_COMMAND_ROLES: Record<Exclude<PlanCommandName, RegisterCommandName>, readonly Role[]> = {
  add_node: PLAN_ROLES.edit,
  update_node: PLAN_ROLES.edit,
  move_node: PLAN_ROLES.edit,
  remove_node: PLAN_ROLES.edit,
  set_targets: PLAN_ROLES.edit,
  set_weights: PLAN_ROLES.edit,
  record_measurement: PLAN_ROLES.measure,
  correct_measurement: PLAN_ROLES.measure,
  close_measurement_year: PLAN_ROLES.closeYear,
  open_variation: PLAN_ROLES.openVariation,
  approve_variation: PLAN_ROLES.approveVariation,
  withdraw_variation: PLAN_ROLES.openVariation,
  set_scoring_rules: PLAN_ROLES.scoring,
  write_narrative: PLAN_ROLES.narrative,
};

const COMMAND_ROLES: ReadonlyMap<string, readonly Role[]> = new Map([...Object.entries(PLAN_COMMAND_ROLES), ...Object.entries(REGISTER_COMMAND_ROLES)]);

/** The role the command is issued in, or the refusal: checked before the command's fields. */
function commandRole(command: PlanCommand, ctx: DecisionContext): Role {
  switch (command.type) {
    case 'open_monitoring_period':
    case 'close_monitoring_period':
    case 'reopen_monitoring_period':
      return linkedRole(ctx);
    case 'open_variation':
      // Only the monitoring cycle named may open a variation on its behalf.
      if (command.monitoringCycleId !== undefined && ctx.viaCycleId !== command.monitoringCycleId) linkedRole({ ...ctx, viaCycleId: undefined });
      break;
  }
  const allowed = COMMAND_ROLES.get(command.type);
  if (!allowed) throw new DomainRefusal('UNKNOWN_PLAN_COMMAND', command.type);
  return actingRole(ctx, allowed);
}

/** What the parse step needs from the plan and the cycle (`parsePlanCommand`). */
export function planParseContext(plan: PlanState, cycle: CycleState, ctx: Pick<DecisionContext, 'definition' | 'ratingMethod'>): PlanParseContext {
  return {
    years: planYears(cycle.year, ctx.definition.period),
    narrativeSections: (NARRATIVE_SECTIONS[cycle.cycleType] ?? []).map((s) => s.id),
    register: { method: assessmentMethod(plan.register, ctx.ratingMethod ?? null).method, monitoringDates: plan.register.monitoringDates },
  };
}

/**
 * Decides a plan command against the plan and the cycle (both folded from the cycle's stream).
 * Returns the events to append: an empty list when an update changes nothing.
 *
 * The order of the refusals: the cycle (found, not cancelled, not linked to another cycle's plan,
 * register allowed, content editable), the role, the fields (`parsePlanCommand`), then what the
 * plan's state refuses (a node not found, a value not of the indicator's unit...).
 */
export function decidePlan(command: PlanCommand, plan: PlanState, cycle: CycleState, ctx: DecisionContext): DomainEvent[] {
  requireCycle(cycle, ctx);
  const def = ctx.definition;
  if (def.links.some((l) => l.plan)) throw linkedPlanRefusal();
  const isRegister = (REGISTER_COMMANDS as readonly string[]).includes(command.type);
  if (isRegister && !REGISTER_CYCLE_TYPES.includes(cycle.cycleType)) throw new DomainRefusal('REGISTER_NOT_IN_CYCLE', cycle.cycleType);
  let variationId: string | undefined;
  if ((CONTENT_COMMANDS as readonly string[]).includes(command.type)) {
    const e = editability(plan, cycle, ctx);
    if (!e.editable) throw e.refusal;
    variationId = e.variationId;
  }
  const role = commandRole(command, ctx);
  const context = planParseContext(plan, cycle, ctx);
  const parsed = parsePlanCommand(command, context);
  switch (parsed.type) {
    case 'add_node':
    case 'update_node':
    case 'move_node':
    case 'remove_node':
    case 'set_targets':
    case 'set_weights':
      return decideTreeEdit(parsed, role, plan, ctx, context.years, variationId);
    case 'record_measurement':
    case 'correct_measurement':
    case 'close_measurement_year':
      return decideMeasurement(parsed, role, plan, ctx);
    case 'open_monitoring_period':
    case 'close_monitoring_period':
    case 'reopen_monitoring_period':
      return decideMonitoringPeriod(parsed, role, plan, context.years, ctx);
    case 'open_variation':
    case 'approve_variation':
    case 'withdraw_variation':
      return decideVariation(parsed, role, plan, cycle, ctx);
    case 'write_narrative':
    case 'set_scoring_rules':
      return decideContent(parsed, role, plan, cycle, ctx);
    default:
      return decideRegister(parsed, role, plan, cycle, ctx, variationId);
  }
}
