import Redis from 'ioredis';
import { LoginFailure, OidcLogin, SessionRefresher, SessionStore, type OidcLoginOptions } from '@ciclo/identity';
import { CookieJar, follow, freePort, startOidcProvider } from '../support/oidc';
import { testRedisPrefix } from '../support/database';

/**
 * The console's OpenID Connect client when the provider does not answer: discovery happens at the
 * first login (not at start), fails with a clear reason, and sessions are not ended by an outage.
 * The flow against a real provider is in test/console/oidc-login.spec.ts.
 */
describe('OidcLogin with a provider that does not answer', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = testRedisPrefix('oidc-login').replace(/:$/, '');
  let options: OidcLoginOptions;

  beforeAll(async () => {
    const closed = await freePort();
    options = {
      issuer: `http://127.0.0.1:${closed}`,
      clientId: 'ciclo',
      clientSecret: 'secret',
      authMethod: 'client_secret_basic',
      scopes: 'openid',
      redirectUri: 'http://127.0.0.1:3000/auth/callback',
      postLogoutRedirectUri: 'http://127.0.0.1:3000/accesso',
      clockToleranceSeconds: 30,
      userClaim: 'sub',
      tenantClaim: 'tenant',
      nameClaim: 'name',
      timeoutMs: 1000,
      retryAfterMs: 60_000,
    };
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('a login fails with the reason (logged) and an Italian message, and the failure is remembered for a while', async () => {
    const login = new OidcLogin(redis, prefix, options);
    const err = (await login.begin('/da-fare').catch((e: unknown) => e)) as LoginFailure;
    expect(err).toBeInstanceOf(LoginFailure);
    expect(err.kind).toBe('unavailable');
    expect(err.reason).toMatch(new RegExp(`discovery of ${options.issuer} failed`));
    expect(err.messageIt).toBe('il fornitore di identità non risponde; riprovare tra qualche minuto');
    const t0 = Date.now();
    const again = (await login.begin('/da-fare').catch((e: unknown) => e)) as LoginFailure;
    expect(again.kind).toBe('unavailable');
    expect(Date.now() - t0).toBeLessThan(50);
    expect(await redis.keys(`${prefix}:login:*`)).toEqual([]);
    expect(await login.endSessionUrl('x.y.z')).toBeNull();
  });

  it('a session due for a refresh goes on while the provider is away, and is tried again only after a pause', async () => {
    const sessions = new SessionStore(redis, prefix, { idleMs: 60_000, absoluteMs: 3_600_000 });
    const warnings: string[] = [];
    const refresher = new SessionRefresher(sessions, new OidcLogin(redis, prefix, options), { warn: (_f, msg) => warnings.push(msg) });
    const { id, record } = await sessions.create(
      { userId: 'u-demo-sg', tenant: 'cciaa-po', via: 'oidc' },
      { idToken: 'a.b.c', refreshToken: 'rt', expiresAt: Date.now() - 1000 },
    );
    expect(refresher.due(record)).toBe(true);
    expect(await refresher.refresh(id, record)).toEqual(record);
    expect(warnings).toEqual(['Session refresh postponed: identity provider unavailable']);
    expect(await sessions.get(id)).toEqual(record);
    // The lock stays: the next request does not try again at once.
    expect(await sessions.lock(id, 1000)).toBe(false);
    expect(await refresher.refresh(id, record)).toEqual(record);
    expect(warnings).toHaveLength(1);
    // A session without a refresh token, or not yet due, is not refreshed at all.
    expect(refresher.due({ ...record, oidc: { idToken: 'a.b.c', expiresAt: Date.now() - 1000 } })).toBe(false);
    expect(refresher.due({ ...record, oidc: { ...record.oidc, expiresAt: Date.now() + 60_000 } })).toBe(false);
  });
});

describe('OidcLogin with client_secret_post and a provider that keeps the profile claims for userinfo', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = testRedisPrefix('oidc-post').replace(/:$/, '');
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('exchanges the code authenticating with the secret in the body, and completes the claims from userinfo', async () => {
    const app = `http://127.0.0.1:${await freePort()}`;
    const provider = await startOidcProvider({
      publicUrl: app,
      authMethod: 'client_secret_post',
      idTokenWithSubOnly: true,
      accounts: { 'u-demo-po-1': { tenant: 'cciaa-po', name: 'Luca Prova' } },
    });
    try {
      const login = new OidcLogin(redis, prefix, {
        issuer: provider.issuer,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
        authMethod: 'client_secret_post',
        scopes: 'openid profile',
        redirectUri: `${app}/auth/callback`,
        postLogoutRedirectUri: `${app}/accesso`,
        clockToleranceSeconds: 30,
        userClaim: 'sub',
        tenantClaim: 'tenant',
        nameClaim: 'name',
      });
      const { loginId, url } = await login.begin('/scadenze');
      const reached = await follow(new CookieJar(), url, (u) => u.origin === app);
      const query = Object.fromEntries(new URL(reached.url).searchParams);
      const pending = await login.take(loginId);
      expect(pending?.returnTo).toBe('/scadenze');
      expect(await login.take(loginId)).toBeNull();
      const done = await login.finish(pending!, query);
      expect(done.identity).toEqual({ userId: 'u-demo-po-1', tenant: 'cciaa-po', name: 'Luca Prova' });
      const idClaims = JSON.parse(Buffer.from(done.tokens.idToken!.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
      expect(idClaims.tenant).toBe('cciaa-po');
      expect(idClaims.name).toBeUndefined();
      expect(done.tokens.refreshToken).toBeTruthy();
      // A wrong secret is refused by the provider: a refusal, not an outage.
      const wrong = new OidcLogin(redis, prefix, { ...login.options, clientSecret: 'not-the-secret' });
      const again = await wrong.begin('/da-fare');
      const back = await follow(new CookieJar(), again.url, (u) => u.origin === app);
      const err = (await wrong.finish((await wrong.take(again.loginId))!, Object.fromEntries(new URL(back.url).searchParams)).catch((e: unknown) => e)) as LoginFailure;
      expect(err).toBeInstanceOf(LoginFailure);
      expect(err.kind).toBe('refused');
      expect(err.messageIt).toBe("il fornitore di identità ha rifiutato l'accesso (invalid_client)");
    } finally {
      await provider.stop();
    }
  });
});
