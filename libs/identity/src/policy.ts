import { decodeJwt, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { isPlatformAdmin, type Actor, type AuthMethod, type Role } from './actor';
import { DEV_ISSUER, DEV_TOKEN_MAX_TTL_S, InvalidToken, verifyDevToken } from './dev-tokens';
import type { DirectoryService } from './directory';
import { rolesAt } from './directory-model';
import { AuthFailure, IdentityRefusal } from './errors';
import type { OidcVerifier } from './oidc';
import type { SessionRefresher } from './session-refresh';
import type { SessionRecord, SessionStore } from './sessions';

/** What a request presents: a bearer token, an API key, or nothing. */
export type Credential =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'api_key'; value: string }
  | { kind: 'session'; id: string };

const BEARER_RE = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/**
 * Reads the credential from the `Authorization` and `X-Api-Key` headers, else from the browser
 * session cookie; malformed or both headers: `AuthFailure`. A header always wins over the cookie.
 */
export function readCredential(
  authorization: string | string[] | undefined,
  apiKey: string | string[] | undefined,
  sessionCookie?: string,
): Credential {
  if (Array.isArray(authorization) || Array.isArray(apiKey))
    throw new AuthFailure('repeated credential header');
  if (authorization !== undefined && apiKey !== undefined)
    throw new AuthFailure('send either Authorization or X-Api-Key, not both');
  if (apiKey !== undefined) return { kind: 'api_key', value: apiKey };
  if (authorization === undefined) return sessionCookie ? { kind: 'session', id: sessionCookie } : { kind: 'none' };
  if (authorization.length > 16384) throw new AuthFailure('Authorization header too long');
  const m = BEARER_RE.exec(authorization);
  if (!m) throw new AuthFailure('malformed Authorization header: expected "Bearer <JWT>"');
  return { kind: 'bearer', token: m[1] };
}

/** Who a verified credential names, before the directory says which roles they hold. */
export interface Principal {
  userId: string;
  tenant: string;
  name?: string;
  via: AuthMethod;
  /** Development token: the roles it carries. OIDC with a roles claim: the roles the token allows. */
  claimedRoles?: Role[];
  /** API key: its actor, roles fixed by the key's scope. */
  actor?: Actor;
  /** Browser session: its id and record (for the CSRF check and logout). */
  session?: { id: string; record: SessionRecord };
}

/** How long a verified bearer token is trusted without checking its signature again (ms). */
export const VERIFIED_TOKEN_MS = 60_000;

export interface AccessPolicyOptions {
  /** HMAC secret of development tokens; null or absent when they are not accepted. */
  devTokenSecret?: string | null;
  /** Development tokens are refused this long after they were issued (seconds). */
  devTokenMaxAgeSeconds?: number;
  oidc?: OidcVerifier | null;
  /** Browser sessions (the console); absent when the process serves no browser. */
  sessions?: SessionStore | null;
  /** Refreshes the provider tokens of OpenID Connect sessions when due (the console's login). */
  refresher?: SessionRefresher | null;
  /** How many verified bearer tokens are remembered (default 10,000; 0: every request checks the signature). */
  rememberTokens?: number;
}

/**
 * The one access policy: who the caller is, which roles they hold, what they may see.
 *
 * - Authentication: development tokens (only when enabled), OpenID Connect tokens, API keys.
 * - Roles: OIDC tokens carry identity only; roles come from the grants in the directory at the
 *   time of the request (a configured roles claim can narrow them, never widen). Development
 *   tokens keep their roles unless the user has grants in the directory: then the grants decide.
 *   API keys hold the roles they were issued with.
 * - Tenant scoping: an actor sees only its own tenant; anything else is "not found". Cycle
 *   commands are then checked against the cycle definitions by the decider, which receives the
 *   roles resolved here in its context.
 */
export class AccessPolicy {
  /**
   * Bearer tokens verified lately, by their whole text (a token changed in any character is another
   * key): the same token on a later request skips the signature check until it expires, its
   * maximum age passes (development tokens), or `VERIFIED_TOKEN_MS` have passed since it was
   * verified (a key the issuer withdraws stops working within that time). Roles are never taken
   * from here: `actorFor` reads the grants on every request.
   */
  private readonly verifiedTokens: LRUCache<string, { principal: Principal; until: number }> | null;

  constructor(
    readonly directory: DirectoryService,
    private readonly options: AccessPolicyOptions = {},
  ) {
    const max = options.rememberTokens ?? 10_000;
    this.verifiedTokens = max > 0 ? new LRUCache({ max }) : null;
  }

  get acceptsDevTokens(): boolean {
    return !!this.options.devTokenSecret;
  }

