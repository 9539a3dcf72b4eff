// The plan page for a PO: the submission problems as one list linking to the nodes, fixed from the
// page (weights, targets); nodes added, updated, moved and removed; a refusal in Italian; the tree
// read-only outside the editable stages, saying why; axe on the page with a form open.
import type { Page } from 'playwright-core';
import { axeViolations, sessionAs, describeViolations, newContext, screenshot, startConsole, type ConsoleEnv } from '../support/browser';

type Plan = { problems: { code: string; nodeCode: string }[]; achievement: { ambiti: { strategicObjectives: { code: string; operationalObjectives: { code: string; strategicObjectiveCode: string; title: string; indicators: { code: string }[] }[] }[] }[] } };

// Page globals, for the functions evaluated in the browser (this program is typed for Node).
declare const document: { activeElement: { id: string } | null; querySelector(s: string): { textContent: string | null } | null };

const row = (page: Page, code: string) => page.locator(`#nodo-${code} > .plan-row`);
const problemsHeading = (page: Page, n: number) => page.getByRole('heading', { name: `Controlli per l’invio: ${n} problemi impediscono l’invio del piano` });
/** Opens a node's edit actions and picks one. */
async function action(page: Page, code: string, name: string) {
  await row(page, code).getByRole('button', { name: /^Modifica/ }).click();
  await row(page, code).getByRole('button', { name, exact: true }).click();
}

