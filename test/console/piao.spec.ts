/**
 * A PIAO through the console, following seeds/cycles/piao.v1.yaml: the PO opens and submits it, the
 * SG finds it in Da fare and requests changes (an empty reason is refused in Italian beside the
 * field), the PO resubmits, the SG approves with the keyboard alone, the segreteria organi uploads
 * the act and records the Giunta deliberation, the PO publishes and uploads it to the PIAO portal:
 * the cycle reaches its terminal stage.
 */
import { createHash } from 'node:crypto';
import { startConsole, type ConsoleEnv } from '../support/browser';
import { act, as, checkPage, closePage, cycleLoaded, findInInbox, stageIs, todayRome } from './pages';

const TITLE = 'PIAO 2027-2029 prova della console';

describe('console: a PIAO from draft to the PIAO portal', () => {
  let env: ConsoleEnv;
  let cycleId = '';
  beforeAll(async () => {
    env = await startConsole('console-piao');
  }, 120_000);
  afterAll(async () => env?.close());

  it('the PO opens a PIAO from Cicli and sends it to the Segretario Generale with a note', async () => {
    const page = await as(env, 'Luca Prova', '/cicli');
    await page.getByRole('heading', { name: 'Cicli', level: 1 }).waitFor();
    // The demo PIAO is listed; the search finds it and only it.
    await page.getByLabel('Cerca nel titolo').fill('demo');
    await page.getByRole('button', { name: 'Cerca', exact: true }).click();
    await page.getByRole('link', { name: /PIAO 2022-2024/ }).waitFor();
    await checkPage(page, 'cicli');
    await page.getByRole('button', { name: 'Apri un nuovo ciclo' }).click();
    await page.getByLabel('Tipo di ciclo').selectOption('piao');
    await page.locator('#nuovo-anno').fill('2027');
    await page.getByLabel('Titolo (facoltativo)').fill(TITLE);
    await checkPage(page, 'cicli-nuovo');
    await page.getByRole('button', { name: 'Apri il ciclo' }).click();
    await page.waitForURL(/\/cicli\/[0-9a-f-]{36}$/);
    cycleId = page.url().split('/').pop() as string;
    await cycleLoaded(page);
    await stageIs(page, 'Bozza');
    // The PIAO's prose, one textarea per section of DM 132/2022, written in the draft.
    const sections = page.getByRole('region', { name: 'Sezioni descrittive del PIAO' });
    await sections.getByLabel('Testo della sezione «Valore pubblico»').waitFor();
    await expect(sections.locator('textarea').count()).resolves.toBe(5);
    await sections.getByLabel('Testo della sezione «Valore pubblico»').fill('Il valore pubblico per le imprese del territorio.');
    await sections.getByRole('region', { name: '2.1 Valore pubblico', exact: true }).getByRole('button', { name: 'Salva la sezione' }).click();
    await page.getByText('Sezione «Valore pubblico» salvata').waitFor();
    await checkPage(page, 'ciclo-piao-sezioni');
    await act(page, 'Invia al Segretario Generale', async (p) => {
      await p.getByLabel(/Nota di accompagnamento/).fill('Prima stesura: sezione 2.3 redatta con il RPCT');
    });
    await stageIs(page, 'In revisione del Segretario Generale');
    await closePage(page);
  });

  it('the SG finds it in Da fare with the note and the deadline, and requests changes; an empty reason is refused beside the field', async () => {
    const page = await as(env, 'Giulia Esempio');
    await findInInbox(page, TITLE);
    const item = page.locator('.inbox-item', { has: page.getByRole('link', { name: TITLE, exact: true }) });
    await expect(item.textContent()).resolves.toContain('Inviato da Luca Prova (Posizione organizzativa)');
    await expect(item.textContent()).resolves.toContain('Prima stesura: sezione 2.3 redatta con il RPCT');
    // 31/01/2027 is a Sunday: the effective date is Monday 01/02/2027.
    await expect(item.textContent()).resolves.toContain('data di legge 31/01/2027, effettiva 01/02/2027');
    await checkPage(page, 'da-fare');

    await item.getByRole('link', { name: 'Richiedi modifiche' }).click();
    await page.waitForURL((u) => u.pathname === `/cicli/${cycleId}`);
    await page.getByRole('heading', { name: 'Richiedi modifiche', level: 3, exact: true }).waitFor();
    const before = await env.api.head();
    await page.getByRole('button', { name: 'Conferma: Richiedi modifiche' }).click();
    const reason = page.getByLabel(/^Motivazione/);
    const error = page.locator('#azione-request_changes-reason-errore');
    await error.waitFor();
    expect(await error.textContent()).toBe('Campo obbligatorio: indicare motivazione');
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect(await reason.getAttribute('aria-describedby')).toContain('azione-request_changes-reason-errore');
    // The error sits with the field (same block), and nothing was written.
    expect(await page.locator('.action-field', { has: reason }).locator('.invalid-feedback').count()).toBe(1);
    expect(await env.api.head()).toBe(before);
    await checkPage(page, 'ciclo-modifiche-rifiutate');
    await reason.fill('Completare gli indicatori della sezione 2.2 e allineare i pesi');
    await page.getByRole('button', { name: 'Conferma: Richiedi modifiche' }).click();
    await page.getByText('Fatto: Richiedi modifiche').waitFor();
    await stageIs(page, 'Modifiche richieste');
    const entry = page.locator('.timeline-entry', { hasText: 'Richiedi modifiche' }).first();
    await expect(entry.textContent()).resolves.toContain('Motivazione:Completare gli indicatori della sezione 2.2 e allineare i pesi');
    await expect(entry.textContent()).resolves.toContain('Giulia Esempio · Segretario Generale');
    await closePage(page);
  });

  it('the PO finds the request in Da fare (the demo PIAO 2022-2024, long overdue, said loudly) and resubmits', async () => {
    const page = await as(env, 'Luca Prova');
    await findInInbox(page, TITLE);
    const item = page.locator('.inbox-item', { has: page.getByRole('link', { name: TITLE, exact: true }) });
    await expect(item.textContent()).resolves.toContain('Completare gli indicatori della sezione 2.2 e allineare i pesi');
    const demo = page.locator('.inbox-item', { hasText: 'PIAO 2022-2024' });
    await expect(demo.locator('.badge.bg-danger').textContent()).resolves.toMatch(/^SCADUTA da \d+ giorni$/);
    await page.getByText(/attività (è|sono) oltre la scadenza/).waitFor();
    await checkPage(page, 'da-fare-po');
    await page.goto(`/cicli/${cycleId}`);
    await cycleLoaded(page);
    await act(page, 'Invia al Segretario Generale', async (p) => {
      await p.getByLabel(/Nota di accompagnamento/).fill('Indicatori completati, pesi allineati');
    });
    await stageIs(page, 'In revisione del Segretario Generale');
    await closePage(page);
  });

  it('the SG approves with the keyboard alone (Tab, Enter, Space)', async () => {
    const page = await as(env, 'Giulia Esempio', `/cicli/${cycleId}`);
    await cycleLoaded(page);
    const focused = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent?.trim() ?? '');
    let found = false;
    for (let i = 0; i < 60 && !found; i++) {
      await page.keyboard.press('Tab');
      found = (await focused()) === 'Approva e trasmetti alla Giunta';
    }
    expect(found).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Approva e trasmetti alla Giunta', level: 3, exact: true }).waitFor();
    expect(await focused()).toBe('Approva e trasmetti alla Giunta'); // the form's heading has the focus
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Conferma: Approva e trasmetti alla Giunta');
    await page.keyboard.press('Space');
    await page.getByText('Fatto: Approva e trasmetti alla Giunta').waitFor();
    await stageIs(page, 'In attesa di deliberazione della Giunta');
    await checkPage(page, 'ciclo-approvato');
    await closePage(page);
  });

  it('the segreteria organi uploads the act by drag and drop and records the Giunta deliberation; a future date is refused beside the date', async () => {
    const page = await as(env, 'Franco Inventato', `/cicli/${cycleId}`);
    await cycleLoaded(page);
    const content = '%PDF-1.4 Deliberazione di Giunta n. 15 - approvazione PIAO 2027-2029';
    const sha = createHash('sha256').update(content).digest('hex');
    const dt = await page.evaluateHandle(
      `(() => { const d = new DataTransfer(); d.items.add(new File([${JSON.stringify(content)}], 'delibera-giunta-15.pdf', { type: 'application/pdf' })); return d; })()`,
    );
    await page.dispatchEvent('.dropzone', 'drop', { dataTransfer: dt });
    await page.getByText('Documento caricato: delibera-giunta-15.pdf').waitFor();
    await page.locator('code.hash', { hasText: sha }).first().waitFor();

    const title = 'Registra la deliberazione di Giunta';
    await page.getByRole('button', { name: title, exact: true }).click();
    await page.getByLabel(/^Numero della deliberazione/).fill('15/2026');
    await page.getByLabel(/^Data della deliberazione/).fill('2099-01-01');
    await page.getByLabel(/^Atto firmato/).selectOption(sha);
    const before = await env.api.head();
    await page.getByRole('button', { name: `Conferma: ${title}` }).click();
    const dateError = page.locator('#azione-record_giunta_deliberation-date-errore');
    await dateError.waitFor();
    expect(await dateError.textContent()).toMatch(/^La data della deliberazione è nel futuro: campo date: il 01\/01\/2099 è successiva a oggi/);
    expect(await env.api.head()).toBe(before);
    await page.getByLabel(/^Data della deliberazione/).fill(todayRome());
    await page.getByRole('button', { name: `Conferma: ${title}` }).click();
    await page.getByText(`Fatto: ${title}`).waitFor();
    await stageIs(page, 'Adottato dalla Giunta');
    // The timeline shows the deliberation with its number, date and the act by name and hash.
    const entry = page.locator('.timeline-entry', { hasText: title }).first();
    await expect(entry.textContent()).resolves.toContain('15/2026');
    await expect(entry.textContent()).resolves.toContain(`delibera-giunta-15.pdf — ${sha}`);
    await checkPage(page, 'ciclo-deliberato');
    await closePage(page);
  });

  it('the PO publishes and uploads to the PIAO portal: the cycle reaches its terminal stage', async () => {
    const page = await as(env, 'Luca Prova', `/cicli/${cycleId}`);
    await cycleLoaded(page);
    await act(page, 'Pubblica in Amministrazione trasparente', async (p) => {
      await p.getByLabel(/^Canale di pubblicazione/).selectOption('amministrazione_trasparente');
      await p.getByLabel(/^Indirizzo del documento pubblicato/).fill('https://www.po.camcom.it/amministrazione-trasparente/piao-2027-2029');
      await p.getByLabel(/^Data di pubblicazione/).fill(todayRome());
    });
    await stageIs(page, 'Pubblicato in Amministrazione trasparente');
    await act(page, 'Carica sul portale PIAO', async (p) => {
      await p.getByLabel(/^Destinatario/).selectOption('funzione_pubblica');
      await p.getByLabel(/^Numero di protocollo/).fill('PIAO-2027-000123');
      await p.getByLabel(/^Data di trasmissione/).fill(todayRome());
    });
    await stageIs(page, 'Caricato sul portale PIAO della Funzione Pubblica');
    await page.getByText('Concluso', { exact: true }).first().waitFor();
    await page.getByText('Il ciclo è concluso: non ci sono azioni da compiere.').waitFor();
    // The PIAO and its portal pack download from the cycle page, with the console's session.
    expect(await page.getByRole('link', { name: 'Scarica il PIAO in PDF' }).getAttribute('href')).toBe(`/cycles/${cycleId}/documents/piao.pdf`);
    const packHref = (await page.getByRole('link', { name: 'Pacchetto per il portale PIAO (ZIP)' }).getAttribute('href')) as string;
    const pack = await page.request.get(new URL(packHref, page.url()).toString());
    expect(pack.status()).toBe(200);
    expect((await pack.body()).subarray(0, 2).toString('latin1')).toBe('PK');
    // Both deadlines are met today.
    expect(await page.getByText(/^Rispettata il /).count()).toBe(2);
    await checkPage(page, 'ciclo-concluso');

    // As it was at version 3 (the first submission, after the Valore pubblico written at 2); and what changed from 2 to 3.
    await page.getByLabel('oppure versione').selectOption('3');
    await page.getByRole('button', { name: "Mostra il ciclo com'era" }).click();
    await page.getByText("Stai vedendo il ciclo com'era alla versione 3").waitFor();
    await stageIs(page, 'In revisione del Segretario Generale');
    await page.getByLabel('Dalla versione', { exact: true }).selectOption('2');
    await page.getByLabel('Alla versione', { exact: true }).selectOption('3');
    await page.getByRole('button', { name: 'Confronta' }).click();
    await page.getByText('Differenze dalla versione 2 alla versione 3').waitFor();
    await page.locator('td', { hasText: /^stage$/ }).waitFor();
    // The narrative section as it was then, read only.
    await page.getByRole('region', { name: 'Sezioni descrittive del PIAO' }).getByText('Il valore pubblico per le imprese del territorio.').waitFor();
    await checkPage(page, 'ciclo-com-era');
    const view = await env.api.call<{ stage: string; status: string }>('GET', `/cycles/${cycleId}`, { token: await env.api.token('u-demo-po-1', ['po']) });
    expect(view.body).toMatchObject({ stage: 'trasmesso', status: 'closed' });
    await closePage(page);
  });
});
