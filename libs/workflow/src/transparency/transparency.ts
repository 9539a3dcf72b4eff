import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  applyTransparencyEvent,
  decideAttestationGrid,
  decideTransparency,
  DomainRefusal,
  foldAttestationGrid,
  foldTransparency,
  initialTransparencyState,
  transparencyEventSchemaVersion,
  transparencyStream,
  type AttestationGridCommand,
  type AttestationGridRow,
  type CycleState,
  type DomainEvent,
  type FieldProblem,
  type Role,
  type TransparencyCommand,
  type TransparencyObligation,
  type TransparencyState,
} from '@ciclo/domain';
import { FoldCache, runCommand, StreamFolder, type Fold } from '@ciclo/commands';
import type { EventStore } from '@ciclo/event-store';
import type { Actor } from '@ciclo/identity';
import { ConcurrentModification } from '../commands';
import { CycleRepository, cycleEventMeta, cycleStreamSchemaVersion } from '../cycle-repository';
import { cycleStream, foldDecided, toFoldable, type FoldedCycle } from '../cycle-stream';
import type { DefinitionRegistry } from '../definition-registry';

/** The tenant's grid and the ids of its stream's events (for idempotent replays). */
interface FoldedGrid {
  state: TransparencyState;
  ids: ReadonlySet<string>;
}

const gridFold: Fold<FoldedGrid> = {
  initial: () => ({ state: initialTransparencyState(), ids: new Set() }),
  apply: (from, events) => {
    const ids = new Set(from.ids);
    for (const e of events) ids.add(e.eventId.toLowerCase());
    return { state: foldTransparency(events.map(toFoldable), from.state), ids };
  },
  version: (s) => s.state.version,
  hasEvent: (s, id) => s.ids.has(id),
};

/** The tenant's transparency grid, folded from `<tenant>/transparency` (cached, incremental). */
export class TransparencyRepository {
  readonly folder: StreamFolder<FoldedGrid>;

  constructor(readonly store: EventStore) {
    this.folder = new StreamFolder(store, gridFold, new FoldCache<FoldedGrid>(1000));
  }

  async load(tenant: string): Promise<FoldedGrid> {
    return (await this.folder.load(transparencyStream(tenant))).state;
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
    return runCommand<FoldedGrid, TransparencyCommandsResult>({
      folder: this.repo.folder,
      stream: transparencyStream(actor.tenant),
      meta: { tenant: actor.tenant, correlationId: options.correlationId },
      schemaVersion: transparencyEventSchemaVersion,
      idempotency: options.idempotencyKey ? { key: options.idempotencyKey, scope: 'transparency' } : null,
      replay: (_written, loaded) => ({ version: loaded.state.version, written: 0, outcomes: [], replayed: true }),
      decide: (loaded) => {
        const state = foldTransparency([], loaded.state);
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
        return {
          events: decided,
          after: (ids) => ({ state, ids: new Set([...loaded.ids, ...ids.map((id) => id.toLowerCase())]) }),
          answer: (r) => (r ? { version: r.nextVersion, written: decided.length, outcomes, replayed: r.replayed } : { version: loaded.state.version, written: 0, outcomes, replayed: false }),
        };
      },
      conflict: (err) => err,
    });
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
    private readonly cycles: CycleRepository,
  ) {}

  private definitionOf(tenant: string, cycle: CycleState) {
    if (!cycle.exists || cycle.tenant !== tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
    const definition = this.definitions.get(cycle.cycleType, cycle.definitionVersion);
    if (!definition) throw new DomainRefusal('CYCLE_NOT_FOUND');
    return definition;
  }

  /** The grid's rows, folded from the cycle's events (their values are in the events' data). */
  private async grid(tenant: string, cycleId: string) {
    return foldAttestationGrid((await this.store.readStream(cycleStream(tenant, cycleId))).map(toFoldable));
  }

  async view(tenant: string, cycleId: string): Promise<AttestationGridView> {
    const { cycle } = (await this.cycles.streams.load(tenant, cycleId)).state;
    const definition = this.definitionOf(tenant, cycle);
    const grid = await this.grid(tenant, cycleId);
    return { cycleId, cycleType: cycle.cycleType, stage: cycle.stage, editable: cycle.status === 'open' && definition.editableStages.includes(cycle.stage), version: cycle.version, rows: grid.rows };
  }

  /** Decides one grid command on the one command path (the cycle stream's fold and cache). */
  async execute(actor: Actor, cycleId: string, command: AttestationGridCommand, options: { actingRole?: Role; correlationId: string; now?: Date }): Promise<{ version: number; events: string[] }> {
    const obligations = await this.transparency.obligations(actor.tenant);
    return runCommand<FoldedCycle, { version: number; events: string[] }>({
      folder: this.cycles.streams.folder,
      stream: cycleStream(actor.tenant, cycleId),
      meta: cycleEventMeta(actor.tenant, { correlationId: options.correlationId, causationId: null }),
      schemaVersion: cycleStreamSchemaVersion,
      decide: async (folded) => {
        const cycle = folded.cycle;
        const definition = this.definitionOf(actor.tenant, cycle);
        const decided = decideAttestationGrid(command, cycle, await this.grid(actor.tenant, cycleId), {
          actor: { userId: actor.userId, tenant: actor.tenant, roles: actor.roles },
          actingRole: options.actingRole,
          now: options.now ?? new Date(),
          definition,
          obligations,
        });
        return {
          events: decided,
          extra: { definitionVersion: cycle.definitionVersion },
          after: (ids) => foldDecided(folded, decided, ids, actor.tenant),
          answer: (r) => ({ version: r ? r.nextVersion : cycle.version, events: r ? decided.map((e) => e.type) : [] }),
        };
      },
      conflict: (err) => new ConcurrentModification(cycleId, err.actualVersion),
    });
  }
}