  /** Checks a credential (signature, issuer, audience, expiry; API key secret) and names the principal. */
  async verify(credential: Credential): Promise<Principal> {
    if (credential.kind === 'none')
      throw new AuthFailure('missing credentials: send Authorization: Bearer <token> or X-Api-Key');
    if (credential.kind === 'session') {
      let record = this.options.sessions ? await this.options.sessions.get(credential.id) : null;
      if (!record) throw new AuthFailure('session expired or unknown: log in again');
      const refresher = this.options.refresher;
      if (refresher?.due(record)) {
        record = await refresher.refresh(credential.id, record);
        if (!record) throw new AuthFailure('session ended: the identity provider refused to refresh it; log in again');
      }
      const id = record.identity;
      return {
        userId: id.userId,
        tenant: id.tenant,
        ...(id.name ? { name: id.name } : {}),
        via: id.via,
        ...(id.claimedRoles ? { claimedRoles: id.claimedRoles } : {}),
        session: { id: credential.id, record },
      };
    }
    if (credential.kind === 'api_key') {
      const actor = await this.directory.verifyApiKey(credential.value);
      return { userId: actor.userId, tenant: actor.tenant, name: actor.name, via: 'api_key', actor };
    }
    const token = credential.token;
    const known = this.verifiedTokens?.get(token);
    if (known && Date.now() < known.until) return { ...known.principal };
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw new AuthFailure('malformed token');
    }
    const issuer = claims.iss;
    const oidc = this.options.oidc;
    if (issuer === DEV_ISSUER && this.options.devTokenSecret) {
      try {
        const maxAge = this.options.devTokenMaxAgeSeconds ?? DEV_TOKEN_MAX_TTL_S;
        const a = await verifyDevToken(token, this.options.devTokenSecret, maxAge);
        return this.verified(token, claims, { userId: a.userId, tenant: a.tenant, name: a.name, via: 'dev_token', claimedRoles: a.roles }, maxAge);
      } catch (err) {
        if (err instanceof InvalidToken) throw new AuthFailure(err.reason);
        throw err;
      }
    }
    if (oidc && issuer === oidc.options.issuer) {
      const id = await oidc.verify(token);
      return this.verified(token, claims, {
        userId: id.userId,
        tenant: id.tenant,
        name: id.name,
        via: 'oidc',
        claimedRoles: id.claimedRoles,
      });
    }
    if (!oidc && !this.options.devTokenSecret)
      throw new AuthFailure(
        'no identity provider is configured (OIDC_ISSUER, or DEV_AUTH_ENABLED=true for development tokens)',
      );
    if (issuer === DEV_ISSUER)
      throw new AuthFailure('development tokens are not accepted here (DEV_AUTH_ENABLED=false)');
    throw new AuthFailure('token issuer not accepted');
  }

  /** Remembers a token just verified, until the first of its expiry, its maximum age and `VERIFIED_TOKEN_MS`. */
  private verified(token: string, claims: JWTPayload, principal: Principal, maxAgeSeconds?: number): Principal {
    let until = Date.now() + VERIFIED_TOKEN_MS;
    if (typeof claims.exp === 'number') until = Math.min(until, claims.exp * 1000);
    if (maxAgeSeconds !== undefined && typeof claims.iat === 'number') until = Math.min(until, (claims.iat + maxAgeSeconds) * 1000);
    this.verifiedTokens?.set(token, { principal, until });
    return { ...principal };
  }

  /** The actor with the roles the principal holds at `at`. */
  async actorFor(p: Principal, at: Date = new Date()): Promise<Actor> {
    if (p.via === 'api_key' && p.actor) return p.actor;
    const rec = await this.directory.user(p.tenant, p.userId);
    const granted = rec ? rolesAt(rec.grants, at) : [];
    let roles: Role[];
    if (p.via === 'dev_token') roles = rec && rec.grants.length > 0 ? granted : [...(p.claimedRoles ?? [])];
    else roles = p.claimedRoles ? granted.filter((r) => p.claimedRoles?.includes(r)) : granted;
    const name = p.name ?? rec?.name;
    return { userId: p.userId, tenant: p.tenant, roles, via: p.via, ...(name ? { name } : {}) };
  }

  async authenticate(credential: Credential, at: Date = new Date()): Promise<Actor> {
    return this.actorFor(await this.verify(credential), at);
  }

  // ------------------------------------------------------------ authorization

  /** Whether `actor` may read data of `tenant`: its own tenant, holding at least one role there. */
  canRead(actor: Actor, tenant: string): boolean {
    return actor.tenant === tenant && actor.roles.length > 0;
  }

  /** Reads and writes of `tenant`'s directory data by someone else are "not found" (no existence leak). */
  assertMember(actor: Actor, tenant: string): void {
    if (isPlatformAdmin(actor)) return;
    if (actor.tenant !== tenant) throw new IdentityRefusal('TENANT_NOT_FOUND', tenant);
  }

  /** Administering a tenant's directory: its own `admin`, or a platform administrator. */
  assertAdministers(actor: Actor, tenant: string): void {
    this.assertMember(actor, tenant);
    if (!isPlatformAdmin(actor) && !actor.roles.includes('admin'))
      throw new IdentityRefusal('ROLE_NOT_ALLOWED', 'admin of the tenant required');
  }

  /** Registering tenants: platform administrators only. */
  assertPlatformAdmin(actor: Actor): void {
    if (!isPlatformAdmin(actor))
      throw new IdentityRefusal('ROLE_NOT_ALLOWED', 'platform administrators only');
  }
}
