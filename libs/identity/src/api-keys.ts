import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys for integrations: `X-Api-Key: <keyId>.<secret>`. The key id names its tenant
 * (`cciaa-po:k0123456789abcdef01234567`), so the key is found without a global index; the secret
 * (32 random bytes, base64url) is shown once and stored only as its SHA-256. A 256-bit random
 * secret needs no slow hash: guessing is hopeless, and SHA-256 keeps verification well under a
 * millisecond.
 */
const KEY_RE = /^([a-z0-9][a-z0-9_.-]{0,62}):(k[0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/;
export const KEY_ID_RE = /^([a-z0-9][a-z0-9_.-]{0,62}):(k[0-9a-f]{24})$/;

export interface ParsedApiKey {
  tenant: string;
  keyId: string;
  secret: string;
}

export function parseApiKey(value: string): ParsedApiKey | null {
  if (typeof value !== 'string' || value.length > 200) return null;
  const m = KEY_RE.exec(value);
  return m ? { tenant: m[1], keyId: `${m[1]}:${m[2]}`, secret: m[3] } : null;
}

/** The tenant named by a key id, or null when the id is malformed. */
export function tenantOfKeyId(keyId: string): string | null {
  const m = KEY_ID_RE.exec(keyId);
  return m ? m[1] : null;
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export function newApiKey(tenant: string): { keyId: string; secret: string; hash: string } {
  const keyId = `${tenant}:k${randomBytes(12).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secret, hash: hashSecret(secret) };
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The actor id under which an API key acts (its events record this id). */
export const apiKeyActorId = (keyId: string) => `apikey:${keyId.slice(keyId.indexOf(':') + 1)}`;
