// Editing the risk register in the console: the RPCT adds a process from the catalogue, changes it,
// adds, changes and removes risk events, assesses the process, adds, changes and removes measures
// (a specific measure without risks is refused beside its field, nothing written) and sets the
// monitoring dates; after submission the page is read-only and says why; once adopted, the
// dirigente reports on a measure and the RPCT corrects the report. axe on every step, screenshots.
import { isoDateAt } from '@ciclo/domain';
import type { Page } from 'playwright-core';
import { startConsole, type ConsoleEnv } from '../support/browser';
import { as, checkPage, closePage, todayRome } from './pages';

const year = Number(isoDateAt(new Date(), 'Europe/Rome').slice(0, 4));
const INDICATORS: [string, string][] = [
  ['Livello di interesse esterno', 'alto'],
  ['Grado di discrezionalità del decisore interno', 'alto'],
  ['Manifestazione di eventi corruttivi in passato', 'basso'],
  ['Opacità del processo decisionale (trasparenza)', 'medio'],
  ['Livello di collaborazione del responsabile del processo', 'basso'],
  ['Grado di attuazione delle misure di trattamento', 'alto'],
];

interface RegisterBody {
  editable: boolean;
  problems: unknown[];
  processes: {
    code: string;
    title: string;
    area?: string;
    office?: string;
    rating: string | null;
    motivation: string | null;
    indicators: Record<string, { level: string; reason: string }>;
    risks: { code: string; description: string; factors: string[]; measureCodes: string[] }[];
  }[];
  measures: {
    code: string;
    measureKind: string;
    category: string;
    riskCodes: string[];
    owner: { office: string; dirigente: string };
    phases: { title: string; deadline: string }[];
    target: string;
    status: string | null;
    checked: boolean;
  }[];
  monitoringDates: string[];
}

/** The rows of a summary table by its caption: "Alto\t1". */
const summaryRows = (page: Page, caption: string) =>
  page
    .locator('table', { has: page.locator('caption', { hasText: caption }) })
    .locator('tbody tr')
    .allInnerTexts();

