/**
 * Pure translation between our event-store model and KurrentDB's (no I/O, no client at run time:
 * only the client's types are imported), so every rule here is unit-tested without a server.
 */
import type {
  ANY as K_ANY,
  AppendStreamState,
  CurrentStreamState,
  JSONEventData,
  NO_STREAM as K_NO_STREAM,
  Position,
  STREAM_EXISTS as K_STREAM_EXISTS,
} from '@kurrent/kurrentdb-client';
import { contentHash } from '../canonical';
import { InvalidAppend, WrongExpectedVersion } from '../errors';
import type { EventMetadata, ExpectedVersion, JsonObject, NewEvent, RecordedEvent } from '../types';

// The client's constants, restated so this module does not load the client (and its native bridge).
const ANY: typeof K_ANY = 'any';
const NO_STREAM: typeof K_NO_STREAM = 'no_stream';
const STREAM_EXISTS: typeof K_STREAM_EXISTS = 'stream_exists';

/** Metadata keys the adapter adds to every stored event and strips when reading. */
export const CONTENT_HASH_KEY = '$contentHash';
export const APPEND_ID_KEY = '$appendId';

/**
 * Server-side `$all` filter (a .NET regex on stream names) that keeps only our streams
 * (`<tenant>/<name>`, see `tenantOfStream`). It excludes every system stream (`$…`, including the
 * `$ciclo-checkpoint-…` streams) and foreign streams in the same database.
 */
export const CICLO_STREAM_REGEX = '^[a-z0-9][a-z0-9_.-]{0,62}/';

/** Stream holding the checkpoints of a named subscription (a system stream, so never read back as an event). */
export const checkpointStream = (name: string) => `$ciclo-checkpoint-${name}`;

// ---------------------------------------------------------------------------------------------
// Versions. Ours are 1-based (version = number of events, 0 = empty); KurrentDB revisions are 0-based.

/** Our expected version → KurrentDB's expected stream state. Throws `InvalidAppend` for bad values. */
export function toStreamState(expected: ExpectedVersion): AppendStreamState {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'exists') return STREAM_EXISTS;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) {
    return expected === 0 ? NO_STREAM : BigInt(expected - 1);
  }
  throw new InvalidAppend(`expectedVersion must be a non-negative integer, 'no_stream', 'exists' or 'any'`);
}

/**
 * KurrentDB's expected stream state → our expected version. `NO_STREAM` gives `'no_stream'`
 * (our `0` maps to `NO_STREAM` as well: both mean "the stream has no event").
 */
export function fromStreamState(state: AppendStreamState): ExpectedVersion {
  if (state === ANY) return 'any';
  if (state === NO_STREAM) return 'no_stream';
  if (state === STREAM_EXISTS) return 'exists';
  return Number(state) + 1;
}

/** A stream's current state as KurrentDB reports it → our version and whether the stream exists. */
export function versionOfState(current: CurrentStreamState | undefined): {
  version: number;
  exists: boolean;
} {
  if (typeof current !== 'bigint' || current < 0n) return { version: 0, exists: false };
  return { version: Number(current) + 1, exists: true };
}

/** Shape of the client's `WrongExpectedVersionError` that the adapter relies on. */
export interface WrongExpectedVersionLike {
  type: 'wrong-expected-version';
  actualState: CurrentStreamState;
}

export function isWrongExpectedVersionError(err: unknown): err is WrongExpectedVersionLike {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { type?: unknown; name?: unknown };
  return e.type === 'wrong-expected-version' || e.name === 'WrongExpectedVersionError';
}

/** The client's conflict error → ours, with the actual version (revision + 1; 0 when the stream does not exist). */
export function toWrongExpectedVersion(
  streamId: string,
  expected: ExpectedVersion,
  err: Pick<WrongExpectedVersionLike, 'actualState'>,
): WrongExpectedVersion {
  const actual = versionOfState(err.actualState);
  return new WrongExpectedVersion(streamId, expected, actual.version, actual.exists);
}

/**
 * True for the error KurrentDB gives when `$all` is read from a position that is not the start of
 * a record ("Invalid position"; the bridge surfaces it as an unrecognised error).
 */
export function isInvalidPositionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const type = (err as { type?: unknown }).type;
  return /position/i.test(err.message) || type === 'unknown' || err.name === 'UnknownError';
}

// ---------------------------------------------------------------------------------------------
// Positions and checkpoints.

const U64_MAX = 18446744073709551615n;

/** Orders two log positions (commit first, then prepare). */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/**
 * Our numeric `position` is KurrentDB's commit position (a byte offset in the transaction log).
 * `Number` is exact up to 2^53 bytes (8 PiB of log), far beyond any deployment of ours.
 */
export function positionNumber(p: Position): number {
  return Number(p.commit);
}

/**
 * A KurrentDB checkpoint: `commit:prepare`, each zero-padded to 20 digits (the width of 2^64) so
 * that comparing two checkpoint strings orders them as the log positions they denote.
 */
export function serializeKurrentCheckpoint(p: Position): string {
  if (p.commit < 0n || p.prepare < 0n) throw new RangeError('A log position cannot be negative');
  return `${p.commit.toString().padStart(20, '0')}:${p.prepare.toString().padStart(20, '0')}`;
}

/** Parses a checkpoint written by `serializeKurrentCheckpoint` (null → null = from the start). */
export function parseKurrentCheckpoint(s: string | null): Position | null {
  if (s === null) return null;
  const m = /^(\d{1,20}):(\d{1,20})$/.exec(s);
  if (!m) throw new Error(`Malformed KurrentDB checkpoint "${s}"`);
  const p = { commit: BigInt(m[1]), prepare: BigInt(m[2]) };
  if (p.commit > U64_MAX || p.prepare > U64_MAX) throw new Error(`Malformed KurrentDB checkpoint "${s}"`);
  return p;
}

