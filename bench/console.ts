/**
 * `npm run bench -- console [--loads 20] [--cycles 1000] [--waiting 200] [--events 500] [--audit-rows 100000]`
 *
 * The web console in headless Chromium (Debian's, `CHROMIUM_PATH`) against the real API in this
 * process, its projectors running, on a throwaway database `ciclo_bench_<random>` (dropped at the
 * end) holding the demo chamber plus:
 *   - `--cycles` open cycles of the demo tenant, `--waiting` of them sent to the Segretario
 *     Generale (PIAO in review), the others in their first stage;
 *   - one cycle with `--events` events (comments, documents and a few transitions).
 * It reports, as one JSON line on stdout:
 *   console_js_gzip_kb        the JavaScript of the first load (entry + preloaded modules), gzipped
 *   inbox_render_ms_p50/_p99  `--loads` loads of /da-fare as the SG, from the start of the
 *                             navigation to the list shown
 *   cycle_page_render_ms_p50/_p99  the same for /cicli/{id} of the cycle with `--events` events,
 *                             to its timeline shown
 *   plan_page_render_ms_p50/_p99   /cicli/{id}/piano of the demo PIAO (372 indicators) as the PO, to
 *                             the tree's first row (bench/console-plan.ts; target p99 ≤ 1,000)
 *   audit_page_render_ms_p50/_p99  /registro as the RPCT with `--audit-rows` (default 100,000)
 *                             more rows in the tenant's trail, to the first 50 rows, the filters'
 *                             lists and the chain status (bench/console-audit.ts; target p99 ≤ 1,000)
 *   loadavg_before/_after     1-minute load average of the machine before and after the timings
 * More pages are measured by adding entries to `pages` below (see bench/support/console-pages.ts).
 * The console is built first (`npm run build:web`). Progress goes to stderr.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import { devAuthSecret, loadSettings } from '@ciclo/config';
import { signDevToken } from '@ciclo/identity';
import { EVENT_STORE, PG_POOL } from '@ciclo/platform';
import type { EventStore } from '@ciclo/event-store';
import { ProjectionRunner } from '@ciclo/projections';
import { createApiApp } from '../apps/api/src/bootstrap';
import { migrateDatabase } from '../apps/cli/src/migrations';
import { seedDemo } from '../apps/cli/src/commands/seed-demo';
import { createBenchDatabase, log, numberArg, round, sleep } from './support/harness';
import { firstLoadJsGzipKb, launchChromium, timePages, type ConsolePage } from './support/console-pages';
import { measurePlanPage } from './console-plan';
import { demoLoginPage, measureAuditPage, seedAuditRows } from './console-audit';

const root = resolve(__dirname, '../..');
const WEB_DIR = resolve(root, 'dist/web');
const TENANT = 'cciaa-po';

async function main(): Promise<void> {
  const loads = numberArg('loads', 20);
  const cycles = numberArg('cycles', 1000);
  const waiting = numberArg('waiting', 200);
  const events = numberArg('events', 500);
  const auditRows = numberArg('audit-rows', 100_000);
  if (waiting > cycles) throw new Error('--waiting must not exceed --cycles');

  log('building the console (npm run build:web)...');
  const build = spawnSync('npm', ['run', 'build:web'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) throw new Error(`npm run build:web failed (exit ${build.status})`);
  const js = firstLoadJsGzipKb(WEB_DIR);
  log(`first-load JavaScript: ${js.kb} KB gzipped (${js.files.join(', ')})`);

  const db = await createBenchDatabase();
  let app: INestApplication | undefined;
  let runner: ProjectionRunner | undefined;
  try {
    await migrateDatabase(db.url);
    const settings = loadSettings({
      DATABASE_URL: db.url,
      DEV_AUTH_ENABLED: 'true',
      LOG_LEVEL: 'silent',
      REDIS_PREFIX: `ciclo-bench-${db.name}`,
      SEEDS_DIR: resolve(root, 'seeds'),
      WEB_DIR,
      RATE_LIMIT_PER_MINUTE_USER: '0',
      RATE_LIMIT_PER_MINUTE_IP: '0',
    });
    app = await createApiApp(settings);
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const projections = app.get(ProjectionRunner);
    runner = projections;
    projections.start({ batchSize: 1000 });
    const demo = await seedDemo(app.get<EventStore>(EVENT_STORE), settings.SEEDS_DIR);

    // The data, through the HTTP API as an integration would write it.
    const secret = devAuthSecret(settings);
    const po = await signDevToken({ userId: 'u-demo-po-1', roles: ['po'], tenant: TENANT }, secret);
    const sg = await signDevToken({ userId: 'u-demo-sg', roles: ['segretario_generale'], tenant: TENANT }, secret);
    const call = async (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const r = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined && !(body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body instanceof Uint8Array ? body : body !== undefined ? JSON.stringify(body) : undefined,
      });
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as { cycleId?: string; position: number };
    };
    log(`opening ${cycles} cycles (${waiting} sent to the Segretario Generale)...`);
    // The others wait in a first stage where the SG is not expected (PIAO draft, Relazione measurements).
    const types = ['piao', 'relazione_performance'];
    let last = 0;
    for (let i = 0; i < cycles; i++) {
      const type = i < waiting ? 'piao' : types[i % types.length];
      const opened = await call(po, 'POST', '/cycles', { type, year: 2030 + (i % 40), title: `Ciclo di prova ${i + 1}` });
      last = opened.position;
      if (i < waiting) last = (await call(po, 'POST', `/cycles/${opened.cycleId}/commands/submit`, { note: `Invio ${i + 1}` })).position;
      if ((i + 1) % 200 === 0) log(`  ${i + 1} cycles`);
    }
    log(`one cycle with ${events} events...`);
    const big = (await call(po, 'POST', '/cycles', { type: 'piao', year: 2090, title: `PIAO con ${events} eventi` })).cycleId as string;
    for (let n = 1; n < events; n++) {
      if (n % 50 === 0) last = (await call(po, 'POST', `/cycles/${big}/documents`, new TextEncoder().encode(`documento ${n}`), { 'content-type': 'application/pdf', 'x-file-name': `documento-${n}.pdf` })).position;
      else last = (await call(po, 'POST', `/cycles/${big}/commands/comment`, { text: `Commento numero ${n} sulla bozza del piano` })).position;
    }
    log('waiting for the projections...');
    for (;;) {
      const r = await fetch(`${url}/inbox/counts?minPosition=${last}`, { headers: { authorization: `Bearer ${sg}` } });
      if (r.ok) break;
      await sleep(200);
    }

    const pages: ConsolePage[] = [
      { name: 'inbox', as: 'Giulia Esempio', path: '/da-fare', ready: '.inbox-list' },
      { name: 'cycle_page', as: 'Luca Prova', path: `/cicli/${big}`, ready: '.timeline-entry' },
    ];
    const browser = await launchChromium();
    const before = loadavg()[0];
    let timings: Record<string, number>;
    try {
      timings = await timePages(browser, url, pages, loads, log);
      const plan = await measurePlanPage({ baseUrl: url, browser, cycleId: demo.cycleId, loads });
      log(`writing ${auditRows} audit rows...`);
      await seedAuditRows(app.get<Pool>(PG_POOL), TENANT, auditRows);
      const context = await browser.newContext({ baseURL: url, locale: 'it-IT', timezoneId: 'Europe/Rome', viewport: { width: 1280, height: 900 } });
      try {
        const page = await context.newPage();
        await demoLoginPage(page, TENANT, 'u-demo-rpct');
        const audit = await measureAuditPage(page, { loads, rows: auditRows });
        timings = { ...timings, ...plan, ...audit };
      } finally {
        await context.close();
      }
    } finally {
      await browser.close();
    }
    const after = loadavg()[0];
    process.stdout.write(
      `${JSON.stringify({
        bench: 'console',
        console_js_gzip_kb: js.kb,
        ...timings,
        loads,
        cycles,
        waiting_for_sg: waiting,
        cycle_events: events,
        loadavg_before: round(before, 2),
        loadavg_after: round(after, 2),
      })}\n`,
    );
  } finally {
    await runner?.stop();
    await app?.close();
    await db.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
