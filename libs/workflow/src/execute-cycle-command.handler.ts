import { Inject, Optional } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decide, DomainRefusal, findTransition, planSubmissionProblems, type CycleCommand, type CycleDefinition, type CycleState, type DecisionContext } from '@ciclo/domain';
import { WrongExpectedVersion } from '@ciclo/event-store';
import { ConcurrentModification, ExecuteCycleCommand, type CommandResult } from './commands';
import { CycleRepository } from './cycle-repository';
import { CycleLookups } from './cycle-lookups';
import { DefinitionRegistry } from './definition-registry';
import { DEFINITIONS } from './tokens';
import { eventIdsFor } from './event-ids';
import { checkReplay, lostIdempotencyRace, requestMetadata, requestScope } from './idempotency';
import { PlanRepository } from './plan/plan-repository';

/** Only a deliberation needs the tenant's other deliberations (duplicate-number rule). */
const needsDeliberations = (c: CycleCommand, stage: string, def: CycleDefinition) =>
  c.type === 'transition' && findTransition(def, stage, c.command)?.kind === 'deliberation';

@CommandHandler(ExecuteCycleCommand)
export class ExecuteCycleCommandHandler implements ICommandHandler<ExecuteCycleCommand, CommandResult> {
  constructor(
    private readonly repo: CycleRepository,
    private readonly lookups: CycleLookups,
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

  async execute(cmd: ExecuteCycleCommand): Promise<CommandResult> {
    const { actor, cycleId, command, options } = cmd;
    const scope = options.request ? requestScope(actor.userId, options.request) : `${cycleId}:${command.type === 'transition' ? command.command : command.type}`;
    let versionRetries = 0;
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
        knownDeliberations: needsDeliberations(command, state.stage, definition) ? await this.lookups.knownDeliberations(actor.tenant) : undefined,
        planProblems: state.exists ? await this.planProblems(command, state, definition) : undefined,
      };
      const events = decide(command, state, ctx);
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
