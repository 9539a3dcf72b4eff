import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

/** Why an Ed25519 key setting (PEM, or the path of a PEM file) cannot be used, or null. */
function ed25519KeyProblem(value: string, kind: 'private' | 'any'): string | null {
  const v = value.trim();
  let pem: string;
  if (v.startsWith('-----BEGIN')) pem = v.replace(/\\n/g, '\n');
  else if (existsSync(v)) pem = readFileSync(v, 'utf8');
  else return 'must be an Ed25519 key in PEM or the path of a file holding one';
  try {
    const key = kind === 'private' || /PRIVATE KEY/.test(pem) ? createPrivateKey(pem) : createPublicKey(pem);
    if (kind === 'private' && key.type !== 'private') return 'must be a private key';
    return key.asymmetricKeyType === 'ed25519' ? null : `must be an Ed25519 key, not ${key.asymmetricKeyType ?? 'unknown'}`;
  } catch {
    return 'is not a readable Ed25519 key in PEM';
  }
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

/** Claim names: a top-level claim or a dotted path into nested objects (`ext.tenant`). */
const claimName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_:/-]{0,99}(\.[A-Za-z_][A-Za-z0-9_:/-]{0,99}){0,4}$/,
    'must be a claim name, optionally a dotted path',
  );

/** Asymmetric JWS algorithms accepted from an OpenID Connect issuer (HS* never: the JWKS is public). */
export const OIDC_ALGORITHMS_ALLOWED = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

function isOrigin(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === v.replace(/\/$/, '');
  } catch {
    return false;
  }
}

