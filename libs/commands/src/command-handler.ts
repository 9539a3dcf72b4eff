import {
  EventIdConflict,
  WrongExpectedVersion,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type Json,
  type JsonObject,
  type NewEvent,
  type RecordedEvent,
} from '@ciclo/event-store';
import { eventIdsFor } from './event-ids';
import { FoldCache } from './fold-cache';
import { SharedLoads } from './shared-loads';

/**
 * The one command path over the event store's port:
 *
 *   load (fold cache + the events after it) → decide (pure) → append at the expected version
 *   → on a concurrent write, load and decide again once → idempotency by derived event ids
 *
 * with the events' metadata built in one place and the cache moved forward by the handler's own
 * appends. `runCommand` does all of it for every aggregate; the steps some commands add (the
 * cycle's deliberation number reserved in its register stream, links followed after the write)
 * are the decision's `before` and `answer`.
 */

/** How an aggregate's state is folded from its stream. */
export interface Fold<S> {
  initial(): S;
  /** The state after `events`; never changes `from` (cached states are shared). */
  apply(from: S, events: readonly RecordedEvent[]): S;
  /** The stream version the state reflects (0: no event). */
  version(state: S): number;
  /** Whether a state is worth keeping in the cache (default: it has events). */
  keep?(state: S): boolean;
  /** When the state knows its events' ids: false saves reading the stream to look for a replay. */
  hasEvent?(state: S, eventId: string): boolean;
}

/** Loads streams through a fold cache: only the events after the cached version are read. */
export class StreamFolder<S> {
  constructor(
    readonly store: EventStore,
    readonly fold: Fold<S>,
    readonly cache: FoldCache<S> = new FoldCache<S>(),
  ) {}

  private readonly shared = new SharedLoads<S>(async (stream) => (await this.load(stream)).state);

  /**
   * The state with every event committed before the call, like `load`, but concurrent callers of
   * one stream share a read (`SharedLoads`): for reads on every request, such as the actor's grants.
   */
  loadShared(stream: string): Promise<S> {
    return this.shared.load(stream);
  }

  async load(stream: string): Promise<{ state: S; /** Only the events read after the cached state. */ events: RecordedEvent[] }> {
    const cached = this.cache.get(stream);
    const events = await this.store.readStream(stream, { fromVersion: (cached === undefined ? 0 : this.fold.version(cached)) + 1 });
    const state = cached !== undefined && events.length === 0 ? cached : this.fold.apply(cached ?? this.fold.initial(), events);
    this.remember(stream, state);
    return { state, events };
  }

  /** Keeps a state (e.g. the one a handler folded its own appended events into). */
  remember(stream: string, state: S): void {
    if (this.fold.keep ? this.fold.keep(state) : this.fold.version(state) > 0) this.cache.set(stream, state);
  }
}

/** An event as a decider returns it: before ids and metadata. */
export interface DecidedEvent {
  type: string;
  data: JsonObject;
  actorId: string;
  actorRole: string;
  occurredAt: string;
}

/** What every event of a command carries besides who and when (the decider gives those). */
export interface EventMeta {
  tenant: string;
  correlationId: string;
  causationId?: string | null;
  /** Keys added to every event's metadata (e.g. `definitionVersion`, `requestHash`). */
  extra?: Record<string, Json>;
  /** Keys added to one event's metadata (e.g. the `reason` it carries). */
  perEvent?: (e: DecidedEvent, index: number) => Record<string, Json>;
}

/** Schema version of an event type's data, written in its metadata (1 unless the type says more). */
export type SchemaVersions = (type: string) => number;

/** The events to append: ids given, metadata built here and nowhere else. */
export function toNewEvents(decided: readonly DecidedEvent[], ids: readonly string[], meta: EventMeta, schemaVersion: SchemaVersions = () => 1): NewEvent[] {
  return decided.map((e, i) => ({
    eventId: ids[i],
    type: e.type,
    data: e.data,
    metadata: {
      tenant: meta.tenant,
      actorId: e.actorId,
      actorRole: e.actorRole,
      occurredAt: e.occurredAt,
      correlationId: meta.correlationId,
      causationId: meta.causationId ?? null,
      schemaVersion: schemaVersion(e.type),
      ...(meta.extra ?? {}),
      ...(meta.perEvent ? meta.perEvent(e, i) : {}),
    },
  }));
}

/** The expected version of an append made on a state of version `v`. */
export const expectedVersionOf = (v: number): ExpectedVersion => (v === 0 ? 'no_stream' : v);

/** A command whose stream was changed by someone else again after its retry: nothing was written. */
export class ConcurrentChange extends Error {
  readonly code = 'CONCURRENT_MODIFICATION';
  constructor(
    /** What changed: a stream id, or the id the caller knows it by (a cycle id). */
    readonly subject: string,
    readonly actualVersion: number,
    message: string,
    /** The same, in Italian (for the person who sent the command). */
    readonly messageIt: string,
  ) {
    super(message);
    this.name = 'ConcurrentChange';
  }
}

