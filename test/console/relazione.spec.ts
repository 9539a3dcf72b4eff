/**
 * The OIV in the console, following seeds/cycles/relazione_performance.v1.yaml: it refuses a
 * Relazione sulla performance with reasons, the PO revises and resubmits it, the Giunta approves it
 * again and the OIV validates it. Then: a person without the role sees no approve button, and the
 * API refuses a request forged from that person's browser.
 */
import { createHash } from 'node:crypto';
import { startConsole, type ConsoleEnv } from '../support/browser';
import { act, as, checkPage, closePage, cycleLoaded, findInInbox, stageIs, todayRome } from './pages';

const TITLE = 'Relazione sulla performance 2026 prova della console';

describe('console: the OIV refuses and then validates a Relazione sulla performance', () => {
  let env: ConsoleEnv;
  let cycleId = '';
  let po = '', organi = '';
  const deliberate = async (number: string) => {
    const act = Buffer.from(`%PDF-1.4 Deliberazione di Giunta n. ${number}`);
    const up = await env.api.call<{ document: { sha256: string } }>('POST', `/cycles/${cycleId}/documents`, {
      token: organi,
      raw: act,
      headers: { 'content-type': 'application/pdf', 'x-file-name': `delibera-${number.replace('/', '-')}.pdf` },
    });
    expect(up.status).toBe(201);
    const r = await env.api.call('POST', `/cycles/${cycleId}/commands/record_giunta_deliberation`, {
      token: organi,
      body: { number, date: todayRome(), actHash: up.body.document.sha256 },
    });
    expect(r.status).toBe(200);
  };

  beforeAll(async () => {
    env = await startConsole('console-relazione');
    po = await env.api.token('u-demo-po-1', ['po']);
    organi = await env.api.token('u-demo-segreteria', ['segreteria_organi']);
    // Up to the OIV through the API: opened, measurements closed, sent to the Giunta, approved by it.
    const opened = await env.api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'relazione_performance', year: 2026, title: TITLE } });
    cycleId = opened.body.cycleId;
    expect((await env.api.call('POST', `/cycles/${cycleId}/commands/close_measurements`, { token: po, body: {} })).status).toBe(200);
    expect((await env.api.call('POST', `/cycles/${cycleId}/commands/submit`, { token: po, body: { note: 'Prima versione' } })).status).toBe(200);
    await deliberate('41/2026');
  }, 120_000);
  afterAll(async () => env?.close());

  it('the OIV finds it in Da fare and refuses validation with its reasons (missing ones refused beside the fields)', async () => {
    const page = await as(env, 'Paola Immaginaria');
    await findInInbox(page, TITLE);
    await checkPage(page, 'da-fare-oiv');
    await page.getByRole('link', { name: TITLE, exact: true }).click();
    await cycleLoaded(page);
    await stageIs(page, "Approvata dalla Giunta, in validazione presso l'OIV");
    const title = 'Non valida la Relazione (con motivazione)';
    await page.getByRole('button', { name: title, exact: true }).click();
    const before = await env.api.head();
    await page.getByRole('button', { name: `Conferma: ${title}` }).click();
    await page.locator('#azione-refuse_validation-reason-errore').waitFor();
    expect(await page.locator('#azione-refuse_validation-reason-errore').textContent()).toBe('Campo obbligatorio: indicare motivazione');
    expect(await page.locator('#azione-refuse_validation-reportReference-errore').textContent()).toMatch(/^Campo obbligatorio/);
    expect(await env.api.head()).toBe(before);
    await checkPage(page, 'ciclo-oiv-rifiuto-incompleto');
    await page.getByLabel(/^Motivazione/).fill('Mancano gli scostamenti degli indicatori 2.1 e 2.4 rispetto ai target');
    await page.getByLabel(/^Riferimento del verbale/).fill('Verbale OIV n. 3/2027');
    await page.getByLabel(/^Data/).fill(todayRome());
    await page.getByRole('button', { name: `Conferma: ${title}` }).click();
    await page.getByText(`Fatto: ${title}`).waitFor();
    await stageIs(page, 'Redazione della Relazione');
    const entry = page.locator('.timeline-entry', { hasText: title }).first();
    await expect(entry.textContent()).resolves.toContain('Verbale OIV n. 3/2027');
    await expect(entry.textContent()).resolves.toContain('Paola Immaginaria · OIV');
    await closePage(page);
  });

  it('the PO reads the reasons in Da fare, uploads the revised Relazione, comments and resubmits', async () => {
    const page = await as(env, 'Luca Prova');
    await findInInbox(page, TITLE);
    const item = page.locator('.inbox-item', { has: page.getByRole('link', { name: TITLE, exact: true }) });
    await expect(item.textContent()).resolves.toContain('Inviato da Paola Immaginaria (OIV)');
    await expect(item.textContent()).resolves.toContain('Mancano gli scostamenti degli indicatori 2.1 e 2.4 rispetto ai target');
    await item.getByRole('link', { name: 'Trasmetti la Relazione alla Giunta' }).click();
    await cycleLoaded(page);
    // The link from Da fare opens the action's form at once.
    await page.getByRole('heading', { name: 'Trasmetti la Relazione alla Giunta', level: 3, exact: true }).waitFor();
    const revised = Buffer.from('Relazione sulla performance 2026 - versione rivista');
    await page.locator('#carica-documento').setInputFiles({ name: 'relazione-2026-rivista.pdf', mimeType: 'application/pdf', buffer: revised });
    await page.getByText('Documento caricato: relazione-2026-rivista.pdf').waitFor();
    await page.locator('code.hash', { hasText: createHash('sha256').update(revised).digest('hex') }).first().waitFor();
    await page.getByLabel('Nuovo commento').fill("Relazione rivista secondo i rilievi dell'OIV");
    await page.getByRole('button', { name: 'Aggiungi il commento' }).click();
    await page.getByText('Commento aggiunto').waitFor();
    // The explanation of the variances the OIV asked for, in the Relazione's own section: written, previewed, saved as an event.
    const section = page.getByRole('region', { name: 'Analisi degli scostamenti', exact: true });
    await section.getByLabel('Testo della sezione «Analisi degli scostamenti»').fill('# Indicatori 2.1 e 2.4\n\nIl calo è dovuto al **cambio** del gestionale.\n\n- migrazione dei dati\n- formazione');
    await section.getByRole('button', { name: 'Anteprima' }).click();
    await section.getByRole('heading', { name: 'Indicatori 2.1 e 2.4', level: 4 }).waitFor();
    await expect(section.locator('li').allTextContents()).resolves.toEqual(['migrazione dei dati', 'formazione']);
    await expect(section.locator('p', { hasText: 'Il calo' }).textContent()).resolves.toBe('Il calo è dovuto al cambio del gestionale.');
    await section.getByRole('button', { name: 'Modifica' }).click();
    await section.getByRole('button', { name: 'Salva la sezione' }).click();
    await page.getByText('Sezione «Analisi degli scostamenti» salvata').waitFor();
    await page.getByRole('region', { name: 'Analisi degli scostamenti', exact: true }).getByText(/^Scritta da Luca Prova il/).waitFor();
    await checkPage(page, 'ciclo-relazione-scostamenti');
    // Uploading, commenting and writing closed the form (a new version): open it again and send.
    await act(page, 'Trasmetti la Relazione alla Giunta', async (p) => {
      await p.getByLabel(/Nota di accompagnamento/).fill('Aggiunti gli scostamenti richiesti');
    });
    await stageIs(page, 'In attesa di approvazione della Giunta');
    await checkPage(page, 'ciclo-relazione-ritrasmessa');
    await closePage(page);
  });

  it('after the Giunta approves it again, the OIV validates it and the deadline is met', async () => {
    await deliberate('52/2026');
    const page = await as(env, 'Paola Immaginaria', `/cicli/${cycleId}`);
    await cycleLoaded(page);
    await act(page, "Valida la Relazione (documento di validazione dell'OIV)", async (p) => {
      await p.getByLabel(/^Riferimento del documento di validazione/).fill('Documento di validazione OIV n. 4/2027');
      await p.getByLabel(/^Data del documento di validazione/).fill(todayRome());
    });
    await stageIs(page, "Validata dall'OIV");
    const row = page.locator('tr', { hasText: 'Approvazione e validazione della Relazione entro il 30 giugno' });
    await expect(row.textContent()).resolves.toMatch(/Rispettata il \d{2}\/\d{2}\/\d{4}/);
    await checkPage(page, 'ciclo-relazione-validata');
    // Past the drafting stage the sections are read only; the PDF names the validation.
    await page.getByText(/^Le sezioni si scrivono solo nelle fasi: Redazione della Relazione/).waitFor();
    expect(await page.getByLabel('Testo della sezione «Analisi degli scostamenti»').count()).toBe(0);
    const href = await page.getByRole('link', { name: 'Scarica la Relazione sulla performance in PDF' }).getAttribute('href');
    expect(href).toBe(`/cycles/${cycleId}/documents/relazione.pdf`);
    const pdf = await page.evaluate(async (url) => {
      const r = await fetch(url, { credentials: 'same-origin' });
      return { status: r.status, type: r.headers.get('content-type'), head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)) };
    }, href as string);
    expect(pdf).toEqual({ status: 200, type: 'application/pdf', head: '%PDF-' });
    await closePage(page);
  });
});