/** Every setting, read from the environment, with a safe default for a local machine. */
export const settingsSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    PUBLIC_URL: z.string().optional(),
    DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/ciclo'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
    EVENT_WAKE_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(10),
    EVENT_BUSY_WAKE_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(50),
    EVENT_NOTIFY_INTERVAL_MS: z.coerce.number().int().min(0).max(1000).default(5),
    REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_:.-]+$/, 'letters, digits and _ : . - only')
      .default('ciclo'),
    EVENT_STORE: z.enum(['postgres', 'kurrentdb']).default('postgres'),
    KURRENTDB_URL: z.string().optional(),
    AUDIT_SIGNING_KEY: z.string().optional(),
    AUDIT_SIGNING_PUBLIC_KEY: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
    SEEDS_DIR: z.string().default('seeds'),
    DEV_AUTH_ENABLED: bool.default(false),
    DEV_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(b|kb|mb)$/i, 'must be a size such as 1mb, 512kb or 65536b')
      .default('1mb'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600000).default(5000),
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600000).default(20000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3600000).default(120000),
    HTTP_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3600000).default(60000),
    DEV_TOKEN_MAX_TTL_S: z.coerce.number().int().min(60).max(30 * 24 * 3600).default(7 * 24 * 3600),
    PROJECTION_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(1000),
    HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(300).default(100),
    OIDC_ISSUER: url(['https:', 'http:']).optional(),
    OIDC_AUDIENCE: z.string().min(1).max(300).optional(),
    OIDC_USER_CLAIM: claimName.default('sub'),
    OIDC_TENANT_CLAIM: claimName.default('tenant'),
    OIDC_ROLES_CLAIM: claimName.optional(),
    OIDC_NAME_CLAIM: claimName.default('name'),
    OIDC_ALGORITHMS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(
            z.enum(OIDC_ALGORITHMS_ALLOWED, {
              error: `must be a comma list of: ${OIDC_ALGORITHMS_ALLOWED.join(', ')}`,
            }),
          )
          .min(1),
      )
      .default(['RS256', 'PS256', 'ES256', 'EdDSA']),
    OIDC_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(30),
    OIDC_CLIENT_ID: z.string().min(1).max(300).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).max(1000).optional(),
    OIDC_CLIENT_AUTH_METHOD: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
    OIDC_SCOPES: z
      .string()
      .regex(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, 'space-separated scopes')
      .refine((v) => v.split(' ').includes('openid'), 'must include the openid scope')
      .default('openid profile email'),
    SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
    SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(12),
    WEB_DIR: z.string().default('dist/web'),
    RATE_LIMIT_PER_MINUTE_USER: z.coerce.number().int().min(0).default(30000),
    RATE_LIMIT_PER_MINUTE_IP: z.coerce.number().int().min(0).default(120000),
    CORS_ORIGINS: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z
            .string()
            .refine(
              isOrigin,
              'each entry must be an origin such as https://ciclo.example.org (scheme, host, optional port; no path)',
            ),
        ),
      )
      .default([]),
    TRUST_PROXY: z
      .string()
      .regex(
        /^[A-Za-z0-9.:/, ]{1,500}$/,
        'false, true, a hop count or a comma list of addresses, subnets or loopback/linklocal/uniquelocal',
      )
      .default('false'),
  })
  .superRefine((s, ctx) => {
    for (const [name, kind] of [['AUDIT_SIGNING_KEY', 'private'], ['AUDIT_SIGNING_PUBLIC_KEY', 'any']] as const) {
      const problem = s[name] ? ed25519KeyProblem(s[name], kind) : null;
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
    if (s.EVENT_STORE === 'kurrentdb' && !s.KURRENTDB_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['KURRENTDB_URL'],
        message: 'is required when EVENT_STORE=kurrentdb',
      });
    }
    // Bearer tokens need the audience; the console's login alone (OIDC_CLIENT_ID) checks the
    // ID token's audience against the client id instead.
    if (s.OIDC_ISSUER && !s.OIDC_AUDIENCE && !s.OIDC_CLIENT_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_AUDIENCE'],
        message: 'is required when OIDC_ISSUER is set (unless OIDC_CLIENT_ID is: then bearer tokens are not accepted)',
      });
    }
    if (s.OIDC_CLIENT_ID) {
      if (!s.OIDC_ISSUER)
        ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER'], message: 'is required when OIDC_CLIENT_ID is set' });
      if (!s.OIDC_CLIENT_SECRET)
        ctx.addIssue({ code: 'custom', path: ['OIDC_CLIENT_SECRET'], message: 'is required when OIDC_CLIENT_ID is set (confidential client)' });
      const base = s.PUBLIC_URL ?? `http://${s.HOST}:${s.PORT}`;
      let parsed: URL | null = null;
      try {
        parsed = new URL(base);
      } catch {
        parsed = null;
      }
      if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.search || parsed.hash) {
        ctx.addIssue({
          code: 'custom',
          path: ['PUBLIC_URL'],
          message: 'must be an http(s) URL without query (the login callback is PUBLIC_URL/auth/callback)',
        });
      } else if (s.NODE_ENV === 'production' && parsed.protocol !== 'https:') {
        ctx.addIssue({
          code: 'custom',
          path: ['PUBLIC_URL'],
          message: 'must be https:// with OIDC_CLIENT_ID and NODE_ENV=production (the session cookie is Secure only under https)',
        });
      }
    } else if (s.OIDC_CLIENT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_CLIENT_ID'], message: 'is required when OIDC_CLIENT_SECRET is set' });
    }
    if (s.OIDC_ISSUER && s.NODE_ENV === 'production' && new URL(s.OIDC_ISSUER).protocol !== 'https:') {
      ctx.addIssue({
        code: 'custom',
        path: ['OIDC_ISSUER'],
        message: 'must be https:// with NODE_ENV=production',
      });
    }
    if (s.HTTP_HEADERS_TIMEOUT_MS > s.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['HTTP_HEADERS_TIMEOUT_MS'],
        message: 'must not be larger than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)',
      });
    }
    if (s.DEV_AUTH_ENABLED && s.NODE_ENV === 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['DEV_AUTH_ENABLED'],
        message: 'the development token issuer cannot run with NODE_ENV=production',
      });
    }
  });

export type Settings = z.infer<typeof settingsSchema>;

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

/** Reads and validates the settings; throws a `SettingsError` naming every bad variable. */
export function loadSettings(env: Record<string, string | undefined> = process.env): Settings {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = settingsSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new SettingsError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return parsed.data;
}

/** The development token secret: configured, or a fixed local one outside production. */
export function devAuthSecret(s: Settings): string {
  return s.DEV_AUTH_SECRET ?? 'ciclo-local-development-secret-not-for-production';
}

/** The `TRUST_PROXY` setting as Express's `trust proxy` value (which client address `req.ip` is). */
export function trustProxy(s: Settings): boolean | number | string {
  if (s.TRUST_PROXY === 'false') return false;
  if (s.TRUST_PROXY === 'true') return true;
  if (/^\d+$/.test(s.TRUST_PROXY)) return Number(s.TRUST_PROXY);
  return s.TRUST_PROXY;
}

export function publicUrl(s: Settings): string {
  return s.PUBLIC_URL ?? `http://${s.HOST === '0.0.0.0' ? '127.0.0.1' : s.HOST}:${s.PORT}`;
}

/** Where the identity provider sends the browser back after login (registered with the provider). */
export function oidcRedirectUri(s: Settings): string {
  return `${publicUrl(s).replace(/\/+$/, '')}/auth/callback`;
}

/** Where the provider's logout sends the browser back (the login page). */
export function oidcPostLogoutRedirectUri(s: Settings): string {
  return `${publicUrl(s).replace(/\/+$/, '')}/accesso`;
}
