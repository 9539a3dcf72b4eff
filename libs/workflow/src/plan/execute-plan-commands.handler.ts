import { Inject, Optional } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  applyPlanEvent,
  clonePlanState,
  decidePlan,
  DomainRefusal,
  evolve,
  openVariation,
  type DecisionContext,
  type PlanState,
  type DomainEvent,
  type FieldProblem,
  type PlanCommand,
  type Role,
} from '@ciclo/domain';
import { runCommand, type Decision } from '@ciclo/commands';
import type { Actor } from '@ciclo/identity';
import { ConcurrentModification } from '../commands';
import { DeliberationRegister, registeredDeliberations, reserveDeliberations, type DeliberationClaim } from '../deliberation-register';
import { DefinitionRegistry } from '../definition-registry';
import { cycleEventMeta, cycleStreamSchemaVersion } from '../cycle-repository';
import { cycleStream, withEventIds, type FoldedCycle } from '../cycle-stream';
import { checkReplay, requestMetadata, requestScope, type IdempotentRequest } from '../idempotency';
import { DEFINITIONS } from '../tokens';
import { PlanRepository } from './plan-repository';
import { RatingMethodRepository } from './rating-method';

/**
 * Runs plan commands against one cycle: load and fold the stream, decide each command on the state
 * left by the previous ones, append every event in one atomic write (retried once on a concurrent
 * write). `atomic` (the API): the first refusal is thrown and nothing is written. Not atomic (the
 * import): refused commands are reported and the others written.
 */
export class ExecutePlanCommands {
  constructor(
    readonly actor: Actor,
    readonly cycleId: string,
    readonly commands: PlanCommand[],
    readonly options: {
      actingRole?: Role;
      correlationId: string;
      idempotencyKey?: string | null;
      /** The HTTP request the key belongs to: scopes the key to the actor, method and path (see idempotency.ts). */
      request?: IdempotentRequest;
      atomic?: boolean;
      /** The clock (default now); the demo seed and tests pin it. */
      now?: Date;
      /** The monitoring cycle whose transition issues the commands (docs/links.md). */
      via?: string;
    },
  ) {}
}

export interface PlanCommandOutcome {
  /** Position of the command in the request */
  index: number;
  /** Command type */
  command: PlanCommand['type'];
  /** `applied`, `unchanged` or `refused` */
  status: 'applied' | 'unchanged' | 'refused';
  /** Types of the events written */
  events: string[];
  /** Refusal code */
  code?: string;
  /** Refusal, in English */
  message?: string;
  /** Refusal, in Italian */
  messageIt?: string;
  /** Offending fields */
  fields?: FieldProblem[];
}

export interface PlanCommandsResult {
  /** Cycle id (UUID) */
  cycleId: string;
  /** Stream version after the commands. */
  version: number;
  /** Global position of the last event written (0 when nothing was written). */
  position: number;
  /** The events written */
  events: {
    /** Event type */
    type: string;
    /** Stream version of the event */
    version: number;
    /** Global position of the event */
    position: number;
  }[];
  /** One outcome per command sent */
  outcomes: PlanCommandOutcome[];
  /** True when an earlier request with the same Idempotency-Key already wrote these events. */
  replayed: boolean;
}

/** The Giunta deliberations that approve_variation commands name (duplicate-number rule). */
function deliberationClaims(commands: readonly PlanCommand[]): DeliberationClaim[] {
  const out: DeliberationClaim[] = [];
  for (const c of commands) {
    if (c.type !== 'approve_variation') continue;
    const f = c as unknown as Record<string, unknown>;
    if (typeof f.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(f.date) || (typeof f.number !== 'string' && typeof f.number !== 'number')) continue;
    out.push({ organ: 'giunta', year: Number(f.date.slice(0, 4)), number: String(f.number) });
  }
  return out;
}

@CommandHandler(ExecutePlanCommands)
export class ExecutePlanCommandsHandler implements ICommandHandler<ExecutePlanCommands, PlanCommandsResult> {
  constructor(
    private readonly repo: PlanRepository,
    private readonly register: DeliberationRegister,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionRegistry,
    @Optional() private readonly methods?: RatingMethodRepository,
  ) {}

