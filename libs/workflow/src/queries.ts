import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  availableCommands,
  blockedCommands,
  cycleDeadlines,
  REFUSALS,
  DomainRefusal,
  type CycleDeadline,
  type CycleState,
  type TransitionRecord,
} from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { CycleRepository } from './cycle-repository';
import { DefinitionRegistry } from './definition-registry';
import { DEFINITIONS } from './tokens';

export interface CycleView {
  /** Cycle id (UUID) */
  id: string;
  /** Tenant id */
  tenant: string;
  /** Cycle type (definition id, e.g. `piao`) */
  type: string;
  /** Definition version the cycle is pinned to */
  definitionVersion: number;
  /** Title of the cycle */
  title: string;
  /** First year of the period */
  year: number;
  /** Period label, e.g. `2027-2029` */
  period: string;
  /** Current stage id */
  stage: string;
  /** Current stage, in Italian */
  stageTitle: string;
  /** `open`, `closed` (terminal stage reached) or `cancelled` */
  status: 'open' | 'cancelled' | 'closed';
  /** Stream version (number of events folded) */
  version: number;
  /** When the cycle was opened (ISO 8601) */
  openedAt: string;
  /** Who opened it */
  openedBy: string;
  /** When the last event happened (ISO 8601) */
  lastChangeAt: string;
  /** Roles expected to act next in the current stage. */
  nextActors: string[];
  /** Commands the caller may issue now. */
  availableCommands: string[];
  /**
   * Transitions the caller's roles allow from this stage but a rule holds back now, with the
   * refusal the command would meet (e.g. `ATTACHMENT_REQUIRED`) and its Italian text.
   */
  blockedCommands: {
    /** The command held back */
    command: string;
    /** The refusal it would meet */
    code: string;
    /** Why, in Italian */
    messageIt: string;
  }[];
  /** The cycle's deadlines with legal and effective dates and status */
  deadlines: CycleDeadline[];
  /** Every transition, oldest first */
  history: TransitionRecord[];
  /** Documents attached, with name, size and SHA-256 */
  attachments: CycleState['attachments'];
  /** Comments, oldest first */
  comments: CycleState['comments'];
  /** Deliberations recorded (organ, number, date, act hash) */
  deliberations: CycleState['deliberations'];
  /** Why the cycle was cancelled */
  cancelledReason?: string;
  /** Present for a time-travel read: the instant or version the state was folded up to. */
  asOf?: string;
  /** Present for a time-travel read by version */
  asOfVersion?: number;
}

export class GetCycleQuery {
  constructor(
    readonly actor: Actor,
    readonly cycleId: string,
    readonly at: { asOf?: Date; version?: number } = {},
  ) {}
}

/** Builds the caller's view of a cycle: state, available commands and deadlines. */
export function cycleView(state: CycleState, actor: Actor, definitions: DefinitionRegistry, now: Date): CycleView {
  const def = definitions.get(state.cycleType, state.definitionVersion);
  if (!def) throw new DomainRefusal('CYCLE_NOT_FOUND', `definition ${state.cycleType} v${state.definitionVersion} is not loaded`);
  const stage = def.stages.find((s) => s.id === state.stage);
  return {
    id: state.cycleId,
    tenant: state.tenant,
    type: state.cycleType,
    definitionVersion: state.definitionVersion,
    title: state.title,
    year: state.year,
    period: state.periodLabel,
    stage: state.stage,
    stageTitle: stage?.title ?? state.stage,
    status: state.status === 'cancelled' ? 'cancelled' : stage?.terminal ? 'closed' : 'open',
    version: state.version,
    openedAt: state.openedAt,
    openedBy: state.openedBy,
    lastChangeAt: state.lastChangeAt,
    nextActors: state.status === 'cancelled' ? [] : [...(stage?.actors ?? [])],
    availableCommands: availableCommands(state, { actor: { userId: actor.userId, tenant: actor.tenant, roles: actor.roles }, now, definition: def }),
    blockedCommands: blockedCommands(state, { actor: { userId: actor.userId, tenant: actor.tenant, roles: actor.roles }, now, definition: def }).map((b) => ({
      ...b,
      messageIt: REFUSALS[b.code].it,
    })),
    deadlines: cycleDeadlines(state, def, now),
    history: state.history,
    attachments: state.attachments,
    comments: state.comments,
    deliberations: state.deliberations,
    ...(state.cancelledReason ? { cancelledReason: state.cancelledReason } : {}),
  };
}

@QueryHandler(GetCycleQuery)
export class GetCycleHandler implements IQueryHandler<GetCycleQuery, CycleView> {
  constructor(
    private readonly repo: CycleRepository,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionRegistry,
  ) {}

  async execute(q: GetCycleQuery): Promise<CycleView> {
    const { state } = await this.repo.load(q.actor.tenant, q.cycleId, { until: q.at.asOf, toVersion: q.at.version });
    if (!state.exists) throw new DomainRefusal('CYCLE_NOT_FOUND');
    const view = cycleView(state, q.actor, this.definitions, q.at.asOf ?? new Date());
    if (q.at.asOf) view.asOf = q.at.asOf.toISOString();
    if (q.at.version) view.asOfVersion = state.version;
    if (q.at.asOf || q.at.version) {
      view.availableCommands = [];
      view.blockedCommands = [];
    }
    return view;
  }
}