/** When a command decides again after a failed write, and when it gives up. */
export class CommandRetries {
  private versionRetries = 0;
  private idempotencyRaces = 0;
  private registerRaces = 0;

  constructor(
    /** What to throw when the stream moved again after the retry. */
    private readonly conflict: (err: WrongExpectedVersion) => Error,
    private readonly limits = { version: 1, idempotency: 3, register: 5 },
  ) {}

  /**
   * After the append failed: true to load and decide again (a concurrent write, once; a concurrent
   * request with the same idempotency key, whose events the next load finds); otherwise throws.
   */
  afterAppend(err: unknown, idempotencyKey?: string | null): true {
    if (idempotencyKey && err instanceof EventIdConflict && this.idempotencyRaces++ < this.limits.idempotency) return true;
    if (err instanceof WrongExpectedVersion) {
      if (this.versionRetries++ < this.limits.version) return true;
      throw this.conflict(err);
    }
    throw err;
  }

  /** After a write to a register stream the command depends on lost a race: decide again, a few times. */
  afterRegisterRace(err: unknown): true {
    if (err instanceof WrongExpectedVersion && this.registerRaces++ < this.limits.register) return true;
    throw err;
  }
}

/** The events an earlier command with `key` wrote to the stream (ids derived from the key), or null. */
export async function writtenWithKey(
  store: EventStore,
  stream: string,
  idempotency: { tenant: string; key: string; scope: string },
  events?: readonly RecordedEvent[],
): Promise<RecordedEvent[] | null> {
  const [first] = eventIdsFor(1, idempotency);
  const all = events ?? (await store.readStream(stream));
  const start = all.findIndex((e) => e.eventId.toLowerCase() === first);
  if (start < 0) return null;
  const ids = eventIdsFor(all.length - start, idempotency);
  const out: RecordedEvent[] = [];
  for (let i = start; i < all.length && all[i].eventId.toLowerCase() === ids[i - start]; i++) out.push(all[i]);
  return out;
}

/** What a decision on a loaded state comes to. */
export interface Decision<S, R> {
  /** Events to append (none: nothing to write, `answer(null)`). */
  events: DecidedEvent[];
  /** The state after the events (given their ids), when the decider folded them already: moves the cache forward. */
  after?: (eventIds: readonly string[]) => S;
  /** Runs before the append (e.g. a reservation in a register stream); may throw WrongExpectedVersion to decide again. */
  before?: () => Promise<void>;
  /** Metadata keys known only once decided (e.g. the cycle's `definitionVersion`), added to every event's. */
  extra?: Record<string, Json>;
  answer(written: AppendResult | null): R | Promise<R>;
}

export interface CommandRun<S, R> {
  folder: StreamFolder<S>;
  stream: string;
  meta: EventMeta;
  schemaVersion?: SchemaVersions;
  /** With a key the event ids derive from it: a repeated command is answered by `replay`, not written again. */
  idempotency?: { key: string; scope: string } | null;
  /** The answer to a repeated command, from the events the first one wrote. */
  replay?(written: RecordedEvent[], state: S): R | Promise<R>;
  decide(state: S): Decision<S, R> | Promise<Decision<S, R>>;
  /** What to throw when the stream moved again after the retry. */
  conflict(err: WrongExpectedVersion): Error;
}

/** Runs one command: load, (replay,) decide, append at the expected version, retry once. */
export async function runCommand<S, R>(run: CommandRun<S, R>): Promise<R> {
  const { folder, stream, meta } = run;
  const retries = new CommandRetries(run.conflict);
  const idempotency = run.idempotency ? { tenant: meta.tenant, ...run.idempotency } : null;
  for (;;) {
    const { state } = await folder.load(stream);
    if (idempotency && run.replay) {
      const [first] = eventIdsFor(1, idempotency);
      const maybe = folder.fold.hasEvent ? folder.fold.hasEvent(state, first) : true;
      const written = maybe ? await writtenWithKey(folder.store, stream, idempotency) : null;
      if (written?.length) return run.replay(written, state);
    }
    const decision = await run.decide(state);
    if (decision.events.length === 0) return decision.answer(null);
    if (decision.before) {
      try {
        await decision.before();
      } catch (err) {
        if (retries.afterRegisterRace(err)) continue;
      }
    }
    const version = folder.fold.version(state);
    const ids = eventIdsFor(decision.events.length, idempotency);
    let result: AppendResult;
    try {
      const eventMeta = decision.extra ? { ...meta, extra: { ...decision.extra, ...(meta.extra ?? {}) } } : meta;
      result = await folder.store.append(stream, toNewEvents(decision.events, ids, eventMeta, run.schemaVersion), { expectedVersion: expectedVersionOf(version) });
    } catch (err) {
      if (retries.afterAppend(err, idempotency?.key)) continue;
      throw err;
    }
    if (decision.after && !result.replayed && result.nextVersion === version + decision.events.length) {
      folder.remember(stream, decision.after(ids));
    }
    return decision.answer(result);
  }
}