/** Orders checkpoints; null (the start) comes before every checkpoint. */
export function compareKurrentCheckpoints(a: string | null, b: string | null): number {
  const pa = parseKurrentCheckpoint(a);
  const pb = parseKurrentCheckpoint(b);
  if (pa === null || pb === null) return pa === pb ? 0 : pa === null ? -1 : 1;
  return comparePositions(pa, pb);
}

// ---------------------------------------------------------------------------------------------
// Events.

/** An event ready for `appendToStream`, with what the adapter needs to recognise it later. */
export interface PreparedEvent {
  eventId: string;
  contentHash: string;
  eventData: JSONEventData;
}

/**
 * Our event → KurrentDB JSON event. The id is the caller's UUID (KurrentDB's own idempotency key);
 * the metadata carries our content hash and the id of this append attempt (`appendId`), which tells
 * a write we made apart from events already stored under the same ids.
 */
export function toEventData(e: NewEvent, appendId: string): PreparedEvent {
  const eventId = e.eventId.toLowerCase();
  const hash = contentHash({ ...e, eventId });
  return {
    eventId,
    contentHash: hash,
    eventData: {
      id: eventId,
      contentType: 'application/json',
      type: e.type,
      data: e.data,
      metadata: { ...e.metadata, [CONTENT_HASH_KEY]: hash, [APPEND_ID_KEY]: appendId },
    },
  };
}

/** The part of the client's (all-stream) resolved event the mapping reads. */
export interface ResolvedEventLike {
  event?: {
    streamId: string;
    id: string;
    revision: bigint;
    type: string;
    isJson: boolean;
    created: Date;
    data: unknown;
    metadata?: unknown;
    position?: Position;
  };
  commitPosition?: bigint;
}

/** A stored event of ours, with the KurrentDB details the adapter needs. */
export interface MappedEvent {
  event: RecordedEvent;
  /** Full log position (for checkpoints). */
  logPosition: Position;
  /** Id of the append that wrote it (null for events written without the adapter's metadata). */
  appendId: string | null;
}

const OUR_STREAM = new RegExp(`${CICLO_STREAM_REGEX}[A-Za-z0-9]`);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * KurrentDB resolved event → our `RecordedEvent`, or null when the event is not one of ours (link,
 * system or foreign stream, non-JSON payload, missing metadata). `version` = revision + 1;
 * `position` = commit position; `recordedAt` = the server's `created`; `hash` = the content hash
 * stored at append time (KurrentDB keeps no per-stream hash chain, see ADR 0002).
 */
export function toMappedEvent(resolved: ResolvedEventLike): MappedEvent | null {
  const e = resolved.event;
  if (!e || !e.isJson || e.type.startsWith('$') || !OUR_STREAM.test(e.streamId)) return null;
  if (!isPlainObject(e.data) || !isPlainObject(e.metadata) || typeof e.metadata.tenant !== 'string')
    return null;
  const { [CONTENT_HASH_KEY]: storedHash, [APPEND_ID_KEY]: appendId, ...metadata } = e.metadata;
  const logPosition = logPositionOf(resolved);
  if (!logPosition) {
    throw new Error(`KurrentDB returned event ${e.id} without its log position (server older than 22.6?)`);
  }
  const event: RecordedEvent = {
    eventId: e.id.toLowerCase(),
    type: e.type,
    data: e.data as JsonObject,
    metadata: metadata as EventMetadata,
    streamId: e.streamId,
    version: Number(e.revision) + 1,
    position: positionNumber(logPosition),
    recordedAt: e.created,
    hash:
      typeof storedHash === 'string'
        ? storedHash
        : contentHash({ eventId: e.id.toLowerCase(), type: e.type, data: e.data, metadata }),
  };
  return { event, logPosition, appendId: typeof appendId === 'string' ? appendId : null };
}

/** The event's log position; stream reads of old servers report none (or 2^64-1). */
export function logPositionOf(resolved: ResolvedEventLike): Position | null {
  const p = resolved.event?.position;
  if (p && p.commit !== U64_MAX && p.commit >= 0n) return p;
  const c = resolved.commitPosition;
  if (c !== undefined && c !== U64_MAX && c >= 0n) return { commit: c, prepare: c };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Idempotency.

export type StoredVerdict =
  | { kind: 'absent' }
  | { kind: 'replayed'; nextVersion: number; positions: number[] }
  | { kind: 'conflict'; eventIds: string[] };

/**
 * Compares a batch with the events of the target stream found under its ids (same rule as the
 * PostgreSQL adapter): none found → absent; every id found with the same content hash → replayed
 * (original positions, version of the last one); otherwise → conflict on the ids missing or different.
 */
export function classifyStored(
  batch: Array<Pick<PreparedEvent, 'eventId' | 'contentHash'>>,
  found: ReadonlyMap<string, RecordedEvent>,
): StoredVerdict {
  if (!batch.some((b) => found.has(b.eventId))) return { kind: 'absent' };
  const conflicts = batch.filter((b) => found.get(b.eventId)?.hash !== b.contentHash).map((b) => b.eventId);
  if (conflicts.length > 0) return { kind: 'conflict', eventIds: conflicts };
  const stored = batch
    .map((b) => found.get(b.eventId) as RecordedEvent)
    .sort((a, b) => a.version - b.version);
  return {
    kind: 'replayed',
    nextVersion: stored[stored.length - 1].version,
    positions: stored.map((e) => e.position),
  };
}
