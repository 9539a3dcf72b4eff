import { linkFits, type CycleDefinition, type LinkDefinition, type Role, type TransitionKind } from '../definitions';
import { isIsoDate, isoDateAt, type IsoDate } from '../calendar';
import { DomainRefusal, type FieldProblem } from './errors';
import type { CycleCommand, CycleState, DecisionContext, DomainEvent, JsonRecord, LinkCandidate } from './model';

/**
 * Links between cycles (docs/links.md): resolution of a definition's links to cycles of the
 * tenant, the explicit `link` command, the records kept on the target, the events of a linked
 * cycle that deadlines follow, and the per-year switch of `later_of` deadlines. Pure.
 */

type LinkCommand = Extract<CycleCommand, { type: 'link' | 'resolve_links' | 'record_linked_from' | 'record_linked_event' | 'switch_deadline_rule' }>;

const ACT_KINDS: readonly string[] = ['deliberation', 'validation', 'refusal', 'publication', 'transmission'] satisfies TransitionKind[];

const event = (ctx: DecisionContext, role: Role, type: string, data: JsonRecord): DomainEvent => ({
  type,
  data,
  actorId: ctx.actor.userId,
  actorRole: role,
  occurredAt: ctx.now.toISOString(),
});

/** The role an engine-issued record is attributed to: the one the actor acts in for the command that caused it. */
const engineRole = (ctx: DecisionContext): Role => ctx.actingRole ?? ctx.actor.roles[0] ?? 'admin';

const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

