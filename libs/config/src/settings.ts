import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

/** Every setting, read from the environment, with a safe default for a local machine. */
export const settingsSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    PUBLIC_URL: z.string().optional(),
    DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/ciclo'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
    REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_:.-]+$/, 'letters, digits and _ : . - only').default('ciclo'),
    EVENT_STORE: z.enum(['postgres', 'kurrentdb']).default('postgres'),
    KURRENTDB_URL: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SEEDS_DIR: z.string().default('seeds'),
    DEV_AUTH_ENABLED: bool.default(false),
    DEV_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    BODY_LIMIT: z.string().default('1mb'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10000),
  })
  .superRefine((s, ctx) => {
    if (s.EVENT_STORE === 'kurrentdb' && !s.KURRENTDB_URL) {
      ctx.addIssue({ code: 'custom', path: ['KURRENTDB_URL'], message: 'is required when EVENT_STORE=kurrentdb' });
    }
    if (s.DEV_AUTH_ENABLED && s.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['DEV_AUTH_ENABLED'], message: 'the development token issuer cannot run with NODE_ENV=production' });
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

export function publicUrl(s: Settings): string {
  return s.PUBLIC_URL ?? `http://${s.HOST === '0.0.0.0' ? '127.0.0.1' : s.HOST}:${s.PORT}`;
}
