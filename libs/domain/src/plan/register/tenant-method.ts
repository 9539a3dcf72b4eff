/**
 * The chamber's own rating method, kept in the tenant's stream `<tenant>/rating-method`: which key
 * risk indicators, their scale and the overall levels. Without one, ANAC's qualitative method
 * (PNA 2019, Allegato 1) applies. Each setting is a new version of the method; a register pins the
 * version its assessments are made under (see `assess_risk`), so a later change of the chamber's
 * method leaves adopted registers as they were rated.
 */
import { actingRole } from '../../cycle/decide';
import { DomainRefusal, type FieldProblem } from '../../cycle/errors';
import type { FoldableEvent } from '../../cycle/evolve';
import type { DecisionContext, DomainEvent, JsonRecord } from '../../cycle/model';
import type { Role } from '../../definitions';
import { FieldReader } from '../fields';
import { validateMethod } from './fields';
import { DEFAULT_RATING_METHOD, type RatingMethod } from './model';

export const ratingMethodStream = (tenant: string): string => `${tenant}/rating-method`;

/** Who may set the chamber's method. */
export const RATING_METHOD_ROLES: readonly Role[] = ['admin', 'rpct'];

/** A version of the chamber's method. */
export interface TenantRatingMethod extends RatingMethod {
  /** Version of the method (the tenant stream's version of its setting: 1, 2, …) */
  version: number;
  /** Why the chamber adopted or changed it */
  reason: string;
  /** Who set it */
  by: string;
  /** When (ISO 8601) */
  at: string;
}

export interface TenantRatingMethodState {
  /** Stream version */
  version: number;
  /** Every version set, oldest first; the last one is in force */
  history: TenantRatingMethod[];
}

export const initialTenantRatingMethodState = (): TenantRatingMethodState => ({ version: 0, history: [] });

/** The version in force, or null: ANAC's default applies. */
export const currentTenantMethod = (s: TenantRatingMethodState): TenantRatingMethod | null =>
  s.history.length ? s.history[s.history.length - 1] : null;

/**
 * `expectedVersion`: the stream version the writer read (the `version` of `GET /rating-method`, 0
 * while ANAC's method applies); when given, the command is refused if the method changed since.
 */
export type TenantRatingMethodCommand =
  | { type: 'set_tenant_rating_method'; method: unknown; reason: unknown; expectedVersion?: unknown }
  | { type: 'reset_tenant_rating_method'; reason: unknown; expectedVersion?: unknown };

export const TENANT_RATING_METHOD_EVENT_TYPES = ['TenantRatingMethodSet'] as const;

const same = (a: RatingMethod, b: RatingMethod): boolean =>
  JSON.stringify({ i: a.indicators, l: a.levels }) === JSON.stringify({ i: b.indicators, l: b.levels });

function invalid(problems: FieldProblem[]): never {
  throw new DomainRefusal(
    'INVALID_FIELDS',
    problems.map((p) => `${p.field} ${p.problem}`).join('; '),
    problems,
  );
}

/**
 * Sets the chamber's method (admin or RPCT), with the reason; `reset_tenant_rating_method` goes back
 * to ANAC's default as a new version. Nothing is written when the method in force is the same.
 */
export function decideTenantRatingMethod(
  command: TenantRatingMethodCommand,
  state: TenantRatingMethodState,
  ctx: Pick<DecisionContext, 'actor' | 'actingRole' | 'now'>,
): DomainEvent[] {
  const role = actingRole(ctx as DecisionContext, RATING_METHOD_ROLES);
  const r = new FieldReader(command as unknown as Record<string, unknown>);
  const reason = r.string('reason', { required: true, max: 4000 });
  let method: RatingMethod | undefined = DEFAULT_RATING_METHOD;
  if (command.type === 'set_tenant_rating_method') {
    const v = validateMethod(command.method);
    method = v.method;
    for (const p of v.problems) r.problems.push(p);
  }
  const expected = r.number('expectedVersion', { min: 0, integer: true });
  if (r.problems.length || !method) invalid(r.problems);
  if (expected !== undefined && expected !== state.version)
    throw new DomainRefusal(
      'RATING_METHOD_VERSION_CHANGED',
      `now at version ${state.version}, the change was based on version ${expected}`,
      [],
      `ora versione ${state.version} (la modifica era sulla versione ${expected})`,
    );
  const current = currentTenantMethod(state) ?? DEFAULT_RATING_METHOD;
  if (same(current, method)) return [];
  return [
    {
      type: 'TenantRatingMethodSet',
      data: {
        method: JSON.parse(
          JSON.stringify({ indicators: method.indicators, levels: method.levels }),
        ) as JsonRecord,
        reason: reason as string,
        ...(command.type === 'reset_tenant_rating_method' ? { default: true } : {}),
      },
      actorId: ctx.actor.userId,
      actorRole: role,
      occurredAt: ctx.now.toISOString(),
    },
  ];
}

/** Applies an event of the tenant's method stream to a state the caller owns. */
export function applyTenantRatingMethodEvent(
  s: TenantRatingMethodState,
  e: Pick<FoldableEvent, 'type' | 'data' | 'version' | 'actorId' | 'occurredAt'>,
): void {
  s.version = e.version;
  if (e.type !== 'TenantRatingMethodSet') return;
  const m = (e.data.method ?? {}) as unknown as Partial<RatingMethod>;
  s.history.push({
    indicators: Array.isArray(m.indicators) ? m.indicators : [],
    levels: Array.isArray(m.levels) ? m.levels : [],
    version: e.version,
    reason: typeof e.data.reason === 'string' ? e.data.reason : '',
    by: e.actorId,
    at: e.occurredAt,
  });
}

export function foldTenantRatingMethod(
  events: readonly Pick<FoldableEvent, 'type' | 'data' | 'version' | 'actorId' | 'occurredAt'>[],
  from?: TenantRatingMethodState,
): TenantRatingMethodState {
  const s: TenantRatingMethodState = from
    ? { version: from.version, history: [...from.history] }
    : initialTenantRatingMethodState();
  for (const e of events) applyTenantRatingMethodEvent(s, e);
  return s;
}
