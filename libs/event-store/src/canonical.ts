import * as crypto from 'node:crypto';

/**
 * Node's one-shot digest (20.12 and later; the typings of this project's @types/node predate it):
 * a third of createHash().update().digest() for an event's few hundred bytes.
 */
const oneShot = (crypto as unknown as { hash: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped.
 * Two values that are equal as JSON always give the same text, so their hashes can be compared.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError('Non-finite number in event');
    return JSON.stringify(value) ?? 'null';
  }
  // Written by concatenation in one pass: every event appended is hashed through here, and the
  // intermediate arrays of filter/map/join cost four times the hash itself.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const v: unknown = value[i];
      out += canonicalJson(v === undefined ? null : v);
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = obj[k];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

export function sha256Hex(text: string): string {
  return oneShot('sha256', text, 'hex');
}

/** Hash of what the caller supplied for an event; the idempotency check compares it. */
export function contentHash(e: { eventId: string; type: string; data: unknown; metadata: unknown }): string {
  return sha256Hex(canonicalJson({ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata }));
}

/**
 * Hash linking an event to its predecessor in the stream. The same formula is evaluated in SQL
 * (`es_append`) when the event is written and in TypeScript when the chain is verified.
 */
export function eventHash(
  prevHash: string,
  streamId: string,
  version: number,
  content: string,
  recordedMicros: string,
): string {
  return sha256Hex(`${prevHash}|${streamId}|${version}|${content}|${recordedMicros}`);
}

/** Hash of the global seal chain: each sealed event extends the previous seal. */
export function sealHash(prevSeal: string, seq: number, position: number, eventHashHex: string): string {
  return sha256Hex(`${prevSeal}|${seq}|${position}|${eventHashHex}`);
}
