import { Inject, Logger, Optional } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import {
  decide,
  decidePlan,
  linkedPlanStep,
  openVariation,
  periodOpening,
  planLink,
  stepNeedsTarget,
  type LinkedPlanStep,
  type PlanCommand,
  DomainRefusal,
  findTransition,
  followedEvents,
  linkedEventDate,
  linkFits,
  planSubmissionProblems,
  type CycleCommand,
  type CycleDefinition,
  type CycleState,
  type DecisionContext,
  type DomainEvent,
  type LinkCandidate,
  type Period,
  type TenantTimeOf,
} from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { runCommand, type Decision } from '@ciclo/commands';
import { ConcurrentModification, ExecuteCycleCommand, type CommandResult } from './commands';
import { CycleLookups } from './cycle-lookups';
import { CycleRepository, cycleEventMeta, cycleStreamSchemaVersion } from './cycle-repository';
import { cycleStream, foldDecided, type FoldedCycle } from './cycle-stream';
import { DeliberationRegister, registeredDeliberations, reserveDeliberations, type DeliberationClaim } from './deliberation-register';
import { DefinitionRegistry } from './definition-registry';
import { DEFINITIONS, TENANT_TIMES } from './tokens';
import { checkReplay, requestMetadata, requestScope } from './idempotency';
import { PlanRepository } from './plan/plan-repository';
import { ExecutePlanCommands } from './plan/execute-plan-commands.handler';

