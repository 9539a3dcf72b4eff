/**
 * The cycle page shows the cycles a cycle belongs with (docs/links.md): the Relazione sulla
 * performance shows the PIAO it reports on (who linked it, when), a missing link as missing, and
 * the PIAO shows the Relazione reporting on it and whether the OIV validated it.
 */
import { startConsole, type ConsoleEnv } from '../support/browser';
import { as, checkPage, closePage, cycleLoaded } from './pages';

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

  it('a link with no cycle yet shows as such', async () => {
    const page = await as(env, 'Giulia Esempio', `/cicli/${lonely}`);
    await cycleLoaded(page);
    await page.getByRole('region', { name: 'Cicli collegati' }).getByText('Nessun ciclo collegato').waitFor();
    await closePage(page);
  });
});
