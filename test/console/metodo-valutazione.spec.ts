// The chamber's risk rating method in the console: the RPCT reads ANAC's method, edits it (an
// indicator renamed, one removed, one added with its key suggested by its title, a level added),
// sees a bad level and a missing reason refused beside their fields with nothing written, saves and
// sees the new version; a save on a method changed meanwhile is stopped; the RPCT goes back to
// ANAC's method; an OIV reads it without the editors. axe on every step, screenshots.
import { isoDateAt } from '@ciclo/domain';
import type { Page } from 'playwright-core';
import { startConsole, type ConsoleEnv } from '../support/browser';
import { as, checkPage, closePage } from './pages';

interface MethodBody {
  source: string;
  version: number;
  method: { indicators: { key: string; title: string }[]; levels: string[] };
  reason?: string;
  history: unknown[];
}

/** The demo chamber's RPCT (seeds/tenants/demo.json), who sets the method in these tests. */
const RPCT_NAME = 'Marco Finzione';

const ANAC_TITLES = [
  'Livello di interesse esterno',
  'Grado di discrezionalità del decisore interno',
  'Manifestazione di eventi corruttivi in passato',
  'Opacità del processo decisionale (trasparenza)',
  'Livello di collaborazione del responsabile del processo',
  'Grado di attuazione delle misure di trattamento',
];

/** The rows of the indicators table: "title\tkey". */
const indicatorRows = (page: Page) =>
  page
    .locator('table', {
      has: page.locator('caption', { hasText: 'Indicatori di rischio del metodo in vigore' }),
    })
    .locator('tbody tr')
    .allInnerTexts();

