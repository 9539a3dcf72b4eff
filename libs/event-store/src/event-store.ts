import type {
  AppendOptions,
  AppendResult,
  BatchHandler,
  ChainAnchor,
  ChainVerification,
  Checkpoint,
  CommittedBatch,
  NewEvent,
  ReadAllOptions,
  LogLag,
  ReadStreamOptions,
  RecordedEvent,
  StoreCapability,
  StreamInfo,
  StreamQuery,
  SubscribeOptions,
  Subscription,
  SubscriptionStatus,
} from './types';
import { InvalidAppend } from './errors';

/**
 * The one port through which everything reads and writes events.
 * Streams are named `<tenant>/<kind>-<id>` (e.g. `cciaa-po/cycle-7f3a…`); the tenant prefix must
 * match every event's `metadata.tenant`.
 */
export interface EventStore {
  /** Atomically appends `events` to `streamId`, checking `expectedVersion`; idempotent by event id. */
  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** Events of one stream in version order. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** The global log by position (for reports and exports; subscriptions use `readCommitted`). */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Events committed after `after` (null = from the start), in commit order. Never returns an
   * event while an earlier-ordered one may still commit, so a reader that resumes from the
   * returned checkpoint never skips an event.
   */
  readCommitted(after: Checkpoint | null, limit: number): Promise<CommittedBatch>;
  /** Highest global position written so far (0 when empty). */
  headPosition(): Promise<number>;
  /**
   * Durable named subscription: resumes from the stored checkpoint, catches up, then follows live
   * writes. The checkpoint is stored after each batch; with the PostgreSQL adapter the handler
   * receives the transaction client in which the checkpoint is saved, so rows written through it
   * and the checkpoint commit together (exactly-once effects).
   */
  subscribe<Tx = unknown>(name: string, handler: BatchHandler<Tx>, options?: SubscribeOptions<Tx>): Subscription;
  /** The stored checkpoint of a named subscription, or null. */
  checkpointOf(name: string): Promise<Checkpoint | null>;
  /** Streams named `<tenant>/<kind>-…` or `<tenant>/<kind>` with their versions, ordered by id (directories, reconciliation). */
  listStreams(query: StreamQuery): Promise<StreamInfo[]>;
  /** The tenant's last event: its position and when it was recorded; null when it has none. */
  lastEventOf(tenant: string): Promise<{ position: number; recordedAt: Date } | null>;
  /** Events committed after `checkpoint` (counted up to `cap`, default 100,000) and when the oldest was recorded. */
  lagAfter(checkpoint: Checkpoint | null, cap?: number): Promise<LogLag>;
  /** True when the event at `position` is at or before `checkpoint` in commit order (false when no such event). */
  covers(checkpoint: Checkpoint, position: number): Promise<boolean>;
  /** The global position of the last event a checkpoint of this adapter covers (0 for null): for display and lag. */
  positionOf(checkpoint: Checkpoint | null): number;
  /** Resolves when the store answers; rejects otherwise (health checks). */
  ping(): Promise<void>;
  /** The durable subscriptions this process runs: whether it holds each one's lease, and its lag. */
  subscriptionStatus(): Promise<SubscriptionStatus[]>;
  /** Whether this adapter offers an optional capability; the methods of one it lacks throw `CapabilityNotSupported`. */
  supports(capability: StoreCapability): boolean;
  /** Capability `audit-chain`: starts the sealer, which extends the global seal chain as events commit. */
  startSealer(options?: SubscribeOptions): Subscription;
  /** Capability `audit-chain`: walks the whole hash chain, checked against `anchors` too. */
  verifyChain(anchors?: readonly ChainAnchor[], pageSize?: number): Promise<ChainVerification>;
  close(): Promise<void>;
}

const KIND_RE = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Checks a `listStreams` query; when it names a tenant, returns the id prefix its `<kind>-…`
 * streams share and the id of its single `<kind>` stream.
 */
export function validateStreamQuery(query: StreamQuery): { kind: string; prefix: string | null; single: string | null } {
  if (!KIND_RE.test(query.kind ?? '')) throw new InvalidAppend(`Malformed stream kind "${query.kind}"`);
  if (query.tenant === undefined) return { kind: query.kind, prefix: null, single: null };
  tenantOfStream(`${query.tenant}/${query.kind}-x`);
  return { kind: query.kind, prefix: `${query.tenant}/${query.kind}-`, single: `${query.tenant}/${query.kind}` };
}

const STREAM_RE = /^([a-z0-9][a-z0-9_.-]{0,62})\/([A-Za-z0-9][A-Za-z0-9_.:-]{0,199})$/;

/** Returns the tenant of a stream id, or throws `InvalidAppend` for a malformed id. */
export function tenantOfStream(streamId: string): string {
  const m = STREAM_RE.exec(streamId);
  if (!m) throw new InvalidAppend(`Malformed stream id "${streamId}": expected "<tenant>/<name>"`);
  return m[1];
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks the shape every adapter requires before writing. */
export function validateAppend(streamId: string, events: NewEvent[]): string {
  const tenant = tenantOfStream(streamId);
  if (!Array.isArray(events) || events.length === 0) throw new InvalidAppend('No events to append');
  const seen = new Set<string>();
  for (const [i, e] of events.entries()) {
    if (!UUID_RE.test(e.eventId ?? '')) throw new InvalidAppend(`events[${i}].eventId is not a UUID`);
    if (seen.has(e.eventId.toLowerCase())) throw new InvalidAppend(`events[${i}].eventId repeats an id of the batch`);
    seen.add(e.eventId.toLowerCase());
    if (!/^[A-Z][A-Za-z0-9]{0,99}$/.test(e.type ?? '')) throw new InvalidAppend(`events[${i}].type is not a PascalCase name`);
    if (e.data === null || typeof e.data !== 'object' || Array.isArray(e.data))
      throw new InvalidAppend(`events[${i}].data must be an object`);
    const m = e.metadata;
    if (!m || typeof m !== 'object') throw new InvalidAppend(`events[${i}].metadata is missing`);
    if (m.tenant !== tenant) throw new InvalidAppend(`events[${i}].metadata.tenant "${m.tenant}" differs from the stream's tenant "${tenant}"`);
    for (const key of ['actorId', 'actorRole', 'correlationId'] as const) {
      if (typeof m[key] !== 'string' || m[key].length === 0) throw new InvalidAppend(`events[${i}].metadata.${key} is missing`);
    }
    if (m.causationId !== null && typeof m.causationId !== 'string') throw new InvalidAppend(`events[${i}].metadata.causationId must be a string or null`);
    if (typeof m.occurredAt !== 'string' || Number.isNaN(Date.parse(m.occurredAt)))
      throw new InvalidAppend(`events[${i}].metadata.occurredAt is not an ISO instant`);
    if (!Number.isInteger(m.schemaVersion) || m.schemaVersion < 1) throw new InvalidAppend(`events[${i}].metadata.schemaVersion must be a positive integer`);
  }
  return tenant;
}
