import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isRole, isTenantId, isUserId, type Role } from './actor';
import { AuthFailure } from './errors';

export interface OidcOptions {
  /** The issuer identifier, exactly as in the tokens' `iss` and the discovery document. */
  issuer: string;
  audience: string;
  /** Claim holding the user id (default `sub`); dotted paths reach nested claims. */
  userClaim: string;
  /** Claim holding the tenant id. */
  tenantClaim: string;
  /** Claim holding roles (array or space/comma separated string); when set, it can only narrow the granted roles. */
  rolesClaim?: string;
  nameClaim: string;
  algorithms: string[];
  clockToleranceSeconds: number;
  /** HTTP timeout for discovery and JWKS (default 5000 ms). */
  timeoutMs?: number;
  /** How long a failed discovery is remembered before trying again (default 5000 ms). */
  retryAfterMs?: number;
}

/** The identity an OIDC token asserts; roles come from the directory (see `AccessPolicy`). */
export interface OidcIdentity {
  userId: string;
  tenant: string;
  name?: string;
  /** Present only when a roles claim is configured: the roles the token allows (may be empty). */
  claimedRoles?: Role[];
}

export function claimAt(payload: JWTPayload, path: string): unknown {
  let cur: unknown = payload;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part))
      return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * Verifies bearer tokens of an OpenID Connect issuer (e.g. the SPID/CIE gateway of the
 * federation): discovery (`<issuer>/.well-known/openid-configuration` → `jwks_uri`), then the keys
 * from the JWKS, fetched once and refreshed by `jose` when a token names an unknown key id (at most
 * every 30 s). Discovery runs on the first token, not at start, so an unreachable issuer does not
 * stop the API; until it answers, tokens are answered 503, never accepted.
 */
export class OidcVerifier {
  private keys: JWTVerifyGetKey | null = null;
  private pending: Promise<JWTVerifyGetKey> | null = null;
  private failedAt = 0;

  constructor(readonly options: OidcOptions) {}

  private async discover(): Promise<JWTVerifyGetKey> {
    const timeout = this.options.timeoutMs ?? 5000;
    const url = `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeout),
      headers: { accept: 'application/json' },
      redirect: 'error',
    });
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (doc.issuer !== this.options.issuer)
      throw new Error(
        `discovery names issuer ${JSON.stringify(doc.issuer)}, expected ${this.options.issuer}`,
      );
    if (typeof doc.jwks_uri !== 'string') throw new Error('discovery has no jwks_uri');
    const jwksUri = new URL(doc.jwks_uri);
    // Keys come over TLS; plain http only when the issuer itself is plain http (local test issuers).
    if (
      jwksUri.protocol !== 'https:' &&
      !(jwksUri.protocol === 'http:' && new URL(this.options.issuer).protocol === 'http:')
    ) {
      throw new Error(`jwks_uri must be https: ${doc.jwks_uri}`);
    }
    return createRemoteJWKSet(jwksUri, {
      timeoutDuration: timeout,
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
    });
  }

  private async getKeys(): Promise<JWTVerifyGetKey> {
    if (this.keys) return this.keys;
    if (Date.now() - this.failedAt < (this.options.retryAfterMs ?? 5000))
      throw new AuthFailure('identity provider unavailable', 503);
    this.pending ??= this.discover()
      .then((k) => (this.keys = k))
      .catch((err: unknown) => {
        this.failedAt = Date.now();
        throw new AuthFailure(`identity provider unavailable (${(err as Error).message})`, 503);
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** Verifies `token` and maps its claims; throws `AuthFailure` (401, or 503 when the issuer is unreachable). */
  async verify(token: string): Promise<OidcIdentity> {
    const keys = await this.getKeys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: this.options.algorithms,
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw mapJoseError(err);
    }
    return identityFromClaims(payload, this.options);
  }
}

/** Claim names of the mapping: which claims hold the user id, tenant, display name and roles. */
export type ClaimMapping = Pick<OidcOptions, 'userClaim' | 'tenantClaim' | 'nameClaim' | 'rolesClaim'>;

/**
 * Maps verified claims (of an access token or an ID token) to an identity; throws `AuthFailure`
 * when the user or tenant claim is missing or unusable.
 */
export function identityFromClaims(payload: JWTPayload, mapping: ClaimMapping): OidcIdentity {
  const userId = claimAt(payload, mapping.userClaim);
  if (!isUserId(userId))
    throw new AuthFailure(`claim "${mapping.userClaim}" missing or not a usable user id`);
  const tenant = claimAt(payload, mapping.tenantClaim);
  if (!isTenantId(tenant))
    throw new AuthFailure(`claim "${mapping.tenantClaim}" missing or not a tenant id`);
  const name = claimAt(payload, mapping.nameClaim);
  const identity: OidcIdentity = {
    userId,
    tenant,
    ...(typeof name === 'string' && name.length <= 200 ? { name } : {}),
  };
  if (mapping.rolesClaim) {
    const raw = claimAt(payload, mapping.rolesClaim);
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
    identity.claimedRoles = [...new Set(list.filter(isRole))];
  }
  return identity;
}

/** jose's verification errors as reasons safe to return and log. */
export function mapJoseError(err: unknown): AuthFailure {
  if (err instanceof AuthFailure) return err;
  if (err instanceof errors.JWTExpired) return new AuthFailure('expired');
  if (err instanceof errors.JWTClaimValidationFailed) return new AuthFailure(`claim "${err.claim}" rejected`);
  if (err instanceof errors.JWSSignatureVerificationFailed) return new AuthFailure('bad signature');
  if (err instanceof errors.JOSEAlgNotAllowed) return new AuthFailure('algorithm not allowed');
  if (err instanceof errors.JWKSNoMatchingKey)
    return new AuthFailure('no key of the issuer matches the token');
  if (err instanceof errors.JWKSTimeout)
    return new AuthFailure('identity provider unavailable (JWKS timeout)', 503);
  if (err instanceof errors.JOSENotSupported) return new AuthFailure('algorithm not allowed');
  if (err instanceof errors.JWKSInvalid)
    return new AuthFailure('identity provider unavailable (bad JWKS)', 503);
  if (err instanceof errors.JOSEError) return new AuthFailure('malformed token');
  // Anything else comes from fetching the keys (connection refused, TLS...): not the caller's fault.
  return new AuthFailure('identity provider unavailable', 503);
}
