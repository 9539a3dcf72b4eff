import type { INestApplication } from '@nestjs/common';
import { resolve } from 'node:path';
import { Pool } from 'pg';
import { loadSettings, devAuthSecret, type Settings } from '@ciclo/config';
import { signDevToken, type Role } from '@ciclo/identity';
import { ProjectionRunner } from '@ciclo/projections';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { migrateDatabase } from '../../apps/cli/src/migrations';
import { createTestDatabase, testRedisPrefix, type TestDatabase } from './database';

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestApi {
  url: string;
  /** The Nest application, for tests that reach a provider. */
  app: INestApplication;
  db: TestDatabase;
  settings: Settings;
  /** A pool on the test database, for assertions on what was (not) written. */
  pool: Pool;
  token(userId: string, roles: Role[], tenant?: string): Promise<string>;
  call<T = Record<string, unknown>>(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: Buffer | string }): Promise<HttpResult<T>>;
  /** Global position of the last event written (0 when none). */
  head(): Promise<number>;
  close(): Promise<void>;
}

/** Starts the real HTTP API on its own fresh, migrated database and a private Redis prefix. */
export async function startTestApi(
  label: string,
  env: Record<string, string> = {},
  options: { projections?: boolean } = {},
): Promise<TestApi> {
  const db = await createTestDatabase(label);
  await migrateDatabase(db.url);
  const settings = loadSettings({
    DATABASE_URL: db.url,
    DEV_AUTH_ENABLED: 'true',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOG_FORMAT: 'json',
    PORT: '3000',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: testRedisPrefix(label).replace(/:$/, ''),
    SEEDS_DIR: resolve(__dirname, '../../seeds'),
    ...env,
  });
  const app: INestApplication = await createApiApp(settings);
  // A random port, unless the caller fixed one (PUBLIC_URL must then name it, e.g. for an OIDC redirect URI).
  await app.listen(env.PORT ? Number(env.PORT) : 0, '127.0.0.1');
  // The worker's projectors, in-process, when a test reads the read models.
  const runner = options.projections ? app.get(ProjectionRunner) : null;
  runner?.start({ batchSize: 500 });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const pool = new Pool({ connectionString: db.url, max: 3 });
  // The database is dropped WITH (FORCE) at the end: a connection cut then is not a test failure.
  pool.on('error', () => undefined);
  return {
    url,
    app,
    db,
    settings,
    pool,
    token: (userId, roles, tenant = 'cciaa-po') => signDevToken({ userId, roles, tenant }, devAuthSecret(settings)),
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | Uint8Array | undefined;
      if (options.raw !== undefined) body = typeof options.raw === 'string' ? options.raw : new Uint8Array(options.raw);
      else if (options.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      }
      const res = await fetch(`${url}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : {};
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed as never, headers: res.headers };
    },
    async head() {
      const { rows } = await pool.query<{ p: string | null }>('SELECT max(position) AS p FROM es_events');
      return Number(rows[0].p ?? 0);
    },
    async close() {
      await runner?.stop();
      await app.close();
      await pool.end();
      await db.drop();
    },
  };
}
