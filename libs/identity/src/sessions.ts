import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Redis from 'ioredis';
import type { AuthMethod, Role } from './actor';

/** Who a browser session belongs to and how they logged in. */
export interface SessionIdentity {
  userId: string;
  tenant: string;
  name?: string;
  /** `dev_token` for the demo login, `oidc` for the authorization code flow. */
  via: Extract<AuthMethod, 'dev_token' | 'oidc'>;
  /** OIDC with a roles claim: the roles the provider allows (they narrow the grants, never widen). */
  claimedRoles?: Role[];
}

/** Tokens of the identity provider, kept on the server only (never sent to the browser). */
export interface SessionOidcTokens {
  idToken?: string;
  refreshToken?: string;
  /** When the provider's access token expires (ms since epoch): the session is refreshed then. */
  expiresAt?: number;
}

export interface SessionRecord {
  identity: SessionIdentity;
  /** Synchronizer token: every cookie-authenticated write must echo it in `X-CSRF-Token`. */
  csrfToken: string;
  createdAt: number;
  /** Absolute end, whatever the activity. */
  expiresAt: number;
  /** Last time the idle timer was renewed. */
  touchedAt: number;
  oidc?: SessionOidcTokens;
}

export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

/** Random, URL-safe identifiers: 256 bits. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

const SESSION_ID_RE = /^[A-Za-z0-9_-]{43}$/;
export const isSessionId = (v: unknown): v is string => typeof v === 'string' && SESSION_ID_RE.test(v);

/** Compares two secrets in constant time (different lengths are simply unequal). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Browser sessions, stored server-side in Redis so that every API process shares them.
 *
 * The browser holds only the session id (an httpOnly cookie); Redis holds a record under the
 * SHA-256 of that id (a leaked Redis dump does not yield usable cookies), expiring after the idle
 * timeout, renewed by activity up to the absolute limit.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly timeouts: SessionTimeouts,
    private readonly now: () => number = Date.now,
  ) {}

  private key(id: string): string {
    return `${this.prefix}:sess:${createHash('sha256').update(id).digest('hex')}`;
  }

  private ttl(rec: SessionRecord, at: number): number {
    return Math.max(1, Math.min(this.timeouts.idleMs, rec.expiresAt - at));
  }

  /** Opens a session and answers its id (to be set as the cookie) and record. */
  async create(identity: SessionIdentity, oidc?: SessionOidcTokens): Promise<{ id: string; record: SessionRecord }> {
    const at = this.now();
    const id = newSecret();
    const record: SessionRecord = {
      identity,
      csrfToken: newSecret(),
      createdAt: at,
      expiresAt: at + this.timeouts.absoluteMs,
      touchedAt: at,
      ...(oidc ? { oidc } : {}),
    };
    await this.redis.set(this.key(id), JSON.stringify(record), 'PX', this.ttl(record, at));
    return { id, record };
  }

  /** The live session of an id, its idle timer renewed (at most once a minute); null when unknown or expired. */
  async get(id: string): Promise<SessionRecord | null> {
    if (!isSessionId(id)) return null;
    const raw = await this.redis.get(this.key(id));
    if (!raw) return null;
    const rec = JSON.parse(raw) as SessionRecord;
    const at = this.now();
    if (at >= rec.expiresAt || at - rec.touchedAt >= this.timeouts.idleMs) {
      await this.redis.del(this.key(id));
      return null;
    }
    if (at - rec.touchedAt >= 60_000) {
      rec.touchedAt = at;
      await this.redis.set(this.key(id), JSON.stringify(rec), 'PX', this.ttl(rec, at));
    }
    return rec;
  }

  /** Replaces the provider tokens of a live session (after a refresh). */
  async update(id: string, rec: SessionRecord): Promise<void> {
    const at = this.now();
    await this.redis.set(this.key(id), JSON.stringify(rec), 'PX', this.ttl(rec, at), 'XX');
  }

  async destroy(id: string): Promise<void> {
    if (isSessionId(id)) await this.redis.del(this.key(id));
  }

  /**
   * Takes a short lock on a session (for a token refresh that must happen once, whichever API
   * process or concurrent request sees the need first); false when someone else holds it.
   */
  async lock(id: string, ms: number): Promise<boolean> {
    return (await this.redis.set(`${this.key(id)}:lock`, '1', 'PX', ms, 'NX')) === 'OK';
  }

  async unlock(id: string): Promise<void> {
    await this.redis.del(`${this.key(id)}:lock`);
  }
}
