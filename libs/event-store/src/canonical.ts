import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped.
 * Two values that are equal as JSON always give the same text, so their hashes can be compared.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('Non-finite number in event');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Hash of what the caller supplied for an event; the idempotency check compares it. */
export function contentHash(e: { eventId: string; type: string; data: unknown; metadata: unknown }): string {
  return sha256Hex(canonicalJson({ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata }));
}

/**
 * Hash linking an event to its predecessor in the stream. The same formula is evaluated in SQL
 * (`es_append`) when the event is written and in TypeScript when the chain is verified.
 */
export function eventHash(prevHash: string, streamId: string, version: number, content: string, recordedMicros: string): string {
  return sha256Hex(`${prevHash}|${streamId}|${version}|${content}|${recordedMicros}`);
}

/** Hash of the global seal chain: each sealed event extends the previous seal. */
export function sealHash(prevSeal: string, seq: number, position: number, eventHashHex: string): string {
  return sha256Hex(`${prevSeal}|${seq}|${position}|${eventHashHex}`);
}
