import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  START,
  StreamNotFoundError,
  jsonEvent,
  streamNameFilter,
  type Filter,
  type Position,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import { CapabilityNotSupported, EventIdConflict, WrongExpectedVersion } from '../errors';
import { validateAppend, validateStreamQuery, type EventStore } from '../event-store';
import type {
  AppendOptions,
  AppendResult,
  BatchHandler,
  ChainVerification,
  Checkpoint,
  CommittedBatch,
  ExpectedVersion,
  LogLag,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreCapability,
  StreamInfo,
  StreamQuery,
  SubscribeOptions,
  Subscription,
  SubscriptionStatus,
} from '../types';
import {
  CICLO_STREAM_REGEX,
  checkpointStream,
  classifyStored,
  comparePositions,
  isInvalidPositionError,
  isWrongExpectedVersionError,
  logPositionOf,
  parseKurrentCheckpoint,
  serializeKurrentCheckpoint,
  toEventData,
  toMappedEvent,
  toStreamState,
  toWrongExpectedVersion,
  versionOfState,
  type MappedEvent,
  type PreparedEvent,
} from './mapping';
import { KurrentSubscription } from './subscription';

export interface KurrentDbEventStoreOptions {
  /** e.g. `kurrentdb://localhost:2113?tls=false`. */
  connectionString: string;
  /** Use an existing client instead of creating one (it is not disposed by `close()`). */
  client?: KurrentDBClient;
}

/** Only our streams (`<tenant>/<name>`): no system, checkpoint or foreign streams. */
const cicloFilter = (): Filter => streamNameFilter({ regex: CICLO_STREAM_REGEX });

const isStreamNotFound = (err: unknown) =>
  err instanceof StreamNotFoundError || (err as { type?: unknown } | null)?.type === 'stream-not-found';

/**
 * EventStore adapter for KurrentDB (formerly EventStoreDB), through `@kurrent/kurrentdb-client`.
 * See ADR 0002 for what differs from the PostgreSQL adapter. In short:
 * - positions are KurrentDB commit positions (sparse byte offsets, not 1, 2, 3…);
 * - `hash` is the event's content hash, not a per-stream chain (no `verifyChain` here);
 * - idempotency is exact within the target stream; the SAME event id on ANOTHER stream is NOT
 *   detected (KurrentDB has no index by event id, and keeping one would cost a stream per event);
 * - subscriptions are at-least-once (the handler gets no transaction) and not exclusive.
 */
export class KurrentDbEventStore implements EventStore {
  readonly client: KurrentDBClient;
  private readonly ownsClient: boolean;
  private readonly subscriptions = new Set<KurrentSubscription>();
  private readonly checkpointStreamsPrepared = new Set<string>();
  private closed = false;

  constructor(options: KurrentDbEventStoreOptions) {
    this.ownsClient = !options.client;
    this.client = options.client ?? KurrentDBClient.connectionString(options.connectionString);
  }

  /**
   * Appends atomically with KurrentDB's optimistic concurrency check, then reads the written events
   * back (the server does not return one position per event).
   *
   * Idempotency: KurrentDB treats a repeated append of the same ids at the same expected version as
   * a no-op and reports success, comparing ids only. Each append therefore stamps its events with a
   * fresh `$appendId` (and our `$contentHash`) in the metadata: when the events read back carry another
   * append id, nothing was written and their content hashes decide between `replayed: true` and
   * `EventIdConflict`. On a version conflict the stream is read from the expected version on, to
   * recognise a replay whose stream has moved on since.
   * LIMIT: the same id on ANOTHER stream cannot be found cheaply in KurrentDB and is not detected
   * (it is stored again); with `'any'`, a repeat is recognised only while the server still caches
   * the ids of recent writes. See ADR 0002.
   */
  async append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    validateAppend(streamId, events);
    const expected = options?.expectedVersion;
    const streamState = toStreamState(expected);
    const appendId = randomUUID();
    const batch = events.map((e) => toEventData(e, appendId));

    let result;
    try {
      result = await this.client.appendToStream(
        streamId,
        batch.map((b) => b.eventData),
        { streamState },
      );
    } catch (err) {
      if (!isWrongExpectedVersionError(err)) throw err;
      return this.afterConflict(streamId, expected, batch, toWrongExpectedVersion(streamId, expected, err));
    }
    if (!result.success) {
      // Only with `throwOnAppendFailure=false` in the connection string; the client's revision is then
      // unreliable (batch appends report a boolean), so ask the stream itself.
      const actual = await this.currentVersion(streamId);
      return this.afterConflict(
        streamId,
        expected,
        batch,
        new WrongExpectedVersion(streamId, expected, actual.version, actual.exists),
      );
    }

