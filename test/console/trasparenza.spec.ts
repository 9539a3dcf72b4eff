/**
 * The transparency page (docs/transparency.md): the demo chamber's grid with its status, filtered by
 * status and office, and a publication recorded by an office (a refused address shown beside its field).
 */
import { startConsole, type ConsoleEnv } from '../support/browser';
import { as, checkPage, closePage } from './pages';

describe('console: Amministrazione trasparente', () => {
  let env: ConsoleEnv;
  beforeAll(async () => {
    env = await startConsole('console-transp');
  });
  afterAll(async () => {
    await env.close();
  });

  it('lists the grid, filters it and records a publication', async () => {
    const page = await as(env, 'Luca Prova', '/trasparenza');
    await page.getByRole('heading', { name: 'Amministrazione trasparente', level: 1 }).waitFor();
    await page.getByText('61 obblighi su 61').waitFor();
    await page.getByLabel('Ufficio').selectOption('Controllo di gestione');
    await page.getByText('61 obblighi su 61').waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /Relazione sulla performance/ }).first().waitFor();
    expect(page.url()).toContain('ufficio=Controllo');
    const row = page.getByRole('row', { name: /Tassi di assenza/ });
    expect(await row.count()).toBe(0);
    await page.getByLabel('Ufficio').selectOption('Risorse umane e patrimonio');
    await page.getByRole('row', { name: /Tassi di assenza/ }).waitFor();
    await page.getByRole('row', { name: /Tassi di assenza/ }).getByRole('button', { name: /Registra una pubblicazione/ }).click();
    await page.getByLabel('Indirizzo (https)').fill('http://www.example.org/at/assenze');
    await page.getByRole('button', { name: 'Registra la pubblicazione' }).click();
    await page.getByText('deve essere un indirizzo web https').waitFor();
    await checkPage(page, 'trasparenza-errore');
    await page.getByLabel('Indirizzo (https)').fill('https://www.example.org/at/assenze');
    await page.getByRole('button', { name: 'Registra la pubblicazione' }).click();
    await page.getByRole('row', { name: /Tassi di assenza.*Aggiornato/ }).waitFor();
    await page.getByLabel('Ufficio').selectOption('');
    await page.getByLabel('Stato').selectOption('aggiornato');
    await page.getByText('1 obbligo su 61').waitFor();
    await checkPage(page, 'trasparenza');
    await closePage(page);
  });
});
