import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  applyTransparencyEvent,
  decideAttestationGrid,
  decideTransparency,
  DomainRefusal,
  foldAttestationGrid,
  foldCycle,
  foldTransparency,
  initialTransparencyState,
  transparencyStream,
  type AttestationGridCommand,
  type AttestationGridRow,
  type DomainEvent,
  type FieldProblem,
  type Role,
  type TransparencyCommand,
  type TransparencyObligation,
  type TransparencyState,
} from '@ciclo/domain';
import { WrongExpectedVersion, type EventStore } from '@ciclo/event-store';
import type { Actor } from '@ciclo/identity';
import { ConcurrentModification } from '../commands';
import { cycleStream, toFoldable, toNewEvents } from '../cycle-repository';
import type { DefinitionRegistry } from '../definition-registry';
import { eventIdsFor } from '../event-ids';

/** The tenant's transparency grid, folded from `<tenant>/transparency` (cached, incremental). */
export class TransparencyRepository {
  private readonly cache = new Map<string, { state: TransparencyState; ids: Set<string> }>();

  constructor(readonly store: EventStore) {}

  async load(tenant: string): Promise<{ state: TransparencyState; ids: ReadonlySet<string> }> {
    const stream = transparencyStream(tenant);
    const cached = this.cache.get(stream);
    const events = await this.store.readStream(stream, { fromVersion: (cached?.state.version ?? 0) + 1 });
    if (cached && events.length === 0) return cached;
    const state = foldTransparency(events.map(toFoldable), cached?.state ?? initialTransparencyState());
    const ids = new Set(cached?.ids ?? []);
    for (const e of events) ids.add(e.eventId.toLowerCase());
    const entry = { state, ids };
    this.cache.set(stream, entry);
    return entry;
  }

  /** The obligations of the tenant's grid, by id. */
  async obligations(tenant: string): Promise<Map<string, TransparencyObligation>> {
    const { state } = await this.load(tenant);
    return new Map([...state.items.values()].map((i) => [i.obligation.id, i.obligation]));
  }
}

export class ExecuteTransparencyCommands {
  constructor(
    readonly actor: Actor,
    readonly commands: TransparencyCommand[],
    readonly options: { actingRole?: Role; correlationId: string; idempotencyKey?: string | null; atomic?: boolean; timeZone?: string; now?: Date },
  ) {}
}

export interface TransparencyCommandOutcome {
  /** Position of the command in the request */
  index: number;
  /** `applied` or `refused` */
  status: 'applied' | 'refused';
  /** Refusal code */
  code?: string;
  /** Refusal message */
  message?: string;
  /** Offending fields */
  fields?: FieldProblem[];
}

export interface TransparencyCommandsResult {
  /** Stream version after the write */
  version: number;
  /** Events written */
  written: number;
  /** Per command: applied or refused */
  outcomes: TransparencyCommandOutcome[];
  /** True when the idempotency key was already used: nothing written */
  replayed: boolean;
}

/**
 * Runs grid commands on the tenant's stream: decide each on the state left by the previous ones,
 * append all in one write (retried once on a concurrent write). `atomic`: the first refusal is thrown.
 */
@CommandHandler(ExecuteTransparencyCommands)
export class ExecuteTransparencyCommandsHandler implements ICommandHandler<ExecuteTransparencyCommands, TransparencyCommandsResult> {
  constructor(private readonly repo: TransparencyRepository) {}