    const last = result.nextExpectedRevision;
    const first = last >= BigInt(batch.length) - 1n ? last - BigInt(batch.length) + 1n : 0n;
    // Read from the leader: a follower may not have the write yet.
    const stored = await this.readStreamMapped(streamId, first, batch.length, true);
    if (
      stored.length === batch.length &&
      stored.every((m, i) => m.appendId === appendId && m.event.eventId === batch[i].eventId)
    ) {
      return {
        nextVersion: Number(last) + 1,
        positions: stored.map((m) => m.event.position),
        replayed: false,
      };
    }
    // The server took the append as a repeat of events already stored: compare their content.
    const verdict = classifyStored(batch, new Map(stored.map((m) => [m.event.eventId, m.event])));
    if (verdict.kind !== 'absent') return this.settle(verdict);
    return this.settle(await this.lookUpIds(streamId, batch, 0n), () => {
      throw new Error(`KurrentDB acknowledged an append to ${streamId} whose events cannot be read back`);
    });
  }

  /** A version conflict is a replay if the stream already holds the batch (from the expected version on). */
  private async afterConflict(
    streamId: string,
    expected: ExpectedVersion,
    batch: PreparedEvent[],
    conflict: WrongExpectedVersion,
  ): Promise<AppendResult> {
    if (!conflict.streamExists) throw conflict;
    const from = typeof expected === 'number' ? BigInt(expected) : 0n;
    return this.settle(await this.lookUpIds(streamId, batch, from), () => {
      throw conflict;
    });
  }

  private async lookUpIds(streamId: string, batch: PreparedEvent[], fromRevision: bigint) {
    const wanted = new Set(batch.map((b) => b.eventId));
    const found = new Map<string, RecordedEvent>();
    try {
      for await (const r of this.client.readStream(streamId, {
        fromRevision,
        direction: FORWARDS,
        requiresLeader: true,
      })) {
        const m = toMappedEvent(r);
        if (m && wanted.has(m.event.eventId)) found.set(m.event.eventId, m.event);
        if (found.size === wanted.size) break;
      }
    } catch (err) {
      if (!isStreamNotFound(err)) throw err;
    }
    return classifyStored(batch, found);
  }

  private settle(verdict: ReturnType<typeof classifyStored>, ifAbsent?: () => never): AppendResult {
    if (verdict.kind === 'conflict') throw new EventIdConflict(verdict.eventIds);
    if (verdict.kind === 'replayed')
      return { nextVersion: verdict.nextVersion, positions: verdict.positions, replayed: true };
    if (ifAbsent) ifAbsent();
    throw new Error('Unexpected idempotency verdict');
  }

  private async currentVersion(streamId: string): Promise<{ version: number; exists: boolean }> {
    try {
      for await (const r of this.client.readStream(streamId, {
        fromRevision: END,
        direction: BACKWARDS,
        maxCount: 1,
        requiresLeader: true,
      })) {
        return versionOfState(r.event?.revision);
      }
    } catch (err) {
      if (!isStreamNotFound(err)) throw err;
    }
    return { version: 0, exists: false };
  }

  private async readStreamMapped(
    streamId: string,
    fromRevision: bigint,
    maxCount?: number,
    requiresLeader = false,
  ): Promise<MappedEvent[]> {
    const out: MappedEvent[] = [];
    try {
      for await (const r of this.client.readStream(streamId, {
        fromRevision,
        direction: FORWARDS,
        maxCount,
        requiresLeader,
      })) {
        const m = toMappedEvent(r);
        if (m) out.push(m);
      }
    } catch (err) {
      if (!isStreamNotFound(err)) throw err;
    }
    return out;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = Math.max(1, Math.floor(options.fromVersion ?? 1));
    const to =
      options.toVersion === undefined || !Number.isFinite(options.toVersion)
        ? undefined
        : Math.floor(options.toVersion);
    if (to !== undefined && to < from) return [];
    const mapped = await this.readStreamMapped(
      streamId,
      BigInt(from - 1),
      to === undefined ? undefined : to - from + 1,
    );
    const until = options.until?.getTime();
    // KurrentDB has no server-side time filter: `until` applies to the server's `created` stamp here.
    return mapped.map((m) => m.event).filter((e) => until === undefined || e.recordedAt.getTime() <= until);
  }

  /**
   * The global log from `from` on. KurrentDB can start a read only at the exact position of a record,
   * so `from` is expected to be a position returned by this store, or such a position + 1 (the usual
   * "after the last one seen"): the read starts at `from - 1`, else at `from`, else (any other number)
   * scans backwards from the end of the log down to `from`.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = Math.min(Math.max(options.limit ?? 1000, 1), 100000);
    const from = Math.max(0, Math.floor(options.from ?? 0));
    const tenant = options.tenant;
    const filter = tenant ? streamNameFilter({ prefixes: [`${tenant}/`] }) : cicloFilter();
    const accept = (m: MappedEvent) =>
      m.event.position >= from && (!tenant || m.event.metadata.tenant === tenant);
    const starts: ReadPosition[] =
      from === 0 ? [START] : [BigInt(from - 1), BigInt(from)].map((p) => ({ commit: p, prepare: p }));
    for (const start of starts) {
      try {
        return (await this.collectForward(start, filter, limit, accept)).map((m) => m.event);
      } catch (err) {
        if (!isInvalidPositionError(err)) throw err;
      }
    }
    return (await this.collectBackwardsDownTo(from, filter, limit, accept)).map((m) => m.event);
  }

  /** Reads `$all` forwards (server-side `filter`), paging until `limit` accepted events or the end. */
  private async collectForward(
    start: ReadPosition,
    filter: Filter,
    limit: number,
    accept: (m: MappedEvent) => boolean,
  ): Promise<MappedEvent[]> {
    const out: MappedEvent[] = [];
    let fromPosition = start;
    let seen: Position | null = null;
    for (;;) {
      // Reads are inclusive of their start: one more than needed, so a page always moves on.
      const maxCount = limit - out.length + 1;
      let count = 0;
      for await (const r of this.client.readAll({ fromPosition, maxCount, filter, direction: FORWARDS })) {
        count++;
        const position = logPositionOf(r);
        if (!position || (seen && comparePositions(position, seen) <= 0)) continue;
        seen = position;
        const m = toMappedEvent(r);
        if (m && accept(m)) {
          out.push(m);
          if (out.length >= limit) return out;
        }
      }
      if (count < maxCount || !seen) return out;
      fromPosition = seen;
    }
  }

  /** Fallback of `readAll` for a `from` that is not a record position: walk back from the end. */
  private async collectBackwardsDownTo(
    from: number,
    filter: Filter,
    limit: number,
    accept: (m: MappedEvent) => boolean,
  ): Promise<MappedEvent[]> {
    const newestFirst: MappedEvent[] = [];
    for await (const r of this.client.readAll({ fromPosition: END, filter, direction: BACKWARDS })) {
      const m = toMappedEvent(r);
      if (!m) continue;
      if (m.event.position < from) break;
      if (accept(m)) newestFirst.push(m);
    }
    return newestFirst.reverse().slice(0, limit);
  }

  /**
   * `$all` after the checkpoint. KurrentDB assigns positions in commit order and a reader only sees
   * committed events, so a later commit never lands before a position already read: resuming from
   * the returned checkpoint skips nothing.
   */
  async readCommitted(after: Checkpoint | null, limit: number): Promise<CommittedBatch> {
    const cp = parseKurrentCheckpoint(after);
    const n = Math.max(1, Math.floor(limit));
    const mapped = await this.collectForward(
      cp ?? START,
      cicloFilter(),
      n,
      (m) => !cp || comparePositions(m.logPosition, cp) > 0,
    );
    if (mapped.length === 0) return { events: [], checkpoint: after };
    return {
      events: mapped.map((m) => m.event),
      checkpoint: serializeKurrentCheckpoint(mapped[mapped.length - 1].logPosition),
    };
  }

  /** Commit position of the last event of ours (system and foreign events are not counted); 0 when none. */
  async headPosition(): Promise<number> {
    for await (const r of this.client.readAll({
      fromPosition: END,
      direction: BACKWARDS,
      maxCount: 1,
      filter: cicloFilter(),
    })) {
      const m = toMappedEvent(r);
      if (m) return m.event.position;
    }
    return 0;
  }

  /**
   * Durable named subscription (catch-up, then live through `subscribeToAll`). The handler's `tx`
   * argument is `undefined`: the checkpoint is stored in KurrentDB after the batch, so delivery is
   * at-least-once and handlers must be idempotent. `exclusive` is not enforced (no lease).
   */
  subscribe<Tx = unknown>(
    name: string,
    handler: BatchHandler<Tx>,
    options: SubscribeOptions = {},
  ): Subscription {
    if (this.closed) throw new Error('Event store is closed');
    const sub = new KurrentSubscription(
      this,
      name,
      handler as unknown as BatchHandler<undefined>,
      options,
      () => this.subscriptions.delete(sub),
    );
    this.subscriptions.add(sub);
    sub.start();
    return sub;
  }

  async checkpointOf(name: string): Promise<Checkpoint | null> {
    try {
      for await (const r of this.client.readStream(checkpointStream(name), {
        fromRevision: END,
        direction: BACKWARDS,
        maxCount: 1,
      })) {
        const data = r.event?.data as { checkpoint?: unknown } | undefined;
        if (typeof data?.checkpoint === 'string') return data.checkpoint;
      }
    } catch (err) {
      if (!isStreamNotFound(err)) throw err;
    }
    return null;
  }

  /** Stores a subscription's checkpoint (an event in `$ciclo-checkpoint-<name>`, which keeps the last few). */
  async saveCheckpoint(name: string, checkpoint: Checkpoint): Promise<void> {
    parseKurrentCheckpoint(checkpoint);
    const stream = checkpointStream(name);
    if (!this.checkpointStreamsPrepared.has(stream)) {
      // Best effort: only bounds the stream's size; a failure must not stop the subscription.
      await this.client.setStreamMetadata(stream, { maxCount: 10 }).catch(() => undefined);
      this.checkpointStreamsPrepared.add(stream);
    }
    await this.client.appendToStream(stream, jsonEvent({ type: 'CicloCheckpoint', data: { checkpoint } }));
  }

  /** Streams of a kind, from `$all` filtered by name on the server (KurrentDB keeps no table of streams). */
  async listStreams(query: StreamQuery): Promise<StreamInfo[]> {
    const { kind, prefix } = validateStreamQuery(query);
    // `<tenant>/<kind>-…` and `<tenant>/<kind>` (a tenant id's dots escaped).
    const tenantPart = prefix ? (query.tenant as string).replace(/\./g, '\\.') : '[a-z0-9][a-z0-9_.-]{0,62}';
    const filter = streamNameFilter({ regex: `^${tenantPart}/${kind}(-|$)` });
    const versions = new Map<string, number>();
    for await (const r of this.client.readAll({ fromPosition: START, direction: FORWARDS, filter })) {
      const m = toMappedEvent(r);
      if (m) versions.set(m.event.streamId, Math.max(versions.get(m.event.streamId) ?? 0, m.event.version));
    }
    return [...versions]
      .map(([streamId, version]) => ({ streamId, version }))
      .sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  }

  async lastEventOf(tenant: string): Promise<{ position: number; recordedAt: Date } | null> {
    validateStreamQuery({ kind: 'x', tenant });
    const filter = streamNameFilter({ prefixes: [`${tenant}/`] });
    for await (const r of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1, filter })) {
      const m = toMappedEvent(r);
      if (m) return { position: m.event.position, recordedAt: m.event.recordedAt };
    }
    return null;
  }

  /** Reads the events after the checkpoint, up to `cap` (KurrentDB has no count over `$all`). */
  async lagAfter(checkpoint: Checkpoint | null, cap = 100_000): Promise<LogLag> {
    const { events } = await this.readCommitted(checkpoint, cap);
    return { events: events.length, oldest: events[0]?.recordedAt ?? null };
  }

  /** Positions are commit positions, assigned in commit order: covered when not after the checkpoint. */
  covers(checkpoint: Checkpoint, position: number): Promise<boolean> {
    const cp = parseKurrentCheckpoint(checkpoint);
    return Promise.resolve(cp !== null && position > 0 && BigInt(position) <= cp.commit);
  }

  /** A checkpoint is `commit:prepare`; positions are commit positions. */
  positionOf(checkpoint: Checkpoint | null): number {
    const cp = parseKurrentCheckpoint(checkpoint);
    return cp ? Number(cp.commit) : 0;
  }

  async ping(): Promise<void> {
    await this.headPosition();
  }

  /** Subscriptions here have no lease: each runs in every process that starts it. */
  async subscriptionStatus(): Promise<SubscriptionStatus[]> {
    const out: SubscriptionStatus[] = [];
    for (const s of this.subscriptions) {
      const cp = parseKurrentCheckpoint(await this.checkpointOf(s.name));
      out.push({ name: s.name, holdsLease: true, position: cp ? Number(cp.commit) : 0 });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Neither the audit seal chain (no per-stream hash chain here, ADR 0002) nor transactional subscriptions. */
  supports(capability: StoreCapability): boolean {
    void capability;
    return false;
  }

  startSealer(): Subscription {
    throw new CapabilityNotSupported('audit-chain', 'KurrentDB');
  }

  verifyChain(): Promise<ChainVerification> {
    return Promise.reject(new CapabilityNotSupported('audit-chain', 'KurrentDB'));
  }

  /** Starts a live `$all` subscription of our streams after `after` (used by subscriptions). */
  subscribeLive(after: Checkpoint | null) {
    const position = parseKurrentCheckpoint(after);
    return this.client.subscribeToAll({ fromPosition: position ?? START, filter: cicloFilter() });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    if (this.ownsClient) await this.client.dispose();
  }
}
