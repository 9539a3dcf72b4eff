/**
 * The console's OpenID Connect login under test: a real provider (`oidc-provider`, in its own
 * process, see oidc-provider.mjs), and a tiny cookie-keeping HTTP client that follows redirects by
 * hand, as a browser would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface TestAccount {
  tenant: string;
  name?: string;
  roles?: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The account the next automatic login uses (`deny`: the login is refused with access_denied). */
  setAccount(id: string): Promise<void>;
  stop(): Promise<void>;
}

/** A port free now (for a server whose URL must be known before it starts). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((ok) => srv.close(() => ok()));
  return port;
}

/** Starts the provider with one confidential client for `publicUrl` (callback and logout return registered). */
export async function startOidcProvider(options: {
  publicUrl: string;
  accounts: Record<string, TestAccount>;
  account?: string;
  accessTokenTtlSeconds?: number;
  authMethod?: 'client_secret_basic' | 'client_secret_post';
  /** The ID token carries only the `openid` scope's claims (sub, tenant, roles); `name` comes from userinfo. */
  idTokenWithSubOnly?: boolean;
}): Promise<TestProvider> {
  const clientId = 'ciclo-console';
  const clientSecret = 'a-test-client-secret-for-ciclo-0123456789';
  const child: ChildProcess = spawn(process.execPath, [resolve(__dirname, 'oidc-provider.mjs')], {
    env: {
      ...process.env,
      OP_CLIENT_ID: clientId,
      OP_CLIENT_SECRET: clientSecret,
      OP_REDIRECT_URI: `${options.publicUrl}/auth/callback`,
      OP_POST_LOGOUT_REDIRECT_URI: `${options.publicUrl}/accesso`,
      OP_AUTH_METHOD: options.authMethod ?? 'client_secret_basic',
      OP_ACCESS_TOKEN_TTL: String(options.accessTokenTtlSeconds ?? 3600),
      OP_ACCOUNTS: JSON.stringify(options.accounts),
      OP_CONFORM_ID_TOKEN_CLAIMS: options.idTokenWithSubOnly ? 'true' : 'false',
      ...(options.account ? { OP_ACCOUNT: options.account } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const issuer = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`OIDC provider did not start in 20 s: ${stderr}`)), 20_000);
    child.once('exit', (code) => fail(new Error(`OIDC provider exited (${code}): ${stderr}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      ok((JSON.parse(line) as { issuer: string }).issuer);
    });
  });
  return {
    issuer,
    clientId,
    clientSecret,
    async setAccount(id) {
      const r = await fetch(`${issuer}/_test/account?id=${encodeURIComponent(id)}`);
      if (!r.ok) throw new Error(`setAccount: ${r.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      await new Promise<void>((ok) => {
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      });
    },
  };
}

/** The API's settings for a console login through `provider`. */
export function oidcEnv(provider: TestProvider, publicUrl: string, port: number): Record<string, string> {
  return {
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_SCOPES: 'openid profile',
  };
}

/** Cookies per host:port, enough for these flows (paths and expiry dates are not needed). */
export class CookieJar {
  private readonly jars = new Map<string, Map<string, string>>();

  private jar(url: string): Map<string, string> {
    const host = new URL(url).host;
    let j = this.jars.get(host);
    if (!j) this.jars.set(host, (j = new Map()));
    return j;
  }

  store(url: string, res: Response): void {
    const j = this.jar(url);
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
      if (expired || value === '') j.delete(name);
      else j.set(name, value);
    }
  }

  get(url: string, name: string): string | undefined {
    return this.jar(url).get(name);
  }

  set(url: string, name: string, value: string): void {
    this.jar(url).set(name, value);
  }

  header(url: string): string {
    return [...this.jar(url)].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** One request with the jar's cookies, redirects not followed; the answer's cookies kept. */
export async function request(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(url, res);
  return res;
}

/**
 * Follows redirects from `url` as a browser would (GET, cookies kept) and stops before requesting
 * a URL for which `stop` answers true, or at the first answer that is not a redirect.
 */
export async function follow(jar: CookieJar, url: string, stop: (u: URL) => boolean = () => false): Promise<{ url: string; res?: Response }> {
  let current = url;
  for (let i = 0; i < 20; i++) {
    if (stop(new URL(current))) return { url: current };
    const res = await request(jar, current);
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return { url: current, res };
    await res.arrayBuffer();
    current = new URL(location, current).toString();
  }
  throw new Error(`too many redirects from ${url}`);
}
