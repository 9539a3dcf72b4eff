import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import type { BaseClient, CallbackParamsType, TokenSet } from 'openid-client';

type OpenIdClient = typeof import('openid-client');
let openIdLoaded: OpenIdClient | null = null;
/** openid-client, loaded with the first login: an API without OIDC does not keep it (about 13 MB resident). */
async function openIdClient(): Promise<OpenIdClient> {
  return (openIdLoaded ??= await import('openid-client'));
}
import type { JWTPayload } from 'jose';
import { AuthFailure } from './errors';
import { claimAt, identityFromClaims, type ClaimMapping, type OidcIdentity } from './oidc';
import { isSessionId, newSecret, type SessionOidcTokens } from './sessions';

export interface OidcLoginOptions extends ClaimMapping {
  /** The issuer identifier, exactly as in the discovery document and the ID tokens' `iss`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** How the client authenticates at the token endpoint. */
  authMethod: 'client_secret_basic' | 'client_secret_post';
  /** Space-separated scopes asked for (always with `openid`). */
  scopes: string;
  /** `PUBLIC_URL/auth/callback`, registered with the provider. */
  redirectUri: string;
  /** `PUBLIC_URL/accesso`, where the provider's logout sends the browser back. */
  postLogoutRedirectUri: string;
  clockToleranceSeconds: number;
  /** How long a started login may take before its callback is refused (default 10 minutes). */
  pendingTtlMs?: number;
  /** HTTP timeout towards the provider (default 5000 ms). */
  timeoutMs?: number;
  /** How long a failed discovery is remembered before trying again (default 5000 ms). */
  retryAfterMs?: number;
}

/** What a started login keeps on the server until its callback: single use, short-lived. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The console path to land on after login (already checked to be one). */
  returnTo: string;
  createdAt: number;
}

export type LoginFailureKind = 'unavailable' | 'refused' | 'expired' | 'mismatch' | 'identity';

/** A login that cannot go on: `reason` (English) is logged, `messageIt` is shown on the login page. */
export class LoginFailure extends Error {
  constructor(
    readonly kind: LoginFailureKind,
    readonly reason: string,
    readonly messageIt: string,
  ) {
    super(reason);
    this.name = 'LoginFailure';
  }
}

/** The outcome of a callback: who logged in and the provider's tokens (kept on the server). */
export interface CompletedLogin {
  identity: OidcIdentity;
  tokens: SessionOidcTokens;
}

const UNAVAILABLE_IT = 'il fornitore di identità non risponde; riprovare tra qualche minuto';

/**
 * The console's login through an OpenID Connect provider: authorization code flow with PKCE
 * (S256), the API being the confidential client (backend-for-frontend). Built on `openid-client`,
 * which checks the ID token (signature from the provider's keys, issuer, audience = client id,
 * nonce, expiry) and the `iss` of the authorization response.
 *
 * The provider's discovery document is read on first use, not at start: an unreachable provider
 * does not stop the API, and a login attempted meanwhile fails with a clear message.
 */
export class OidcLogin {
  private client: BaseClient | null = null;
  private pending: Promise<BaseClient> | null = null;
  private failedAt = 0;
  private lastError = '';

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly options: OidcLoginOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get pendingTtlMs(): number {
    return this.options.pendingTtlMs ?? 10 * 60_000;
  }

  private key(loginId: string): string {
    return `${this.prefix}:login:${createHash('sha256').update(loginId).digest('hex')}`;
  }

  private async discover(): Promise<BaseClient> {
    const timeout = this.options.timeoutMs ?? 5000;
    const { Issuer, custom } = await openIdClient();
    Issuer[custom.http_options] = (_url, opts) => ({ ...opts, timeout });
    const issuer = await Issuer.discover(this.options.issuer);
    if (issuer.metadata.issuer !== this.options.issuer)
      throw new Error(
        `discovery names issuer ${JSON.stringify(issuer.metadata.issuer)}, expected ${this.options.issuer}`,
      );
    const client = new issuer.Client({
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
      redirect_uris: [this.options.redirectUri],
      post_logout_redirect_uris: [this.options.postLogoutRedirectUri],
      response_types: ['code'],
      token_endpoint_auth_method: this.options.authMethod,
    });
    client[custom.clock_tolerance] = this.options.clockToleranceSeconds;
    client[custom.http_options] = (_url, opts) => ({ ...opts, timeout });
    return client;
  }

