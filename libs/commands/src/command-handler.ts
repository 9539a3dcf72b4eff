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
 *   state (the cached fold, unread; else the fold cache + the events after it) → decide (pure)
 *   → append at the expected version → on a concurrent write, load and decide again once
 *   → idempotency by derived event ids
 *
 * A command first decides on the cached state without reading the stream: the append's expected
 * version checks it was the stream's last. Whatever that first attempt cannot settle on its own (a
 * refusal, nothing to write, a step to run before the append, a write refused or found already
 * made) is decided again on a state read from the store, so every answer rests on the current
 * stream; the unread attempt is not counted among the retries. A stream whose cached state was
 * found behind (another process writes it) is loaded first until a load finds the cache current.
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
export class StreamFolder<S extends object> {
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

  /**
   * Streams whose cached state was found behind by a command (another process writes them): their
   * commands load first, until a load finds the cache was current again.
   */
  private readonly behind = new Set<string>();

  /**
   * The cached state of a stream, without reading the store: it may be behind the stream. None
   * for a stream marked behind (`markBehind`).
   */
  cached(stream: string): S | undefined {
    return this.behind.has(stream) ? undefined : this.cache.get(stream);
  }

  /** A command found the cached state behind the stream: the next ones load it first. */
  markBehind(stream: string): void {
    if (this.behind.size >= this.cache.maxEntries) this.behind.clear();
    this.behind.add(stream);
  }

  async load(stream: string): Promise<{ state: S; /** Only the events read after the cached state. */ events: RecordedEvent[] }> {
    const cached = this.cache.get(stream);
    const events = await this.store.readStream(stream, { fromVersion: (cached === undefined ? 0 : this.fold.version(cached)) + 1 });
    const state = cached !== undefined && events.length === 0 ? cached : this.fold.apply(cached ?? this.fold.initial(), events);
    if (cached !== undefined && events.length === 0) this.behind.delete(stream);
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

export interface CommandRun<S extends object, R> {
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

/**
 * Runs one command: (cached state,) load, (replay,) decide, append at the expected version, retry
 * once. The first attempt decides on the cached state without reading the stream when the cache
 * has one; it only writes when its append's expected version matches, and any other outcome of it
 * is decided again on the loaded state (see the path above).
 */
export async function runCommand<S extends object, R>(run: CommandRun<S, R>): Promise<R> {
  const { folder, stream, meta } = run;
  const retries = new CommandRetries(run.conflict);
  const idempotency = run.idempotency ? { tenant: meta.tenant, ...run.idempotency } : null;
  let unread = folder.cached(stream);
  for (;;) {
    // The unread attempt is made once: every later one loads.
    const fromCache = unread !== undefined;
    const state = unread ?? (await folder.load(stream)).state;
    unread = undefined;
    if (idempotency && run.replay) {
      const [first] = eventIdsFor(1, idempotency);
      const maybe = folder.fold.hasEvent ? folder.fold.hasEvent(state, first) : true;
      const written = maybe ? await writtenWithKey(folder.store, stream, idempotency) : null;
      if (written?.length) return run.replay(written, state);
    }
    let decision: Decision<S, R>;
    try {
      decision = await run.decide(state);
    } catch (err) {
      if (fromCache) continue; // refused on a state that may be behind: decide on the stream's
      throw err;
    }
    if (fromCache && (decision.events.length === 0 || decision.before)) continue;
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
      // The cache was behind (another process wrote), or these ids were written: load and decide again.
      if (fromCache && (err instanceof WrongExpectedVersion || err instanceof EventIdConflict)) {
        folder.markBehind(stream);
        continue;
      }
      if (retries.afterAppend(err, idempotency?.key)) continue;
      throw err;
    }
    // Written before by the same command (idempotency key): answered from the stream, as a replay.
    if (fromCache && result.replayed) {
      folder.markBehind(stream);
      continue;
    }
    if (decision.after && !result.replayed && result.nextVersion === version + decision.events.length) {
      folder.remember(stream, decision.after(ids));
    }
    return decision.answer(result);
  }
}