  async execute(cmd: ExecuteTransparencyCommands): Promise<TransparencyCommandsResult> {
    const { actor, commands, options } = cmd;
    const stream = transparencyStream(actor.tenant);
    const scope = 'transparency';
    for (let attempt = 0; ; attempt++) {
      const { state: loaded, ids } = await this.repo.load(actor.tenant);
      if (options.idempotencyKey && ids.has(eventIdsFor(1, { tenant: actor.tenant, key: options.idempotencyKey, scope })[0])) {
        return { version: loaded.version, written: 0, outcomes: [], replayed: true };
      }
      const state = foldTransparency([], loaded);
      const now = options.now ?? new Date();
      const decided: DomainEvent[] = [];
      const outcomes: TransparencyCommandsResult['outcomes'] = [];
      commands.forEach((command, index) => {
        try {
          const events = decideTransparency(command, state, { actor: { userId: actor.userId, tenant: actor.tenant, roles: actor.roles }, actingRole: options.actingRole, now, timeZone: options.timeZone });
          for (const e of events) applyTransparencyEvent(state, { ...e, version: state.version + 1 });
          decided.push(...events);
          outcomes.push({ index, status: 'applied' });
        } catch (err) {
          if (!(err instanceof DomainRefusal) || options.atomic) throw err;
          outcomes.push({ index, status: 'refused', code: err.code, message: err.message, ...(err.fields.length ? { fields: err.fields } : {}) });
        }
      });
      if (decided.length === 0) return { version: loaded.version, written: 0, outcomes, replayed: false };
      const idList = eventIdsFor(decided.length, options.idempotencyKey ? { tenant: actor.tenant, key: options.idempotencyKey, scope } : null);
      try {
        const r = await this.repo.store.append(
          stream,
          decided.map((e, i) => ({
            eventId: idList[i],
            type: e.type,
            data: e.data,
            metadata: { tenant: actor.tenant, actorId: e.actorId, actorRole: e.actorRole, occurredAt: e.occurredAt, correlationId: options.correlationId, causationId: null, schemaVersion: 1 },
          })),
          { expectedVersion: loaded.version === 0 ? 'no_stream' : loaded.version },
        );
        return { version: r.nextVersion, written: decided.length, outcomes, replayed: r.replayed };
      } catch (err) {
        if (err instanceof WrongExpectedVersion && attempt === 0) continue;
        throw err;
      }
    }
  }
}

/** The survey grid of an attestation cycle, read from the cycle's stream. */
export interface AttestationGridView {
  /** Cycle id */
  cycleId: string;
  /** Cycle type */
  cycleType: string;
  /** Current stage */
  stage: string;
  /** Whether the grid may be edited now (the definition's editable stages) */
  editable: boolean;
  /** Stream version */
  version: number;
  /** Rows in the order first added */
  rows: AttestationGridRow[];
}

/** Edits of an attestation cycle's survey grid: events in the cycle's own stream (docs/transparency.md). */
export class AttestationGridService {
  constructor(
    private readonly store: EventStore,
    private readonly transparency: TransparencyRepository,
    private readonly definitions: DefinitionRegistry,
  ) {}

  private async read(tenant: string, cycleId: string) {
    const events = (await this.store.readStream(cycleStream(tenant, cycleId))).map(toFoldable);
    const cycle = foldCycle(events);
    if (!cycle.exists || cycle.tenant !== tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
    const definition = this.definitions.get(cycle.cycleType, cycle.definitionVersion);
    if (!definition) throw new DomainRefusal('CYCLE_NOT_FOUND');
    return { events, cycle, definition, grid: foldAttestationGrid(events) };
  }

  async view(tenant: string, cycleId: string): Promise<AttestationGridView> {
    const { cycle, definition, grid } = await this.read(tenant, cycleId);
    return { cycleId, cycleType: cycle.cycleType, stage: cycle.stage, editable: cycle.status === 'open' && definition.editableStages.includes(cycle.stage), version: cycle.version, rows: grid.rows };
  }

  /** Decides one grid command and appends its events with the stream's version as expected version. */
  async execute(actor: Actor, cycleId: string, command: AttestationGridCommand, options: { actingRole?: Role; correlationId: string; now?: Date }): Promise<{ version: number; events: string[] }> {
    const obligations = await this.transparency.obligations(actor.tenant);
    const { cycle, definition, grid } = await this.read(actor.tenant, cycleId);
    const decided = decideAttestationGrid(command, cycle, grid, {
      actor: { userId: actor.userId, tenant: actor.tenant, roles: actor.roles },
      actingRole: options.actingRole,
      now: options.now ?? new Date(),
      definition,
      obligations,
    });
    try {
      const r = await this.store.append(
        cycleStream(actor.tenant, cycleId),
        toNewEvents(actor.tenant, decided, eventIdsFor(decided.length, null), cycle.definitionVersion, { correlationId: options.correlationId, causationId: null, idempotencyKey: null }),
        { expectedVersion: cycle.version },
      );
      return { version: r.nextVersion, events: decided.map((e) => e.type) };
    } catch (err) {
      if (err instanceof WrongExpectedVersion) throw new ConcurrentModification(cycleId, err.actualVersion);
      throw err;
    }
  }
}
