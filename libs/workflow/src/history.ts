import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainRefusal, foldCycle, jsonDiff, type JsonChange, type TenantTimeOf } from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { CycleRepository, toFoldable } from './cycle-repository';
import { DefinitionRegistry } from './definition-registry';
import { cycleView } from './queries';
import { DEFINITIONS, TENANT_TIMES } from './tokens';

export interface HistoryEntry {
  /** Stream version of the event */
  version: number;
  /** Global position of the event */
  position: number;
  /** Event type */
  type: string;
  /** Who acted (user id, `apikey:<id>` or `system`) */
  actorId: string;
  /** The role acted in */
  actorRole: string;
  /** When the act happened (ISO 8601) */
  occurredAt: string;
  /** When the store recorded it (ISO 8601) */
  recordedAt: string;
  /** The request that caused it */
  correlationId: string;
  /** Reason or note given, or null */
  reason: string | null;
  /** The event's data */
  data: Record<string, unknown>;
}

export interface CycleHistory {
  /** Cycle id (UUID) */
  cycleId: string;
  /** Every event of the cycle, oldest first */
  versions: HistoryEntry[];
  /** With `from` and `to`: what changed in the cycle's state between those versions. */
  diff?: {
    /** Version compared from */
    from: number;
    /** Version compared to */
    to: number;
    /** Each change of the state, by JSON path */
    changes: JsonChange[];
  };
}

export class GetCycleHistoryQuery {
  constructor(
    readonly actor: Actor,
    readonly cycleId: string,
    readonly diff?: { from: number; to: number },
  ) {}
}

/** Every version of a cycle with the event that made it, and the difference between two versions. */
@QueryHandler(GetCycleHistoryQuery)
export class GetCycleHistoryHandler implements IQueryHandler<GetCycleHistoryQuery, CycleHistory> {
  constructor(
    private readonly repo: CycleRepository,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionRegistry,
    @Inject(TENANT_TIMES) private readonly tenantTime: TenantTimeOf,
  ) {}

  async execute(q: GetCycleHistoryQuery): Promise<CycleHistory> {
    const { state, events } = await this.repo.load(q.actor.tenant, q.cycleId, { allEvents: true });
    if (!state.exists) throw new DomainRefusal('CYCLE_NOT_FOUND');
    const versions = events.map((e) => ({
      version: e.version,
      position: e.position,
      type: e.type,
      actorId: e.metadata.actorId,
      actorRole: e.metadata.actorRole,
      occurredAt: e.metadata.occurredAt,
      recordedAt: e.recordedAt.toISOString(),
      correlationId: e.metadata.correlationId,
      reason: typeof e.metadata.reason === 'string' ? e.metadata.reason : null,
      data: e.data,
    }));
    if (!q.diff) return { cycleId: q.cycleId, versions };
    const { from, to } = q.diff;
    const problems = [];
    if (from < 1 || from > state.version) problems.push({ field: 'query.from', problem: `must be a version between 1 and ${state.version}` });
    if (to < 1 || to > state.version) problems.push({ field: 'query.to', problem: `must be a version between 1 and ${state.version}` });
    if (problems.length) throw new DomainRefusal('INVALID_FIELDS', problems.map((p) => `${p.field} ${p.problem}`).join('; '), problems);
    const at = (v: number) => {
      const s = foldCycle(events.filter((e) => e.version <= v).map(toFoldable));
      const view = cycleView(s, q.actor, this.definitions, new Date(s.lastChangeAt), this.tenantTime(s.tenant));
      // What depends on the reader or on "now" is not part of the cycle's state.
      const { availableCommands: _a, blockedCommands: _b, deadlines, ...rest } = view;
      return { ...rest, deadlines: deadlines.map(({ daysLeft: _d, status: _s, ...d }) => d) };
    };
    return { cycleId: q.cycleId, versions, diff: { from, to, changes: jsonDiff(at(from), at(to)) } };
  }
}
