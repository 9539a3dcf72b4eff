/**
 * A monitoring cycle acting on the plan its link names (docs/links.md): the link's `plan` block in
 * the definition says which transitions close and reopen the measurement period the monitoring
 * opened, which open a variation of the target's tree and which deliberation approves it. Pure:
 * from the definition, the monitoring cycle's state and the command, the plan commands to run on
 * the target.
 */
import type { CycleState, JsonRecord } from '../cycle/model';
import type { CycleDefinition, LinkDefinition, LinkPlanEffects } from '../definitions';
import { openVariation, type LinkedPlanCommand, type PlanCommand, type PlanState } from './model';

/** The link of a definition that acts on a plan, if any. */
export function planLink(def: CycleDefinition): (LinkDefinition & { plan: LinkPlanEffects }) | undefined {
  return def.links.find((l): l is LinkDefinition & { plan: LinkPlanEffects } => !!l.plan);
}

/** The measurement period a monitoring of `year` opens: `2027-S1`, or `2027` for the whole year. */
export function monitoredPeriod(effects: LinkPlanEffects, year: number): string {
  return effects.period === 'year' ? String(year) : `${year}-${effects.period}`;
}

export interface LinkedPlanStep {
  /** The link (its id) */
  linkId: string;
  /** The linked cycle, or null when the link is missing */
  targetCycleId: string | null;
  /** What the step does, for the refusal when the link is missing */
  effect: 'open_period' | 'close_period' | 'reopen_period' | 'open_variation' | 'approve_variation';
  /** The plan command to run on the target */
  command: PlanCommand;
}

/** The period opened when the link is made (the monitoring collects the measurements from then). */
export function periodOpening(def: CycleDefinition, state: Pick<CycleState, 'cycleId' | 'year'>, linkId: string): LinkedPlanCommand | undefined {
  const link = planLink(def);
  if (!link || link.id !== linkId) return undefined;
  return { type: 'open_monitoring_period', period: monitoredPeriod(link.plan, state.year), monitoringCycleId: state.cycleId };
}

/**
 * The plan command a transition of the monitoring cycle issues on the linked plan, or undefined.
 * `variationId` names the variation `openVariationOn` opens (the caller draws it).
 */
export function linkedPlanStep(
  def: CycleDefinition,
  state: Pick<CycleState, 'cycleId' | 'year' | 'links'>,
  command: string,
  fields: JsonRecord,
  variationId: string,
): LinkedPlanStep | undefined {
  const link = planLink(def);
  if (!link) return undefined;
  const linked = Object.hasOwn(state.links, link.id) ? state.links[link.id] : undefined;
  const base = { linkId: link.id, targetCycleId: linked?.targetCycleId ?? null };
  const period = monitoredPeriod(link.plan, state.year);
  const monitoringCycleId = state.cycleId;
  const p = link.plan;
  if (p.closePeriodOn.includes(command)) return { ...base, effect: 'close_period', command: { type: 'close_monitoring_period', period, monitoringCycleId } };
  if (p.reopenPeriodOn.includes(command)) return { ...base, effect: 'reopen_period', command: { type: 'reopen_monitoring_period', period, monitoringCycleId } };
  if (p.openVariationOn.includes(command)) {
    return { ...base, effect: 'open_variation', command: { type: 'open_variation', variationId, reason: fields.reason, monitoringCycleId } };
  }
  if (p.approveVariationOn.includes(command)) {
    return { ...base, effect: 'approve_variation', command: { type: 'approve_variation', number: fields.number, date: fields.date, actHash: fields.actHash } };
  }
  return undefined;
}

/** Whether a step needs the linked plan: a variation does, a period is skipped while the link is missing. */
export const stepNeedsTarget = (step: LinkedPlanStep): boolean => step.effect === 'open_variation' || step.effect === 'approve_variation';

/**
 * Why a variation transition of the monitoring would be refused now, read on the linked plan (for
 * the cycle view's blocked commands), or undefined. `plan`/`targetCancelled` are the PIAO's, null
 * when no PIAO is linked.
 */
export function variationBlock(
  def: CycleDefinition,
  monitoringCycleId: string,
  command: string,
  target: { plan: PlanState; cancelled: boolean } | null,
): 'LINK_MISSING' | 'CYCLE_CLOSED' | 'PLAN_NOT_ADOPTED' | 'PLAN_VARIATION_OPEN' | 'PLAN_NO_VARIATION' | undefined {
  const link = planLink(def);
  if (!link) return undefined;
  const opens = link.plan.openVariationOn.includes(command);
  const approves = link.plan.approveVariationOn.includes(command);
  if (!opens && !approves) return undefined;
  if (!target) return 'LINK_MISSING';
  if (target.cancelled) return 'CYCLE_CLOSED';
  const open = openVariation(target.plan);
  if (opens) return !target.plan.adopted ? 'PLAN_NOT_ADOPTED' : open ? 'PLAN_VARIATION_OPEN' : undefined;
  return open?.monitoringCycleId === monitoringCycleId ? undefined : 'PLAN_NO_VARIATION';
}