function requireCycle(state: CycleState, ctx: DecisionContext): void {
  if (!state.exists || state.tenant !== ctx.actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
}

/**
 * The cycle a link resolves to among `candidates`, or undefined when none fits (shown as missing,
 * never guessed): not cancelled, of the link's type, its year fitting the link (same year, or a
 * period covering this cycle's year). Among several: for `covering` the one starting latest (the
 * PIAO 2027-2029 rather than 2026-2028 for 2027), then the one opened first; for `same` the one
 * opened first (the budget itself rather than a later update of it).
 */
export function resolveLink(link: LinkDefinition, state: Pick<CycleState, 'cycleId' | 'year'>, candidates: readonly LinkCandidate[]): LinkCandidate | undefined {
  const fits = candidates.filter(
    (c) => c.cycleType === link.type && c.status !== 'cancelled' && c.cycleId !== state.cycleId && linkFits(link, state.year, c.year, c.period),
  );
  fits.sort((a, b) => (link.year === 'covering' ? b.year - a.year : 0) || a.openedAt.localeCompare(b.openedAt) || a.cycleId.localeCompare(b.cycleId));
  return fits[0];
}

/** The day an event of a linked cycle counts from: the act's own date when it carries one, else the day it was recorded. */
export function linkedEventDate(record: { kind: string; fields: JsonRecord; at: string }, timeZone = 'Europe/Rome'): IsoDate {
  const date = record.fields.date;
  return ACT_KINDS.includes(record.kind) && isIsoDate(date) ? date : isoDateAt(new Date(record.at), timeZone);
}

/** The events of the target a definition's `later_of` deadlines follow through `linkId`. */
export function followedEvents(def: CycleDefinition, linkId: string): string[] {
  return [...new Set(def.deadlines.flatMap((d) => (d.rule.type === 'later_of' && d.rule.link === linkId ? [d.rule.event] : [])))];
}

function linkedData(link: LinkDefinition, target: LinkCandidate, extra: JsonRecord): JsonRecord {
  return {
    linkId: link.id,
    relation: link.relation,
    targetType: target.cycleType,
    targetCycleId: target.cycleId,
    targetYear: target.year,
    targetPeriod: target.period,
    targetVersion: target.version,
    ...extra,
  };
}

export function decideLinkCommand(command: LinkCommand, state: CycleState, ctx: DecisionContext, actingRole: (allowed: readonly Role[]) => Role): DomainEvent[] {
  const def = ctx.definition;
  requireCycle(state, ctx);
  switch (command.type) {
    case 'resolve_links': {
      if (state.status === 'cancelled') return [];
      const role = engineRole(ctx);
      const out: DomainEvent[] = [];
      for (const link of def.links) {
        if (Object.hasOwn(state.links, link.id)) continue;
        const target = resolveLink(link, state, ctx.linkCandidates ?? []);
        if (target) out.push(event(ctx, role, 'CycleLinked', linkedData(link, target, { mode: 'automatic' })));
      }
      return out;
    }
    case 'link': {
      if (state.status === 'cancelled' || def.stages.some((s) => s.id === state.stage && s.terminal)) {
        throw new DomainRefusal('CYCLE_CLOSED', state.status === 'cancelled' ? 'cancelled' : `terminal stage ${state.stage}`);
      }
      const role = actingRole([...new Set<Role>([...def.openRoles, ...def.cancelRoles, 'admin'])]);
      const link = def.links.find((l) => l.id === command.linkId);
      if (!link) {
        throw new DomainRefusal('UNKNOWN_LINK', `${String(command.linkId)} (links: ${def.links.map((l) => l.id).join(', ') || 'none'})`, [
          { field: 'linkId', problem: `must be one of: ${def.links.map((l) => l.id).join(', ') || '(none)'}` },
        ]);
      }
      if (!text(command.reason, 4000)) {
        throw new DomainRefusal('INVALID_FIELDS', 'reason must be 1 to 4000 characters', [{ field: 'reason', problem: 'must be 1 to 4000 characters' }]);
      }
      const target = (ctx.linkCandidates ?? []).find((c) => c.cycleId === command.targetCycleId);
      const field = (problem: string): FieldProblem[] => [{ field: 'targetCycleId', problem }];
      if (!target || target.cycleId === state.cycleId) throw new DomainRefusal('LINK_TARGET_NOT_FOUND', String(command.targetCycleId), field('is not a cycle of this tenant'), 'campo targetCycleId');
      if (target.cycleType !== link.type) {
        throw new DomainRefusal('LINK_TARGET_WRONG_TYPE', `${target.cycleType}, expected ${link.type}`, field(`must be a cycle of type ${link.type}`), `campo targetCycleId: serve un ciclo di tipo ${link.type}`);
      }
      if (target.status === 'cancelled') throw new DomainRefusal('LINK_TARGET_CANCELLED', target.cycleId, field('is a cancelled cycle'), 'campo targetCycleId');
      if (!linkFits(link, state.year, target.year, target.period)) {
        const want = link.year === 'same' ? `year ${state.year}` : `a period covering ${state.year}`;
        throw new DomainRefusal(
          'LINK_TARGET_YEAR_MISMATCH',
          `cycle of ${target.year} (${target.period}); the link needs ${want}`,
          field(`must be a cycle of ${want}`),
          `campo targetCycleId: il ciclo è del ${target.year}, il collegamento richiede ${link.year === 'same' ? `l'anno ${state.year}` : `un periodo che comprenda il ${state.year}`}`,
        );
      }
      const current = state.links[link.id];
      if (current?.targetCycleId === target.cycleId) throw new DomainRefusal('LINK_UNCHANGED', target.cycleId, field('is already the linked cycle'), 'campo targetCycleId');
      return [
        event(
          ctx,
          role,
          'CycleLinked',
          linkedData(link, target, { mode: 'command', reason: command.reason.trim(), ...(current ? { previousTargetCycleId: current.targetCycleId } : {}) }),
        ),
      ];
    }
    case 'record_linked_from': {
      // Kept on the target whatever its stage: a published PIAO is still what next year's Relazione reports on.
      if (command.withdrawn) {
        if (!state.linkedFrom.some((l) => l.sourceCycleId === command.sourceCycleId && l.linkId === command.linkId)) return [];
        return [event(ctx, engineRole(ctx), 'CycleUnlinkedFrom', { linkId: command.linkId, sourceType: command.sourceType, sourceCycleId: command.sourceCycleId, sourceYear: command.sourceYear, sourceVersion: command.sourceVersion })];
      }
      return [
        event(ctx, engineRole(ctx), 'CycleLinkedFrom', {
          linkId: command.linkId,
          relation: command.relation,
          sourceType: command.sourceType,
          sourceCycleId: command.sourceCycleId,
          sourceYear: command.sourceYear,
          sourceVersion: command.sourceVersion,
        }),
      ];
    }
    case 'record_linked_event': {
      const current = state.links[command.linkId];
      if (!current || current.targetCycleId !== command.targetCycleId) throw new DomainRefusal('LINK_NOT_RESOLVED', `${command.linkId} -> ${command.targetCycleId}`);
      if (!isIsoDate(command.date)) throw new DomainRefusal('INVALID_FIELDS', 'date', [{ field: 'date', problem: 'must be a date YYYY-MM-DD' }]);
      const known = state.linkedEvents[command.linkId]?.[command.event];
      if (known && known.targetVersion >= command.targetVersion) return [];
      return [
        event(ctx, engineRole(ctx), 'LinkedEventRecorded', {
          linkId: command.linkId,
          targetCycleId: command.targetCycleId,
          event: command.event,
          date: command.date,
          targetVersion: command.targetVersion,
        }),
      ];
    }
    case 'switch_deadline_rule': {
      if (state.status === 'cancelled' || def.stages.some((s) => s.id === state.stage && s.terminal)) {
        throw new DomainRefusal('CYCLE_CLOSED', state.status === 'cancelled' ? 'cancelled' : `terminal stage ${state.stage}`);
      }
      const d = def.deadlines.find((x) => x.id === command.deadlineId && x.rule.type === 'later_of' && x.rule.switchable);
      if (!d) {
        const switchable = def.deadlines.filter((x) => x.rule.type === 'later_of' && x.rule.switchable).map((x) => x.id);
        throw new DomainRefusal('UNKNOWN_DEADLINE', `${String(command.deadlineId)} has no switch (switchable: ${switchable.join(', ') || 'none'})`, [
          { field: 'deadlineId', problem: `must be one of: ${switchable.join(', ') || '(none)'}` },
        ]);
      }
      const role = actingRole([...new Set<Role>([...def.cancelRoles, 'admin'])]);
      const problems: FieldProblem[] = [];
      if (typeof command.active !== 'boolean') problems.push({ field: 'active', problem: 'must be true or false' });
      if (!text(command.reason, 4000)) problems.push({ field: 'reason', problem: 'must be 1 to 4000 characters' });
      if (!text(command.reference, 500)) problems.push({ field: 'reference', problem: 'must be 1 to 500 characters' });
      if (problems.length) throw new DomainRefusal('INVALID_FIELDS', problems.map((p) => `${p.field} ${p.problem}`).join('; '), problems);
      if (Object.hasOwn(state.stageReachedAt, d.metBy)) throw new DomainRefusal('DEADLINE_ALREADY_MET', `${d.id}: stage ${d.metBy} reached`);
      if ((state.deadlineSwitches[d.id]?.active ?? false) === command.active) {
        throw new DomainRefusal('INVALID_FIELDS', `the switch of ${d.id} is already ${command.active ? 'on' : 'off'}`, [{ field: 'active', problem: `is already ${String(command.active)}` }]);
      }
      return [event(ctx, role, 'DeadlineRuleSwitched', { deadlineId: d.id, active: command.active, reason: command.reason.trim(), reference: command.reference.trim() })];
    }
  }
}
