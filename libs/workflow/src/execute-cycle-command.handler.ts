import { Inject, Optional } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decide, DomainRefusal, findTransition, planSubmissionProblems, type CycleCommand, type CycleDefinition, type CycleState, type DecisionContext } from '@ciclo/domain';
import { WrongExpectedVersion } from '@ciclo/event-store';
import { ConcurrentModification, ExecuteCycleCommand, type CommandResult } from './commands';
import { CycleRepository } from './cycle-repository';
import { DeliberationRegister, registeredDeliberations, reserveDeliberations, type DeliberationClaim } from './deliberation-register';
import { DefinitionRegistry } from './definition-registry';
import { DEFINITIONS } from './tokens';
import { eventIdsFor } from './event-ids';
import { checkReplay, lostIdempotencyRace, requestMetadata, requestScope } from './idempotency';
import { PlanRepository } from './plan/plan-repository';

/** The deliberation a transition command records (duplicate-number rule), when its fields name one. */
function deliberationClaims(c: CycleCommand, stage: string, def: CycleDefinition): DeliberationClaim[] {
  if (c.type !== 'transition') return [];
  const t = findTransition(def, stage, c.command);
  const f = c.fields as Record<string, unknown>;
  if (t?.kind !== 'deliberation' || !t.organ || typeof f.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(f.date)) return [];
  if (typeof f.number !== 'string' && typeof f.number !== 'number') return [];
  return [{ organ: t.organ, year: Number(f.date.slice(0, 4)), number: String(f.number) }];
}

@CommandHandler(ExecuteCycleCommand)
export class ExecuteCycleCommandHandler implements ICommandHandler<ExecuteCycleCommand, CommandResult> {
  constructor(
    private readonly repo: CycleRepository,
    private readonly register: DeliberationRegister,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionRegistry,
    @Optional() private readonly plans?: PlanRepository,
  ) {}

  /** A submission leaving an editable stage checks the cycle's plan content (docs/plan.md). */
  private async planProblems(c: CycleCommand, state: CycleState, def: CycleDefinition): Promise<DecisionContext['planProblems']> {
    if (!this.plans || c.type !== 'transition' || !def.editableStages.includes(state.stage)) return undefined;
    if (findTransition(def, state.stage, c.command)?.kind !== 'submission') return undefined;
    const { plan, cycle } = await this.plans.load(state.tenant, state.cycleId);
    return planSubmissionProblems(plan, cycle, def);
  }

  /** What another cycle records of its deliberations (and of its plan's variations). */
  private async recordedDeliberations(tenant: string, cycleId: string) {
    if (this.plans) {
      const { cycle, plan } = await this.plans.load(tenant, cycleId);
      return cycle.exists ? { deliberations: cycle.deliberations, variations: plan.variations } : null;
    }
    const { state } = await this.repo.load(tenant, cycleId);
    return state.exists ? { deliberations: state.deliberations } : null;
  }

  async execute(cmd: ExecuteCycleCommand): Promise<CommandResult> {
    const { actor, cycleId, command, options } = cmd;
    const scope = options.request ? requestScope(actor.userId, options.request) : `${cycleId}:${command.type === 'transition' ? command.command : command.type}`;
    let versionRetries = 0;
    let numberRaces = 0;
    for (let races = 0; ; ) {
      // With an idempotency key every event is read, to find what an earlier identical request wrote.
      const { state, events: stored } = await this.repo.load(actor.tenant, cycleId, { allEvents: !!options.idempotencyKey });
      if (options.idempotencyKey) {
        // A repeated request (same Idempotency-Key) answers what the first one did, whatever the state is now.
        const [firstId] = eventIdsFor(1, { tenant: actor.tenant, key: options.idempotencyKey, scope });
        const original = stored.find((e) => e.eventId === firstId);
        if (original) {
          checkReplay(original, options.request);
          return {
            cycleId,
            version: original.version,
            position: original.position,
            events: [{ type: original.type, version: original.version, position: original.position }],
            stage: typeof original.data.to === 'string' ? original.data.to : typeof original.data.stage === 'string' ? original.data.stage : state.stage,
            replayed: true,
          };
        }
      }
      let definition;
      if (command.type === 'open') {
        definition = this.definitions.latest(options.cycleType ?? '');
        if (!definition) {
          throw new DomainRefusal('UNKNOWN_CYCLE_TYPE', options.cycleType, [
            { field: 'type', problem: `must be one of: ${this.definitions.types().join(', ')}` },
          ]);
        }
      } else {
        definition = state.exists ? this.definitions.get(state.cycleType, state.definitionVersion) : undefined;
        if (!definition) throw new DomainRefusal('CYCLE_NOT_FOUND');
      }
      const ctx: DecisionContext = {
        actor: { userId: actor.userId, tenant: actor.tenant, roles: actor.roles },
        actingRole: options.actingRole,
        now: new Date(),
        definition,
        targetDefinition: command.type === 'migrate' ? this.definitions.get(definition.id, command.toVersion) : undefined,
        knownDeliberations: undefined,
        planProblems: state.exists ? await this.planProblems(command, state, definition) : undefined,
      };
      const claims = state.exists ? deliberationClaims(command, state.stage, definition) : [];
      const register = claims.length ? await registeredDeliberations(this.register, actor.tenant, cycleId, claims, (id) => this.recordedDeliberations(actor.tenant, id)) : null;
      if (register) ctx.knownDeliberations = register.known;
      const events = decide(command, state, ctx);
      if (register) {
        try {
          // The number is reserved before the cycle's event: of two simultaneous deliberations with one number, one reserves and the other decides again and is refused.
          await reserveDeliberations(this.register, register.states, { tenant: actor.tenant, cycleId, actorId: actor.userId, actorRole: events[0].actorRole, correlationId: options.correlationId });
        } catch (err) {
          if (err instanceof WrongExpectedVersion && numberRaces++ < 5) continue;
          throw err;
        }
      }
      try {
        const r = await this.repo.append(
          actor.tenant,
          cycleId,
          events,
          state.version,
          command.type === 'migrate' ? command.toVersion : definition.version,
          { correlationId: options.correlationId, causationId: null, idempotencyKey: options.idempotencyKey ?? null, ...requestMetadata(options.request) },
          scope,
        );
        const lastData = events[events.length - 1].data;
        return {
          cycleId,
          version: r.nextVersion,
          position: r.positions[r.positions.length - 1],
          events: events.map((e, i) => ({ type: e.type, version: r.nextVersion - events.length + 1 + i, position: r.positions[i] })),
          stage: typeof lastData.to === 'string' ? lastData.to : typeof lastData.stage === 'string' ? lastData.stage : state.stage,
          replayed: r.replayed,
        };
      } catch (err) {
        // A simultaneous request with the same key wrote first: read again and answer its result.
        if (lostIdempotencyRace(err, options.idempotencyKey) && races++ < 3) continue;
        if (err instanceof WrongExpectedVersion) {
          // Someone else wrote first: decide again on the new state, once.
          if (versionRetries++ === 0) continue;
          throw new ConcurrentModification(cycleId, err.actualVersion);
        }
        throw err;
      }
    }
  }
}