describe('console: the rating method', () => {
  let env: ConsoleEnv;
  let rpct: string;
  let cycleId: string;
  const readMethod = async () =>
    (await env.api.call<MethodBody>('GET', '/rating-method', { token: rpct })).body;

  beforeAll(async () => {
    env = await startConsole('console-metodo');
    rpct = await env.api.token('u-demo-rpct', ['rpct'], 'cciaa-po');
    const opened = await env.api.call<{ cycleId: string }>('POST', '/cycles', {
      token: rpct,
      body: { type: 'ptpct', year: Number(isoDateAt(new Date(), 'Europe/Rome').slice(0, 4)) },
    });
    cycleId = opened.body.cycleId;
  }, 120_000);
  afterAll(async () => env?.close());

  it('the RPCT edits the method, a refusal beside its field, saves, is stopped on a stale version, restores ANAC’s', async () => {
    const page = await as(env, 'Marco Finzione', '/da-fare');
    await page.getByRole('link', { name: 'Metodo di valutazione' }).click();
    await page.getByRole('heading', { name: 'Metodo di valutazione del rischio', level: 1 }).waitFor();
    await page.getByText('Metodo ANAC (PNA 2019, Allegato 1)').waitFor();
    const rows = await indicatorRows(page);
    expect(rows.map((r) => r.split('\t')[0])).toEqual(ANAC_TITLES);
    expect(rows[0]).toContain('interesse_esterno');
    expect(await page.locator('main ol li').allInnerTexts()).toEqual(['Basso', 'Medio', 'Alto']);
    // Nothing to restore while ANAC's method is in force.
    expect(await page.getByRole('button', { name: 'Ripristina il metodo ANAC' }).count()).toBe(0);
    await checkPage(page, 'metodo-valutazione-anac');

    await page.getByRole('button', { name: 'Modifica il metodo' }).click();
    const form = page.getByRole('form', { name: 'Modifica il metodo di valutazione' });
    await form.getByLabel('Titolo dell’indicatore 1 (obbligatorio)').fill('Interesse economico esterno');
    await form.getByRole('button', { name: 'Rimuovi l’indicatore 6' }).click();
    expect(await form.getByLabel(/^Titolo dell’indicatore 6/).count()).toBe(0);
    await form.getByRole('button', { name: 'Aggiungi un indicatore' }).click();
    await form.getByLabel('Titolo dell’indicatore 6 (obbligatorio)').fill('Rilevanza economica del processo');
    // The key follows the title of a new indicator.
    expect(await form.getByLabel('Chiave dell’indicatore 6 (obbligatorio)').inputValue()).toBe(
      'rilevanza_economica_del_processo',
    );
    await form.getByRole('button', { name: 'Aggiungi un livello' }).click();
    const level4 = form.getByLabel('Livello 4 (obbligatorio)');
    await level4.fill('Molto Alto');
    await form.getByRole('button', { name: 'Salva il metodo' }).click();

    // Refused: the level and the reason, each beside its input; nothing written.
    // A field's box, found by its label (`has` is queried inside the box, so from the page).
    const box = (label: string) => form.locator('.register-field', { has: page.getByLabel(label) });
    await box('Livello 4 (obbligatorio)')
      .locator('.invalid-feedback')
      .getByText(
        'Usare una lettera minuscola, poi lettere minuscole, cifre e _ (ad esempio medio; fino a 40 caratteri)',
      )
      .waitFor();
    expect(await level4.getAttribute('aria-invalid')).toBe('true');
    const reasonLabel = 'Motivazione (ad esempio l’atto che approva il metodo) (obbligatorio)';
    const reason = form.getByLabel(reasonLabel);
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect(await box(reasonLabel).locator('.invalid-feedback').innerText()).toBe(
      'Deve contenere da 1 a 4000 caratteri',
    );
    expect(await form.locator('.alert-danger').count()).toBe(0);
    expect((await readMethod()).version).toBe(0);
    await checkPage(page, 'metodo-valutazione-rifiutato');

    await level4.fill('molto_alto');
    await reason.fill('Delibera di Giunta n. 7 del 2027');
    await form.getByRole('button', { name: 'Salva il metodo' }).click();
    await page.getByRole('status').getByText('Fatto: metodo di valutazione salvato, versione 1').waitFor();
    await page.getByText('Metodo dell’ente, versione 1').waitFor();
    const saved = await readMethod();
    expect(saved).toMatchObject({
      source: 'ente',
      version: 1,
      reason: 'Delibera di Giunta n. 7 del 2027',
      method: {
        indicators: [
          { key: 'interesse_esterno', title: 'Interesse economico esterno' },
          ...ANAC_TITLES.slice(1, 5).map((title) => ({ title })),
          { key: 'rilevanza_economica_del_processo', title: 'Rilevanza economica del processo' },
        ],
        levels: ['basso', 'medio', 'alto', 'molto_alto'],
      },
    });
    expect(saved.method.indicators).toHaveLength(6);
    expect((await indicatorRows(page)).map((r) => r.split('\t')[0])).toEqual([
      'Interesse economico esterno',
      ...ANAC_TITLES.slice(1, 5),
      'Rilevanza economica del processo',
    ]);
    expect(await page.locator('main ol li').allInnerTexts()).toEqual([
      'Basso',
      'Medio',
      'Alto',
      'Molto alto',
    ]);
    await page.getByText('Delibera di Giunta n. 7 del 2027').first().waitFor();
    await checkPage(page, 'metodo-valutazione-salvato');

    // Another RPCT saves meanwhile: this page's save is stopped and says so; the other version stays.
    await page.getByRole('button', { name: 'Modifica il metodo' }).click();
    const stale = page.getByRole('form', { name: 'Modifica il metodo di valutazione' });
    const other = await env.api.call('PUT', '/rating-method', {
      token: rpct,
      body: {
        method: { indicators: saved.method.indicators, levels: ['basso', 'alto'] },
        reason: 'Altra modifica',
      },
    });
    expect(other.status).toBe(200);
    await stale.getByLabel('Titolo dell’indicatore 2 (obbligatorio)').fill('Discrezionalità');
    await stale.getByLabel(/^Motivazione/).fill('Modifica su una versione superata');
    await stale.getByRole('button', { name: 'Salva il metodo' }).click();
    await stale
      .locator('.alert-danger')
      .getByText(/^Il metodo di valutazione è stato modificato nel frattempo, ricaricare la pagina e ripetere la modifica: ora versione 2 \(la modifica era sulla versione 1\)/)
      .waitFor();
    expect(await readMethod()).toMatchObject({ version: 2, reason: 'Altra modifica' });
    await stale.getByRole('button', { name: 'Annulla' }).click();

    // Back to ANAC's method, as a new version with its reason.
    await page.reload();
    await page.getByText('Metodo dell’ente, versione 2').waitFor();
    await page.getByRole('button', { name: 'Ripristina il metodo ANAC' }).click();
    const reset = page.getByRole('form', { name: 'Ripristina il metodo ANAC' });
    await reset.getByRole('button', { name: 'Ripristina il metodo ANAC' }).click();
    await reset.locator('.invalid-feedback').getByText('Deve contenere da 1 a 4000 caratteri').waitFor();
    expect((await readMethod()).version).toBe(2);
    await reset.getByLabel(/^Motivazione/).fill('Ritorno al metodo del PNA');
    await reset.getByRole('button', { name: 'Ripristina il metodo ANAC' }).click();
    await page.getByRole('status').getByText('Fatto: ripristinato il metodo ANAC, versione 3').waitFor();
    await page.getByText('Metodo ANAC (PNA 2019, Allegato 1), versione 3').waitFor();
    expect((await indicatorRows(page)).map((r) => r.split('\t')[0])).toEqual(ANAC_TITLES);
    expect(await readMethod()).toMatchObject({
      source: 'ente',
      version: 3,
      reason: 'Ritorno al metodo del PNA',
      method: { levels: ['basso', 'medio', 'alto'] },
    });
    // The versions the chamber set, latest first.
    const history = page.locator('table', {
      has: page.locator('caption', { hasText: 'Versioni del metodo impostate dall’ente' }),
    });
    expect((await history.locator('tbody tr th').allInnerTexts()).map((t) => t.trim())).toEqual([
      '3',
      '2',
      '1',
    ]);
    // Who set each version, by name (the directory's), not by user id.
    expect(await history.locator('tbody tr td:nth-child(3)').allInnerTexts()).toEqual([RPCT_NAME, RPCT_NAME, RPCT_NAME]);
    await page.getByText(`impostato da ${RPCT_NAME}.`, { exact: false }).waitFor();
    await checkPage(page, 'metodo-valutazione-ripristinato');
    await closePage(page);
  }, 120_000);

  it('opens every section of the console from a deep link (a reload, a link in an e-mail)', async () => {
    for (const path of [
      '/da-fare',
      '/cicli',
      '/scadenze',
      '/trasparenza',
      '/metodo-valutazione',
      '/registro',
      '/notifiche',
      '/amministrazione',
    ]) {
      const res = await fetch(`${env.api.url}${path}`);
      expect([path, res.status, res.headers.get('content-type')?.split(';')[0]]).toEqual([
        path,
        200,
        'text/html',
      ]);
    }
  });

  it('an OIV reaches the method from a register and reads it without its editors; the API refuses the OIV a write', async () => {
    const page = await as(env, 'Paola Immaginaria', `/cicli/${cycleId}/rischi`);
    await page.getByRole('link', { name: 'metodo di valutazione del rischio' }).click();
    await page.getByRole('heading', { name: 'Metodo di valutazione del rischio', level: 1 }).waitFor();
    await page.getByText('in questo ruolo il metodo è in sola lettura').waitFor();
    expect(await page.getByRole('button', { name: 'Modifica il metodo' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Ripristina il metodo ANAC' }).count()).toBe(0);
    expect(await indicatorRows(page)).toHaveLength(ANAC_TITLES.length);
    // Not in the OIV's navigation.
    expect(await page.getByRole('link', { name: 'Metodo di valutazione' }).count()).toBe(0);
    await checkPage(page, 'metodo-valutazione-oiv');
    const oiv = await env.api.token('u-demo-oiv', ['oiv'], 'cciaa-po');
    const refused = await env.api.call<{ code: string }>('POST', '/rating-method/reset', {
      token: oiv,
      body: { reason: 'prova' },
    });
    expect([refused.status, refused.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    await closePage(page);
  }, 60_000);
});
