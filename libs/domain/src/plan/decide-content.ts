/** The plan decider's texts and rules: the narrative sections, the SMVP scoring rules. */
import { DomainRefusal } from '../cycle/errors';
import type { CycleState, DecisionContext, DomainEvent, JsonRecord } from '../cycle/model';
import { actingRole } from '../cycle/decide';
import { resolveSmvpRules, SmvpRulesError, type SmvpRules } from '../performance/smvp-rules';
import { event, invalid, PLAN_ROLES } from './decide-common';
import { FieldReader, isObject } from './fields';
import { NARRATIVE_MAX_LENGTH, NARRATIVE_SECTIONS, openVariation, type PlanCommand, type PlanState } from './model';

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

/** `write_narrative`, `set_scoring_rules`. */
export function decideContent(command: Extract<PlanCommand, { type: 'write_narrative' | 'set_scoring_rules' }>, plan: PlanState, cycle: CycleState, ctx: DecisionContext): DomainEvent[] {
  switch (command.type) {
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
  }
}
