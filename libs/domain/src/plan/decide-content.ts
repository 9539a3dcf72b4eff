/** The plan decider's texts and rules: the narrative sections, the SMVP scoring rules. */
import { DomainRefusal } from '../cycle/errors';
import type { CycleState, DecisionContext, DomainEvent, JsonRecord } from '../cycle/model';
import type { Role } from '../definitions';
import type { ParsedContentCommand } from './commands';
import { event } from './decide-common';
import { openVariation, type PlanState } from './model';

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

/** `write_narrative`, `set_scoring_rules`, parsed and issued in `role`. */
export function decideContent(command: ParsedContentCommand, role: Role, plan: PlanState, cycle: CycleState, ctx: DecisionContext): DomainEvent[] {
  switch (command.type) {
    case 'write_narrative': {
      const e = narrativeEditability(plan, cycle, ctx);
      if (!e.editable) throw e.refusal;
      const { section, text } = command;
      if ((plan.narratives[section]?.text ?? '') === text) return [];
      return [event(ctx, role, 'NarrativeSectionWritten', { section, text })];
    }
    case 'set_scoring_rules': {
      const { rules, weightTolerance, reason } = command;
      return [
        event(ctx, role, 'PlanScoringRulesSet', {
          rules: rules as JsonRecord,
          ...(weightTolerance !== undefined ? { weightTolerance } : {}),
          ...(reason ? { reason } : {}),
        }),
      ];
    }
  }
}
