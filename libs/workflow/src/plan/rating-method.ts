import {
  currentTenantMethod,
  decideTenantRatingMethod,
  DEFAULT_RATING_METHOD,
  foldTenantRatingMethod,
  initialTenantRatingMethodState,
  ratingMethodStream,
  type RatingMethod,
  type Role,
  type TenantRatingMethod,
  type TenantRatingMethodCommand,
  type TenantRatingMethodState,
} from '@ciclo/domain';
import { ConcurrentChange, runCommand, StreamFolder, type Fold } from '@ciclo/commands';
import type { EventStore } from '@ciclo/event-store';
import type { Actor } from '@ciclo/identity';
import { toFoldable } from '../cycle-repository';

const methodFold: Fold<TenantRatingMethodState> = {
  initial: initialTenantRatingMethodState,
  apply: (from, events) => foldTenantRatingMethod(events.map(toFoldable), from),
  version: (s) => s.version,
};

/** The chamber's rating method, folded from `<tenant>/rating-method` (cached, incremental). */
export class RatingMethodRepository {
  readonly folder: StreamFolder<TenantRatingMethodState>;

  constructor(readonly store: EventStore) {
    this.folder = new StreamFolder(store, methodFold);
  }

  async load(tenant: string): Promise<TenantRatingMethodState> {
    return (await this.folder.load(ratingMethodStream(tenant))).state;
  }

  /** The version in force, or null: ANAC's default applies. */
  async current(tenant: string): Promise<TenantRatingMethod | null> {
    return currentTenantMethod(await this.load(tenant));
  }
}

/** The chamber's rating method as the API shows it. */
export interface RatingMethodResponse {
  /** `pna2019` (ANAC's default, no method of the chamber) or `ente` */
  source: 'pna2019' | 'ente';
  /** Version in force (0: ANAC's default) */
  version: number;
  /** The method in force: key risk indicators and levels, lowest first */
  method: RatingMethod;
  /** Why it was set (absent for ANAC's default) */
  reason?: string;
  /** Who set it */
  by?: string;
  /** When (ISO 8601) */
  at?: string;
  /** Every version the chamber set, oldest first */
  history: TenantRatingMethod[];
  /** ANAC's method (PNA 2019, Allegato 1), for reference */
  pna2019: RatingMethod;
  /** For a write: whether an event was written (false: the method was already in force) */
  changed?: boolean;
}

/** The method was changed concurrently and again on the retry. */
export class RatingMethodChangedConcurrently extends ConcurrentChange {
  constructor(streamId: string, actualVersion: number) {
    super(
      streamId,
      actualVersion,
      `The rating method was changed concurrently (now at version ${actualVersion}); reload and retry`,
      'Il metodo di valutazione del rischio è stato modificato nel frattempo: ricaricare e riprovare',
    );
  }
}

const view = (s: TenantRatingMethodState): RatingMethodResponse => {
  const current = currentTenantMethod(s);
  return {
    source: current ? 'ente' : 'pna2019',
    version: current?.version ?? 0,
    method: current
      ? { indicators: current.indicators, levels: current.levels }
      : { indicators: DEFAULT_RATING_METHOD.indicators, levels: DEFAULT_RATING_METHOD.levels },
    ...(current ? { reason: current.reason, by: current.by, at: current.at } : {}),
    history: s.history,
    pna2019: DEFAULT_RATING_METHOD,
  };
};

/** Reads and sets the chamber's rating method (docs/anticorruption.md). */
export class RatingMethodService {
  constructor(readonly repo: RatingMethodRepository) {}

  async view(tenant: string): Promise<RatingMethodResponse> {
    return view(await this.repo.load(tenant));
  }

  execute(
    actor: Actor,
    command: TenantRatingMethodCommand,
    options: { actingRole?: Role; correlationId: string; now?: Date },
  ): Promise<RatingMethodResponse> {
    const stream = ratingMethodStream(actor.tenant);
    return runCommand<TenantRatingMethodState, RatingMethodResponse>({
      folder: this.repo.folder,
      stream,
      meta: { tenant: actor.tenant, correlationId: options.correlationId },
      conflict: (err) => new RatingMethodChangedConcurrently(stream, err.actualVersion),
      decide: (state) => {
        const events = decideTenantRatingMethod(command, state, {
          actor: { userId: actor.userId, tenant: actor.tenant, roles: actor.roles },
          actingRole: options.actingRole,
          now: options.now ?? new Date(),
        });
        return {
          events,
          answer: async (r) => ({ ...view(r ? await this.repo.load(actor.tenant) : state), changed: !!r }),
        };
      },
    });
  }
}
