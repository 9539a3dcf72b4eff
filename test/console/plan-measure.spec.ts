// The plan page for a rilevatore: read-only tree, the indicator card, a measurement recorded and
// corrected (the achievement bars change), a closed year refused in Italian, the charts; axe on all.
import type { Page } from 'playwright-core';
import { axeViolations, sessionAs, describeViolations, newContext, screenshot, startConsole, type ConsoleEnv } from '../support/browser';

// Page globals, for the functions evaluated in the browser (this program is typed for Node).
declare const document: { activeElement: { id: string } | null; querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): { length: number } };

const row = (page: Page, code: string) => page.locator(`#nodo-${code} > .plan-row`);
const barText = (page: Page, code: string) => row(page, code).locator('.ach-value').innerText();
const open = (page: Page, code: string) => row(page, code).locator('button.plan-toggle').click();

describe('console: the plan, measurements (rilevatore)', () => {
  let env: ConsoleEnv;
  beforeAll(async () => {
    env = await startConsole('console-plan-measure');
  }, 120_000);
  afterAll(async () => env?.close());

  it('a rilevatore records and corrects a measurement and the achievement bars change; a closed year is refused in Italian', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    const id = env.demo.cycleId;
    await sessionAs(page, 'Elena Fittizia', `/cicli/${id}/piano`);
    await page.getByRole('heading', { name: 'Albero della performance' }).waitFor();
    // A rilevatore reads the tree but may not edit it, and is told so.
    await page.getByText('in questo ruolo l’albero è in sola lettura').waitFor();
    expect(await page.getByRole('button', { name: /^Modifica/ }).count()).toBe(0);
    // Collapsed by default: only the three ambiti are rendered.
    expect(await page.locator('.plan-node').count()).toBe(3);
    expect(await barText(page, '01')).toMatch(/^\d+(,\d)?% · /);

    await open(page, '01');
    await open(page, '01_01');
    await open(page, '01_01_01');
    expect(await barText(page, '01_01_01')).toBe('71,7% · Tra soglia minima e target');
    expect(await barText(page, '01_01_01_I1')).toBe('68,3% · Tra soglia minima e target');
    await open(page, '01_01_01_I1');
    const card = page.getByRole('region', { name: 'Scheda dell’indicatore 01_01_01_I1' });
    await card.waitFor();
    await card.getByText('Numero di self-assessment').waitFor();
    expect(await card.locator('dd li').allInnerTexts()).toEqual(['2022: ≥ 60']);
    // The line chart against the target, with its text alternative.
    await card.locator('.recharts-surface').first().waitFor();
    expect(await card.locator('[role="img"]').getAttribute('aria-label')).toContain('2022 · 1° semestre 41 (target 60)');

    // The demo's Monitoraggio intermedio 2022 closed the first semester: marked, and said in words when chosen.
    await card.getByLabel('Periodo').selectOption('2022-Q2');
    await card.getByText('Il monitoraggio intermedio ha chiuso la rilevazione di 2022 · 1° semestre').waitFor();
    expect(await card.getByLabel('Periodo').locator('option[value="2022-S1"]').innerText()).toContain('(chiuso dal monitoraggio)');
    expect(await card.getByLabel('Periodo').locator('option[value="2022-S2"]').innerText()).not.toContain('chiuso');
    await screenshot(page, 'piano-periodo-chiuso-dal-monitoraggio');

    // Record the second semester: the indicator reaches its target, the objective rises.
    await card.getByLabel('Periodo').selectOption('2022-S2');
    await card.getByLabel('Valore (obbligatorio)').fill('60');
    await card.getByLabel('Fonte').fill('Registro PID');
    await card.getByRole('button', { name: 'Registra la misura' }).click();
    await card.getByText('Misura di 2022 · 2° semestre registrata.').waitFor();
    await page.waitForFunction(() => document.querySelector('#nodo-01_01_01 > .plan-row .ach-value')?.textContent?.startsWith('87,5%'));
    expect(await barText(page, '01_01_01_I1')).toBe('100% · Tra target ed eccellenza');
    expect(await barText(page, '01_01_01')).toBe('87,5% · Tra soglia minima e target');

    // The same period again is a correction, with a reason; the earlier value stays in the history.
    await card.getByRole('heading', { name: 'Rettifica la misura di 01_01_01_I1' }).waitFor();
    await card.getByLabel('Valore (obbligatorio)').fill('45');
    await card.getByLabel('Motivo della rettifica (obbligatorio)').fill('Doppio conteggio di 15 assessment nel registro');
    await card.getByRole('button', { name: 'Registra la rettifica' }).click();
    await card.getByText('Rettifica di 2022 · 2° semestre registrata.').waitFor();
    await page.waitForFunction(() => document.querySelector('#nodo-01_01_01 > .plan-row .ach-value')?.textContent?.startsWith('75%'));
    expect(await barText(page, '01_01_01_I1')).toBe('75% · Tra soglia minima e target');
    const s2 = card.locator('tbody tr', { hasText: '2022 · 2° semestre' });
    expect(await s2.locator('td').first().innerText()).toBe('45');
    expect(await s2.innerText()).toContain('Valore precedente 60');
    expect(await s2.innerText()).toContain('rettificato perché: «Doppio conteggio di 15 assessment nel registro»');
    // People by name, not by id.
    expect(await s2.innerText()).toContain('Elena Fittizia');
    expect(await s2.innerText()).not.toContain('u-demo-rilevatore');

    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'piano-misure');

    // The struttura tecnica closes 2023: a measurement of 2023 is refused, and the page says why in Italian.
    const sg = await env.api.token('u-demo-sg', ['segretario_generale'], 'cciaa-po');
    const closed = await env.api.call('POST', `/cycles/${id}/plan/commands/close_measurement_year`, { token: sg, body: { year: 2023, reason: 'Rilevazioni 2023 validate' } });
    expect(closed.status).toBe(200);
    await page.reload();
    await page.getByRole('heading', { name: 'Albero della performance' }).waitFor();
    await open(page, '01');
    await open(page, '01_01');
    await open(page, '01_01_01');
    await open(page, '01_01_01_I1');
    await card.getByLabel('Periodo').selectOption('2023-S1');
    expect(await card.getByLabel('Periodo').locator('option:checked').innerText()).toBe('2023 · 1° semestre (anno chiuso)');
    await card.getByText('Le rilevazioni del 2023 sono chiuse').waitFor();
    const head = await env.api.head();
    await card.getByLabel('Valore (obbligatorio)').fill('30');
    await card.getByRole('button', { name: 'Registra la misura' }).click();
    await card.getByRole('alert').getByText('Le rilevazioni dell\'anno sono chiuse').waitFor();
    expect(await env.api.head()).toBe(head);
    await screenshot(page, 'piano-misura-rifiutata');
    await ctx.close();
  }, 180_000);

  it('the tree expands to all 372 indicators and filters by area, office and text', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Paola Immaginaria', `/cicli/${env.demo.cycleId}/piano`);
    await page.getByRole('heading', { name: 'Albero della performance' }).waitFor();
    await page.getByRole('button', { name: 'Espandi tutto' }).click();
    await page.waitForFunction(() => document.querySelectorAll('li[data-kind="indicator"]').length === 372, undefined, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Comprimi tutto' }).click();
    expect(await page.locator('.plan-node').count()).toBe(3);

    // Text: every word, accents and case ignored; the path to the matches opens by itself.
    await page.getByLabel('Cerca per codice o titolo').fill('punto impresa digitale');
    await page.getByText(/Filtro attivo: \d+ indicatori mostrati\./).waitFor();
    await row(page, '01_01_02').waitFor();
    expect(await page.locator('li[data-kind="operational_objective"]').evaluateAll((els) => els.map((e) => e.id))).toContain('nodo-01_01_02');
    expect(await page.locator('li[data-kind="ambito"]').count()).toBe(1);

    // Area: only the objectives of that area (with their parents).
    await page.getByLabel('Cerca per codice o titolo').fill('');
    await page.getByLabel('Area di responsabilità').selectOption('Promozione e sviluppo economico');
    await page.getByText(/Filtro attivo: \d+ indicatori mostrati\./).waitFor();
    const metas = await page.locator('li[data-kind="operational_objective"] > .plan-meta').allInnerTexts();
    expect(metas.length).toBeGreaterThan(0);
    for (const m of metas) expect(m).toContain('Area: Promozione e sviluppo economico');

    // Office too: fewer objectives, all of that office.
    const office = (await page.getByLabel('Ufficio').locator('option').allInnerTexts())[1];
    await page.getByLabel('Area di responsabilità').selectOption('');
    await page.getByLabel('Ufficio').selectOption(office);
    await page.getByText(/Filtro attivo/).waitFor();
    const offices = await page.locator('li[data-kind="operational_objective"] > .plan-meta').allInnerTexts();
    expect(offices.length).toBeGreaterThan(0);
    for (const m of offices) expect(m).toContain(`Ufficio: ${office}`);
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await ctx.close();
  }, 180_000);

  it('the charts: the chamber, the ambiti, the objectives and the areas, each with its table; axe finds nothing', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Paola Immaginaria', `/cicli/${env.demo.cycleId}/piano`);
    await page.getByRole('tab', { name: 'Grafici' }).click();
    await page.getByRole('heading', { name: 'Raggiungimento per obiettivo strategico' }).waitFor();
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    // Every chart has its table: the strategic objectives' rows carry the same words as the bars.
    const table = page.getByRole('table', { name: /Raggiungimento per obiettivo strategico/ });
    expect(await table.locator('tbody tr').count()).toBe(8);
    expect(await table.locator('tbody tr', { hasText: '01_01' }).innerText()).toMatch(/\d+(,\d)?% · (Sotto la soglia minima|Tra soglia minima e target|Tra target ed eccellenza)/);
    expect(await page.getByRole('table', { name: /per area di responsabilità/ }).locator('tbody tr').count()).toBeGreaterThan(1);
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'piano-grafici');
    await page.locator('label[for="livello-oo"]').click();
    await page.getByRole('heading', { name: 'Raggiungimento per obiettivo operativo' }).waitFor();
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await ctx.close();
  }, 120_000);
});