describe('console: editing the risk register', () => {
  let env: ConsoleEnv;
  let id: string;
  let rpct: string;
  const today = todayRome();
  const readRegister = async () =>
    (await env.api.call<RegisterBody>('GET', `/cycles/${id}/register`, { token: rpct })).body;

  beforeAll(async () => {
    env = await startConsole('console-rischi-modifica');
    rpct = await env.api.token('u-demo-rpct', ['rpct'], 'cciaa-po');
    const opened = await env.api.call<{ cycleId: string }>('POST', '/cycles', {
      token: rpct,
      body: { type: 'ptpct', year },
    });
    id = opened.body.cycleId;
  }, 120_000);
  afterAll(async () => env?.close());

  it('the RPCT builds the register in the drafting stage, every kind of edit, a refusal beside its field', async () => {
    const page = await as(env, 'Marco Finzione', `/cicli/${id}/rischi`);
    await page.getByText('Registro modificabile in questa fase').waitFor();
    // The confirmation of an edit; when it does not come, what the page says instead.
    const done = (text: string) =>
      page
        .getByRole('status')
        .getByText(`Fatto: ${text}`)
        .waitFor()
        .catch(async (err: Error) => {
          throw new Error(
            `${err.message}\n${(await page.locator('form').allInnerTexts()).join('\n---\n').slice(0, 1500)}`,
          );
        });

    // A process from the catalogue: the search fills its code and title.
    await page.getByRole('button', { name: 'Aggiungi un processo' }).click();
    const add = page.getByRole('form', { name: 'Nuovo processo nel registro' });
    await add.getByLabel('Cerca nel catalogo (parole del titolo o codice)').fill('accesso al credito');
    await add.getByRole('button', { name: 'Cerca nel catalogo' }).click();
    await add.getByLabel(/^Processo del catalogo/).selectOption('D6.1.4');
    expect(await add.getByLabel('Codice del processo (obbligatorio)').inputValue()).toBe('D6.1.4');
    expect(await add.getByLabel('Titolo del processo (obbligatorio)').inputValue()).toBe(
      "Sostegno all'accesso al credito",
    );
    await add.getByLabel('Area organizzativa responsabile').fill('Sviluppo economico');
    await checkPage(page, 'registro-rischi-nuovo-processo');
    await add.getByRole('button', { name: 'Aggiungi il processo' }).click();
    await done('Processo D6.1.4 aggiunto');

    await page.getByRole('button', { name: 'Modifica il processo D6.1.4' }).click();
    const upd = page.getByRole('form', { name: 'Modifica il processo D6.1.4' });
    await upd.getByLabel('Ufficio responsabile').fill('Promozione e sviluppo delle imprese');
    await upd.getByRole('button', { name: 'Salva le modifiche' }).click();
    await done('Processo D6.1.4 modificato');
    expect(await page.locator('[id="processo-D6.1.4"]').innerText()).toContain(
      'Promozione e sviluppo delle imprese',
    );

    // Risk events: two added, the first changed, the second removed.
    for (const [code, text] of [
      ['D6.1.4-R1', 'Contributi concessi senza verifica dei requisiti'],
      ['D6.1.4-R2', 'Ritardo nella liquidazione'],
    ]) {
      await page.getByRole('button', { name: 'Aggiungi evento rischioso al processo D6.1.4' }).click();
      const risk = page.getByRole('form', { name: 'Nuovo evento rischioso del processo D6.1.4' });
      expect(await risk.getByLabel('Codice dell’evento rischioso (obbligatorio)').inputValue()).toBe(code);
      await risk.getByLabel('Evento rischioso (che cosa può accadere) (obbligatorio)').fill(text);
      await risk.getByLabel('Fattori abilitanti').fill('discrezionalità\ncarenza di controlli');
      await risk.getByRole('button', { name: 'Aggiungi l’evento' }).click();
      await done(`Evento rischioso ${code} aggiunto`);
    }
    await page.getByRole('button', { name: 'Modifica l’evento rischioso D6.1.4-R1' }).click();
    const editRisk = page.getByRole('form', { name: 'Modifica l’evento rischioso D6.1.4-R1' });
    await editRisk
      .getByLabel(/^Evento rischioso/)
      .fill('Contributi concessi a imprese prive dei requisiti del bando');
    await editRisk.getByRole('button', { name: 'Salva le modifiche' }).click();
    await done('Evento rischioso D6.1.4-R1 modificato');
    await page.getByRole('button', { name: 'Rimuovi l’evento rischioso D6.1.4-R2' }).click();
    await page
      .getByRole('form', { name: 'Rimuovi l’evento rischioso D6.1.4-R2' })
      .getByRole('button', { name: 'Rimuovi' })
      .click();
    await done('L’evento rischioso D6.1.4-R2 è stato rimosso dal registro');
    await page.locator('[id="rischio-D6.1.4-R2"]').waitFor({ state: 'detached' });

    // The assessment: each indicator with its level and reason; the prevailing level is shown, the overall rating is the RPCT's.
    await page.getByRole('button', { name: 'Valuta il processo D6.1.4' }).click();
    const assess = page.getByRole('form', { name: 'Valuta il rischio del processo D6.1.4' });
    for (const [title, level] of INDICATORS) {
      await assess.getByLabel(`Livello: ${title}`).selectOption(level);
      await assess.getByLabel(`Motivazione: ${title}`).fill(`motivo per ${title.toLowerCase()}`);
    }
    await assess
      .getByText('Livello prevalente tra gli indicatori: alto (un riferimento, non vincolante).')
      .waitFor();
    await assess.getByLabel('Valutazione complessiva (obbligatorio)').selectOption('alto');
    await assess
      .getByLabel('Motivazione del giudizio (obbligatorio)')
      .fill('contributi economici diretti alle imprese');
    await checkPage(page, 'registro-rischi-valutazione');
    await assess.getByRole('button', { name: 'Salva la valutazione' }).click();
    await done('Processo D6.1.4 valutato: alto');
    expect(await summaryRows(page, 'Processi per livello di rischio')).toEqual([
      'Alto\t1',
      'Medio\t0',
      'Basso\t0',
      'Non valutato\t0',
    ]);

    // A specific measure treating no risk is refused beside the risks it should treat; nothing is written.
    await page.getByRole('button', { name: 'Aggiungi una misura' }).click();
    const measure = page.getByRole('form', { name: 'Nuova misura di prevenzione' });
    await measure.getByLabel('Codice della misura (obbligatorio)').fill('MS1');
    await measure.getByLabel('Titolo della misura (obbligatorio)').fill('Verifica a campione dei requisiti');
    await measure
      .getByLabel('Ufficio responsabile (obbligatorio)')
      .fill('Promozione e sviluppo delle imprese');
    await measure.getByLabel('Dirigente responsabile (obbligatorio)').fill('Andrea Campione');
    await measure.getByLabel('Fase 1', { exact: true }).fill('Estrazione del campione');
    await measure.getByLabel('Scadenza della fase 1').fill(`${year + 1}-03-31`);
    await measure
      .getByLabel('Indicatore di attuazione (obbligatorio)')
      .fill('Pratiche verificate / pratiche del campione');
    await measure.getByLabel('Target (obbligatorio)').fill('100%');
    const head = await env.api.head();
    await measure.getByRole('button', { name: 'Aggiungi la misura' }).click();
    const risks = measure.locator('fieldset', {
      has: page.locator('legend', { hasText: 'Eventi rischiosi trattati' }),
    });
    await risks
      .locator('.invalid-feedback')
      .getByText('Una misura specifica deve trattare almeno un evento rischioso')
      .waitFor();
    const box = risks.getByLabel('D6.1.4-R1 · Contributi concessi a imprese prive dei requisiti del bando');
    expect(await box.getAttribute('aria-invalid')).toBe('true');
    expect(await measure.locator('.alert-danger').count()).toBe(0);
    expect(await env.api.head()).toBe(head);
    await checkPage(page, 'registro-rischi-misura-rifiutata');
    await box.check({ force: true });
    await measure.getByRole('button', { name: 'Aggiungi la misura' }).click();
    await done('Misura MS1 aggiunta');

    // The measure changed: a second phase, another target.
    await page.getByRole('button', { name: 'Modifica la misura MS1' }).click();
    const editMeasure = page.getByRole('form', { name: 'Modifica la misura MS1' });
    await editMeasure.getByRole('button', { name: 'Aggiungi una fase' }).click();
    await editMeasure.getByLabel('Fase 2', { exact: true }).fill('Verifica delle pratiche estratte');
    await editMeasure.getByLabel('Scadenza della fase 2').fill(`${year + 1}-06-30`);
    await editMeasure.getByLabel('Target (obbligatorio)').fill('100% delle pratiche estratte');
    await editMeasure.getByRole('button', { name: 'Salva le modifiche' }).click();
    await done('Misura MS1 modificata');
    expect(await page.locator('#misura-MS1').innerText()).toContain(
      `Verifica delle pratiche estratte: entro il 30/06/${year + 1}`,
    );

    // A general measure added, then removed.
    await page.getByRole('button', { name: 'Aggiungi una misura' }).click();
    const general = page.getByRole('form', { name: 'Nuova misura di prevenzione' });
    await general.getByLabel('Codice della misura (obbligatorio)').fill('MG-FORM');
    await general.getByLabel('Titolo della misura (obbligatorio)').fill('Formazione sull’etica pubblica');
    await general.getByLabel('Tipo di misura').selectOption('generale');
    await general.getByLabel('Categoria').selectOption('formazione');
    await general.getByLabel('Ufficio responsabile (obbligatorio)').fill('Risorse umane');
    await general.getByLabel('Dirigente responsabile (obbligatorio)').fill('Andrea Campione');
    await general.getByLabel('Fase 1', { exact: true }).fill('Corso per i dipendenti');
    await general.getByLabel('Scadenza della fase 1').fill(`${year + 1}-11-30`);
    await general
      .getByLabel('Indicatore di attuazione (obbligatorio)')
      .fill('Dipendenti formati / dipendenti');
    await general.getByLabel('Target (obbligatorio)').fill('80%');
    await general.getByRole('button', { name: 'Aggiungi la misura' }).click();
    await done('Misura MG-FORM aggiunta');
    expect(await page.locator('#misura-MG-FORM').innerText()).toContain('Generale · Formazione');
    await page.getByRole('button', { name: 'Rimuovi la misura MG-FORM' }).click();
    await page
      .getByRole('form', { name: 'Rimuovi la misura MG-FORM' })
      .getByRole('button', { name: 'Rimuovi' })
      .click();
    await done('La misura MG-FORM è stata rimossa dal registro');

    // The monitoring date on which the dirigenti will report.
    await page.getByRole('button', { name: 'Date di monitoraggio delle misure' }).click();
    const dates = page.getByRole('form', { name: 'Date di monitoraggio delle misure' });
    await dates.getByLabel('Data di monitoraggio 1').fill(today);
    await dates.getByRole('button', { name: 'Salva le date' }).click();
    await done('Date di monitoraggio salvate');
    await checkPage(page, 'registro-rischi-modificato');

    const reg = await readRegister();
    expect(reg.problems).toEqual([]);
    expect(reg.monitoringDates).toEqual([today]);
    expect(reg.processes).toEqual([
      expect.objectContaining({
        code: 'D6.1.4',
        title: "Sostegno all'accesso al credito",
        area: 'Sviluppo economico',
        office: 'Promozione e sviluppo delle imprese',
        rating: 'alto',
        motivation: 'contributi economici diretti alle imprese',
        risks: [
          expect.objectContaining({
            code: 'D6.1.4-R1',
            description: 'Contributi concessi a imprese prive dei requisiti del bando',
            factors: ['discrezionalità', 'carenza di controlli'],
            measureCodes: ['MS1'],
          }),
        ],
      }),
    ]);
    expect(reg.processes[0].indicators.opacita).toEqual({
      level: 'medio',
      reason: 'motivo per opacità del processo decisionale (trasparenza)',
    });
    expect(
      reg.measures.map((m) => [m.code, m.measureKind, m.category, m.riskCodes, m.owner, m.phases, m.target]),
    ).toEqual([
      [
        'MS1',
        'specifica',
        'controllo',
        ['D6.1.4-R1'],
        { office: 'Promozione e sviluppo delle imprese', dirigente: 'Andrea Campione' },
        [
          { title: 'Estrazione del campione', deadline: `${year + 1}-03-31` },
          { title: 'Verifica delle pratiche estratte', deadline: `${year + 1}-06-30` },
        ],
        '100% delle pratiche estratte',
      ],
    ]);
    await closePage(page);
  }, 300_000);

  it('after submission to the Giunta the register is read-only and the page says why', async () => {
    expect(
      (
        await env.api.call('POST', `/cycles/${id}/commands/submit`, {
          token: rpct,
          body: { note: 'proposta del RPCT' },
        })
      ).status,
    ).toBe(200);
    const page = await as(env, 'Marco Finzione', `/cicli/${id}/rischi`);
    await page.getByText('Registro in sola lettura in questa fase').waitFor();
    await page
      .getByRole('note')
      .getByText(
        'Il piano non è modificabile nella fase attuale: fase «In attesa di adozione da parte della Giunta»; il registro si modifica nelle fasi «Proposta del RPCT in preparazione». Il registro è in sola lettura.',
      )
      .waitFor();
    await page.locator('[id="processo-D6.1.4"]').waitFor();
    for (const name of [
      'Aggiungi un processo',
      'Aggiungi una misura',
      'Valuta il processo D6.1.4',
      'Modifica la misura MS1',
      'Rimuovi l’evento rischioso D6.1.4-R1',
      'Date di monitoraggio delle misure',
      'Rendiconta la misura MS1',
    ]) {
      expect([name, await page.getByRole('button', { name }).count()]).toEqual([name, 0]);
    }
    expect(await page.getByRole('columnheader', { name: 'Azioni' }).count()).toBe(0);
    await checkPage(page, 'registro-rischi-sola-lettura');
    await closePage(page);
  }, 120_000);

  it('once adopted, the dirigente reports on a measure and the RPCT corrects the report', async () => {
    const organi = await env.api.token('u-demo-segreteria', ['segreteria_organi'], 'cciaa-po');
    const adopted = await env.api.call('POST', `/cycles/${id}/commands/record_giunta_deliberation`, {
      token: organi,
      body: { number: `9/${year}`, date: today, actHash: 'b'.repeat(64) },
    });
    expect(adopted.status).toBe(200);

    const dirigente = await as(env, 'Andrea Campione', `/cicli/${id}/rischi`);
    await dirigente
      .getByRole('note')
      .getByText(/Il registro è in sola lettura; le misure si rendicontano alle date di monitoraggio\.$/)
      .waitFor();
    await dirigente.getByRole('button', { name: 'Rendiconta la misura MS1' }).click();
    const report = dirigente.getByRole('form', { name: 'Rendiconta la misura MS1' });
    expect(await report.getByLabel('Data della rendicontazione (obbligatorio)').inputValue()).toBe(today);
    await report.getByLabel('Stato di attuazione').selectOption('parzialmente_attuata');
    await report
      .getByLabel('Evidenze (atti, pubblicazioni, dati) (obbligatorio)')
      .fill('Campione estratto con determina n. 5; verifiche in corso');
    // A report dated tomorrow is refused beside its date; nothing is written.
    const tomorrow = new Date(Date.parse(`${today}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const dateField = report.getByLabel('Data della rendicontazione (obbligatorio)');
    await dateField.fill(tomorrow);
    const head = await env.api.head();
    await report.getByRole('button', { name: 'Invia la rendicontazione' }).click();
    await report
      .locator('.register-field', { has: dirigente.getByLabel('Data della rendicontazione (obbligatorio)') })
      .locator('.invalid-feedback')
      .getByText('La data è nel futuro')
      .waitFor();
    expect(await dateField.getAttribute('aria-invalid')).toBe('true');
    expect(await env.api.head()).toBe(head);
    await checkPage(dirigente, 'registro-rischi-rendicontazione');
    await dateField.fill(today);
    await report.getByRole('button', { name: 'Invia la rendicontazione' }).click();
    await dirigente
      .getByRole('status')
      .getByText(/^Fatto: Misura MS1 rendicontata al .*: parzialmente attuata$/)
      .waitFor();
    expect(await summaryRows(dirigente, 'Stato delle misure')).toContain('Parzialmente attuata\t1');
    expect(await dirigente.getByRole('button', { name: /^Verifica/ }).count()).toBe(0);
    await closePage(dirigente);

    const page = await as(env, 'Marco Finzione', `/cicli/${id}/rischi`);
    await page.getByRole('button', { name: 'Verifica la rendicontazione della misura MS1' }).click();
    const check = page.getByRole('form', { name: 'Verifica la rendicontazione della misura MS1' });
    await check.getByText('Evidenze: Campione estratto con determina n. 5; verifiche in corso').waitFor();
    await check.getByLabel('Esito della verifica').selectOption('rettificato');
    await check.getByLabel('Stato accertato dal RPCT').selectOption('non_attuata');
    await check.getByLabel('Nota del RPCT (obbligatorio)').fill('Le verifiche non sono iniziate');
    await check.getByRole('button', { name: 'Registra la verifica' }).click();
    await page.getByRole('status').getByText('Fatto: Rendicontazione della misura MS1 rettificata').waitFor();
    expect(await summaryRows(page, 'Stato delle misure')).toEqual([
      'Attuata\t0',
      'Parzialmente attuata\t0',
      'Non attuata\t1',
      'Non rendicontata\t0',
      'In ritardo\t0',
    ]);
    const ms1 = await page.locator('#misura-MS1').innerText();
    expect(ms1).toContain('verificata dal RPCT');
    expect(ms1).toContain('Verifica del RPCT: rettificata, non attuata (Le verifiche non sono iniziate)');
    await checkPage(page, 'registro-rischi-monitoraggio');
    const reg = await readRegister();
    expect(reg.measures.map((m) => [m.code, m.status, m.checked])).toEqual([['MS1', 'non_attuata', true]]);
    await closePage(page);
  }, 180_000);
});