describe('console: who does not hold the role', () => {
  let env: ConsoleEnv;
  let cycleId = '';
  beforeAll(async () => {
    env = await startConsole('console-roles');
    const po = await env.api.token('u-demo-po-1', ['po']);
    const opened = await env.api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year: 2028, title: 'PIAO 2028-2030 prova dei ruoli' } });
    cycleId = opened.body.cycleId;
    expect((await env.api.call('POST', `/cycles/${cycleId}/commands/submit`, { token: po, body: {} })).status).toBe(200);
  }, 120_000);
  afterAll(async () => env?.close());

  it('sees no approve button, and a forged approval from the browser is refused with 403 and writes nothing', async () => {
    const page = await as(env, 'Paola Immaginaria', `/cicli/${cycleId}`);
    await cycleLoaded(page);
    await stageIs(page, 'In revisione del Segretario Generale');
    expect(await page.getByRole('button', { name: 'Approva e trasmetti alla Giunta' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Richiedi modifiche' }).count()).toBe(0);
    await checkPage(page, 'ciclo-senza-ruolo');
    const before = await env.api.head();
    const forged = await page.evaluate(async (id) => {
      const s = (await (await fetch('/auth/session')).json()) as { csrfToken: string };
      const send = async (headers: Record<string, string>) => {
        const r = await fetch(`/cycles/${id}/commands/approve`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken, ...headers }, body: '{}' });
        return { status: r.status, body: (await r.json()) as { code: string; messageIt: string } };
      };
      return [await send({ 'x-acting-role': 'segretario_generale' }), await send({})];
    }, cycleId);
    expect(forged[0]).toMatchObject({ status: 403, body: { code: 'ROLE_NOT_HELD' } });
    expect(forged[1]).toMatchObject({ status: 403, body: { code: 'ROLE_NOT_ALLOWED' } });
    expect(forged[1].body.messageIt).toMatch(/^Ruolo non autorizzato/);
    expect(await env.api.head()).toBe(before);
    await closePage(page);

    // The PO who submitted sees the stage but may only withdraw it.
    const po = await as(env, 'Luca Prova', `/cicli/${cycleId}`);
    await cycleLoaded(po);
    expect(await po.getByRole('button', { name: 'Approva e trasmetti alla Giunta' }).count()).toBe(0);
    await po.getByRole('button', { name: "Ritira l'invio" }).waitFor();
    await closePage(po);
  });

  it('an action held back by a rule is shown disabled with the reason', async () => {
    // Adopted without any document: publishing needs one.
    const po = await env.api.token('u-demo-po-1', ['po']);
    const sg = await env.api.token('u-demo-sg', ['segretario_generale']);
    const organi = await env.api.token('u-demo-segreteria', ['segreteria_organi']);
    const opened = await env.api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year: new Date().getFullYear() + 1, title: 'PIAO senza allegati' } });
    const id = opened.body.cycleId;
    await env.api.call('POST', `/cycles/${id}/commands/submit`, { token: po, body: {} });
    await env.api.call('POST', `/cycles/${id}/commands/approve`, { token: sg, body: {} });
    const d = await env.api.call('POST', `/cycles/${id}/commands/record_giunta_deliberation`, { token: organi, body: { number: '9/2026', date: todayRome(), actHash: 'b'.repeat(64) } });
    expect(d.status).toBe(200);
    const page = await as(env, 'Luca Prova', `/cicli/${id}`);
    await cycleLoaded(page);
    const button = page.getByRole('button', { name: 'Pubblica in Amministrazione trasparente' });
    expect(await button.isDisabled()).toBe(true);
    const reason = page.locator(`#${(await button.getAttribute('aria-describedby')) as string}`);
    expect(await reason.textContent()).toBe('Pubblica in Amministrazione trasparente non è ancora possibile: Occorre allegare almeno un documento.');
    await checkPage(page, 'ciclo-azione-bloccata');
    await closePage(page);
  });
});
