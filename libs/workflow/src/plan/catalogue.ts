import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  applyCatalogueEvent,
  CATALOGUE_EVENT_SCHEMA_VERSIONS,
  catalogueStream,
  decideCatalogue,
  DomainRefusal,
  foldCatalogue,
  initialCatalogueState,
  type CatalogueCommand,
  type CatalogueState,
  type DomainEvent,
  type FieldProblem,
  type Role,
} from '@ciclo/domain';
import { ConcurrentChange, runCommand, StreamFolder, type Fold } from '@ciclo/commands';
import type { EventStore } from '@ciclo/event-store';
import type { Actor } from '@ciclo/identity';

interface FoldedCatalogue {
  state: CatalogueState;
  /** Ids of the stream's events (a repeated import batch is recognised without reading the stream). */
  ids: Set<string>;
}

const catalogueFold: Fold<FoldedCatalogue> = {
  initial: () => ({ state: initialCatalogueState(), ids: new Set() }),
  apply: (from, events) => {
    const ids = new Set(from.ids);
    for (const e of events) ids.add(e.eventId.toLowerCase());
    return { state: foldCatalogue(events, from.state), ids };
  },
  version: (f) => f.state.version,
  hasEvent: (f, id) => f.ids.has(id),
};

/** The tenant's process catalogue, folded from `<tenant>/catalogue-processes` (cached, incremental). */
export class CatalogueRepository {
  readonly folder: StreamFolder<FoldedCatalogue>;

  constructor(readonly store: EventStore) {
    this.folder = new StreamFolder(store, catalogueFold);
  }

  async load(tenant: string): Promise<{ state: CatalogueState; ids: ReadonlySet<string> }> {
    return (await this.folder.load(catalogueStream(tenant))).state;
  }
}

export class ExecuteCatalogueCommands {
  constructor(
    readonly actor: Actor,
    readonly commands: CatalogueCommand[],
    readonly options: { actingRole?: Role; correlationId: string; idempotencyKey?: string | null; atomic?: boolean },
  ) {}
}

export interface CatalogueCommandsResult {
  version: number;
  written: number;
  outcomes: { index: number; status: 'applied' | 'refused'; code?: string; message?: string; fields?: FieldProblem[] }[];
  replayed: boolean;
}

/** The catalogue changed again while a command was retried after a concurrent write. */
export class CatalogueChangedConcurrently extends ConcurrentChange {
  constructor(streamId: string, actualVersion: number) {
    super(
      streamId,
      actualVersion,
      `The process catalogue was changed concurrently (now at version ${actualVersion}); reload and retry`,
      'Il catalogo dei processi è stato modificato nel frattempo: ricaricare e riprovare',
    );
  }
}

@CommandHandler(ExecuteCatalogueCommands)
export class ExecuteCatalogueCommandsHandler implements ICommandHandler<ExecuteCatalogueCommands, CatalogueCommandsResult> {
  constructor(private readonly repo: CatalogueRepository) {}

  execute(cmd: ExecuteCatalogueCommands): Promise<CatalogueCommandsResult> {
    const { actor, commands, options } = cmd;
    const stream = catalogueStream(actor.tenant);
    return runCommand<FoldedCatalogue, CatalogueCommandsResult>({
      folder: this.repo.folder,
      stream,
      meta: { tenant: actor.tenant, correlationId: options.correlationId },
      schemaVersion: (type) => CATALOGUE_EVENT_SCHEMA_VERSIONS[type as keyof typeof CATALOGUE_EVENT_SCHEMA_VERSIONS] ?? 1,
      idempotency: options.idempotencyKey ? { key: options.idempotencyKey, scope: 'catalogue-processes' } : null,
      replay: (_written, loaded) => ({ version: loaded.state.version, written: 0, outcomes: [], replayed: true }),
      conflict: (err) => new CatalogueChangedConcurrently(stream, err.actualVersion),
      decide: (loaded) => {
        // Each command is decided on the state its predecessors leave.
        const state = foldCatalogue([], loaded.state);
        const now = new Date();
        const decided: DomainEvent[] = [];
        const outcomes: CatalogueCommandsResult['outcomes'] = [];
        commands.forEach((command, index) => {
          try {
            const events = decideCatalogue(command, state, { actor: { userId: actor.userId, tenant: actor.tenant, roles: actor.roles }, actingRole: options.actingRole, now });
            for (const e of events) applyCatalogueEvent(state, { ...e, version: state.version + 1 });
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
          answer: (r) =>
            r
              ? { version: r.nextVersion, written: decided.length, outcomes, replayed: r.replayed }
              : { version: loaded.state.version, written: 0, outcomes, replayed: false },
        };
      },
    });
  }
}
