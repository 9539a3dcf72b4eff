// Settings of the notification channels, read from the environment. They belong in libs/config
// (settings.ts) once its owner adds them; until then this small typed reader keeps the same names
// and defaults so that moving them is a change of import only.
import { z } from 'zod';

const schema = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_:.-]+$/).default('ciclo'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('Ciclo <ciclo@localhost>'),
  PUBLIC_URL: z.string().optional(),
  SEEDS_DIR: z.string().default('seeds'),
  REMINDER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(16),
  // How long a worker's hold on a reminder job lasts without renewal, and how often the others look
  // for jobs whose holder died: together, how soon a killed worker's jobs run elsewhere.
  REMINDER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  REMINDER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(1).default(10_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
});

export type NotificationSettings = z.infer<typeof schema>;

/** Reads and validates the notification settings; throws naming every bad variable. */
export function notificationSettings(env: Record<string, string | undefined> = process.env): NotificationSettings {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = schema.safeParse(cleaned);
  if (!r.success) throw new Error(`Invalid configuration:\n${r.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  return r.data;
}
