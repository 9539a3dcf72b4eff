// The console's audit trail (RPCT), deadlines and notifications pages, in Chromium against the real
// API with the demo chamber.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import ICAL from 'ical.js';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { EVENT_STORE } from '@ciclo/platform';
import { loadAnchorSigningKey, startSealer, type PostgresEventStore } from '@ciclo/event-store';
import { DirectoryService } from '@ciclo/identity';
import { AnchorPublisher, DeliveryLog, EmailChannel, GrantedRecipients, StaticTenantDirectory } from '@ciclo/notifications';
import { auditTenants, READ_MODELS, recordChainVerification } from '@ciclo/projections';
import { startSmtp, waitFor } from '../deadlines/support';
import { axeViolations, sessionAs, describeViolations, newContext, screenshot, SCREENSHOTS, startConsole, type ConsoleEnv } from '../support/browser';
import { parseCsv, pdfLines } from '../audit/helpers';
import { sendReminders } from '../notifications/inbox-support';

const DEMO_TITLE = 'PIAO 2022-2024 - Camera di commercio di Pistoia-Prato (demo)';

/** The visible part of the page (a long table makes the full-page image unreadable). */
async function screenshotTop(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}-alto.png`) });
}

async function expectAccessible(page: Page): Promise<void> {
  expect(describeViolations(await axeViolations(page))).toEqual([]);
}

describe('console: audit trail, deadlines, notifications', () => {
  let env: ConsoleEnv;
  let store: PostgresEventStore;
  let verifiedUpTo: number;

  beforeAll(async () => {
    // The key that signs the published anchors, held outside the database.
    const keyFile = join(mkdtempSync(join(tmpdir(), 'ciclo-console-key-')), 'anchor.pem');
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    env = await startConsole('console-registro', { AUDIT_SIGNING_KEY: keyFile });
    store = env.api.app.get<PostgresEventStore>(EVENT_STORE);
    // The worker's sealer, until the demo chamber is sealed.
    const sealer = startSealer(store, { pollIntervalMs: 50 });
    const sealed = await env.api.head();
    await waitFor('the sealer', async () => Number((await env.api.pool.query<{ p: string | null }>('SELECT max(position) AS p FROM es_seals')).rows[0].p ?? 0) >= sealed, 30_000);
    await sealer.stop();
    const nightly = await recordChainVerification(store, { trigger: 'nightly' });
    verifiedUpTo = nightly.verification.intactUpTo;
    // The nightly job publishes the head seal: e-mail (a real SMTP server), in-app, webhooks.
    const smtp = await startSmtp();
    const email = new EmailChannel(smtp.url, 'Ciclo <ciclo@example.org>', { pool: false });
    const people = new DirectoryService(store);
    const profiles = StaticTenantDirectory.fromDirectory(resolve(env.api.settings.SEEDS_DIR, 'tenants'));
    try {
      const headSeal = nightly.verification.headSeal;
      if (!headSeal) throw new Error('no head seal');
      await new AnchorPublisher({
        store,
        recipients: new GrantedRecipients({ people: (t, at) => people.peopleAt(t, at) }, profiles),
        profiles,
        tenants: () => auditTenants(env.api.app.get<DataSource>(READ_MODELS)),
        email,
        deliveries: new DeliveryLog(store.pool),
        signingKey: loadAnchorSigningKey(keyFile),
        publicUrl: env.api.url,
      }).publish({ eventId: nightly.eventId, position: nightly.position, occurredAt: nightly.occurredAt, intactUpTo: verifiedUpTo, headSeal });
    } finally {
      email.close();
      await smtp.close();
    }
    const rpct = await env.api.token('u-demo-rpct', ['rpct']);
    // The audit projector has caught up with the demo chamber.
    const head = await env.api.head();
    expect((await env.api.call('GET', `/audit?minPosition=${head}&limit=1`, { token: rpct })).status).toBe(200);
  }, 180_000);
  afterAll(async () => env?.close());

  it('the RPCT filters the trail, verifies the chain and downloads the CSV and the PDF of the filtered rows', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Marco Finzione', '/registro');
    await page.getByRole('heading', { name: 'Registro delle attività' }).waitFor();
    // The last recorded verification, by whom and when.
    await page.getByText(`Sistema (verifica notturna automatica) — integro fino alla posizione ${verifiedUpTo}`).waitFor();
    // Each row is an Italian sentence; the RPCT's own reads do not crowd the first page.
    await page.getByText('Eventi del registro, dal più recente (50 mostrati)').waitFor();
    await page.getByRole('cell', { name: /^(Il|La|L') .* ha .*PIAO 2022-2024/ }).first().waitFor();
    expect(await page.getByRole('cell', { name: /ha consultato il registro di audit/ }).count()).toBe(0);
    // Cursor pagination: the next 50.
    await page.getByRole('button', { name: 'Mostra altri 50 eventi' }).click();
    await page.getByText('Eventi del registro, dal più recente (100 mostrati)').waitFor();
    await screenshot(page, 'registro');
    await screenshotTop(page, 'registro');
    await expectAccessible(page);

    // The anchors the nightly verification published: date, position, seal, signature, channels.
    const anchors = page.getByRole('table', { name: /Ultimi ancoraggi pubblicati, dal più recente \(1 di 1\)/ });
    await anchors.waitFor();
    const anchorRow = anchors.locator('tbody tr');
    expect(await anchorRow.count()).toBe(1);
    const anchorText = (await anchorRow.first().textContent()) ?? '';
    expect(anchorText).toContain(String(verifiedUpTo));
    expect(anchorText).toMatch(/n\. \d+, [0-9a-f]{12}…/);
    expect(anchorText).toContain('Sì, firma verificata');
    expect(anchorText).toMatch(/e-mail a \d+ \(inviata\); notifica in app a \d+; nessun webhook/);
    await page.getByRole('heading', { name: 'Ultimi ancoraggi pubblicati' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(SCREENSHOTS, 'registro-ancoraggi.png') });

    // Shown on request.
    await page.getByLabel('Mostra anche le consultazioni del registro (chi lo ha letto o esportato)').check({ force: true });
    await page.getByRole('button', { name: 'Applica i filtri' }).click();
    await page.getByRole('cell', { name: /L'RPCT ha consultato il registro di audit/ }).first().waitFor();
    await page.getByLabel('Mostra anche le consultazioni del registro (chi lo ha letto o esportato)').uncheck({ force: true });

    // Cycle by title, person by name, event type in Italian.
    await page.getByLabel('Ciclo').selectOption({ label: DEMO_TITLE });
    await page.getByLabel('Persona').selectOption({ label: 'Luca Prova' });
    await page.getByLabel('Tipo di evento').selectOption({ label: 'Apertura del ciclo' });
    await page.getByRole('button', { name: 'Applica i filtri' }).click();
    await page.waitForURL(/tipo=CycleOpened/);
    const rows = page.getByRole('table', { name: /^Eventi del registro/ }).locator('tbody tr');
    await page.getByText('Eventi del registro, dal più recente (1 mostrati)').waitFor();
    expect(await rows.count()).toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('La Posizione organizzativa ha aperto il PIAO 2022-2024');
    await expect(rows.first().textContent()).resolves.toContain('Luca Prova');
    await screenshot(page, 'registro-filtrato');
    await screenshotTop(page, 'registro-filtrato');
    await expectAccessible(page);

    // Verify now.
    await page.getByRole('button', { name: 'Verifica ora' }).click();
    await page.getByText(/Verifica eseguita ora .* da Marco Finzione, \d+ eventi controllati\): integro fino alla posizione \d+/).waitFor();

    // Both exports hold the filtered rows.
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Esporta CSV' }).click()]);
    expect(csvDownload.suggestedFilename()).toMatch(/^audit-cciaa-po-\d{8}T\d{6}\.csv$/);
    const csv = parseCsv(readFileSync(await csvDownload.path()).toString('utf8').replace(/^\uFEFF/, ''));
    expect(csv[0].slice(0, 3)).toEqual(['position', 'recorded_at', 'occurred_at']);
    const body = csv.slice(1).filter((r) => r.length > 1);
    expect(body).toHaveLength(1);
    const col = (name: string) => csv[0].indexOf(name);
    expect(body[0][col('type')]).toBe('CycleOpened');
    expect(body[0][col('actor_id')]).toBe('u-demo-po-1');
    expect(body[0][col('cycle_id')]).toBe(env.demo.cycleId);
    await page.getByText(/File audit-cciaa-po-.*\.csv scaricato/).waitFor();

    const [pdfDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Esporta PDF' }).click()]);
    expect(pdfDownload.suggestedFilename()).toMatch(/\.pdf$/);
    const pdf = readFileSync(await pdfDownload.path());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfLines(pdf).join('\n');
    expect(text).toMatch(/Righe esportate\n1\n/);
    expect(text.replace(/\s+/g, ' ')).toContain('Tipo di evento: Apertura del ciclo');
    expect(text.replace(/\s+/g, ' ')).toContain('Consultazioni del registro: escluse');
    await ctx.close();
  });

  it('the deadlines page lists the demo cycle’s deadlines by status with words, in a list and a month, each linking to the cycle', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    // The API answers pages with a cursor to the next: pages of 3 here (the real API, asked for
    // less), so that the page must follow the cursors to show every deadline.
    const asked: (string | null)[] = [];
    await page.route(/\/deadlines\?/, (route) => {
      const u = new URL(route.request().url());
      u.searchParams.set('limit', '3');
      asked.push(u.searchParams.get('cursor'));
      return route.continue({ url: u.toString() });
    });
    await sessionAs(page, 'Giulia Esempio', '/scadenze');
    await page.getByRole('heading', { name: 'Scadenze', exact: true }).waitFor();
    const deadlines = (await env.api.call<{ cycleId: string; title: string; status: string; effectiveDate: string }[]>('GET', '/deadlines?limit=1000', { token: await env.api.token('u-demo-sg', ['segretario_generale']) })).body;
    expect(deadlines.length).toBeGreaterThan(3);
    const table = page.getByRole('table', { name: /Scadenze in ordine di data/ });
    await table.waitFor();
    for (const d of deadlines) await table.getByRole('cell', { name: d.title, exact: false }).first().waitFor();
    expect(await table.locator('tbody tr').count()).toBe(deadlines.length);
    // The first page without a cursor, then one page per cursor until the last. (A load the page
    // started and abandoned while the login settled may have asked the first page before.)
    expect(asked[0]).toBeNull();
    const walk = asked.slice(asked.lastIndexOf(null));
    expect(walk).toHaveLength(Math.ceil(deadlines.length / 3));
    expect(walk.slice(1).every((c) => typeof c === 'string' && c.length > 0)).toBe(true);
    expect(new Set(walk.slice(1)).size).toBe(walk.length - 1);
    await page.unroute(/\/deadlines\?/);
    // The demo PIAO's deadlines link to it; those of the demo's monitoring and Relazione 2022 (and of its PTPCT 2021) to theirs.
    const links = table.getByRole('link', { name: DEMO_TITLE });
    expect(await links.count()).toBe(deadlines.filter((d) => d.cycleId === env.demo.cycleId).length);
    expect(deadlines.filter((d) => d.cycleId !== env.demo.cycleId).every((d) => [env.demo.monitoringCycleId, env.demo.relazioneCycleId, env.demo.registerCycleId].includes(d.cycleId))).toBe(true);
    for (const other of [env.demo.monitoringCycleId, env.demo.relazioneCycleId]) expect(await table.locator(`a[href="/cicli/${other}"]`).count()).toBeGreaterThan(0);
    expect(await links.first().getAttribute('href')).toBe(`/cicli/${env.demo.cycleId}`);
    // The 2022 deadlines of a cycle still in draft are overdue: said in words, not only in red.
    expect(deadlines.some((d) => d.status === 'overdue')).toBe(true);
    await table.getByText('Scaduta', { exact: true }).first().waitFor();
    await table.getByText(/scaduta da \d+ giorni/).first().waitFor();
    await screenshot(page, 'scadenze-elenco');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Mese', exact: true }).click();
    const first = [...deadlines].sort((a, b) => Math.abs(Date.parse(a.effectiveDate) - Date.now()) - Math.abs(Date.parse(b.effectiveDate) - Date.now()))[0];
    const months = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];
    await page.getByRole('heading', { name: `${months[Number(first.effectiveDate.slice(5, 7)) - 1]} ${first.effectiveDate.slice(0, 4)}` }).waitFor();
    await page.getByRole('table', { name: /Scadenze di/ }).getByRole('link', { name: first.title }).first().waitFor();
    await screenshot(page, 'scadenze-mese');
    await expectAccessible(page);
    await ctx.close();
  });

  it('the calendar feed: created on the page, read by a calendar application with a plain GET, revoked', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Giulia Esempio', '/scadenze');
    await page.getByText('Non hai ancora indirizzi attivi.').waitFor();
    await page.getByText("Tutte le scadenze dell'ente", { exact: true }).click(); // the kit's label covers its radio
    expect(await page.getByLabel("Tutte le scadenze dell'ente").isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Crea un nuovo indirizzo' }).click();
    await page.getByText('Copialo ora: per sicurezza non verrà più mostrato').waitFor();
    const url = await page.getByLabel('Indirizzo del calendario').inputValue();
    expect(url).toMatch(/\/calendar\/feeds\/cciaa-po\/f[0-9a-f]{24}\.[A-Za-z0-9_-]{43}\.ics$/);
    for (const app of ['Google Calendar', 'Outlook', 'Thunderbird']) await page.getByText(app, { exact: true }).waitFor();
    await page.getByRole('table', { name: 'I tuoi indirizzi attivi' }).getByText("Tutte le scadenze dell'ente").waitFor();
    await screenshot(page, 'scadenze-feed');
    await expectAccessible(page);

    // A calendar application: a plain GET with no cookie and no header, parsed by ical.js.
    const path = new URL(url).pathname;
    const res = await fetch(`${env.api.url}${path}`);
    expect(res.status).toBe(200);
    const cal = new ICAL.Component(ICAL.parse(await res.text()));
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const deadlines = (await env.api.call<{ cycleId: string; deadlineId: string }[]>('GET', '/deadlines?limit=1000', { token: await env.api.token('u-demo-sg', ['segretario_generale']) })).body;
    expect(events.map((e) => e.uid).sort()).toEqual(deadlines.map((d) => `${d.cycleId}-${d.deadlineId}@ciclo`).sort());

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: /Revoca l'indirizzo creato il/ }).click();
    await page.getByText('Non hai ancora indirizzi attivi.').waitFor();
    expect(await page.getByLabel('Indirizzo del calendario').count()).toBe(0);
    expect((await fetch(`${env.api.url}${path}`)).status).toBe(404);
    await ctx.close();
  });

  it('the bell shows the unread count; marking a notification read lowers it; each links to its cycle', async () => {
    await sendReminders(store, 'cciaa-po', [
      { cycleId: env.demo.cycleId, cycleTitle: DEMO_TITLE, deadlineId: 'adozione', deadlineTitle: 'Adozione del PIAO entro il 31 gennaio', recipients: [{ userId: 'u-demo-sg', name: 'Giulia Esempio' }], daysLeft: 2 },
      { cycleId: env.demo.cycleId, cycleTitle: DEMO_TITLE, deadlineId: 'pubblicazione', deadlineTitle: 'Pubblicazione del PIAO', recipients: [{ userId: 'u-demo-sg', name: 'Giulia Esempio' }], daysLeft: -4, escalation: true },
    ]);
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Giulia Esempio', '/scadenze');
    const bell = page.getByRole('link', { name: 'Notifiche 2 da leggere' });
    await bell.waitFor();
    await screenshot(page, 'campanella');
    await bell.click();
    await page.waitForURL('**/notifiche');
    await page.getByRole('heading', { name: 'Notifiche', exact: true }).waitFor();
    await page.getByText('2 notifiche da leggere.').waitFor();
    const links = page.getByRole('link', { name: 'Apri il ciclo' });
    expect(await links.count()).toBe(2);
    expect(await links.first().getAttribute('href')).toBe(`/cicli/${env.demo.cycleId}`);
    await page.getByText('Sollecito', { exact: true }).waitFor();
    await screenshot(page, 'notifiche');
    await expectAccessible(page);

    await page.getByRole('button', { name: /Segna come letta: .*Adozione del PIAO/ }).click();
    await page.getByRole('link', { name: 'Notifiche 1 da leggere' }).waitFor();
    await page.getByText('Una notifica da leggere.').waitFor();
    await page.getByText(/Letta il \d{2}\/\d{2}\/\d{4}/).waitFor();
    expect((await env.api.call('GET', '/notifications/unread-count', { token: await env.api.token('u-demo-sg', ['segretario_generale']) })).body).toEqual({ unread: 1 });
    await page.getByLabel('Solo quelle da leggere').check({ force: true });
    await page.getByText(/Letta il/).waitFor({ state: 'detached' });
    expect(await page.getByRole('listitem').filter({ hasText: 'Apri il ciclo' }).count()).toBe(1);
    await page.getByRole('button', { name: /Segna come letta: .*Pubblicazione del PIAO/ }).waitFor();
    await ctx.close();
  });
});
