/**
 * The cycle page shows the cycles a cycle belongs with (docs/links.md): the Relazione sulla
 * performance shows the PIAO it reports on (who linked it, when), a missing link as missing, and
 * the PIAO shows the Relazione reporting on it and whether the OIV validated it; the Monitoraggio
 * intermedio shows the PIAO's measurement period and the variation it opened, linking to the PIAO's
 * plan as varied.
 */
import { createHash } from 'node:crypto';
import { startConsole, type ConsoleEnv } from '../support/browser';
import { as, checkPage, closePage, cycleLoaded, todayRome } from './pages';

describe('console: links between cycles on the cycle page', () => {
  let env: ConsoleEnv;
  let piao = '', relazione = '', lonely = '';

  beforeAll(async () => {
    env = await startConsole('console-links');
    const po = await env.api.token('u-demo-po-1', ['po'], env.demo.tenant);
    const open = async (type: string, year: number) => (await env.api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type, year } })).body.cycleId;
    piao = await open('piao', 2029);
    relazione = await open('relazione_performance', 2030);
    lonely = await open('relazione_performance', 2035);
  });
  afterAll(async () => {
    await env.close();
  });

  it('the Relazione names the PIAO it reports on, with a link to it; the PIAO names the Relazione', async () => {
    const page = await as(env, 'Giulia Esempio', `/cicli/${relazione}`);
    await cycleLoaded(page);
    const section = page.getByRole('region', { name: 'Cicli collegati' });
    await section.getByText('PIAO di riferimento').waitFor();
    expect(await section.getByRole('link', { name: 'PIAO 2029-2031' }).getAttribute('href')).toBe(`/cicli/${piao}`);
    await section.getByText(/Collegato automaticamente da Luca Prova il/).waitFor();
    await checkPage(page, 'ciclo-collegamenti');
    await section.getByRole('link', { name: 'PIAO 2029-2031' }).click();
    await cycleLoaded(page);
    const onPiao = page.getByRole('region', { name: 'Cicli collegati' });
    expect(await onPiao.getByRole('link', { name: 'Relazione sulla performance 2030' }).getAttribute('href')).toBe(`/cicli/${relazione}`);
    await onPiao.getByText("Relazione sulla performance 2030 non ancora validata dall'OIV").waitFor();
    await closePage(page);
  });

  it("the Monitoraggio shows the PIAO's period and the variation the Giunta approved, with a link to the plan as varied", async () => {
    // The demo chamber's monitoring of 2022 closed the first semester on the demo PIAO.
    const demoPage = await as(env, 'Giulia Esempio', `/cicli/${env.demo.monitoringCycleId}`);
    await cycleLoaded(demoPage);
    await demoPage.getByRole('region', { name: 'Cicli collegati' }).getByText('Periodo di misurazione 2022-S1 del PIAO chiuso').waitFor();
    // The demo PIAO is a draft: no variation yet, and the page says why.
    expect(await demoPage.getByRole('button', { name: 'Avvia una variazione del Piano' }).isDisabled()).toBe(true);
    await demoPage.getByText('Avvia una variazione del Piano non è ancora possibile: Il piano non è ancora adottato').waitFor();
    await checkPage(demoPage, 'monitoraggio-demo');
    await closePage(demoPage);

    // A PIAO adopted, its monitoring through to the Giunta's deliberation on the variation.
    const t = async (user: string, role: string) => env.api.token(user, [role as never], env.demo.tenant);
    const [po, sg, dir, organi] = await Promise.all([t('u-demo-po-1', 'po'), t('u-demo-sg', 'segretario_generale'), t('u-demo-dir', 'dirigente'), t('u-demo-organi', 'segreteria_organi')]);
    const call = async (path: string, token: string, body: unknown = {}) => {
      const r = await env.api.call<{ cycleId?: string }>('POST', path, { token, body });
      expect([path, r.status]).toEqual([path, expect.any(Number)]);
      if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    // Next year's PIAO: its acts may be dated today (a cycle's acts start the year before its period).
    const Y = Number(todayRome().slice(0, 4)) + 1;
    const piaoNext = (await call('/cycles', po, { type: 'piao', year: Y })).cycleId as string;
    const indicator = { kind: 'indicator', code: 'I1', objectiveCode: 'OO1', name: 'Imprese assistite', type: 'volume', unit: 'n', baseline: { value: 10 }, weight: 100, targets: [Y, Y + 1, Y + 2].map((year) => ({ year, operator: '>=', value: 60 })) };
    await call(`/cycles/${piaoNext}/plan/commands/batch`, po, {
      commands: [
        { command: 'add_node', kind: 'ambito', code: 'A1', title: 'Competitività' },
        { command: 'add_node', kind: 'strategic_objective', code: 'OS1', title: 'Digitalizzazione', ambitoCode: 'A1' },
        { command: 'add_node', kind: 'operational_objective', code: 'OO1', title: 'Punto Impresa Digitale', strategicObjectiveCode: 'OS1', resources: null, area: 'Promozione' },
        { command: 'add_node', ...indicator },
      ],
    });
    await call(`/cycles/${piaoNext}/commands/submit`, po);
    await call(`/cycles/${piaoNext}/commands/approve`, sg);
    await call(`/cycles/${piaoNext}/commands/record_giunta_deliberation`, organi, { number: '5/V', date: todayRome(), actHash: sha('piaoNext') });
    const monit = (await call('/cycles', po, { type: 'monitoraggio_intermedio', year: Y })).cycleId as string;
    await call(`/cycles/${monit}/commands/close_measurements`, po);
    await call(`/cycles/${monit}/commands/approve`, sg);
    const upload = await env.api.call('POST', `/cycles/${monit}/documents`, { token: po, raw: Buffer.from('%PDF-1.4 esiti'), headers: { 'content-type': 'application/pdf', 'x-file-name': 'esiti.pdf' } });
    expect(upload.status).toBe(201);
    await call(`/cycles/${monit}/commands/send_report`, po, { sentOn: todayRome() });
    await call(`/cycles/${monit}/commands/start_variation`, sg, { reason: 'Target rivisto dopo il monitoraggio' });
    await call(`/cycles/${piaoNext}/plan/commands/set_targets`, dir, { indicatorCode: 'I1', targets: [{ year: Y, operator: '>=', value: 45 }] });
    await call(`/cycles/${monit}/commands/submit`, po);
    await call(`/cycles/${monit}/commands/record_giunta_deliberation`, organi, { number: '77/V', date: todayRome(), actHash: sha('variazione') });

    const page = await as(env, 'Giulia Esempio', `/cicli/${monit}`);
    await cycleLoaded(page);
    const section = page.getByRole('region', { name: 'Cicli collegati' });
    await section.getByText(`Periodo di misurazione ${Y}-S1 del PIAO chiuso`).waitFor();
    await section.getByText(`Variazione n. 1 del Piano approvata con deliberazione della Giunta n. 77/V del ${todayRome().split('-').reverse().join('/')}`).waitFor();
    await checkPage(page, 'monitoraggio-variazione');
    // The monitoring has no tree of its own: its page opens the PIAO's plan.
    expect(await page.getByRole('link', { name: 'Apri il piano del PIAO monitorato (obiettivi e indicatori)' }).getAttribute('href')).toBe(`/cicli/${piaoNext}/piano`);
    const toPlan = section.getByRole('link', { name: 'il Piano come variato e come adottato' });
    expect(await toPlan.getAttribute('href')).toBe(`/cicli/${piaoNext}/piano?scheda=variazione`);
    await toPlan.click();
    await page.getByRole('tab', { name: 'Variazione', selected: true }).waitFor();
    await page.getByText('Adottato con deliberazione n. 5/V').waitFor();
    await page.getByRole('link', { name: 'Monitoraggio intermedio' }).waitFor();
    await checkPage(page, 'piano-variato-dal-monitoraggio');
    await closePage(page);
  });

  it('a link with no cycle yet shows as such', async () => {
    const page = await as(env, 'Giulia Esempio', `/cicli/${lonely}`);
    await cycleLoaded(page);
    await page.getByRole('region', { name: 'Cicli collegati' }).getByText('Nessun ciclo collegato').waitFor();
    await closePage(page);
  });
});
