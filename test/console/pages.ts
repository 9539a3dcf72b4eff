/** Steps the console's browser tests share: log in as a demo person, open an action, check the page. */
import type { Page } from 'playwright-core';
import { axeViolations, sessionAs, describeViolations, newContext, screenshot, type ConsoleEnv } from '../support/browser';

/** Today's date in Rome, `YYYY-MM-DD` (dates typed into the forms). */
export const todayRome = (): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());

/** A fresh browser context logged in as the named demo person, on `path`. */
export async function as(env: ConsoleEnv, name: string, path = '/da-fare'): Promise<Page> {
  const ctx = await newContext(env);
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  await sessionAs(page, name, path);
  return page;
}

export async function closePage(page: Page): Promise<void> {
  await page.context().close();
}

/** axe-core finds nothing (WCAG 2.1 A/AA) and a screenshot is saved for a reviewer. */
export async function checkPage(page: Page, name: string): Promise<void> {
  expect(describeViolations(await axeViolations(page))).toEqual([]);
  await screenshot(page, name);
}

/** Waits until the cycle page shows its stage steps (the page is loaded). */
export async function cycleLoaded(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Fasi', level: 2 }).waitFor();
}

/** Opens the action's form by its Italian title, fills the fields by label, confirms, and waits for "Fatto". */
export async function act(page: Page, title: string, fill: (page: Page) => Promise<void> = async () => undefined): Promise<void> {
  await page.getByRole('button', { name: title, exact: true }).click();
  await page.getByRole('heading', { name: title, level: 3, exact: true }).waitFor();
  await fill(page);
  await page.getByRole('button', { name: `Conferma: ${title}` }).click();
  await page.getByText(`Fatto: ${title}`).waitFor();
}

/** The inbox item of a cycle appears once the projectors caught up: reload until it shows. */
export async function findInInbox(page: Page, title: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    // The list, or the message that nothing waits, is shown once the inbox is loaded.
    await page.locator('.inbox-list, .inbox-empty').first().waitFor();
    if ((await page.getByRole('link', { name: title, exact: true }).count()) > 0) return;
    await page.waitForTimeout(250);
    await page.reload();
  }
  await screenshot(page, 'da-fare-senza-elemento');
  throw new Error(`"${title}" never appeared in Da fare: ${(await page.locator('main').textContent())?.slice(0, 500)}`);
}

/** Waits until the steps show `title` as the current stage (the page reloads the cycle after an action). */
export async function stageIs(page: Page, title: string): Promise<void> {
  await page.locator('.cycle-step[aria-current="step"] .cycle-step-title', { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).waitFor();
}
