/**
 * Browser tests of the console: Debian's Chromium driven by playwright-core against the real API
 * (in this process, with its projectors) on a fresh database loaded with the demo chamber.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { EVENT_STORE } from '@ciclo/platform';
import type { EventStore } from '@ciclo/event-store';
import { seedDemo, type SeedDemoResult } from '../../apps/cli/src/commands/seed-demo';
import { startTestApi, type TestApi } from './api';

export const ROOT = resolve(__dirname, '../..');
export const WEB_DIR = resolve(ROOT, 'dist/web');
/** Screenshots for a reviewer to look at (git-ignored). */
export const SCREENSHOTS = resolve(ROOT, 'test-results/screenshots');

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium as root on a machine with a closed network: no sandbox, no background traffic; Italian UI (date fields read gg/mm/aaaa). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  if (!existsSync(resolve(WEB_DIR, 'index.html')))
    throw new Error('The console is not built: npm run build:web');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--lang=it-IT',
    ],
  });
}

export interface ConsoleEnv {
  api: TestApi;
  browser: Browser;
  demo: SeedDemoResult;
  close(): Promise<void>;
}

/** The API serving the built console, its projectors running, the demo chamber loaded, and a browser. */
export async function startConsole(label: string, env: Record<string, string> = {}): Promise<ConsoleEnv> {
  const api = await startTestApi(label, { WEB_DIR, ...env }, { projections: true });
  let browser: Browser | undefined;
  try {
    const demo = await seedDemo(api.app.get<EventStore>(EVENT_STORE), api.settings.SEEDS_DIR);
    browser = await launchBrowser();
    const b = browser;
    return {
      api,
      browser: b,
      demo,
      async close() {
        await b.close();
        await api.close();
      },
    };
  } catch (err) {
    await browser?.close();
    await api.close();
    throw err;
  }
}

/**
 * A fresh browser context (its own cookies) with Italian locale and Rome's time zone. It asks for
 * reduced motion, so bootstrap-italia drops its colour transitions: axe-core then measures a
 * button's contrast in its final colours, never half-way through a 150 ms fade.
 */
export async function newContext(env: ConsoleEnv): Promise<BrowserContext> {
  return env.browser.newContext({
    baseURL: env.api.url,
    locale: 'it-IT',
    timezoneId: 'Europe/Rome',
    viewport: { width: 1280, height: 900 },
    reducedMotion: 'reduce',
  });
}

/** The demo chamber's people by display name, as the console's scenarios name them. */
const DEMO_TENANT = JSON.parse(readFileSync(resolve(ROOT, 'seeds/tenants/demo.json'), 'utf8')) as {
  id: string;
  users: { id: string; name: string }[];
};

/**
 * Opens a session as the named demo person through the API the login page calls
 * (`POST /auth/demo-login`, sent from the page's context so the browser keeps the cookie), then
 * loads `path`. The login page itself is driven by `demoLogin` (login.spec.ts); the other
 * scenarios start here, without loading it each time.
 */
export async function sessionAs(page: Page, name: string, path = '/da-fare'): Promise<void> {
  const user = DEMO_TENANT.users.find((u) => u.name === name);
  if (!user) throw new Error(`no demo person named ${name} in seeds/tenants/demo.json`);
  const res = await page.request.post('/auth/demo-login', {
    data: { tenant: DEMO_TENANT.id, userId: user.id },
  });
  if (res.status() !== 200) throw new Error(`demo login as ${name}: ${res.status()} ${await res.text()}`);
  await page.goto(path);
}

/**
 * Logs in through the demo login page as the named demo user; lands on `returnTo`. A page still
 * blank after the wait (its scripts never ran: seen once on a loaded machine) is loaded once more;
 * a failure reports what the page showed, its errors and failed requests, with a picture.
 */
export async function demoLogin(page: Page, name: string, returnTo = '/da-fare'): Promise<void> {
  const trouble: string[] = [];
  const onError = (e: Error) => trouble.push(`page error: ${e.message}`);
  const onFailed = (r: { url(): string; failure(): { errorText: string } | null }) =>
    trouble.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  page.on('pageerror', onError);
  page.on('requestfailed', onFailed);
  try {
    await page.goto(`/accesso?ritorno=${encodeURIComponent(returnTo)}`);
    const button = page.getByRole('button', { name: `Entra come ${name}` });
    try {
      await button.waitFor();
    } catch (err) {
      let shown = await page
        .locator('body')
        .innerText()
        .catch(() => '(page unreadable)');
      if (shown.trim() === '') {
        trouble.push('blank page: loaded again');
        await page.reload();
        const again = await button.waitFor().then(
          () => true,
          () => false,
        );
        if (again) trouble.length = 0;
        shown = again
          ? ''
          : await page
              .locator('body')
              .innerText()
              .catch(() => '(page unreadable)');
      }
      if (trouble.length > 0 || shown !== '') {
        const picture = await screenshot(page, `accesso-fallito-${Date.now()}`).catch(
          () => '(no screenshot)',
        );
        throw new Error(
          `demo login: no button for ${name}; the page showed:\n${shown}\n(${picture})\n${trouble.join('\n')}\n${(err as Error).message}`,
        );
      }
    }
    await button.click();
    await page.waitForURL((u) => u.pathname === returnTo.split('?')[0]);
  } finally {
    page.off('pageerror', onError);
    page.off('requestfailed', onFailed);
  }
}

// Page globals, for the functions evaluated in the browser (this program is typed for Node).
declare const window: object;
declare const document: unknown;

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string; failureSummary?: string }[];
}

/** axe-core's WCAG 2.1 A and AA rules on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the page's CSP (no inline scripts) stays in force for the app.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
    }));
  });
}

/** Readable summary of violations for a failing assertion. */
export const describeViolations = (vs: AxeViolation[]): string[] =>
  vs.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

/** Saves a full-page screenshot under test-results/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = resolve(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
