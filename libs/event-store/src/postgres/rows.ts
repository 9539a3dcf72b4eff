import type { EventMetadata, JsonObject, RecordedEvent } from '../types';

export const EVENT_COLUMNS =
  'position, tx_id::text AS tx_id, stream_id, version, event_id, type, data, metadata, recorded_at, hash';

export interface EventRow {
  position: string;
  tx_id: string;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
  recorded_at: Date;
  hash: string;
}

export function toRecorded(r: EventRow): RecordedEvent {
  return {
    eventId: r.event_id,
    type: r.type,
    data: r.data,
    metadata: r.metadata,
    streamId: r.stream_id,
    version: r.version,
    position: Number(r.position),
    recordedAt: r.recorded_at,
    hash: r.hash,
  };
}

/** A PostgreSQL checkpoint: the writing transaction id and the position of the last event read. */
export interface PgCheckpoint {
  txId: string;
  position: number;
}

export function serializeCheckpoint(c: PgCheckpoint): string {
  return `${c.txId}:${c.position}`;
}

export function parseCheckpoint(s: string | null): PgCheckpoint {
  if (s === null) return { txId: '0', position: 0 };
  const m = /^(\d+):(\d+)$/.exec(s);
  if (!m) throw new Error(`Malformed PostgreSQL checkpoint "${s}"`);
  return { txId: m[1], position: Number(m[2]) };
}