describe('console: the plan, editing (PO)', () => {
  let env: ConsoleEnv;
  let po: string;
  beforeAll(async () => {
    env = await startConsole('console-plan-edit');
    po = await env.api.token('u-demo-po-1', ['po'], 'cciaa-po');
  }, 120_000);
  afterAll(async () => env?.close());

  const readPlan = async (id = env.demo.cycleId) => (await env.api.call<Plan>('GET', `/cycles/${id}/plan`, { token: po })).body;
  const objectives = (p: Plan) => p.achievement.ambiti.flatMap((a) => a.strategicObjectives.flatMap((so) => so.operationalObjectives));

  it('a PO fixes the problems the submission lists, each reached from its link, and edits the tree', async () => {
    const id = env.demo.cycleId;
    const start = await readPlan();
    const total = start.problems.length;
    expect(total).toBeGreaterThan(700);
    const weak = objectives(start).find((o) => o.code === '02_01_01');
    expect(start.problems.filter((p) => ['02_01_01', ...(weak?.indicators.map((i) => i.code) ?? [])].includes(p.nodeCode) && p.code !== 'TARGET_MISSING')).toHaveLength(3);

    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Luca Prova', `/cicli/${id}/piano`);
    await problemsHeading(page, total).waitFor();

    // Weights: the link leads to the objective (opened, focused); the weights are set to 100 in all.
    await page.getByRole('link', { name: 'Obiettivo operativo 02_01_01' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'nodo-02_01_01');
    await action(page, '02_01_01', 'Pesi');
    const weights = page.getByRole('form', { name: 'Pesi degli indicatori di 02_01_01' });
    const codes = weak?.indicators.map((i) => i.code) ?? [];
    for (const [i, code] of codes.entries()) await weights.getByLabel(`Peso ${code} (%)`).fill(String(i === 0 ? 100 - 10 * (codes.length - 1) : 10));
    await weights.getByText('Somma dei pesi: 100% (corretta)').waitFor();
    await weights.getByRole('button', { name: 'Salva i pesi' }).click();
    await problemsHeading(page, total - 3).waitFor();
    expect(await page.getByRole('link', { name: 'Obiettivo operativo 02_01_01' }).count()).toBe(0);

    // Targets: the missing 2023 and 2024 targets of an indicator.
    await page.getByRole('link', { name: 'Indicatore 01_01_01_I1' }).first().click();
    await page.waitForFunction(() => document.activeElement?.id === 'nodo-01_01_01_I1');
    await action(page, '01_01_01_I1', 'Target');
    const targets = page.getByRole('form', { name: 'Target di 01_01_01_I1' });
    expect(await targets.getByLabel('Target 2022').inputValue()).toBe('60');
    await targets.getByLabel('Target 2023').fill('65');
    await targets.getByLabel('Target 2024').fill('70');
    await targets.getByRole('button', { name: 'Salva i target' }).click();
    await problemsHeading(page, total - 5).waitFor();
    expect(await page.getByRole('link', { name: 'Indicatore 01_01_01_I1' }).count()).toBe(0);

    // Add an operational objective: the list gains its problem (no indicators)...
    await action(page, '01_01', 'Aggiungi obiettivo operativo');
    const add = page.getByRole('form', { name: 'Nuovo: obiettivo operativo in 01_01' });
    await add.getByLabel('Codice (obbligatorio)').fill('01_01_90');
    await add.getByLabel('Titolo (obbligatorio)').fill('Sportello digitale nei comuni');
    await add.getByLabel('Area di responsabilità').fill('Promozione e sviluppo economico');
    await add.getByRole('button', { name: 'Aggiungi' }).click();
    await problemsHeading(page, total - 4).waitFor();
    expect(await page.locator('.plan-problems li', { hasText: '01_01_90' }).innerText()).toContain('L\'obiettivo operativo non ha indicatori');

    // ...which its first indicator (three targets, weight 100) fixes.
    await action(page, '01_01_90', 'Aggiungi indicatore');
    let ind = page.getByRole('form', { name: 'Nuovo: indicatore in 01_01_90' });
    await ind.getByLabel('Codice (obbligatorio)').fill('01_01_90_I1');
    await ind.getByLabel('Nome (obbligatorio)').fill('Comuni con sportello attivo');
    await ind.getByLabel('Target 2022').fill('10');
    await ind.getByLabel('Target 2023').fill('12');
    await ind.getByLabel('Target 2024').fill('14');
    await ind.getByLabel(/^Peso/).fill('100');
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'piano-modifica');
    await ind.getByRole('button', { name: 'Aggiungi' }).click();
    await problemsHeading(page, total - 5).waitFor();

    // The same code again is refused, in Italian, and nothing is written.
    await action(page, '01_01_90', 'Aggiungi indicatore');
    ind = page.getByRole('form', { name: 'Nuovo: indicatore in 01_01_90' });
    await ind.getByLabel('Codice (obbligatorio)').fill('01_01_90_I1');
    await ind.getByLabel('Nome (obbligatorio)').fill('Doppione');
    const head = await env.api.head();
    await ind.getByRole('button', { name: 'Aggiungi' }).click();
    await ind.getByRole('alert').getByText('Esiste già un elemento del piano con questo codice').waitFor();
    expect(await env.api.head()).toBe(head);
    await ind.getByRole('button', { name: 'Annulla' }).click();

    // Update, move and remove.
    await action(page, '01_01_90', 'Campi');
    const upd = page.getByRole('form', { name: 'Modifica obiettivo operativo 01_01_90' });
    await upd.getByLabel('Titolo (obbligatorio)').fill('Sportello digitale nei comuni della provincia');
    await upd.getByLabel('Ufficio').fill('Ufficio PID');
    await upd.getByRole('button', { name: 'Salva le modifiche' }).click();
    await row(page, '01_01_90').getByText('Sportello digitale nei comuni della provincia').waitFor();
    await page.locator('#nodo-01_01_90 > .plan-meta', { hasText: 'Ufficio: Ufficio PID' }).waitFor();

    await action(page, '01_01_90', 'Sposta');
    const move = page.getByRole('form', { name: 'Sposta 01_01_90' });
    await move.getByLabel(/Nuovo elemento superiore/).selectOption('01_02');
    await move.getByRole('button', { name: 'Sposta' }).click();
    await page.locator('#nodo-01_01 #nodo-01_01_90').waitFor({ state: 'detached' });
    expect(objectives(await readPlan()).find((o) => o.code === '01_01_90')?.strategicObjectiveCode).toBe('01_02');
    await row(page, '01_02').locator('button.plan-toggle').click();
    await page.locator('#nodo-01_02 #nodo-01_01_90').waitFor();

    await action(page, '01_01_90', 'Rimuovi');
    const remove = page.getByRole('form', { name: 'Rimuovi 01_01_90' });
    await remove.getByText('Ha 1 elemento subordinato.').waitFor();
    await remove.locator('label', { hasText: 'Rimuovi anche gli elementi subordinati' }).click();
    await remove.getByRole('button', { name: 'Rimuovi' }).click();
    await page.locator('#nodo-01_01_90').waitFor({ state: 'detached' });
    expect(objectives(await readPlan()).some((o) => o.code === '01_01_90')).toBe(false);
    expect((await readPlan()).problems).toHaveLength(total - 5);
    await screenshot(page, 'piano-dopo-modifiche');
    await ctx.close();
  }, 300_000);

  it('imports an indicator sheet from the page and offers the exports', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Luca Prova', `/cicli/${env.demo.cycleId}/piano`);
    await page.getByRole('tab', { name: 'Importa ed esporta' }).click();
    const csv = ['Codice obiettivo;Codice indicatore;Indicatori;UdM;Target 2022;Target 2023;Target 2024;Peso indicatori', '01_01_01;01_01_01_I90;Imprese accompagnate al bando voucher;n.;>= 5;>= 6;>= 7;0', '09_09_09;;Riga senza obiettivo;n.;>= 1;;;0'].join('\n');
    await page.getByLabel('File CSV o XLSX').setInputFiles({ name: 'nuovi-indicatori.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Importa' }).click();
    const report = page.getByRole('status').filter({ hasText: 'Importazione completata' });
    await report.getByText('elementi creati: 1 indicatore;', { exact: false }).waitFor();
    expect(await report.innerText()).toContain("riga 3: L'elemento superiore indicato non esiste nel piano");
    const i90 = objectives(await readPlan())
      .find((o) => o.code === '01_01_01')
      ?.indicators.find((i) => i.code === '01_01_01_I90');
    expect(i90).toBeDefined();
    await screenshot(page, 'piano-importa');
    for (const [name, type] of [
      ['Foglio degli indicatori (XLSX)', 'spreadsheetml'],
      ['Foglio degli indicatori (CSV)', 'text/csv'],
      ['PIAO per sezioni del DM 132/2022 (JSON)', 'application/json'],
    ]) {
      const href = await page.getByRole('link', { name }).getAttribute('href');
      const r = await page.request.get(href as string);
      expect([name, r.status(), r.headers()['content-type']]).toEqual([name, 200, expect.stringContaining(type)]);
    }
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await ctx.close();
  }, 120_000);

  it('outside the editable stages the tree is read-only and the page says why', async () => {
    const opened = await env.api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year: 2027 } });
    const id = opened.body.cycleId;
    const t = [2027, 2028, 2029].map((year) => ({ year, operator: '>=', value: 10 }));
    const batch = await env.api.call('POST', `/cycles/${id}/plan/commands/batch`, {
      token: po,
      body: {
        commands: [
          { command: 'add_node', kind: 'ambito', code: 'A1', title: 'Competitività' },
          { command: 'add_node', kind: 'strategic_objective', code: 'A1_1', title: 'Digitalizzazione', ambitoCode: 'A1' },
          { command: 'add_node', kind: 'operational_objective', code: 'A1_1_1', title: 'PID', strategicObjectiveCode: 'A1_1', area: 'Promozione', resources: { kind: 'risorse_interne' } },
          { command: 'add_node', kind: 'indicator', code: 'A1_1_1_I1', objectiveCode: 'A1_1_1', name: 'Assessment', type: 'volume', unit: 'n', targets: t, weight: 100 },
        ],
      },
    });
    expect(batch.status).toBe(200);
    expect((await env.api.call('POST', `/cycles/${id}/commands/submit`, { token: po, body: { note: 'prima stesura' } })).status).toBe(200);

    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Luca Prova', `/cicli/${id}/piano`);
    await page.getByText('Il piano non è modificabile nella fase attuale: fase «In revisione del Segretario Generale»; l’albero si modifica nelle fasi «Bozza» e «Modifiche richieste». L’albero è in sola lettura.').waitFor();
    await page.getByText('Controlli per l’invio superati: nessun problema.').waitFor();
    await row(page, 'A1').locator('button.plan-toggle').click();
    await row(page, 'A1_1').waitFor();
    expect(await page.getByRole('button', { name: /^Modifica/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Aggiungi ambito strategico' }).count()).toBe(0);
    // Import is not offered either, and says why.
    await page.getByRole('tab', { name: 'Importa ed esporta' }).click();
    await page.getByText('L’albero non è modificabile ora').waitFor();
    expect(await page.getByRole('link', { name: 'Foglio degli indicatori (XLSX)' }).getAttribute('href')).toBe(`/cycles/${id}/plan/export?format=xlsx`);
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'piano-sola-lettura');
    await ctx.close();
  }, 120_000);
  it('a variation: the adopted and the varied trees side by side, the differences highlighted and written', async () => {
    // Next year's PIAO: a Giunta deliberation dated today is within its period's bounds.
    const Y = new Date().getFullYear() + 1;
    const opened = await env.api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year: Y } });
    const id = opened.body.cycleId;
    const plan = (command: string, body: unknown, token = po) => env.api.call<{ code?: string }>('POST', `/cycles/${id}/plan/commands/${command}`, { token, body });
    const run = async (command: string, token: string, body: unknown = {}) => expect((await env.api.call('POST', `/cycles/${id}/commands/${command}`, { token, body })).status).toBe(200);
    const t = (v: number) => [Y, Y + 1, Y + 2].map((year) => ({ year, operator: '>=', value: v }));
    const indicator = (code: string, name: string, weight: number, v: number) => ({ command: 'add_node', kind: 'indicator', code, objectiveCode: 'B1_1_1', name, type: 'volume', unit: 'n', targets: t(v), weight });
    expect(
      (
        await plan('batch', {
          commands: [
            { command: 'add_node', kind: 'ambito', code: 'B1', title: 'Competitività' },
            { command: 'add_node', kind: 'strategic_objective', code: 'B1_1', title: 'Digitalizzazione', ambitoCode: 'B1' },
            { command: 'add_node', kind: 'operational_objective', code: 'B1_1_1', title: 'PID', strategicObjectiveCode: 'B1_1', area: 'Promozione', resources: { kind: 'risorse_interne' } },
            indicator('B1_1_1_I1', 'Assessment', 50, 10),
            indicator('B1_1_1_I2', 'Eventi', 50, 4),
          ],
        })
      ).status,
    ).toBe(200);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());
    await run('submit', po, { note: 'prima stesura' });
    await run('approve', await env.api.token('u-demo-sg', ['segretario_generale'], 'cciaa-po'));
    const organi = await env.api.token('u-demo-organi', ['segreteria_organi'], 'cciaa-po');
    await run('record_giunta_deliberation', organi, { number: '77/2028', date: today, actHash: 'a'.repeat(64) });
    expect((await plan('open_variation', { reason: 'Target da rivedere dopo il monitoraggio' })).status).toBe(200);
    expect((await plan('set_targets', { indicatorCode: 'B1_1_1_I1', targets: [{ year: Y, operator: '>=', value: 20 }] })).status).toBe(200);
    expect((await plan('remove_node', { code: 'B1_1_1_I2' })).status).toBe(200);
    expect((await plan('batch', { commands: [indicator('B1_1_1_I3', 'Webinar', 50, 6)] })).status).toBe(200);

    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Luca Prova', `/cicli/${id}/piano`);
    await page.getByText('Albero modificabile in questa fase').waitFor();
    await page.getByRole('tab', { name: 'Variazione' }).click();
    await page.getByText('Adottato con deliberazione n. 77/2028').waitFor();
    await page.getByText(/Variazione n\. 1 \(aperta\).*Target da rivedere dopo il monitoraggio/).waitFor();
    const adopted = page.getByRole('region', { name: 'Piano adottato' });
    const varied = page.getByRole('region', { name: 'Piano variato (attuale)' });
    await varied.locator('li.diff-added', { hasText: 'B1_1_1_I3' }).getByText('[aggiunto]').waitFor();
    expect(await adopted.locator('li.diff-removed', { hasText: 'B1_1_1_I2' }).innerText()).toContain('[rimosso]');
    expect(await varied.locator('li', { hasText: 'B1_1_1_I2' }).count()).toBe(0);
    const changed = varied.locator('li.diff-changed', { hasText: 'B1_1_1_I1' });
    expect(await changed.innerText()).toContain('[modificato]');
    expect(await changed.innerText()).toContain('10 → 20');
    expect(await adopted.locator('li.diff-changed', { hasText: 'B1_1_1_I1' }).count()).toBe(1);
    await page.getByText('Differenze: 1 aggiunti, 1 rimossi, 1 modificati, 0 spostati').waitFor();
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'piano-variazione');
    await ctx.close();
  }, 120_000);
});
