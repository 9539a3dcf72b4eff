/**
 * The console's plan page: how long the demo chamber's 372-indicator tree takes to appear in
 * headless Chromium (`plan_page_render_ms_p50` / `_p99`, target p99 ≤ 1,000 ms).
 *
 * `measurePlanPage` is the measurement, for the `console` benchmark to call with its own API and
 * browser: it logs in through the demo login page, then loads `/cicli/{id}/piano` `loads` times
 * (after `warmup` unmeasured loads), each a full navigation. One load's time is the page's own
 * clock (`performance.now()`, from the navigation's start) when the tree's first row is in the
 * document: the HTML, the scripts (the page's chunk with the charts library), the plan from the API
 * (372 indicators with their achievement, measurements and variance) and React's render.
 *
 * Run alone, `npm run bench -- console-plan [--loads 20] [--warmup 3]` starts everything itself: a
 * fresh database with the demo chamber (`ciclo seed demo`), the API in this process serving the
 * built console (`npm run build:web` first) and Debian's Chromium (CHROMIUM_PATH), and prints one
 * JSON line.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { loadSettings } from '@ciclo/config';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE } from '@ciclo/platform';
import { createApiApp } from '../apps/api/src/bootstrap';
import { migrateDatabase } from '../apps/cli/src/migrations';
import { seedDemo } from '../apps/cli/src/commands/seed-demo';
import { createBenchDatabase, log, numberArg, percentile, round } from './support/harness';

export interface PlanPageOptions {
  /** Where the API serves the console, e.g. http://127.0.0.1:3000 (demo login enabled). */
  baseUrl: string;
  browser: Browser;
  /** The demo PIAO's cycle id (`seedDemo(...).cycleId`). */
  cycleId: string;
  /** Measured loads (default 20). */
  loads?: number;
  /** Unmeasured loads first (default 3). */
  warmup?: number;
  /** Demo user to log in as (default the PO Luca Prova, who sees the editing controls too). */
  user?: string;
}

export interface PlanPageResult {
  plan_page_render_ms_p50: number;
  plan_page_render_ms_p99: number;
  plan_page_loads: number;
  plan_page_indicators: number;
}

// Page globals, for the functions evaluated in the browser (this program is typed for Node).
declare const document: { querySelector(s: string): unknown; querySelectorAll(s: string): { length: number } };
declare const performance: { now(): number };

/** `loads` timed loads of the plan page (p50 and p99 in ms, nearest rank). */
export async function measurePlanPage(opts: PlanPageOptions): Promise<PlanPageResult> {
  const loads = opts.loads ?? 20;
  const warmup = opts.warmup ?? 3;
  const context = await opts.browser.newContext({ baseURL: opts.baseUrl, locale: 'it-IT', timezoneId: 'Europe/Rome', viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const path = `/cicli/${opts.cycleId}/piano`;
    await page.goto(`/accesso?ritorno=${encodeURIComponent(path)}`);
    await page.getByRole('button', { name: `Entra come ${opts.user ?? 'Luca Prova'}` }).click();
    await page.waitForURL((u) => u.pathname === path);
    const times: number[] = [];
    let indicators = 0;
    for (let i = 0; i < warmup + loads; i++) {
      await page.goto(path, { waitUntil: 'commit' });
      const handle = await page.waitForFunction(() => (document.querySelector('ul.plan-tree > li.plan-node') ? performance.now() : false), undefined, { polling: 'raf', timeout: 60_000 });
      const ms = (await handle.jsonValue()) as number;
      if (i >= warmup) times.push(ms);
      if (i === 0) {
        const counts = await page.locator('.plan-summary').first().innerText();
        indicators = Number(/(\d+) indicatori/.exec(counts)?.[1] ?? 0);
      }
      log(`plan page load ${i + 1}/${warmup + loads}: ${round(ms, 1)} ms${i < warmup ? ' (warm-up)' : ''}`);
    }
    return {
      plan_page_render_ms_p50: round(percentile([...times], 50), 1),
      plan_page_render_ms_p99: round(percentile([...times], 99), 1),
      plan_page_loads: times.length,
      plan_page_indicators: indicators,
    };
  } finally {
    await context.close();
  }
}

/** Alone: a database with the demo chamber, the API in this process, Chromium, then one JSON line. */
async function main(): Promise<void> {
  const root = resolve(__dirname, '../..');
  const webDir = resolve(root, 'dist/web');
  if (!existsSync(resolve(webDir, 'index.html'))) throw new Error('The console is not built: npm run build:web');
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const db = await createBenchDatabase();
  let browser: Browser | undefined;
  let app: Awaited<ReturnType<typeof createApiApp>> | undefined;
  try {
    await migrateDatabase(db.url);
    const settings = loadSettings({
      DATABASE_URL: db.url,
      DEV_AUTH_ENABLED: 'true',
      LOG_LEVEL: 'silent',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `ciclo-bench-${db.name}`,
      SEEDS_DIR: resolve(root, 'seeds'),
      WEB_DIR: webDir,
      RATE_LIMIT_PER_MINUTE_USER: '0',
      RATE_LIMIT_PER_MINUTE_IP: '0',
    });
    app = await createApiApp(settings);
    await app.listen(0, '127.0.0.1');
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    log('loading the demo chamber');
    const demo = await seedDemo(app.get<EventStore>(EVENT_STORE), settings.SEEDS_DIR);
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'] });
    const result = await measurePlanPage({ baseUrl, browser, cycleId: demo.cycleId, loads: numberArg('loads', 20), warmup: numberArg('warmup', 3) });
    process.stdout.write(`${JSON.stringify({ ...result, target_ms: 1000, pass: result.plan_page_render_ms_p99 <= 1000, cpus: cpus().length, loadavg_1m: round(loadavg()[0], 2) })}\n`);
  } finally {
    await browser?.close();
    await app?.close();
    await db.drop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
