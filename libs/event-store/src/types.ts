/** JSON value as stored in an event's data or metadata. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * Metadata carried by every event. `tenant` must match the stream's tenant prefix.
 * Extra keys (e.g. `definitionVersion`, `reason`) are allowed and stored as given.
 */
export interface EventMetadata {
  tenant: string;
  actorId: string;
  actorRole: string;
  /** ISO-8601 instant at which the fact happened (the decider's clock). */
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  schemaVersion: number;
  [extra: string]: Json | undefined;
}

/** An event to append. `eventId` is a UUID chosen by the caller: it makes the append idempotent. */
export interface NewEvent {
  eventId: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
}

/** An event as stored. `version` is 1-based within its stream; `position` is the global log position. */
export interface RecordedEvent extends NewEvent {
  streamId: string;
  version: number;
  position: number;
  recordedAt: Date;
  /** Hash chaining this event to the previous event of its stream (hex SHA-256). */
  hash: string;
}

/**
 * Expected version for an append: a number (the stream's current version; 0 = empty stream),
 * `'no_stream'` (the stream must not exist), `'exists'` (it must exist) or `'any'`.
 */
export type ExpectedVersion = number | 'no_stream' | 'exists' | 'any';

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
}

export interface AppendResult {
  /** The stream's version after the append. */
  nextVersion: number;
  /** Global positions of the appended events, in order. */
  positions: number[];
  /** True when every event id was already stored with the same content: nothing was written. */
  replayed: boolean;
}

export interface ReadStreamOptions {
  /** First version to return (inclusive, 1-based). */
  fromVersion?: number;
  /** Last version to return (inclusive). */
  toVersion?: number;
  /** Only events recorded at or before this instant (state as of a date). */
  until?: Date;
}

export interface ReadAllOptions {
  /** First global position to return (inclusive). Default 0. */
  from?: number;
  /** Maximum number of events. Default 1000. */
  limit?: number;
  /** Only events of this tenant. */
  tenant?: string;
}

/**
 * Opaque, totally ordered resume point in the committed log, as stored by a subscription.
 * Use `serializeCheckpoint`/`parseCheckpoint` of the adapter that produced it.
 */
export type Checkpoint = string;

export interface CommittedBatch {
  events: RecordedEvent[];
  /** Checkpoint after the last event of the batch (unchanged when the batch is empty). */
  checkpoint: Checkpoint | null;
}

/** Handler for a durable subscription; the batch is in commit order, each stream in version order. */
export type BatchHandler<Tx = unknown> = (events: RecordedEvent[], tx: Tx) => Promise<void>;

/**
 * Where a subscription keeps its checkpoint and in which transaction it applies a batch. The
 * default (PostgreSQL adapter) uses `es_checkpoints` and a `pg` client; a read-model runner can
 * supply its own (e.g. a TypeORM entity manager) so rows and checkpoint commit together.
 */
export interface SubscriptionTransactor<Tx> {
  /** The stored checkpoint (null: none yet). */
  load(name: string): Promise<Checkpoint | null>;
  /**
   * One batch of a subscription, in one transaction: when the stored checkpoint is `from`, runs
   * `fn` and stores `to`, then commits and answers true. When something else moved the checkpoint
   * (a rebuild swapped it, another process took over), nothing is written and it answers false.
   * A throw from `fn` rolls everything back. Each transactor does it in as few round trips as it
   * can (the PostgreSQL adapter's: two besides `fn`'s own).
   */
  applyBatch(
    name: string,
    from: Checkpoint | null,
    to: Checkpoint,
    fn: (tx: Tx) => Promise<void>,
  ): Promise<boolean>;
}

export interface SubscribeOptions<Tx = unknown> {
  /** Checkpoint storage and transaction for each batch (default: the adapter's own). */
  transactor?: SubscriptionTransactor<Tx>;
  /** Events per batch (default 500). */
  batchSize?: number;
  /** Polling interval when no notification arrives (default 1000 ms). */
  pollIntervalMs?: number;
  /** Called after each batch is committed (tests, metrics). */
  onBatch?: (info: { count: number; checkpoint: Checkpoint | null }) => void;
  /** Called when a batch fails; the subscription retries after `retryDelayMs` (default 1000). */
  onError?: (err: unknown) => void;
  retryDelayMs?: number;
  /**
   * Only one process at a time runs a subscription of this name (a lease held as a PostgreSQL
   * session advisory lock). Others wait as standbys and take over within `standbyPollMs`
   * (default 1000 ms) of the active process dying. Default true.
   */
  exclusive?: boolean;
  standbyPollMs?: number;
  /** Called when this process becomes the active runner of the subscription. */
  onActive?: () => void;
}

/** A durable subscription as seen from the process running it (or standing by for it). */
export interface SubscriptionStatus {
  /** Subscription name */
  name: string;
  /** This process holds the subscription's lease and applies its batches (false: standby). */
  holdsLease: boolean;
  /** Position of the last event applied, as this process last saw it (0: none yet). */
  position: number;
  /** With the lease: events committed after the checkpoint (capped) and the age of the oldest. */
  lagEvents?: number;
  /** Age of the oldest event not yet applied */
  lagSeconds?: number;
}

export interface Subscription {
  readonly name: string;
  /** Resolves once the subscription has caught up with the log as it was when subscribed. */
  readonly caughtUp: Promise<void>;
  /** Stops after the batch in flight; resolves when stopped. */
  stop(): Promise<void>;
}

export type ChainProblem =
  | 'event_modified'
  | 'event_deleted'
  | 'event_inserted'
  | 'event_reordered'
  | 'seal_modified'
  | 'seal_missing'
  | 'stream_head_mismatch'
  /** The chain disagrees with a head seal saved outside the database or recorded by an earlier verification. */
  | 'anchor_mismatch';

/** A head seal saved outside the chain: an export, a webhook witness, an earlier recorded verification. */
export interface ChainAnchor {
  seq: number;
  hash: string;
  /** Where it comes from, for the report (e.g. `file anchor.json`, `verification at 1156`). */
  source?: string;
}

export interface ChainVerification {
  intact: boolean;
  /** Events whose hashes were recomputed. */
  checkedEvents: number;
  /** Events covered by the global seal chain. */
  sealedEvents: number;
  /** Highest position verified before the first problem (in commit order), 0 when none. */
  intactUpTo: number;
  /** Hash at the head of the seal chain: publish it to anchor the log outside the database. */
  headSeal: { seq: number; hash: string } | null;
  firstBad?: { position: number; problem: ChainProblem; detail: string };
}

/** Which streams `listStreams` returns: those named `<tenant>/<kind>-…`, of one tenant or of all. */
export interface StreamQuery {
  /** The stream kind, e.g. `cycle`, `user` (lower case letters, digits, `_`). */
  kind: string;
  /** Only this tenant's streams (default: every tenant). */
  tenant?: string;
}

/** A stream and its current version. */
export interface StreamInfo {
  streamId: string;
  version: number;
}

/** Where the log stands after a checkpoint: events not yet applied (counted up to a cap) and the oldest one's age. */
export interface LogLag {
  events: number;
  /** When the oldest event after the checkpoint was recorded (null when none). */
  oldest: Date | null;
}

/**
 * Capabilities an adapter may lack:
 * - `audit-chain`: the global seal chain over the log and its verification (`startSealer`, `verifyChain`);
 * - `transactional-subscriptions`: a subscription's handler receives the SQL transaction client in
 *   which its checkpoint commits (rows written through it and the checkpoint commit together).
 */
export type StoreCapability = 'audit-chain' | 'transactional-subscriptions';
