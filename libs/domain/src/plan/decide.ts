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
 * This file checks what every command needs (the cycle, the editability of the content) and hands
 * each group of commands to its part: tree edits (`decide-tree.ts`), measurements
 * (`decide-measurements.ts`), variations (`decide-variations.ts`), narrative and scoring rules
 * (`decide-content.ts`), the monitoring's periods (`decide-linked.ts`), the register
 * (`register/decide.ts`).
 */
import { DomainRefusal } from '../cycle/errors';
import type { CycleState, DecisionContext, DomainEvent } from '../cycle/model';
import { decideContent } from './decide-content';
import { decideMonitoringPeriod, linkedPlanRefusal } from './decide-linked';
import { decideMeasurement } from './decide-measurements';
import { decideTreeEdit } from './decide-tree';
import { decideVariation } from './decide-variations';
import { CONTENT_COMMANDS, openVariation, type PlanCommand, type PlanState } from './model';
import { decideRegister } from './register/decide';
import { REGISTER_COMMANDS, REGISTER_CYCLE_TYPES, type RegisterCommand } from './register/model';
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
  if (isRegister) return decideRegister(command as RegisterCommand, plan, cycle, ctx, variationId);

  switch (command.type) {
    case 'add_node':
    case 'update_node':
    case 'move_node':
    case 'remove_node':
    case 'set_targets':
    case 'set_weights':
      return decideTreeEdit(command, plan, ctx, years, variationId);
    case 'record_measurement':
    case 'correct_measurement':
    case 'close_measurement_year':
      return decideMeasurement(command, plan, ctx, years);
    case 'open_monitoring_period':
    case 'close_monitoring_period':
    case 'reopen_monitoring_period':
      return decideMonitoringPeriod(command, plan, years, ctx);
    case 'open_variation':
    case 'approve_variation':
    case 'withdraw_variation':
      return decideVariation(command, plan, cycle, ctx);
    case 'write_narrative':
    case 'set_scoring_rules':
      return decideContent(command, plan, cycle, ctx);
    default:
      throw new DomainRefusal('UNKNOWN_PLAN_COMMAND', command.type);
  }
}