/** Whether a command records a deliberation. */
const needsDeliberations = (c: CycleCommand, stage: string, def: CycleDefinition) =>
  c.type === 'transition' && findTransition(def, stage, c.command)?.kind === 'deliberation';

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
  private readonly log = new Logger('Links');

  constructor(
    private readonly repo: CycleRepository,
    private readonly register: DeliberationRegister,
    private readonly lookups: CycleLookups,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionRegistry,
    @Optional() private readonly plans?: PlanRepository,
    @Optional() private readonly bus?: CommandBus,
    /** The tenant's time zone dates the acts and the deadlines the decider checks (Europe/Rome without it). */
    @Optional() @Inject(TENANT_TIMES) private readonly tenantTime?: TenantTimeOf,
  ) {}

  /**
   * A submission leaving an editable stage checks the cycle's plan content (docs/plan.md); a
   * monitoring's, the linked PIAO's tree its variation edits (docs/links.md).
   */
  private async planProblems(c: CycleCommand, folded: FoldedCycle, def: CycleDefinition): Promise<DecisionContext['planProblems']> {
    const state = folded.cycle;
    if (!this.plans || c.type !== 'transition' || !def.editableStages.includes(state.stage)) return undefined;
    if (findTransition(def, state.stage, c.command)?.kind !== 'submission') return undefined;
    const link = planLink(def);
    if (link) {
      const target = Object.hasOwn(state.links, link.id) ? state.links[link.id] : undefined;
      if (!target) return undefined;
      const { plan, cycle } = await this.plans.load(state.tenant, target.targetCycleId);
      const targetDef = cycle.exists ? this.definitions.get(cycle.cycleType, cycle.definitionVersion) : undefined;
      return targetDef ? planSubmissionProblems(plan, cycle, targetDef) : undefined;
    }
    // The cycle's own plan: the state the command was loaded with (no second read of the stream;
    // the append at the loaded version refuses it if the stream moved meanwhile).
    return planSubmissionProblems(folded.plan, folded.cycle, def);
  }

  /**
   * What a monitoring's transition does on the linked PIAO's plan (docs/links.md). A variation step
   * is decided on the PIAO's state before the transition is written: a refusal there refuses the
   * transition, and it needs the PIAO (`LINK_MISSING`). A period step never refuses the
   * transition: with the link missing it is skipped (the view says the PIAO is missing), and a
   * failure on the PIAO is logged like the other follow-ups.
   */
  private async planStep(c: CycleCommand, state: CycleState, def: CycleDefinition, actor: Actor, role: string): Promise<LinkedPlanStep | undefined> {
    if (c.type !== 'transition' || !this.plans) return undefined;
    const step = linkedPlanStep(def, state, c.command, c.fields as Record<string, never>, randomUUID());
    if (!step) return undefined;
    if (!stepNeedsTarget(step)) return step.targetCycleId ? step : undefined;
    if (!step.targetCycleId) {
      throw new DomainRefusal('LINK_MISSING', `${step.linkId}: no PIAO is linked to this cycle, whose plan the variation would change`, [{ field: step.linkId, problem: 'no cycle linked' }]);
    }
    const { plan, cycle } = await this.plans.load(state.tenant, step.targetCycleId);
    const targetDef = cycle.exists ? this.definitions.get(cycle.cycleType, cycle.definitionVersion) : undefined;
    if (!targetDef) throw new DomainRefusal('LINK_TARGET_NOT_FOUND', step.targetCycleId);
    decidePlan(step.command, plan, cycle, {
      actor: { userId: actor.userId, tenant: actor.tenant, roles: actor.roles },
      actingRole: role as never,
      now: new Date(),
      definition: targetDef,
      viaCycleId: state.cycleId,
    });
    return step;
  }

  /** A cancelled monitoring withdraws the variation it left open on the PIAO (nobody else may). */
  private async withdrawLinkedVariation(actor: Actor, state: CycleState, def: CycleDefinition, role: string, correlationId: string, reason: string): Promise<void> {
    const link = planLink(def);
    const target = link && Object.hasOwn(state.links, link.id) ? state.links[link.id] : undefined;
    if (!target || !this.plans) return;
    const { plan } = await this.plans.load(state.tenant, target.targetCycleId);
    if (openVariation(plan)?.monitoringCycleId !== state.cycleId) return;
    await this.runOnPlan(actor, target.targetCycleId, { type: 'withdraw_variation', reason: `Monitoraggio intermedio annullato: ${reason}` }, state.cycleId, role, correlationId);
  }

  /** Runs a plan command on the linked cycle, issued by this cycle's transition (or link). */
  private async runOnPlan(actor: Actor, targetCycleId: string, command: PlanCommand, sourceCycleId: string, role: string, correlationId: string): Promise<void> {
    if (!this.bus) return;
    await this.bus.execute(new ExecutePlanCommands(actor, targetCycleId, [command], { actingRole: role as never, correlationId, atomic: true, via: sourceCycleId }));
  }

  /** What another cycle records of its deliberations (and of its plan's variations). */
  private async recordedDeliberations(tenant: string, cycleId: string) {
    const { cycle, plan } = (await this.repo.streams.load(tenant, cycleId)).state;
    return cycle.exists ? { deliberations: cycle.deliberations, variations: plan.variations } : null;
  }

  private periodOf = (type: string): Period => this.definitions.latest(type)?.period ?? 'annual';

  /** For `link` and `resolve_links`: the tenant's cycles of the definition's linked types. */
  private async linkCandidates(c: CycleCommand, tenant: string, def: CycleDefinition): Promise<LinkCandidate[] | undefined> {
    if (c.type !== 'link' && c.type !== 'resolve_links') return undefined;
    // A link by command sees every type, to refuse a cycle of the wrong type as such.
    return this.lookups.cyclesOfTypes(tenant, c.type === 'link' ? this.definitions.types() : [...new Set(def.links.map((l) => l.type))], this.periodOf);
  }

  /** For a deliberation: the current version of each cycle it reports on or measures, to fix it on the event. */
  private async linkedVersions(c: CycleCommand, state: CycleState, def: CycleDefinition): Promise<Record<string, number> | undefined> {
    if (!needsDeliberations(c, state.stage, def)) return undefined;
    const out: Record<string, number> = {};
    for (const l of def.links) {
      const link = Object.hasOwn(state.links, l.id) ? state.links[l.id] : undefined;
      if (l.relation === 'follows' || !link) continue;
      out[l.id] = (await this.repo.load(state.tenant, link.targetCycleId)).state.version;
    }
    return out;
  }

  /** Runs an engine-issued command on another cycle, as part of the same request. */
  private async follow(actor: Actor, cycleId: string, command: CycleCommand, options: ExecuteCycleCommand['options']): Promise<void> {
    await this.execute(new ExecuteCycleCommand(actor, cycleId, command, { actingRole: options.actingRole, correlationId: options.correlationId }));
  }

  /**
   * What a command's events mean for linked cycles (docs/links.md): an opened cycle resolves its
   * links and is resolved as the target of cycles waiting for it; a link is recorded on its target
   * (and withdrawn from the previous one), with the target's events that deadlines follow; a
   * transition of a target is recorded on the cycles whose deadlines follow it. A failure here
   * leaves the command done: the link can be made again by the `link` command.
   */
  private async afterCommand(cmd: ExecuteCycleCommand, before: CycleState, def: CycleDefinition, events: DomainEvent[], version: number, step?: LinkedPlanStep): Promise<void> {
    const { actor, cycleId, command, options } = cmd;
    try {
      if (step?.targetCycleId) await this.runOnPlan(actor, step.targetCycleId, step.command, cycleId, events[0].actorRole, options.correlationId);
      if (command.type === 'cancel') await this.withdrawLinkedVariation(actor, before, def, events[0].actorRole, options.correlationId, command.reason);
    } catch (err) {
      this.log.warn(`Plan of the cycle linked to ${cycleId} after ${command.type}: ${(err as Error).message}`);
    }
    try {
      if (command.type === 'open') {
        const year = command.year;
        if (def.links.length) await this.follow(actor, cycleId, { type: 'resolve_links' }, options);
        // Cycles of the tenant waiting for a cycle of this type and year.
        const sources = this.definitions.latestAll().filter((d) => d.links.some((l) => l.type === def.id));
        const candidates = await this.lookups.cyclesOfTypes(actor.tenant, sources.map((d) => d.id), this.periodOf);
        for (const c of candidates) {
          const sourceDef = sources.find((d) => d.id === c.cycleType);
          if (c.status === 'cancelled' || !sourceDef?.links.some((l) => l.type === def.id && linkFits(l, c.year, year, def.period))) continue;
          await this.follow(actor, c.cycleId, { type: 'resolve_links' }, options);
        }
      }
      let v = version - events.length;
      for (const e of events) {
        v++;
        if (e.type === 'CycleLinked') {
          const d = e.data as { linkId: string; relation: string; targetCycleId: string; previousTargetCycleId?: string };
          const link = def.links.find((l) => l.id === d.linkId);
          if (!link) continue;
          const record = { type: 'record_linked_from', linkId: link.id, relation: link.relation, sourceType: def.id, sourceCycleId: cycleId, sourceYear: before.year, sourceVersion: v } as const;
          await this.follow(actor, d.targetCycleId, record, options);
          // A monitoring collects the measurements of its period on the PIAO from the moment they are
          // linked; linked (by command) after its collection closed, the period is closed at once.
          const opening = periodOpening(def, before, link.id);
          if (opening) {
            await this.runOnPlan(actor, d.targetCycleId, opening, cycleId, e.actorRole, options.correlationId);
            if (before.exists && before.stage !== def.initialStage) await this.runOnPlan(actor, d.targetCycleId, { ...opening, type: 'close_monitoring_period' }, cycleId, e.actorRole, options.correlationId);
          }
          if (d.previousTargetCycleId) await this.follow(actor, d.previousTargetCycleId, { ...record, withdrawn: true }, options);
          const wanted = followedEvents(def, link.id);
          if (wanted.length) {
            const { state: target } = await this.repo.load(actor.tenant, d.targetCycleId);
            for (const type of wanted) {
              const last = [...target.history].reverse().find((h) => h.type === type);
              if (last) await this.follow(actor, cycleId, { type: 'record_linked_event', linkId: link.id, targetCycleId: d.targetCycleId, event: type, date: linkedEventDate(last), targetVersion: last.version }, options);
            }
          }
        } else if (command.type === 'transition' && typeof e.data.command === 'string') {
          // This cycle is the target of links whose deadlines may follow this event.
          for (const from of before.linkedFrom) {
            const { state: source } = await this.repo.load(actor.tenant, from.sourceCycleId);
            const sourceDef = source.exists ? this.definitions.get(source.cycleType, source.definitionVersion) : undefined;
            if (!sourceDef || !followedEvents(sourceDef, from.linkId).includes(e.type)) continue;
            const date = linkedEventDate({ kind: String(e.data.kind), fields: (e.data.fields ?? {}) as Record<string, never>, at: e.occurredAt });
            await this.follow(actor, from.sourceCycleId, { type: 'record_linked_event', linkId: from.linkId, targetCycleId: cycleId, event: e.type, date, targetVersion: v }, options);
          }
        }
      }
    } catch (err) {
      this.log.warn(`Links of cycle ${cycleId} after ${command.type}: ${(err as Error).message}`);
    }
  }

  async execute(cmd: ExecuteCycleCommand): Promise<CommandResult> {
    const { actor, cycleId, command, options } = cmd;
    const scope = options.request ? requestScope(actor.userId, options.request) : `${cycleId}:${command.type === 'transition' ? command.command : command.type}`;
    return runCommand<FoldedCycle, CommandResult>({
      folder: this.repo.streams.folder,
      stream: cycleStream(actor.tenant, cycleId),
      meta: cycleEventMeta(actor.tenant, { correlationId: options.correlationId, causationId: null, ...requestMetadata(options.request) }),
      schemaVersion: cycleStreamSchemaVersion,
      idempotency: options.idempotencyKey ? { key: options.idempotencyKey, scope } : null,
      // A repeated request (same Idempotency-Key) answers what the first one did, whatever the state is now.
      replay: ([original], folded) => {
        checkReplay(original, options.request);
        return {
          cycleId,
          version: original.version,
          position: original.position,
          events: [{ type: original.type, version: original.version, position: original.position }],
          stage: typeof original.data.to === 'string' ? original.data.to : typeof original.data.stage === 'string' ? original.data.stage : folded.cycle.stage,
          replayed: true,
        };
      },
      decide: (folded) => this.decide(cmd, folded),
      conflict: (err) => new ConcurrentModification(cycleId, err.actualVersion),
    });
  }

  /**
   * Decides a command on the folded cycle. Before the append: a deliberation's number reserved in
   * its register stream (of two simultaneous deliberations with one number, one reserves and the
   * other decides again and is refused). After it: the links followed (`afterCommand`).
   */
  private async decide(cmd: ExecuteCycleCommand, folded: FoldedCycle): Promise<Decision<FoldedCycle, CommandResult>> {
    const { actor, cycleId, command, options } = cmd;
    const state = folded.cycle;
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
      now: options.now ?? new Date(),
      timeZone: this.tenantTime?.(actor.tenant).timeZone,
      definition,
      targetDefinition: command.type === 'migrate' ? this.definitions.get(definition.id, command.toVersion) : undefined,
      knownDeliberations: undefined,
      planProblems: state.exists ? await this.planProblems(command, folded, definition) : undefined,
      checkSurveyGrid: definition.content === 'survey_grid',
      linkCandidates: await this.linkCandidates(command, actor.tenant, definition),
      linkedVersions: state.exists ? await this.linkedVersions(command, state, definition) : undefined,
    };
    const claims = state.exists ? deliberationClaims(command, state.stage, definition) : [];
    const register = claims.length ? await registeredDeliberations(this.register, actor.tenant, cycleId, claims, (id) => this.recordedDeliberations(actor.tenant, id)) : null;
    if (register) ctx.knownDeliberations = register.known;
    const events = decide(command, state, ctx);
    // Engine-issued commands may find nothing to record.
    if (events.length === 0) return { events, answer: () => ({ cycleId, version: state.version, position: 0, events: [], stage: state.stage, replayed: false }) };
    const step = await this.planStep(command, state, definition, actor, events[0].actorRole);
    const def = definition;
    return {
      events,
      extra: { definitionVersion: command.type === 'migrate' ? command.toVersion : definition.version },
      before: register
        ? () => reserveDeliberations(this.register, register.states, { tenant: actor.tenant, cycleId, actorId: actor.userId, actorRole: events[0].actorRole, correlationId: options.correlationId })
        : undefined,
      after: (ids) => foldDecided(folded, events, ids, actor.tenant),
      answer: async (r) => {
        if (!r) return { cycleId, version: state.version, position: 0, events: [], stage: state.stage, replayed: false };
        if (!r.replayed) await this.afterCommand(cmd, state, def, events, r.nextVersion, step);
        const lastData = events[events.length - 1].data;
        return {
          cycleId,
          version: r.nextVersion,
          position: r.positions[r.positions.length - 1],
          events: events.map((e, i) => ({ type: e.type, version: r.nextVersion - events.length + 1 + i, position: r.positions[i] })),
          stage: typeof lastData.to === 'string' ? lastData.to : typeof lastData.stage === 'string' ? lastData.stage : state.stage,
          replayed: r.replayed,
        };
      },
    };
  }
}
