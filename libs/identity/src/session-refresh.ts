import { LoginFailure, type OidcLogin } from './oidc-login';
import type { SessionRecord, SessionStore } from './sessions';

/** How long one refresh may hold a session's lock; also the wait before retrying when the provider is away. */
const REFRESH_LOCK_MS = 30_000;

export interface RefreshLog {
  warn(fields: Record<string, unknown>, msg: string): void;
}

/**
 * Keeps OpenID Connect sessions in step with the provider: when the provider's access token has
 * expired and a refresh token exists, the next request refreshes the tokens (once, under a Redis
 * lock shared by every API process; concurrent requests go on with the session meanwhile).
 *
 * - The provider refuses (grant revoked, user disabled, an ID token for someone else): the
 *   session ends and the request is unauthenticated.
 * - The provider does not answer: the session goes on and the refresh is tried again at the first
 *   request after 30 s (an outage of the provider does not log everyone out).
 */
export class SessionRefresher {
  constructor(
    private readonly sessions: SessionStore,
    private readonly login: OidcLogin,
    private readonly log: RefreshLog | null = null,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the session's provider tokens are due for a refresh. */
  due(record: SessionRecord): boolean {
    const o = record.oidc;
    return record.identity.via === 'oidc' && !!o?.refreshToken && typeof o.expiresAt === 'number' && o.expiresAt <= this.now();
  }

  /** The record to go on with (refreshed or as it was), or null when the session was ended. */
  async refresh(id: string, record: SessionRecord): Promise<SessionRecord | null> {
    if (!this.due(record) || !record.oidc) return record;
    if (!(await this.sessions.lock(id, REFRESH_LOCK_MS))) return record;
    const who = `${record.identity.tenant}/${record.identity.userId}`;
    try {
      const r = await this.login.refresh(record.oidc);
      if (r.identity && (r.identity.userId !== record.identity.userId || r.identity.tenant !== record.identity.tenant))
        throw new LoginFailure('refused', `refreshed ID token names ${r.identity.tenant}/${r.identity.userId}`, 'sessione scaduta');
      const next: SessionRecord = {
        ...record,
        identity: {
          ...record.identity,
          ...(r.identity?.name ? { name: r.identity.name } : {}),
          ...(r.identity?.claimedRoles ? { claimedRoles: r.identity.claimedRoles } : {}),
        },
        oidc: r.tokens,
      };
      await this.sessions.update(id, next);
      await this.sessions.unlock(id);
      return next;
    } catch (err) {
      if (!(err instanceof LoginFailure)) throw err;
      if (err.kind === 'unavailable') {
        // The lock is left to expire: the next attempt comes after REFRESH_LOCK_MS.
        this.log?.warn({ user: who, reason: err.reason }, 'Session refresh postponed: identity provider unavailable');
        return record;
      }
      this.log?.warn({ user: who, reason: err.reason }, 'Session ended: the identity provider refused the refresh');
      await this.sessions.destroy(id);
      await this.sessions.unlock(id);
      return null;
    }
  }
}
