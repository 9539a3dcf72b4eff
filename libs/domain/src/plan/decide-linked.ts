/**
 * The plan decider's part for a Monitoraggio intermedio acting on the PIAO's plan (docs/links.md):
 * the period it opens, closes and reopens (engine-issued, never over HTTP), the measurements a
 * closed period refuses, and the variation only its deliberation approves. Pure.
 */
import { DomainRefusal } from '../cycle/errors';
import type { DecisionContext, DomainEvent } from '../cycle/model';
import type { Role } from '../definitions';
import { parseMeasurementPeriod } from '../performance/periods';
import { planEvent } from './events';
import type { LinkedPlanCommand, PlanState } from './model';

/** A cycle whose link measures and varies another cycle's plan holds no tree of its own. */
export function linkedPlanRefusal(): DomainRefusal {
  return new DomainRefusal('PLAN_OF_LINKED_CYCLE', "this cycle's tree is the plan of the cycle its link names: send the command to that cycle's plan");
}

/** A variation a monitoring cycle opened is approved or withdrawn only through that cycle's transitions. */
export function checkVariationOwner(open: { number: number; monitoringCycleId?: string }, ctx: DecisionContext): void {
  if (open.monitoringCycleId && ctx.viaCycleId !== open.monitoringCycleId) {
    throw new DomainRefusal('PLAN_VARIATION_LINKED', `variation n. ${open.number} is decided in monitoring cycle ${open.monitoringCycleId} (the Giunta's deliberation recorded there)`);
  }
}

/** The role of an engine-issued command: the one the monitoring cycle's transition was run in. */
export function linkedRole(ctx: DecisionContext): Role {
  if (!ctx.viaCycleId) throw new DomainRefusal('ROLE_NOT_ALLOWED', 'issued only by a linked monitoring cycle');
  return ctx.actingRole ?? ctx.actor.roles[0];
}

/** Whether the measurements of `period` fall in a period a monitoring cycle closed. */
export function closedByMonitoring(plan: PlanState, period: { year: number; startMonth: number; endMonth: number }): string | undefined {
  for (const p of plan.monitoringPeriods) {
    if (p.status !== 'closed') continue;
    const m = parseMeasurementPeriod(p.period);
    if (m && m.year === period.year && period.startMonth >= m.startMonth && period.endMonth <= m.endMonth) return p.period;
  }
  return undefined;
}

/** `open_monitoring_period`, `close_monitoring_period`, `reopen_monitoring_period`, issued in `role` (`linkedRole`): what is already so records nothing. */
export function decideMonitoringPeriod(command: LinkedPlanCommand, role: Role, plan: PlanState, years: readonly number[], ctx: DecisionContext): DomainEvent[] {
  const period = parseMeasurementPeriod(command.period);
  if (!period || period.kind === 'month') {
    throw new DomainRefusal('PLAN_INVALID_FIELDS', 'period must be a year, a semester or a quarter', [{ field: 'period', problem: 'must be a year, a semester or a quarter' }]);
  }
  if (!years.includes(period.year)) throw new DomainRefusal('LINK_TARGET_YEAR_MISMATCH', `${command.period} is not in a year of the plan (${years.join(', ')})`);
  const current = plan.monitoringPeriods.find((p) => p.period === command.period && p.monitoringCycleId === command.monitoringCycleId);
  const event = (type: 'MeasurementPeriodOpened' | 'MeasurementPeriodClosed' | 'MeasurementPeriodReopened'): DomainEvent[] => [
    planEvent(type, { period: command.period, year: period.year, monitoringCycleId: command.monitoringCycleId }, ctx.actor.userId, role, ctx.now.toISOString()),
  ];
  if (command.type === 'open_monitoring_period') return current ? [] : event('MeasurementPeriodOpened');
  if (command.type === 'close_monitoring_period') return current?.status === 'closed' ? [] : event('MeasurementPeriodClosed');
  return current?.status !== 'closed' ? [] : event('MeasurementPeriodReopened');
}
