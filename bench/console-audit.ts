/**
 * The console's audit trail page under a large trail: `audit_page_render_ms_p50` and
 * `audit_page_render_ms_p99` (target p99 ≤ 1,000 ms), for `npm run bench -- console`.
 *
 * `seedAuditRows` writes N rows (default 100,000) of the tenant's trail (`rm_audit`, the read model
 * the page reads) with realistic variety: 40 cycles, 12 people, every role, the usual event types,
 * reasons on some rows. `measureAuditPage` loads `/registro` `loads` times (default 20, after
 * `warmup` unmeasured loads) in a logged-in browser page and times each from navigation start to
 * the first page of rows on screen (the 50-row table, the filters' lists and the chain status
 * loaded: what the RPCT waits for).
 *
 * Run on its own (`npm run bench -- console-audit [--rows 100000] [--loads 20]`) it builds the whole
 * setting: a throwaway database, the API serving the built console (`npm run build:web` first), the
 * demo chamber, Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium); the last stdout line is JSON.
 */
import { loadavg } from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { chromium, type Page } from 'playwright-core';
import type { Pool } from 'pg';
import { loadSettings } from '@ciclo/config';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE, PG_POOL } from '@ciclo/platform';
import { createApiApp } from '../apps/api/src/bootstrap';
import { seedDemo } from '../apps/cli/src/commands/seed-demo';
import { migrateDatabase } from '../apps/cli/src/migrations';
import { createBenchDatabase, log, numberArg, percentile } from './support/harness';

export interface AuditPageFigures {
  audit_page_render_ms_p50: number;
  audit_page_render_ms_p99: number;
  audit_page_loads: number;
  audit_rows: number;
}

/** Positions far above the demo's own events, so the synthetic rows never collide with projected ones. */
const FIRST_POSITION = 50_000_000;

/**
 * Writes `rows` audit-trail rows for `tenant` in one statement (generate_series): the newest
 * `rows` positions of the trail, recorded over the last year.
 */
export async function seedAuditRows(pool: Pool, tenant: string, rows = 100_000): Promise<void> {
  await pool.query(
    `INSERT INTO rm_audit (position, event_id, recorded_at, occurred_at, tenant, stream_id, cycle_id, version, type,
                           actor_id, actor_role, reason, correlation_id, summary, hash)
     SELECT $2::bigint + g,
            md5('evt' || g)::uuid,
            now() - make_interval(secs => ($3::int - g) * 300),
            now() - make_interval(secs => ($3::int - g) * 300),
            $1,
            $1 || '/cycle-' || md5('cyc' || (g % 40))::uuid,
            md5('cyc' || (g % 40))::uuid,
            g / 40 + 1,
            (ARRAY['PlanNodeUpdated','MeasurementRecorded','CommentAdded','SubmittedForReview','ChangesRequested',
                   'ApprovedBySecretaryGeneral','DocumentAttached','MeasurementCorrected'])[1 + g % 8],
            'u-bench-' || (g % 12),
            (ARRAY['po','rilevatore','dirigente','segretario_generale','rpct','oiv'])[1 + g % 6],
            CASE WHEN g % 8 IN (4, 7) THEN 'Motivazione di prova numero ' || g ELSE NULL END,
            'bench-' || g,
            'Il sistema di prova ha registrato l''evento numero ' || g || ' del ciclo di prova ' || (g % 40),
            md5('hash' || g)
       FROM generate_series(1, $3::int) AS g
     ON CONFLICT (position) DO NOTHING`,
    [tenant, FIRST_POSITION, rows],
  );
  await pool.query('ANALYZE rm_audit');
}

/** Loads `/registro` in a logged-in page and times each load until its first page of rows shows. */
export async function measureAuditPage(page: Page, o: { loads?: number; warmup?: number; rows?: number } = {}): Promise<AuditPageFigures> {
  const loads = o.loads ?? 20;
  const warmup = o.warmup ?? 3;
  const times: number[] = [];
  for (let i = 0; i < warmup + loads; i++) {
    const t0 = performance.now();
    await page.goto('/registro', { waitUntil: 'commit' });
    await page.getByText('Eventi del registro, dal più recente (50 mostrati)').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Verifica ora' }).waitFor();
    await page.locator('#f-persona option').nth(1).waitFor({ state: 'attached' });
    const ms = performance.now() - t0;
    if (i >= warmup) times.push(ms);
    log(`/registro load ${i + 1}/${warmup + loads}: ${ms.toFixed(0)} ms${i < warmup ? ' (warm-up)' : ''}`);
  }
  return {
    audit_page_render_ms_p50: Math.round(percentile(times, 50)),
    audit_page_render_ms_p99: Math.round(percentile(times, 99)),
    audit_page_loads: loads,
    audit_rows: o.rows ?? 0,
  };
}

/** Logs a browser page in as a demo user (the demo login the console uses). */
export async function demoLoginPage(page: Page, tenant: string, userId: string): Promise<void> {
  await page.goto('/accesso');
  const status = await page.evaluate(
    async ([t, u]) => (await fetch('/auth/demo-login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: t, userId: u }) })).status,
    [tenant, userId] as const,
  );
  if (status !== 200 && status !== 201) throw new Error(`demo login of ${userId} answered ${status}`);
}

/** The 1-minute load average when the benchmark starts (a busy machine skews every figure). */
const LOAD_BEFORE = Math.round(loadavg()[0] * 100) / 100;

async function main(): Promise<void> {
  const rows = numberArg('rows', 100_000);
  const loads = numberArg('loads', 20);
  const root = resolve(__dirname, '../..');
  const webDir = resolve(root, 'dist/web');
  if (!existsSync(resolve(webDir, 'index.html'))) throw new Error('The console is not built: npm run build:web');
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const db = await createBenchDatabase();
  let app: INestApplication | undefined;
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    await migrateDatabase(db.url);
    const settings = loadSettings({
      DATABASE_URL: db.url,
      DEV_AUTH_ENABLED: 'true',
      LOG_LEVEL: 'silent',
      WEB_DIR: webDir,
      SEEDS_DIR: resolve(root, 'seeds'),
      REDIS_PREFIX: `ciclo-bench-${db.name}`,
      RATE_LIMIT_PER_MINUTE_USER: '0',
      RATE_LIMIT_PER_MINUTE_IP: '0',
    });
    app = await createApiApp(settings);
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    log('loading the demo chamber');
    const demo = await seedDemo(app.get<EventStore>(EVENT_STORE), settings.SEEDS_DIR);
    log(`writing ${rows} audit rows`);
    await seedAuditRows(app.get<Pool>(PG_POOL), demo.tenant, rows);
    const context = await browser.newContext({ baseURL: url, locale: 'it-IT', timezoneId: 'Europe/Rome', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await demoLoginPage(page, demo.tenant, 'u-demo-rpct');
    const figures = await measureAuditPage(page, { loads, rows });
    process.stdout.write(`${JSON.stringify({ benchmark: 'console-audit', ...figures, loadavg_1m_before: LOAD_BEFORE, loadavg_1m_after: Math.round(loadavg()[0] * 100) / 100, target_p99_ms: 1000, pass: figures.audit_page_render_ms_p99 <= 1000 })}\n`);
  } finally {
    await browser.close();
    await app?.close();
    await db.drop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
