/**
 * Page-load timing of the web console in headless Chromium, shared by `bench/console.ts` and the
 * pages added to it later (plan, audit...): a page is a path, a person to log in as, and a selector
 * that is visible once its content is shown. A load is timed from the start of the navigation to
 * that selector visible.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { percentile, round } from './harness';

export interface ConsolePage {
  /** Prefix of the result keys: `<name>_render_ms_p50`, `<name>_render_ms_p99`. */
  name: string;
  /** Demo person to log in as (the demo login page's "Entra come NAME"). */
  as: string;
  path: string;
  /** CSS selector visible once the page shows its content (not the loading spinner). */
  ready: string;
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A logged-in tab of `person` (demo login), in Rome's time zone. */
export async function loggedIn(browser: Browser, baseURL: string, person: string): Promise<Page> {
  const ctx = await browser.newContext({ baseURL, locale: 'it-IT', timezoneId: 'Europe/Rome', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto('/accesso?ritorno=%2Fda-fare');
  await page.getByRole('button', { name: `Entra come ${person}` }).click();
  await page.waitForURL((u) => u.pathname === '/da-fare');
  return page;
}

/**
 * `loads` timed loads of each page after one untimed warm-up load (a fresh navigation each time:
 * the browser cache keeps the assets, as for a returning user). Returns the p50/p99 keys.
 */
export async function timePages(browser: Browser, baseURL: string, pages: ConsolePage[], loads: number, progress: (m: string) => void): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of pages) {
    const tab = await loggedIn(browser, baseURL, p.as);
    const once = async () => {
      await tab.goto('about:blank');
      const t0 = performance.now();
      await tab.goto(p.path, { waitUntil: 'commit' });
      await tab.locator(p.ready).first().waitFor({ state: 'visible', timeout: 60_000 });
      return performance.now() - t0;
    };
    await once();
    const times: number[] = [];
    for (let i = 0; i < loads; i++) times.push(await once());
    out[`${p.name}_render_ms_p50`] = round(percentile(times, 50), 1);
    out[`${p.name}_render_ms_p99`] = round(percentile(times, 99), 1);
    progress(`${p.name}: p50 ${out[`${p.name}_render_ms_p50`]} ms, p99 ${out[`${p.name}_render_ms_p99`]} ms over ${loads} loads`);
    await tab.context().close();
  }
  return out;
}

/**
 * The JavaScript of the first load, gzipped, in KB: the entry script of dist/web/index.html and
 * every module it preloads (chunks loaded on demand, such as the cycle page, are not counted).
 */
export function firstLoadJsGzipKb(webDir: string): { kb: number; files: string[] } {
  const html = readFileSync(resolve(webDir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]);
  const bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(resolve(webDir, `.${f}`)), { level: 9 }).length, 0);
  return { kb: round(bytes / 1024, 1), files };
}
