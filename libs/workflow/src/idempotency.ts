import { canonicalJson, sha256Hex, type RecordedEvent } from '@ciclo/event-store';
import { DomainRefusal } from '@ciclo/domain';

/**
 * An HTTP request that carries an `Idempotency-Key`. The key counts only together with who sends it
 * and where: the events a request writes get ids derived from (tenant, actor, method, path, key),
 * and carry the hash of the body in their metadata (`requestHash`). So another person's key, or the
 * same key on another path, never replays; the same key with another body is refused
 * (`IDEMPOTENCY_KEY_REUSED`); the same request again answers what the first one wrote.
 */
export interface IdempotentRequest {
  method: string;
  /** The canonical path (e.g. `/cycles/<id>/commands/approve`), without query. */
  path: string;
  /** `bodyHash(...)` of what the request asks for. */
  bodyHash: string;
}

/** SHA-256 of a body's canonical JSON (key order and spacing do not matter). */
export const bodyHash = (body: unknown): string => sha256Hex(canonicalJson(body ?? null));

/** The scope of derived event ids: who, and which method and path. */
export const requestScope = (actorId: string, request: IdempotentRequest): string => `${actorId}|${request.method.toUpperCase()} ${request.path}`;

/** Metadata added to the events of an idempotent request. */
export const requestMetadata = (request: IdempotentRequest | undefined): { requestHash?: string } =>
  request ? { requestHash: request.bodyHash } : {};

/**
 * An event written earlier under the same key: refused when it was written for another body (only
 * requests that carry a body hash are compared; keys used by the command line have none).
 */
export function checkReplay(original: RecordedEvent, request: IdempotentRequest | undefined): void {
  if (!request) return;
  const stored = original.metadata.requestHash;
  if (stored !== request.bodyHash) {
    throw new DomainRefusal(
      'IDEMPOTENCY_KEY_REUSED',
      `the key was used for ${request.method.toUpperCase()} ${request.path} with another body`,
      [{ field: 'header.Idempotency-Key', problem: 'was already used with another body' }],
      'intestazione Idempotency-Key',
    );
  }
}

