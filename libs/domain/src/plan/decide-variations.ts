/** The plan decider's variations of the adopted plan: opened, approved by the Giunta, withdrawn. */
import { isoDateAt } from '../calendar';
import { DomainRefusal } from '../cycle/errors';
import type { CycleState, DecisionContext, DomainEvent } from '../cycle/model';
import { actingRole } from '../cycle/decide';
import { event, invalid, planIncomplete, PLAN_ROLES, today } from './decide-common';
import { checkVariationOwner, linkedRole } from './decide-linked';
import { FieldReader } from './fields';
import { openVariation, type PlanCommand, type PlanState } from './model';
import { planSubmissionProblems } from './tree';

/** `open_variation`, `approve_variation`, `withdraw_variation`. */
export function decideVariation(command: Extract<PlanCommand, { type: 'open_variation' | 'approve_variation' | 'withdraw_variation' }>, plan: PlanState, cycle: CycleState, ctx: DecisionContext): DomainEvent[] {
  switch (command.type) {
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
      const problems = planSubmissionProblems(plan, cycle, ctx.definition);
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
  }
}
