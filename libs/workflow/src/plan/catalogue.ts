import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  applyCatalogueEvent,
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
import { WrongExpectedVersion, type EventStore } from '@ciclo/event-store';
import type { Actor } from '@ciclo/identity';
import { eventIdsFor } from '../event-ids';

/** The tenant's process catalogue, folded from `<tenant>/catalogue-processes` (cached, incremental). */
export class CatalogueRepository {
  private readonly cache = new Map<string, { state: CatalogueState; ids: Set<string> }>();

  constructor(readonly store: EventStore) {}

  async load(tenant: string): Promise<{ state: CatalogueState; ids: ReadonlySet<string> }> {
    const stream = catalogueStream(tenant);
    const cached = this.cache.get(stream);
    const events = await this.store.readStream(stream, { fromVersion: (cached?.state.version ?? 0) + 1 });
    if (cached && events.length === 0) return cached;
    const state = foldCatalogue(events, cached?.state ?? initialCatalogueState());
    const ids = new Set(cached?.ids ?? []);
    for (const e of events) ids.add(e.eventId.toLowerCase());
    const entry = { state, ids };
    this.cache.set(stream, entry);
    return entry;
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

@CommandHandler(ExecuteCatalogueCommands)
export class ExecuteCatalogueCommandsHandler implements ICommandHandler<ExecuteCatalogueCommands, CatalogueCommandsResult> {
  constructor(private readonly repo: CatalogueRepository) {}

  async execute(cmd: ExecuteCatalogueCommands): Promise<CatalogueCommandsResult> {
    const { actor, commands, options } = cmd;
    const stream = catalogueStream(actor.tenant);
    const scope = 'catalogue-processes';
    for (let attempt = 0; ; attempt++) {
      const { state: loaded, ids } = await this.repo.load(actor.tenant);
      if (options.idempotencyKey && ids.has(eventIdsFor(1, { tenant: actor.tenant, key: options.idempotencyKey, scope })[0])) {
        return { version: loaded.version, written: 0, outcomes: [], replayed: true };
      }
      const state = foldCatalogue([], loaded);
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
