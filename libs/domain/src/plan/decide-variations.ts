/** The plan decider's variations of the adopted plan: opened, approved by the Giunta, withdrawn. */
import { isoDateAt } from '../calendar';
import { DomainRefusal } from '../cycle/errors';
import type { CycleState, DecisionContext, DomainEvent } from '../cycle/model';
import type { Role } from '../definitions';
import type { ParsedVariationCommand } from './commands';
import { event, planIncomplete, today } from './decide-common';
import { checkVariationOwner } from './decide-linked';
import { openVariation, type PlanState } from './model';
import { planSubmissionProblems } from './tree';

/** `open_variation`, `approve_variation`, `withdraw_variation`, parsed and issued in `role`. */
export function decideVariation(command: ParsedVariationCommand, role: Role, plan: PlanState, cycle: CycleState, ctx: DecisionContext): DomainEvent[] {
  switch (command.type) {
    case 'open_variation': {
      if (!plan.adopted) throw new DomainRefusal('PLAN_NOT_ADOPTED', `stage "${cycle.stage}": edit the draft instead`);
      const open = openVariation(plan);
      if (open) throw new DomainRefusal('PLAN_VARIATION_OPEN', `variation n. ${open.number} opened on ${open.openedAt}`);
      return [
        event(ctx, role, 'PlanVariationOpened', {
          variationId: command.variationId,
          number: plan.variations.length + 1,
          reason: command.reason,
          ...(command.monitoringCycleId ? { monitoringCycleId: command.monitoringCycleId } : {}),
        }),
      ];
    }
    case 'approve_variation': {
      const open = openVariation(plan);
      if (!open) throw new DomainRefusal('PLAN_NO_VARIATION');
      checkVariationOwner(open, ctx);
      const { number, date: d, actHash } = command;
      if (d > today(ctx)) throw new DomainRefusal('DELIBERATION_DATE_IN_FUTURE', `${d} is after ${today(ctx)}`);
      const opened = isoDateAt(new Date(open.openedAt), ctx.timeZone ?? 'Europe/Rome');
      if (d < opened) throw new DomainRefusal('DELIBERATION_DATE_BEFORE_SUBMISSION', `${d} is before the variation was opened (${opened})`);
      const n = number.toLowerCase();
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
          fields: { number, date: d, actHash },
          ...(open.monitoringCycleId ? { monitoringCycleId: open.monitoringCycleId } : {}),
        }),
      ];
    }
    case 'withdraw_variation': {
      const open = openVariation(plan);
      if (!open) throw new DomainRefusal('PLAN_NO_VARIATION');
      checkVariationOwner(open, ctx);
      return [event(ctx, role, 'PlanVariationWithdrawn', { variationId: open.variationId, number: open.number, reason: command.reason })];
    }
  }
}
