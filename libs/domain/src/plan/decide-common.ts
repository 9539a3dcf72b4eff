/** What the plan decider's parts share: who may do what, how an event is made, how a refusal is made. */
import { isoDateAt } from '../calendar';
import { DomainRefusal, type FieldProblem } from '../cycle/errors';
import type { DecisionContext, DomainEvent } from '../cycle/model';
import type { Role } from '../definitions';
import type { PlanProblem } from '../performance/validation';
import { planEvent, type PlanEventData } from './events';
import type { PlanEventType } from './model';

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

export function event<K extends PlanEventType>(ctx: DecisionContext, role: Role, type: K, data: PlanEventData[K]): DomainEvent {
  return planEvent(type, data, ctx.actor.userId, role, ctx.now.toISOString());
}

export function invalid(problems: FieldProblem[]): never {
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

/** JSON with sorted keys: stored events come back from the database with their keys reordered. */
export function canonical(v: unknown): string {
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
export const sameJson = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

export function today(ctx: DecisionContext): string {
  return isoDateAt(ctx.now, ctx.timeZone ?? 'Europe/Rome');
}
