import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, oidcPostLogoutRedirectUri, oidcRedirectUri, SettingsError, trustProxy } from './settings';

describe('settings', () => {
  it('gives local defaults when nothing is set', () => {
    const s = loadSettings({});
    expect(s.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/ciclo');
    expect(s.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(s.EVENT_STORE).toBe('postgres');
    expect(s.DEV_AUTH_ENABLED).toBe(false);
  });

  it('names every bad variable at once', () => {
    let err: unknown;
    try {
      loadSettings({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SettingsError);
    const problems = (err as SettingsError).problems.join('\n');
    expect(problems).toMatch(/^PORT:/m);
    expect(problems).toMatch(/^DATABASE_URL: must be a URL starting with postgres:\/\//m);
    expect(problems).toMatch(/^LOG_LEVEL:/m);
  });

  it('reads the subscribers\' wake delay (default 10 ms, 0 wakes at once) and refuses one outside 0-1000 ms', () => {
    expect(loadSettings({}).EVENT_WAKE_DELAY_MS).toBe(10);
    expect(loadSettings({ EVENT_WAKE_DELAY_MS: '0' }).EVENT_WAKE_DELAY_MS).toBe(0);
    expect(loadSettings({ EVENT_WAKE_DELAY_MS: '1000' }).EVENT_WAKE_DELAY_MS).toBe(1000);
    for (const bad of ['-1', '1001', '2.5', 'soon']) {
      expect(() => loadSettings({ EVENT_WAKE_DELAY_MS: bad })).toThrow(/^[\s\S]*EVENT_WAKE_DELAY_MS:/m);
    }
  });

  it("reads the heap growth (default 100 %, 0 leaves V8's factor) and refuses one outside 0-300", () => {
    expect(loadSettings({}).HEAP_GROWTH_PERCENT).toBe(100);
    expect(loadSettings({ HEAP_GROWTH_PERCENT: '0' }).HEAP_GROWTH_PERCENT).toBe(0);
    expect(loadSettings({ HEAP_GROWTH_PERCENT: '50' }).HEAP_GROWTH_PERCENT).toBe(50);
    for (const bad of ['-1', '301', '2.5', 'molto']) {
      expect(() => loadSettings({ HEAP_GROWTH_PERCENT: bad })).toThrow(/^[\s\S]*HEAP_GROWTH_PERCENT:/m);
    }
  });

  it('reads the wake delay while commits keep coming (default 50 ms) and refuses one outside 0-1000 ms', () => {
    expect(loadSettings({}).EVENT_BUSY_WAKE_DELAY_MS).toBe(50);
    expect(loadSettings({ EVENT_BUSY_WAKE_DELAY_MS: '10' }).EVENT_BUSY_WAKE_DELAY_MS).toBe(10);
    for (const bad of ['-1', '1001', '2.5', 'soon']) {
      expect(() => loadSettings({ EVENT_BUSY_WAKE_DELAY_MS: bad })).toThrow(/^[\s\S]*EVENT_BUSY_WAKE_DELAY_MS:/m);
    }
  });

  it('reads the least time between commit notifications (default 5 ms) and refuses one outside 0-1000 ms', () => {
    expect(loadSettings({}).EVENT_NOTIFY_INTERVAL_MS).toBe(5);
    expect(loadSettings({ EVENT_NOTIFY_INTERVAL_MS: '0' }).EVENT_NOTIFY_INTERVAL_MS).toBe(0);
    for (const bad of ['-1', '1001', '2.5', 'often']) {
      expect(() => loadSettings({ EVENT_NOTIFY_INTERVAL_MS: bad })).toThrow(/^[\s\S]*EVENT_NOTIFY_INTERVAL_MS:/m);
    }
  });

  it('requires KURRENTDB_URL with the KurrentDB adapter', () => {
    expect(() => loadSettings({ EVENT_STORE: 'kurrentdb' })).toThrow(
      /KURRENTDB_URL: is required when EVENT_STORE=kurrentdb/,
    );
    expect(
      loadSettings({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://127.0.0.1:2113?tls=false' })
        .EVENT_STORE,
    ).toBe('kurrentdb');
  });

  it('refuses the development issuer in production', () => {
    expect(() => loadSettings({ NODE_ENV: 'production', DEV_AUTH_ENABLED: 'true' })).toThrow(
      /DEV_AUTH_ENABLED/,
    );
  });
});

describe('identity and hardening settings', () => {
  it('has safe defaults: no OIDC issuer, no CORS origin, generous rate limits, no proxy trusted', () => {
    const s = loadSettings({});
    expect(s.OIDC_ISSUER).toBeUndefined();
    expect(s.OIDC_USER_CLAIM).toBe('sub');
    expect(s.OIDC_TENANT_CLAIM).toBe('tenant');
    expect(s.OIDC_ROLES_CLAIM).toBeUndefined();
    expect(s.OIDC_ALGORITHMS).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA']);
    expect(s.OIDC_CLOCK_TOLERANCE_S).toBe(30);
    expect(s.CORS_ORIGINS).toEqual([]);
    expect(s.RATE_LIMIT_PER_MINUTE_USER).toBe(30000);
    expect(s.RATE_LIMIT_PER_MINUTE_IP).toBe(120000);
    expect(trustProxy(s)).toBe(false);
  });

  it('reads an OpenID Connect issuer with its claim mapping', () => {
    const s = loadSettings({
      OIDC_ISSUER: 'https://login.example.org/realms/cciaa',
      OIDC_AUDIENCE: 'ciclo',
      OIDC_TENANT_CLAIM: 'ext.ente',
      OIDC_ROLES_CLAIM: 'realm_access.roles',
      OIDC_ALGORITHMS: 'RS256, ES256',
    });
    expect(s.OIDC_TENANT_CLAIM).toBe('ext.ente');
    expect(s.OIDC_ROLES_CLAIM).toBe('realm_access.roles');
    expect(s.OIDC_ALGORITHMS).toEqual(['RS256', 'ES256']);
  });

  it('requires an audience with an issuer, https in production, and only asymmetric algorithms', () => {
    expect(() => loadSettings({ OIDC_ISSUER: 'https://login.example.org' })).toThrow(
      /OIDC_AUDIENCE: is required when OIDC_ISSUER is set/,
    );
    expect(() =>
      loadSettings({ NODE_ENV: 'production', OIDC_ISSUER: 'http://login.example.org', OIDC_AUDIENCE: 'a' }),
    ).toThrow(/OIDC_ISSUER: must be https/);
    expect(() => loadSettings({ OIDC_ISSUER: 'ftp://x', OIDC_AUDIENCE: 'a' })).toThrow(/OIDC_ISSUER/);
    expect(() => loadSettings({ OIDC_ALGORITHMS: 'RS256,HS256' })).toThrow(/OIDC_ALGORITHMS/);
    expect(() => loadSettings({ OIDC_ALGORITHMS: 'none' })).toThrow(/OIDC_ALGORITHMS/);
    expect(() => loadSettings({ OIDC_TENANT_CLAIM: 'bad claim' })).toThrow(/OIDC_TENANT_CLAIM/);
  });

  it('reads CORS origins as a comma list of exact origins', () => {
    expect(
      loadSettings({ CORS_ORIGINS: 'https://ciclo.example.org, http://localhost:5173' }).CORS_ORIGINS,
    ).toEqual(['https://ciclo.example.org', 'http://localhost:5173']);
    expect(() => loadSettings({ CORS_ORIGINS: 'https://ciclo.example.org/app' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadSettings({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });

  it('reads rate limits (0 disables) and refuses negative ones', () => {
    const s = loadSettings({ RATE_LIMIT_PER_MINUTE_USER: '0', RATE_LIMIT_PER_MINUTE_IP: '600' });
    expect(s.RATE_LIMIT_PER_MINUTE_USER).toBe(0);
    expect(s.RATE_LIMIT_PER_MINUTE_IP).toBe(600);
    expect(() => loadSettings({ RATE_LIMIT_PER_MINUTE_USER: '-1' })).toThrow(/RATE_LIMIT_PER_MINUTE_USER/);
    expect(() => loadSettings({ RATE_LIMIT_PER_MINUTE_IP: 'lots' })).toThrow(/RATE_LIMIT_PER_MINUTE_IP/);
  });

  it('maps TRUST_PROXY to Express values and validates BODY_LIMIT', () => {
    expect(trustProxy(loadSettings({ TRUST_PROXY: 'true' }))).toBe(true);
    expect(trustProxy(loadSettings({ TRUST_PROXY: '1' }))).toBe(1);
    expect(trustProxy(loadSettings({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }))).toBe('loopback, 10.0.0.0/8');
    expect(() => loadSettings({ TRUST_PROXY: 'x;y' })).toThrow(/TRUST_PROXY/);
    expect(loadSettings({ BODY_LIMIT: '512kb' }).BODY_LIMIT).toBe('512kb');
    expect(() => loadSettings({ BODY_LIMIT: 'huge' })).toThrow(/BODY_LIMIT/);
  });
});

describe('console login (OpenID Connect client) settings', () => {
  const client = { OIDC_ISSUER: 'https://login.example.org', OIDC_CLIENT_ID: 'ciclo', OIDC_CLIENT_SECRET: 's3cret' };

  it('reads the confidential client; the ID token audience is the client id, so OIDC_AUDIENCE becomes optional', () => {
    const s = loadSettings({ ...client, PUBLIC_URL: 'https://ciclo.example.org/' });
    expect(s.OIDC_CLIENT_ID).toBe('ciclo');
    expect(s.OIDC_AUDIENCE).toBeUndefined();
    expect(s.OIDC_CLIENT_AUTH_METHOD).toBe('client_secret_basic');
    expect(s.OIDC_SCOPES).toBe('openid profile email');
    expect(oidcRedirectUri(s)).toBe('https://ciclo.example.org/auth/callback');
    expect(oidcPostLogoutRedirectUri(s)).toBe('https://ciclo.example.org/accesso');
    expect(oidcRedirectUri(loadSettings({ ...client, PORT: '4000' }))).toBe('http://127.0.0.1:4000/auth/callback');
  });

  it('requires the issuer and the secret with a client id, and a client id with a secret', () => {
    expect(() => loadSettings({ OIDC_CLIENT_ID: 'ciclo', OIDC_CLIENT_SECRET: 'x' })).toThrow(/OIDC_ISSUER: is required when OIDC_CLIENT_ID/);
    expect(() => loadSettings({ OIDC_ISSUER: 'https://login.example.org', OIDC_CLIENT_ID: 'ciclo' })).toThrow(/OIDC_CLIENT_SECRET: is required/);
    expect(() => loadSettings({ OIDC_CLIENT_SECRET: 'x' })).toThrow(/OIDC_CLIENT_ID: is required when OIDC_CLIENT_SECRET/);
    expect(() => loadSettings({ ...client, OIDC_CLIENT_AUTH_METHOD: 'none' })).toThrow(/OIDC_CLIENT_AUTH_METHOD/);
    expect(() => loadSettings({ ...client, OIDC_SCOPES: 'profile email' })).toThrow(/OIDC_SCOPES: must include the openid scope/);
  });

  it('requires https for the public URL (the callback) in production, and a URL without query', () => {
    expect(() => loadSettings({ ...client, NODE_ENV: 'production', PUBLIC_URL: 'http://ciclo.example.org' })).toThrow(/PUBLIC_URL: must be https/);
    expect(() => loadSettings({ ...client, NODE_ENV: 'production' })).toThrow(/PUBLIC_URL: must be https/);
    expect(() => loadSettings({ ...client, PUBLIC_URL: 'ciclo.example.org' })).toThrow(/PUBLIC_URL: must be an http\(s\) URL/);
    expect(() => loadSettings({ ...client, PUBLIC_URL: 'https://ciclo.example.org/?a=1' })).toThrow(/PUBLIC_URL/);
    expect(loadSettings({ ...client, NODE_ENV: 'production', PUBLIC_URL: 'https://ciclo.example.org' }).NODE_ENV).toBe('production');
  });

  it('takes the anchor signing keys as Ed25519 PEM or a file path, and stops on anything else naming the variable', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const file = join(mkdtempSync(join(tmpdir(), 'ciclo-key-')), 'anchor.pem');
    writeFileSync(file, priv);
    expect(loadSettings({ AUDIT_SIGNING_KEY: priv, AUDIT_SIGNING_PUBLIC_KEY: pub }).AUDIT_SIGNING_KEY).toBe(priv);
    expect(loadSettings({ AUDIT_SIGNING_KEY: file }).AUDIT_SIGNING_KEY).toBe(file);
    // A one-line PEM (as an environment file holds it), with \n for the line breaks.
    expect(() => loadSettings({ AUDIT_SIGNING_KEY: priv.replace(/\n/g, '\\n') })).not.toThrow();
    expect(() => loadSettings({ AUDIT_SIGNING_KEY: '/no/such/key.pem' })).toThrow(/AUDIT_SIGNING_KEY: must be an Ed25519 key in PEM or the path/);
    expect(() => loadSettings({ AUDIT_SIGNING_KEY: pub })).toThrow(/AUDIT_SIGNING_KEY: is not a readable Ed25519 key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadSettings({ AUDIT_SIGNING_KEY: rsa })).toThrow(/AUDIT_SIGNING_KEY: must be an Ed25519 key, not rsa/);
    expect(() => loadSettings({ AUDIT_SIGNING_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nxyz\n-----END PUBLIC KEY-----' })).toThrow(/AUDIT_SIGNING_PUBLIC_KEY: is not a readable/);
  });
});