  /** The client, after discovery (once; a failure is remembered for a few seconds). */
  async getClient(): Promise<BaseClient> {
    if (this.client) return this.client;
    if (this.now() - this.failedAt < (this.options.retryAfterMs ?? 5000))
      throw new LoginFailure(
        'unavailable',
        `identity provider unavailable (${this.lastError})`,
        UNAVAILABLE_IT,
      );
    this.pending ??= this.discover()
      .then((c) => (this.client = c))
      .catch((err: unknown) => {
        this.failedAt = this.now();
        this.lastError = `discovery of ${this.options.issuer} failed: ${(err as Error).message}`;
        throw new LoginFailure(
          'unavailable',
          `identity provider unavailable (${this.lastError})`,
          UNAVAILABLE_IT,
        );
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /**
   * Starts a login: state, nonce and PKCE verifier kept in Redis under a fresh login id (to be set
   * as a short-lived cookie, which binds the login to this browser); answers the provider's URL.
   */
  async begin(returnTo: string): Promise<{ loginId: string; url: string }> {
    const client = await this.getClient();
    const { generators } = await openIdClient();
    const pending: PendingLogin = {
      state: generators.state(),
      nonce: generators.nonce(),
      codeVerifier: generators.codeVerifier(),
      returnTo,
      createdAt: this.now(),
    };
    const loginId = newSecret();
    await this.redis.set(this.key(loginId), JSON.stringify(pending), 'PX', this.pendingTtlMs);
    const url = client.authorizationUrl({
      response_type: 'code',
      scope: this.options.scopes,
      redirect_uri: this.options.redirectUri,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: generators.codeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { loginId, url };
  }

  /** The pending login of a browser's login id, removed as it is read (a callback is single use). */
  async take(loginId: string | undefined): Promise<PendingLogin | null> {
    if (!isSessionId(loginId)) return null;
    const raw = await this.redis.getdel(this.key(loginId));
    return raw ? (JSON.parse(raw) as PendingLogin) : null;
  }

  /**
   * Completes a login from the callback's query: the state must be the pending one; the code is
   * exchanged (with the PKCE verifier and the client secret) and the ID token checked; the claims
   * (from the ID token, completed from the userinfo endpoint when a mapped claim is missing there)
   * are mapped to an identity.
   */
  async finish(pending: PendingLogin, query: Record<string, unknown>): Promise<CompletedLogin> {
    const client = await this.getClient();
    const params: CallbackParamsType = {};
    for (const [k, v] of Object.entries(query))
      if (typeof v === 'string') (params as Record<string, string>)[k] = v;
    if (params.state !== pending.state)
      throw new LoginFailure(
        'mismatch',
        'state mismatch',
        'la risposta del fornitore di identità non corrisponde alla richiesta di accesso (state); riprovare',
      );
    let tokenSet: TokenSet;
    try {
      tokenSet = await client.callback(this.options.redirectUri, params, {
        response_type: 'code',
        state: pending.state,
        nonce: pending.nonce,
        code_verifier: pending.codeVerifier,
      });
    } catch (err) {
      throw callbackFailure(err);
    }
    let claims: JWTPayload = tokenSet.claims();
    const { userClaim, tenantClaim, nameClaim, rolesClaim } = this.options;
    const wanted = [userClaim, tenantClaim, nameClaim, ...(rolesClaim ? [rolesClaim] : [])];
    if (
      wanted.some((c) => claimAt(claims, c) === undefined) &&
      tokenSet.access_token &&
      client.issuer.metadata.userinfo_endpoint
    ) {
      try {
        // openid-client refuses userinfo whose `sub` differs from the ID token's; the ID token's claims win.
        claims = { ...(await client.userinfo(tokenSet)), ...claims };
      } catch (err) {
        throw callbackFailure(err);
      }
    }
    let identity: OidcIdentity;
    try {
      identity = identityFromClaims(claims, this.options);
    } catch (err) {
      if (!(err instanceof AuthFailure)) throw err;
      throw new LoginFailure(
        'identity',
        err.reason,
        "il fornitore di identità non ha indicato un utente o un ente utilizzabile: rivolgersi all'amministratore",
      );
    }
    return { identity, tokens: tokensOf(tokenSet) };
  }

  /**
   * Refreshes the provider's tokens of a session. A refusal (the grant revoked, the user disabled,
   * an ID token for someone else) is a `LoginFailure` of kind `refused`; a provider that does not
   * answer is of kind `unavailable`.
   */
  async refresh(
    tokens: SessionOidcTokens,
  ): Promise<{ identity: OidcIdentity | null; tokens: SessionOidcTokens }> {
    if (!tokens.refreshToken) throw new LoginFailure('refused', 'no refresh token', 'sessione scaduta');
    const client = await this.getClient();
    let tokenSet: TokenSet;
    try {
      tokenSet = await client.refresh(tokens.refreshToken);
    } catch (err) {
      throw callbackFailure(err);
    }
    let identity: OidcIdentity | null = null;
    if (tokenSet.id_token) {
      try {
        identity = identityFromClaims(tokenSet.claims(), this.options);
      } catch (err) {
        if (!(err instanceof AuthFailure)) throw err;
        throw new LoginFailure('refused', `refreshed ID token: ${err.reason}`, 'sessione scaduta');
      }
    }
    const next = tokensOf(tokenSet);
    return {
      identity,
      tokens: {
        idToken: next.idToken ?? tokens.idToken,
        refreshToken: next.refreshToken ?? tokens.refreshToken,
        ...(next.expiresAt !== undefined ? { expiresAt: next.expiresAt } : {}),
      },
    };
  }

  /**
   * The provider's logout URL (RP-initiated logout) with the ID token as hint and the login page
   * as the way back; null when the provider has no end-session endpoint or cannot be reached.
   */
  async endSessionUrl(idToken: string | undefined): Promise<string | null> {
    let client: BaseClient;
    try {
      client = await this.getClient();
    } catch {
      return null;
    }
    if (!client.issuer.metadata.end_session_endpoint) return null;
    return client.endSessionUrl({
      ...(idToken ? { id_token_hint: idToken } : {}),
      post_logout_redirect_uri: this.options.postLogoutRedirectUri,
    });
  }
}

function tokensOf(t: TokenSet): SessionOidcTokens {
  return {
    ...(t.id_token ? { idToken: t.id_token } : {}),
    ...(t.refresh_token ? { refreshToken: t.refresh_token } : {}),
    ...(typeof t.expires_at === 'number' ? { expiresAt: t.expires_at * 1000 } : {}),
  };
}

/** openid-client's errors as login failures: the provider's refusals, our checks, or no answer. */
function callbackFailure(err: unknown): LoginFailure {
  if (err instanceof LoginFailure) return err;
  // The library's errors exist only once it was loaded (by the discovery every login starts with).
  const errors = openIdLoaded?.errors;
  if (errors && err instanceof errors.OPError) {
    const status = err.response?.statusCode;
    if (status !== undefined && status >= 500)
      return new LoginFailure('unavailable', `identity provider answered ${status}`, UNAVAILABLE_IT);
    const code = err.error ?? 'error';
    if (code === 'access_denied')
      return new LoginFailure(
        'refused',
        `provider refused: ${code} ${err.error_description ?? ''}`.trim(),
        "l'accesso è stato annullato o negato presso il fornitore di identità",
      );
    return new LoginFailure(
      'refused',
      `provider refused: ${code} ${err.error_description ?? ''}`.trim(),
      `il fornitore di identità ha rifiutato l'accesso (${code})`,
    );
  }
  if (errors && err instanceof errors.RPError) {
    if (/timed out/.test(err.message)) return new LoginFailure('unavailable', err.message, UNAVAILABLE_IT);
    if (/nonce mismatch/.test(err.message))
      return new LoginFailure(
        'mismatch',
        err.message,
        'la risposta del fornitore di identità non corrisponde alla richiesta di accesso (nonce); riprovare',
      );
    if (/state mismatch|iss mismatch/.test(err.message))
      return new LoginFailure(
        'mismatch',
        err.message,
        'la risposta del fornitore di identità non corrisponde alla richiesta di accesso; riprovare',
      );
    return new LoginFailure(
      'refused',
      `ID token or response refused: ${err.message}`,
      "la risposta del fornitore di identità non è valida: l'accesso è stato rifiutato",
    );
  }
  return new LoginFailure(
    'unavailable',
    `identity provider unreachable: ${(err as Error)?.message ?? String(err)}`,
    UNAVAILABLE_IT,
  );
}
