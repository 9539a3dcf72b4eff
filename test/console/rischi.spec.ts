// The RPCT's risk register page: processes by rating with their risks and measures, the filter by
// level, the measure status board with late measures, the problems before submission; axe, and a
// screenshot under test-results/screenshots.
import { isoDateAt } from '@ciclo/domain';
import {
  axeViolations,
  sessionAs,
  describeViolations,
  newContext,
  screenshot,
  startConsole,
  type ConsoleEnv,
} from '../support/browser';

const year = Number(isoDateAt(new Date(), 'Europe/Rome').slice(0, 4));
const HEADER =
  'Codice processo;Processo;Area;Ufficio;Codice rischio;Evento rischioso;Fattori abilitanti;Valutazione complessiva;Motivazione;interesse_esterno;discrezionalita;eventi_passati;opacita;collaborazione;attuazione_misure;Codice misura;Misura;Tipo misura;Categoria;Ufficio responsabile;Dirigente;Fasi e scadenze;Indicatore di attuazione;Target';
const ind =
  'alto: vantaggi economici;medio: margini di scelta;basso: nessun evento;medio: pubblicazione parziale;basso: collaborativo;medio: misure in corso';
const CSV = [
  HEADER,
  `C2.2.3;Manifestazioni a premio;Sviluppo economico;Armonizzaz. e tutela del mercato;C2.2.3-R1;Omesso controllo per favorire un promotore;discrezionalità;alto;interesse economico elevato dei promotori;${ind};MS1;Check list dei controlli;specifica;controllo;Armonizzaz. e tutela del mercato;Andrea Campione;Adozione della check list entro 02/01/${year};Pratiche con check list / totali;100%`,
  `B1.1.1;Acquisizione risorse umane;Servizi amministrativi;Risorse umane e patrimonio;B1.1.1-R1;Requisiti di accesso personalizzati;discrezionalità;medio;bandi su modelli standard;${ind};MG-TRASP;Pubblicazione dei bandi;generale;trasparenza;Risorse umane e patrimonio;Andrea Campione;Pubblicazione entro 31/12/${year + 1};Bandi pubblicati / bandi;100%`,
].join('\r\n');

describe('console: the risk register (RPCT)', () => {
  let env: ConsoleEnv;
  let id: string;
  beforeAll(async () => {
    env = await startConsole('console-rischi');
    const rpct = await env.api.token('u-demo-rpct', ['rpct'], 'cciaa-po');
    const opened = await env.api.call<{ cycleId: string }>('POST', '/cycles', {
      token: rpct,
      body: { type: 'ptpct', year },
    });
    id = opened.body.cycleId;
    const imported = await env.api.call<{ refused: unknown[] }>('POST', `/cycles/${id}/register/import`, {
      token: rpct,
      raw: CSV,
      headers: { 'content-type': 'text/csv', 'x-file-name': 'registro.csv' },
    });
    expect(imported.body.refused).toEqual([]);
    const added = await env.api.call('POST', `/cycles/${id}/plan/commands/add_register_item`, {
      token: rpct,
      body: {
        kind: 'process',
        code: 'D6.1.4',
        title: 'Sostegno all’accesso al credito',
        area: 'Sviluppo economico',
      },
    });
    expect(added.status).toBe(200);
  }, 120_000);
  afterAll(async () => env?.close());

  it('shows the processes by rating, filters them by level, and the measures with their status and lateness', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await sessionAs(page, 'Marco Finzione', `/cicli/${id}`);
    await page.getByRole('link', { name: 'Apri il registro dei rischi corruttivi' }).click();
    await page.getByRole('heading', { name: 'Registro dei rischi corruttivi' }).waitFor();

    const byRating = page.locator('table', {
      has: page.locator('caption', { hasText: 'Processi per livello di rischio' }),
    });
    // The heading shows before the register is read: wait for the summary's rows.
    await byRating.locator('tbody tr').first().waitFor();
    expect(await byRating.locator('tbody tr').allInnerTexts()).toEqual([
      'Alto\t1',
      'Medio\t1',
      'Basso\t0',
      'Non valutato\t1',
    ]);
    const status = page.locator('table', { has: page.locator('caption', { hasText: 'Stato delle misure' }) });
    expect(await status.locator('tbody tr').allInnerTexts()).toEqual([
      'Attuata\t0',
      'Parzialmente attuata\t0',
      'Non attuata\t0',
      'Non rendicontata\t2',
      'In ritardo\t1',
    ]);
    await page
      .getByText('D6.1.4: Processo non ancora valutato (o valutato con livelli che il metodo non prevede)')
      .waitFor();

    // Highest rating first, the unassessed last.
    const rows = page.locator('section[aria-labelledby="processi"] tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.id))).toEqual([
      'processo-C2.2.3',
      'processo-B1.1.1',
      'processo-D6.1.4',
    ]);
    expect(await page.locator('[id="processo-C2.2.3"]').innerText()).toContain(
      'interesse economico elevato dei promotori',
    );
    expect(await page.locator('[id="processo-C2.2.3"]').innerText()).toContain(
      'Misure: MS1 (Check list dei controlli)',
    );
    await page.getByLabel('Livello di rischio', { exact: true }).selectOption('medio');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.id))).toEqual(['processo-B1.1.1']);
    await page.getByLabel('Livello di rischio', { exact: true }).selectOption('');

    const ms1 = page.locator('#misura-MS1');
    expect(await ms1.innerText()).toContain(`Adozione della check list: entro il 02/01/${year} (scaduta)`);
    expect(await ms1.innerText()).toContain('In ritardo');
    await page.getByLabel('Solo le misure in ritardo').check({ force: true });
    expect(await page.locator('section[aria-labelledby="misure"] tbody tr').count()).toBe(1);
    await page.getByLabel('Solo le misure in ritardo').uncheck({ force: true });

    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'registro-rischi');
  });
});
