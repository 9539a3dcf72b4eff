// The console's administration pages (admin role), in Chromium against the real API with the demo
// chamber: the body, people and role grants (events with their history), API keys, cycle
// definitions, and the queue dashboard reached with the browser session.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { axeViolations, sessionAs, describeViolations, newContext, screenshot, SCREENSHOTS, startConsole, type ConsoleEnv } from '../support/browser';

async function expectAccessible(page: Page): Promise<void> {
  expect(describeViolations(await axeViolations(page))).toEqual([]);
}

async function screenshotTop(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}-alto.png`) });
}

interface InboxItem {
  cycleId: string;
  role: string;
}

/** The inbox ("Da fare") as the logged-in person's browser session reads it. */
const inboxOf = (page: Page) => page.evaluate(async () => (await (await fetch('/inbox')).json()) as InboxItem[]);

describe('console: administration', () => {
  let env: ConsoleEnv;
  beforeAll(async () => {
    env = await startConsole('console-admin');
  }, 180_000);
  afterAll(async () => env?.close());

  it('an administrator grants a role; the grant is in the history and the new holder finds the cycle in their inbox', async () => {
    // Elena Fittizia (rilevatore) has nothing to do in the draft PIAO.
    const holder = await newContext(env);
    const hp = await holder.newPage();
    await sessionAs(hp, 'Elena Fittizia', '/scadenze');
    expect((await inboxOf(hp)).filter((i) => i.cycleId === env.demo.cycleId)).toEqual([]);

    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Irene Ipotetica', '/amministrazione');
    await page.getByRole('heading', { name: "Dati dell'ente" }).waitFor();
    await page.getByText('cciaa_po', { exact: true }).waitFor();
    await page.getByText('Europe/Rome', { exact: true }).waitFor();
    await screenshot(page, 'amministrazione-ente');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Persone e ruoli' }).click();
    await page.getByRole('heading', { name: 'Elena Fittizia' }).waitFor();
    // The administrator cannot grant roles to herself: she is not offered.
    expect(await page.getByLabel('Persona', { exact: true }).locator('option', { hasText: 'Irene Ipotetica' }).isDisabled()).toBe(true);
    await page.getByLabel('Persona', { exact: true }).selectOption({ label: 'Elena Fittizia' });
    await page.getByLabel('Ruolo', { exact: true }).selectOption({ label: 'Posizione organizzativa' });
    await page.getByRole('button', { name: 'Attribuisci il ruolo' }).click();
    await page.getByText('Ruolo Posizione organizzativa attribuito a Elena Fittizia.').waitFor();
    const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: 'Elena Fittizia' }) });
    await card.getByText('Ruoli attuali: Rilevatore, Posizione organizzativa').waitFor();
    const history = card.getByRole('table', { name: 'Storia dei ruoli di Elena Fittizia' });
    await history.getByRole('row', { name: /Posizione organizzativa Attivo .* da Irene Ipotetica/ }).waitFor();
    // Granting it again is refused with the Italian reason.
    await page.getByLabel('Persona', { exact: true }).selectOption({ label: 'Elena Fittizia' });
    await page.getByLabel('Ruolo', { exact: true }).selectOption({ label: 'Posizione organizzativa' });
    await page.getByRole('button', { name: 'Attribuisci il ruolo' }).click();
    await page.getByRole('alert').filter({ hasText: /già/ }).waitFor();
    await screenshot(page, 'amministrazione-persone');
    await screenshotTop(page, 'amministrazione-persone');
    await expectAccessible(page);

    // The grant is an event in the trail, by the administrator.
    const admin = await env.api.token('u-demo-admin', ['admin']);
    const trail = await env.api.call<{ items: { type: string; actorId: string }[] }>('GET', '/audit?type=RoleGranted&limit=5', { token: admin });
    expect(trail.body.items[0]).toMatchObject({ type: 'RoleGranted', actorId: 'u-demo-admin' });

    // The new holder: the draft PIAO now waits for her as PO.
    await hp.reload();
    // She now holds two roles: the header offers the choice.
    await hp.locator('#ruolo-attivo').waitFor();
    expect(await hp.locator('#ruolo-attivo option').allTextContents()).toEqual(['Rilevatore', 'Posizione organizzativa']);
    const inbox = await inboxOf(hp);
    expect(inbox.filter((i) => i.cycleId === env.demo.cycleId).map((i) => i.role)).toEqual(['po']);

    // Revoked: gone again.
    page.once('dialog', (d) => void d.accept());
    await card.getByRole('button', { name: 'Revoca il ruolo Posizione organizzativa a Elena Fittizia' }).click();
    await page.getByText('Ruolo Posizione organizzativa revocato a Elena Fittizia.').waitFor();
    await history.getByRole('row', { name: /Posizione organizzativa Revocato .* da Irene Ipotetica/ }).waitFor();
    expect((await inboxOf(hp)).filter((i) => i.cycleId === env.demo.cycleId)).toEqual([]);
    await holder.close();
    await ctx.close();
  });

  it('issues an API key shown once, which works until it is revoked', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Irene Ipotetica', '/amministrazione/chiavi');
    await page.getByLabel('A cosa serve').fill('Protocollo informatico');
    await page.getByLabel('RPCT').check({ force: true });
    await page.getByRole('button', { name: 'Crea la chiave' }).click();
    await page.getByText('Copiala ora: non verrà più mostrata').waitFor();
    const key = await page.getByLabel('Chiave', { exact: true }).inputValue();
    expect(key).toMatch(/^cciaa-po:k[0-9a-f]+\..+/);
    expect((await env.api.call('GET', '/deadlines', { headers: { 'x-api-key': key } })).status).toBe(200);
    await page.getByRole('table', { name: 'Chiavi emesse' }).getByText('Attiva', { exact: true }).waitFor();
    await screenshot(page, 'amministrazione-chiavi');
    await expectAccessible(page);
    // The page never shows it again.
    await page.reload();
    await page.getByRole('table', { name: 'Chiavi emesse' }).waitFor();
    expect(await page.content()).not.toContain(key.split('.')[1]);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoca la chiave Protocollo informatico' }).click();
    await page.getByRole('table', { name: 'Chiavi emesse' }).getByText('Revocata', { exact: true }).waitFor();
    expect((await env.api.call('GET', '/deadlines', { headers: { 'x-api-key': key } })).status).toBe(401);
    await ctx.close();
  });

  it('shows each cycle definition with its stages, transitions, roles, deadlines, reminders and the cycles on each version', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Irene Ipotetica', '/amministrazione/definizioni');
    const table = page.getByRole('table', { name: 'Definizioni caricate' });
    const piao = table.getByRole('row', { name: /Piano integrato di attività e organizzazione \(PIAO\)/ });
    await piao.waitFor();
    // The demo PIAO runs on version 1 (the count shows "…" until the cycles list has loaded).
    const versions = piao.getByRole('cell').last();
    await versions.filter({ hasNotText: '…' }).waitFor();
    expect((await versions.textContent())?.trim()).toBe('1');
    await screenshot(page, 'amministrazione-definizioni');
    await expectAccessible(page);
    await piao.getByRole('link').click();
    await page.waitForURL('**/amministrazione/definizioni/piao/1');
    const steps = page.getByRole('list', { name: /Fasi del ciclo/ });
    await steps.getByText('Fase 1: Bozza').waitFor();
    await steps.getByText(/Invia al Segretario Generale: va a «In revisione del Segretario Generale» \(fase 2\)/).first().waitFor();
    await page.getByRole('table', { name: 'Passaggi (comandi) della definizione' }).getByRole('cell', { name: 'Invia al Segretario Generale' }).first().waitFor();
    await page.getByRole('table', { name: 'Scadenze della definizione' }).getByText(/31 gennaio/).first().waitFor();
    await page.getByText(/Promemoria .* giorni prima della scadenza; dopo la scadenza ogni \d+ giorni, con sollecito a: Segretario Generale/).waitFor();
    await page.getByRole('link', { name: 'PIAO 2022-2024 - Camera di commercio di Pistoia-Prato (demo)' }).waitFor();
    await page.getByText('Diagramma degli stati in formato Mermaid (testo)').waitFor();
    await screenshot(page, 'amministrazione-definizione-piao');
    await screenshotTop(page, 'amministrazione-definizione-piao');
    await expectAccessible(page);
    await ctx.close();
  });

  it('the queue dashboard opens from the page with the browser session, for administrators only', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Irene Ipotetica', '/amministrazione');
    await page.getByRole('link', { name: 'Code di elaborazione (promemoria e webhook)' }).click();
    await page.waitForURL('**/admin/queues');
    await page.getByText('reminders', { exact: true }).first().waitFor();
    await page.getByText('webhooks', { exact: true }).first().waitFor();
    await screenshot(page, 'code-bullmq');
    // Its buttons write with the session from this origin (the browser sends Origin)...
    const fromPage = await page.evaluate(async () => (await fetch('/admin/queues/api/queues/resume', { method: 'PUT' })).status);
    expect(fromPage).toBe(200);
    // ...never from another site, nor without saying where from.
    const cookie = (await ctx.cookies()).find((c) => c.name === 'ciclo_session')?.value ?? '';
    const evil = await env.api.call<{ code: string }>('PUT', '/admin/queues/api/queues/resume', { headers: { cookie: `ciclo_session=${cookie}`, origin: 'https://evil.example' } });
    expect([evil.status, evil.body.code]).toEqual([403, 'CSRF_REJECTED']);
    const bare = await env.api.call<{ code: string }>('PUT', '/admin/queues/api/queues/resume', { headers: { cookie: `ciclo_session=${cookie}` } });
    expect([bare.status, bare.body.code]).toEqual([403, 'CSRF_REJECTED']);
    // The console's own API still wants the CSRF token from the same origin.
    const consoleWrite = await page.evaluate(async (id) => (await fetch(`/cycles/${id}/commands/comment`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"x"}' })).status, env.demo.cycleId);
    expect(consoleWrite).toBe(403);
    await ctx.close();

    const rpctCtx = await newContext(env);
    const rp = await rpctCtx.newPage();
    await sessionAs(rp, 'Marco Finzione', '/scadenze');
    expect(await rp.evaluate(async () => (await fetch('/admin/queues')).status)).toBe(403);
    expect(await rp.evaluate(async () => (await fetch('/admin/queues/api/queues/resume', { method: 'PUT' })).status)).toBe(403);
    // Nor is the administration section offered.
    expect(await rp.getByRole('link', { name: 'Amministrazione' }).count()).toBe(0);
    await rp.goto('/amministrazione');
    await rp.getByText("Questa sezione è riservata a chi ha il ruolo di amministratore dell'ente.").waitFor();
    await rpctCtx.close();
  });
});
