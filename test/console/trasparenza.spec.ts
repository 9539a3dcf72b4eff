/**
 * The transparency page (docs/transparency.md): the demo chamber's grid with its status, filtered by
 * status and office, and a publication recorded by an office (a refused address shown beside its field).
 */
import { startConsole, type ConsoleEnv } from '../support/browser';
import { as, checkPage, closePage, cycleLoaded } from './pages';

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

  it("the attestation cycle's page shows its survey grid: the RPCT fills a row, the OIV reads it", async () => {
    const rpct = await env.api.token('u-demo-rpct', ['rpct'], env.demo.tenant);
    const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date()).slice(0, 4));
    const opened = await env.api.call<{ cycleId: string }>('POST', '/cycles', { token: rpct, body: { type: 'attestazione_oiv', year } });
    expect(opened.status).toBe(201);
    const id = opened.body.cycleId;
    const page = await as(env, 'Marco Finzione', `/cicli/${id}`);
    await cycleLoaded(page);
    const section = page.getByRole('region', { name: 'Griglia di rilevazione' });
    await section.getByText('Nessuna riga nella griglia.').waitFor();
    await page.getByText(/non è ancora possibile: La griglia di rilevazione è vuota/).waitFor();
    expect(await page.getByRole('link', { name: /Apri il piano/ }).count()).toBe(0);
    await section.getByLabel('Obbligo').selectOption('bandi-concorso');
    await section.getByLabel('Completezza').selectOption('2');
    await section.getByLabel('Nota (facoltativa)').fill('Mancano le tracce delle prove');
    await section.getByRole('button', { name: 'Salva la riga' }).click();
    await page.getByText('Riga della griglia salvata').waitFor();
    const row = section.getByRole('row', { name: /Bandi di concorso/ });
    await row.getByText('Mancano le tracce delle prove').waitFor();
    expect(await page.getByRole('button', { name: "Invia la griglia di rilevazione all'OIV" }).isEnabled()).toBe(true);
    expect(await row.getByRole('cell').allTextContents()).toEqual(expect.arrayContaining(['2', '3', 'Mancano le tracce delle prove']));
    await checkPage(page, 'attestazione-griglia');
    await closePage(page);

    expect((await env.api.call('POST', `/cycles/${id}/commands/submit_to_oiv`, { token: rpct, body: {} })).status).toBe(200);
    const oiv = await as(env, 'Paola Immaginaria', `/cicli/${id}`);
    await cycleLoaded(oiv);
    const readOnly = oiv.getByRole('region', { name: 'Griglia di rilevazione' });
    await readOnly.getByText('La griglia non è più modificabile.').waitFor();
    await readOnly.getByRole('row', { name: /Bandi di concorso/ }).getByText('Marco Finzione', { exact: false }).waitFor();
    expect(await readOnly.getByRole('button', { name: 'Salva la riga' }).count()).toBe(0);
    await checkPage(oiv, 'attestazione-griglia-oiv');
    await closePage(oiv);
  });
});
