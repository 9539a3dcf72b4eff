import { createHash, randomUUID } from 'node:crypto';

/**
 * Event ids for a command. With an idempotency key the ids are derived from it, so a client that
 * retries the same request gets the original result from the event store instead of a second write.
 */
export function eventIdsFor(count: number, idempotency: { tenant: string; key: string; scope: string } | null): string[] {
  if (!idempotency) return Array.from({ length: count }, () => randomUUID());
  return Array.from({ length: count }, (_, i) => {
    const h = createHash('sha256').update(`${idempotency.tenant}|${idempotency.scope}|${idempotency.key}|${i}`).digest();
    h[6] = (h[6] & 0x0f) | 0x50; // version 5 layout
    h[8] = (h[8] & 0x3f) | 0x80; // RFC 4122 variant
    const x = h.subarray(0, 16).toString('hex');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
  });
}
