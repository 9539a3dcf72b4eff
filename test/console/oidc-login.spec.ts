import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import type { SessionRecord } from '@ciclo/identity';
import { safeReturnTo } from '../../apps/api/src/oidc-login.controller';
import { axeViolations, describeViolations, newContext, screenshot, startConsole, type ConsoleEnv } from '../support/browser';
import { CookieJar, follow, freePort, oidcEnv, request, startOidcProvider, type TestProvider } from '../support/oidc';

/**
 * The console's production login against a real OpenID Connect provider (oidc-provider in its own
 * process): authorization code flow with PKCE, the API as confidential client, sessions in Redis.
 */
describe('console: login through the OpenID Connect provider', () => {
  let env: ConsoleEnv;
  let provider: TestProvider;
  let base: string;
  let redis: Redis;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider({
      publicUrl: base,
      account: 'u-demo-sg',
      accounts: {
        'u-demo-sg': { tenant: 'cciaa-po', name: 'Giulia Esempio', roles: ['segretario_generale'] },
        // Granted rpct in the directory; the provider allows only oiv: nothing left.
        'u-demo-rpct': { tenant: 'cciaa-po', name: 'Marco Finzione', roles: ['oiv'] },
        'u-senza-ruolo': { tenant: 'cciaa-po', name: 'Nessun Ruolo', roles: ['po'] },
        'u-altro-ente': { tenant: 'cciaa-xx', name: 'Altro Ente', roles: ['po'] },
      },
    });
    env = await startConsole('console-oidc', { ...oidcEnv(provider, base, port), OIDC_ROLES_CLAIM: 'roles' });
    expect(env.api.url).toBe(base);
    redis = new Redis(env.api.settings.REDIS_URL);
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    await env?.close();
    await provider?.stop();
  });

  let providerStopped = false;
  afterEach(async () => {
    if (!providerStopped) await provider.setAccount('u-demo-sg');
  });

  const sessionKey = (id: string) => `${env.api.settings.REDIS_PREFIX}:sess:${createHash('sha256').update(id).digest('hex')}`;
  const loginKey = (id: string) => `${env.api.settings.REDIS_PREFIX}:login:${createHash('sha256').update(id).digest('hex')}`;
  const atApi = (u: URL) => u.origin === base;

  /** /auth/login, then the provider (automatic login), stopping before the API's callback. */
  async function toCallback(jar: CookieJar, returnTo = '/da-fare', tamper?: (authUrl: URL) => void): Promise<{ authUrl: URL; callbackUrl: string }> {
    const start = await request(jar, `${base}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
    expect(start.status).toBe(302);
    const authUrl = new URL(start.headers.get('location') ?? '');
    tamper?.(authUrl);
    const reached = await follow(jar, authUrl.toString(), atApi);
    expect(new URL(reached.url).pathname).toBe('/auth/callback');
    return { authUrl, callbackUrl: reached.url };
  }

  /** A whole login; answers the callback's answer. */
  async function login(jar: CookieJar, returnTo = '/da-fare'): Promise<Response> {
    const { callbackUrl } = await toCallback(jar, returnTo);
    return request(jar, callbackUrl);
  }

  async function sessionOf(jar: CookieJar) {
    const r = await request(jar, `${base}/auth/session`);
    return (await r.json()) as { authenticated: boolean; oidc: boolean; via?: string; csrfToken?: string; user?: { userId: string; name?: string; tenant: string; roles: string[] } };
  }

  async function record(jar: CookieJar): Promise<SessionRecord | null> {
    const raw = await redis.get(sessionKey(jar.get(base, 'ciclo_session') ?? ''));
    return raw ? (JSON.parse(raw) as SessionRecord) : null;
  }

  /** The login page's message after a refused login (and no session cookie). */
  function refusal(res: Response, jar: CookieJar): string {
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location') ?? '', base);
    expect(to.pathname).toBe('/accesso');
    expect(jar.get(base, 'ciclo_session')).toBeUndefined();
    return to.searchParams.get('errore') ?? '';
  }

  it('login: a redirect to the provider with state, nonce and an S256 code challenge; the verifier stays on the server, bound to a short-lived httpOnly cookie', async () => {
    const jar = new CookieJar();
    const start = await request(jar, `${base}/auth/login?returnTo=${encodeURIComponent('/cicli/abc')}`);
    expect(start.status).toBe(302);
    const url = new URL(start.headers.get('location') ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(`${provider.issuer}/auth`);
    const p = url.searchParams;
    expect(p.get('response_type')).toBe('code');
    expect(p.get('client_id')).toBe(provider.clientId);
    expect(p.get('redirect_uri')).toBe(`${base}/auth/callback`);
    expect(p.get('scope')).toBe('openid profile');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('state')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(p.get('nonce')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(p.has('code_verifier')).toBe(false);
    const cookie = start.headers.getSetCookie().find((c) => c.startsWith('ciclo_login='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=600/);
    const key = loginKey(jar.get(base, 'ciclo_login') ?? '');
    const pending = JSON.parse((await redis.get(key)) ?? 'null') as { state: string; nonce: string; codeVerifier: string; returnTo: string };
    expect(pending).toMatchObject({ state: p.get('state'), nonce: p.get('nonce'), returnTo: '/cicli/abc' });
    expect(createHash('sha256').update(pending.codeVerifier).digest('base64url')).toBe(p.get('code_challenge'));
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it('callback: the code is exchanged, a session opened (tokens kept in Redis only), and the browser lands on the page it asked for; the API reads with the cookie', async () => {
    const jar = new CookieJar();
    const { callbackUrl } = await toCallback(jar, `/cicli/${env.demo.cycleId}`);
    const cb = await request(jar, callbackUrl);
    expect(cb.status).toBe(302);
    expect(cb.headers.get('location')).toBe(`/cicli/${env.demo.cycleId}`);
    const set = cb.headers.getSetCookie();
    expect(set.find((c) => c.startsWith('ciclo_session='))).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/);
    expect(jar.get(base, 'ciclo_login')).toBeUndefined();
    const s = await sessionOf(jar);
    expect(s).toMatchObject({ authenticated: true, oidc: true, via: 'oidc', user: { userId: 'u-demo-sg', name: 'Giulia Esempio', tenant: 'cciaa-po', roles: ['segretario_generale'] } });
    const rec = await record(jar);
    expect(rec?.identity).toMatchObject({ userId: 'u-demo-sg', via: 'oidc', claimedRoles: ['segretario_generale'] });
    expect(rec?.oidc?.idToken).toMatch(/^ey/);
    expect(rec?.oidc?.refreshToken).toBeTruthy();
    expect(rec?.oidc?.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    expect(JSON.stringify(s)).not.toContain(rec?.oidc?.idToken ?? 'x');
    expect((await request(jar, `${base}/inbox`)).status).toBe(200);
    const cycle = await request(jar, `${base}/cycles/${env.demo.cycleId}`);
    expect(cycle.status).toBe(200);
    // A callback is single use: the same answer again finds no login to finish.
    const again = await request(jar, callbackUrl);
    expect(again.status).toBe(302);
    expect(new URL(again.headers.get('location') ?? '', base).searchParams.get('errore')).toMatch(/scaduta|già stata usata/);
  });

  it('a callback with a mismatched state is refused, and so is a callback in another browser (which does not spoil the login of the right one)', async () => {
    const jar = new CookieJar();
    const { callbackUrl } = await toCallback(jar);
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'not-the-state-of-this-login');
    expect(refusal(await request(jar, forged.toString()), jar)).toMatch(/non corrisponde alla richiesta di accesso \(state\)/);

    const victim = new CookieJar();
    const { callbackUrl: victimCallback } = await toCallback(victim);
    const elsewhere = new CookieJar();
    expect(refusal(await request(elsewhere, victimCallback), elsewhere)).toMatch(/avviata in un altro browser/);
    const ok = await request(victim, victimCallback);
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('/da-fare');
    expect((await sessionOf(victim)).authenticated).toBe(true);
  });

  it('a nonce mismatch (an ID token minted for another request) is refused', async () => {
    const jar = new CookieJar();
    const { callbackUrl } = await toCallback(jar, '/da-fare', (u) => u.searchParams.set('nonce', 'a-nonce-the-api-never-issued-0123456789'));
    expect(refusal(await request(jar, callbackUrl), jar)).toMatch(/\(nonce\)/);
    expect((await sessionOf(jar)).authenticated).toBe(false);
  });

  it('the provider refusing the login, an unknown tenant, and users with no role (or none left by the roles claim) are refused on the login page', async () => {
    await provider.setAccount('deny');
    let jar = new CookieJar();
    expect(refusal(await login(jar, '/scadenze'), jar)).toMatch(/annullato o negato presso il fornitore/);

    await provider.setAccount('u-altro-ente');
    jar = new CookieJar();
    expect(refusal(await login(jar), jar)).toBe("l'ente «cciaa-xx» indicato dal fornitore di identità non è registrato in Ciclo");

    await provider.setAccount('u-senza-ruolo');
    jar = new CookieJar();
    expect(refusal(await login(jar), jar)).toMatch(/«u-senza-ruolo» non ha alcun ruolo nell'ente «cciaa-po»/);

    await provider.setAccount('u-demo-rpct');
    jar = new CookieJar();
    const res = await login(jar, '/cicli');
    expect(refusal(res, jar)).toMatch(/«u-demo-rpct» non ha alcun ruolo/);
    expect(new URL(res.headers.get('location') ?? '', base).searchParams.get('ritorno')).toBe('/cicli');
  });

  it('only console paths of this origin are returned to', async () => {
    for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/\t/evil.example', '/cicli/\nSet-Cookie: x=1', '/cycles/1', '/accesso', 'cicli']) expect(safeReturnTo(evil)).toBe('/da-fare');
    expect(safeReturnTo('/cicli/abc?vista=piano#t')).toBe('/cicli/abc?vista=piano#t');
    const jar = new CookieJar();
    const res = await login(jar, '//evil.example/phish');
    expect(res.headers.get('location')).toBe('/da-fare');
  });

  it('refresh: an expired provider access token is refreshed on the next request; a refused refresh ends the session', async () => {
    const jar = new CookieJar();
    await login(jar);
    const key = sessionKey(jar.get(base, 'ciclo_session') ?? '');
    const before = (await record(jar))!;
    await redis.set(key, JSON.stringify({ ...before, oidc: { ...before.oidc, expiresAt: Date.now() - 1000 } }), 'KEEPTTL');
    expect((await sessionOf(jar)).authenticated).toBe(true);
    const after = (await record(jar))!;
    expect(after.oidc?.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    expect(after.oidc?.refreshToken).not.toBe(before.oidc?.refreshToken);
    expect(after.csrfToken).toBe(before.csrfToken);

    // The provider refuses the (now unknown) refresh token: the session ends.
    await redis.set(key, JSON.stringify({ ...after, oidc: { ...after.oidc, refreshToken: 'revoked-or-unknown', expiresAt: Date.now() - 1000 } }), 'KEEPTTL');
    expect((await request(jar, `${base}/inbox`)).status).toBe(401);
    expect(await redis.exists(key)).toBe(0);
    expect((await sessionOf(jar)).authenticated).toBe(false);
  });

  it('expired sessions: after the idle timeout, after the absolute end, and once Redis has let the record go', async () => {
    const idleMs = env.api.settings.SESSION_IDLE_MINUTES * 60_000;
    for (const age of [{ touchedAt: Date.now() - idleMs - 1 }, { expiresAt: Date.now() - 1 }]) {
      const jar = new CookieJar();
      await login(jar);
      const key = sessionKey(jar.get(base, 'ciclo_session') ?? '');
      expect((await request(jar, `${base}/inbox`)).status).toBe(200);
      await redis.set(key, JSON.stringify({ ...(await record(jar)), ...age }), 'KEEPTTL');
      const r = await request(jar, `${base}/inbox`);
      expect(r.status).toBe(401);
      expect(((await r.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
      expect(await redis.exists(key)).toBe(0);
    }
    const jar = new CookieJar();
    await login(jar);
    const key = sessionKey(jar.get(base, 'ciclo_session') ?? '');
    expect(await redis.pttl(key)).toBeLessThanOrEqual(idleMs);
    await redis.pexpire(key, 1);
    await new Promise((ok) => setTimeout(ok, 20));
    expect((await sessionOf(jar)).authenticated).toBe(false);
    expect((await request(jar, `${base}/inbox`)).status).toBe(401);
  });

  it("logout: the session is gone and the provider's end-session URL is returned (ID token hint, back to the login page)", async () => {
    const jar = new CookieJar();
    await login(jar);
    const idToken = (await record(jar))?.oidc?.idToken;
    const key = sessionKey(jar.get(base, 'ciclo_session') ?? '');
    const { csrfToken } = await sessionOf(jar);
    const refused = await request(jar, `${base}/auth/logout`, { method: 'POST' });
    expect(refused.status).toBe(403);
    const out = await request(jar, `${base}/auth/logout`, { method: 'POST', headers: { 'x-csrf-token': csrfToken ?? '' } });
    expect(out.status).toBe(200);
    const body = (await out.json()) as { loggedOut: boolean; redirectTo: string; endSessionUrl: string };
    const end = new URL(body.endSessionUrl);
    expect(body.redirectTo).toBe(body.endSessionUrl);
    expect(`${end.origin}${end.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(end.searchParams.get('id_token_hint')).toBe(idToken);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/accesso`);
    expect(jar.get(base, 'ciclo_session')).toBeUndefined();
    expect(await redis.exists(key)).toBe(0);
    // The provider accepts the URL (an invalid hint or return address would be an error answer).
    const atProvider = await request(jar, body.endSessionUrl);
    expect(atProvider.status).toBe(200);
    expect(atProvider.headers.get('content-type')).toMatch(/html/);
  });

  it('logout: the old cookie reads nothing any more', async () => {
    const jar = new CookieJar();
    await login(jar);
    const cookie = jar.get(base, 'ciclo_session') ?? '';
    const { csrfToken } = await sessionOf(jar);
    await request(jar, `${base}/auth/logout`, { method: 'POST', headers: { 'x-csrf-token': csrfToken ?? '' } });
    const stale = new CookieJar();
    stale.set(base, 'ciclo_session', cookie);
    expect((await request(stale, `${base}/inbox`)).status).toBe(401);
  });

  it('in the browser: the SG opens a deep link, logs in through the provider from the login page, and lands on the cycle', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await page.goto(`/cicli/${env.demo.cycleId}`);
    await page.waitForURL(/\/accesso\?ritorno=/);
    const button = page.getByRole('link', { name: 'Entra con il fornitore di identità' });
    await button.waitFor();
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'accesso-oidc');
    await button.click();
    await page.waitForURL((u) => u.pathname === `/cicli/${env.demo.cycleId}`);
    await page.getByText('Giulia Esempio').first().waitFor();
    const session = (await ctx.cookies()).find((c) => c.name === 'ciclo_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
    expect((await ctx.cookies()).find((c) => c.name === 'ciclo_login')).toBeUndefined();
    await ctx.close();
  });

  it('in the browser: a refused login shows the reason on the login page', async () => {
    await provider.setAccount('u-altro-ente');
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await page.goto('/accesso');
    await page.getByRole('link', { name: 'Entra con il fornitore di identità' }).click();
    await page.waitForURL(/\/accesso\?errore=/);
    await page.getByRole('alert').filter({ hasText: 'non è registrato in Ciclo' }).waitFor();
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'accesso-oidc-errore');
    await ctx.close();
  });

  it('the provider going away: a login in progress fails with a clear message (no 500), and live sessions go on, their refresh postponed', async () => {
    const live = new CookieJar();
    await login(live);
    const key = sessionKey(live.get(base, 'ciclo_session') ?? '');
    const due = Date.now() - 1000;
    await redis.set(key, JSON.stringify({ ...(await record(live)), oidc: { ...(await record(live))?.oidc, expiresAt: due } }), 'KEEPTTL');
    const jar = new CookieJar();
    const { callbackUrl } = await toCallback(jar);
    await provider.stop();
    providerStopped = true;
    expect(refusal(await request(jar, callbackUrl), jar)).toBe('il fornitore di identità non risponde; riprovare tra qualche minuto');
    expect((await request(live, `${base}/inbox`)).status).toBe(200);
    expect((await record(live))?.oidc?.expiresAt).toBe(due);
    expect((await sessionOf(live)).authenticated).toBe(true);
  });
});