  async execute(cmd: ExecutePlanCommands): Promise<PlanCommandsResult> {
    const { actor, cycleId, options } = cmd;
    const scope = options.request ? requestScope(actor.userId, options.request) : `${cycleId}:plan`;
    return runCommand<FoldedCycle, PlanCommandsResult>({
      folder: this.repo.streams.folder,
      stream: cycleStream(actor.tenant, cycleId),
      meta: cycleEventMeta(actor.tenant, { correlationId: options.correlationId, causationId: null, ...requestMetadata(options.request) }),
      schemaVersion: cycleStreamSchemaVersion,
      idempotency: options.idempotencyKey ? { key: options.idempotencyKey, scope } : null,
      replay: (written, folded) => {
        if (!folded.cycle.exists || folded.cycle.tenant !== actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
        checkReplay(written[0], options.request);
        const last = written[written.length - 1];
        return {
          cycleId,
          version: last.version,
          position: last.position,
          events: written.map((e) => ({ type: e.type, version: e.version, position: e.position })),
          outcomes: [],
          replayed: true,
        };
      },
      decide: (folded) => this.decide(cmd, folded),
      conflict: (err) => new ConcurrentModification(cycleId, err.actualVersion),
    });
  }

  /**
   * Decides every command on the state its predecessors leave. `atomic`: the first refusal is
   * thrown; otherwise refusals are reported in the outcomes and the other commands written.
   */
  private async decide(cmd: ExecutePlanCommands, folded: FoldedCycle): Promise<Decision<FoldedCycle, PlanCommandsResult>> {
    const { actor, cycleId, commands, options } = cmd;
    if (!folded.cycle.exists || folded.cycle.tenant !== actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
    const definition = this.definitions.get(folded.cycle.cycleType, folded.cycle.definitionVersion);
    if (!definition) throw new DomainRefusal('CYCLE_NOT_FOUND', `definition ${folded.cycle.cycleType} v${folded.cycle.definitionVersion} is not loaded`);
    const ctx: DecisionContext = {
      actor: { userId: actor.userId, tenant: actor.tenant, roles: actor.roles },
      actingRole: options.actingRole,
      now: options.now ?? new Date(),
      definition,
      ...(options.via ? { viaCycleId: options.via } : {}),
      variationOwner: await this.variationOwner(actor.tenant, folded.plan),
      // Assessments are checked against (and pin) the chamber's rating method in force.
      ...(this.methods && commands.some((c) => c.type === 'assess_risk') ? { ratingMethod: await this.methods.current(actor.tenant) } : {}),
    };
    // Through a monitoring cycle the deliberation is that cycle's, reserved with its transition.
    const claims = options.via ? [] : deliberationClaims(commands);
    const register = claims.length
      ? await registeredDeliberations(this.register, actor.tenant, cycleId, claims, async (id) => {
          const other = await this.repo.load(actor.tenant, id);
          return other.cycle.exists ? { deliberations: other.cycle.deliberations, variations: other.plan.variations } : null;
        })
      : null;
    if (register) ctx.knownDeliberations = register.known;
    const plan = clonePlanState(folded.plan);
    let cycle = folded.cycle;
    let version = folded.cycle.version;
    const decided: DomainEvent[] = [];
    const outcomes: PlanCommandOutcome[] = [];
    commands.forEach((command, index) => {
      try {
        const events = decidePlan(command, plan, cycle, ctx);
        for (const e of events) {
          version += 1;
          const f = { ...e, version, tenant: actor.tenant };
          applyPlanEvent(plan, f);
          cycle = evolve(cycle, f);
        }
        decided.push(...events);
        outcomes.push({ index, command: command.type, status: events.length ? 'applied' : 'unchanged', events: events.map((e) => e.type) });
      } catch (err) {
        if (!(err instanceof DomainRefusal) || options.atomic) throw err;
        outcomes.push({
          index,
          command: command.type,
          status: 'refused',
          events: [],
          code: err.code,
          message: err.message,
          messageIt: err.messageIt,
          ...(err.fields.length ? { fields: err.fields } : {}),
        });
      }
    });
    const reserve = register && decided.some((e) => e.type === 'PlanVariationApproved');
    return {
      events: decided,
      extra: { definitionVersion: definition.version },
      before: reserve
        ? () => reserveDeliberations(this.register, register.states, { tenant: actor.tenant, cycleId, actorId: actor.userId, actorRole: decided[0].actorRole, correlationId: options.correlationId })
        : undefined,
      // The states the decisions were made on, with the events' ids: the cache moves on without reading back.
      after: (ids) => ({ cycle, plan, eventIds: withEventIds(folded, ids) }),
      answer: (r) =>
        r
          ? {
              cycleId,
              version: r.nextVersion,
              position: r.positions[r.positions.length - 1],
              events: decided.map((e, i) => ({ type: e.type, version: r.nextVersion - decided.length + 1 + i, position: r.positions[i] })),
              outcomes,
              replayed: r.replayed,
            }
          : { cycleId, version: folded.cycle.version, position: 0, events: [], outcomes, replayed: false },
    };
  }

  /** The stage of the monitoring cycle that opened the plan's open variation (its edits follow that cycle's stage). */
  private async variationOwner(tenant: string, plan: PlanState): Promise<DecisionContext['variationOwner']> {
    const owner = openVariation(plan)?.monitoringCycleId;
    if (!owner) return undefined;
    const { cycle } = await this.repo.load(tenant, owner);
    const def = cycle.exists ? this.definitions.get(cycle.cycleType, cycle.definitionVersion) : undefined;
    return { cycleId: owner, stage: cycle.stage, editableStages: def?.editableStages ?? [] };
  }
}
