// The transparency grid and the OIV's yearly attestation through HTTP on PostgreSQL: the seeded
// grid with its status, publication records and their refusals (nothing written), and a whole
// attestation cycle with the OIV sending the grid back, then attesting; publication and
// transmission to ANAC; the OIV cannot be who prepared the grid.
import { resolve } from 'node:path';
import { isoDateAt, addDays } from '@ciclo/domain';
import { PostgresEventStore } from '@ciclo/event-store';
import { loadTransparencySeed } from '@ciclo/workflow';
import { startTestApi, type TestApi } from '../support/api';

const SEEDS = resolve(__dirname, '../../seeds');
const today = () => isoDateAt(new Date(), 'Europe/Rome');

interface GridAnswer {
  today: string;
  total: number;
  counts: Record<string, number>;
  offices: string[];
  rows: { id: string; status: string; frequency: string; producerOffice: string | null; publisherOffice: string | null; lastUrl: string | null; dueDate: string | null; publications: { by: string }[] }[];
}
interface ErrorAnswer {
  code: string;
  messageIt: string;
  fields?: { field: string; problem: string; problemIt?: string }[];
}

describe('transparency grid and OIV attestation through HTTP', () => {
  let api: TestApi;
  let store: PostgresEventStore;
  let rpct: string, po: string, st: string, oiv: string, stAlsoOiv: string;

  beforeAll(async () => {
    api = await startTestApi('transp');
    store = new PostgresEventStore({ connectionString: api.db.url, poolSize: 2 });
    const first = await loadTransparencySeed(store, SEEDS, { userId: 'u-rpct', tenant: 'cciaa-po', roles: ['rpct'], via: 'system' }, { offices: true, correlationId: 'test' });
    expect(first).toMatchObject({ obligations: 61, assignments: 61, refused: [] });
    const again = await loadTransparencySeed(store, SEEDS, { userId: 'u-rpct', tenant: 'cciaa-po', roles: ['rpct'], via: 'system' }, { offices: true, correlationId: 'test' });
    expect(again).toMatchObject({ obligations: 0, assignments: 0 });
    [rpct, po, st, oiv, stAlsoOiv] = await Promise.all([
      api.token('u-rpct', ['rpct']),
      api.token('u-po', ['po']),
      api.token('u-st', ['struttura_tecnica']),
      api.token('u-oiv', ['oiv']),
      api.token('u-st-oiv', ['struttura_tecnica', 'oiv']),
    ]);
  });
  afterAll(async () => {
    await store.close();
    await api.close();
  });

  it('lists the seeded grid, never published, filtered by office and status', async () => {
    const all = await api.call<GridAnswer>('GET', '/transparency/obligations', { token: po });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ today: today(), total: 61, counts: { mai_pubblicato: 61, aggiornato: 0, scaduto: 0, in_scadenza: 0 } });
    expect(all.body.offices).toContain('Risorse umane e patrimonio');
    const hr = await api.call<GridAnswer>('GET', `/transparency/obligations?office=${encodeURIComponent('Risorse umane e patrimonio')}`, { token: po });
    expect(hr.body.rows.length).toBeGreaterThan(5);
    expect(hr.body.rows.every((r) => r.producerOffice === 'Risorse umane e patrimonio' || r.publisherOffice === 'Risorse umane e patrimonio')).toBe(true);
    const bad = await api.call<ErrorAnswer>('GET', '/transparency/obligations?status=vecchio', { token: po });
    expect(bad.status).toBe(400);
    expect(bad.body.fields?.[0].field).toBe('query.status');
  });

  it('records a publication; refuses a future date, a non-https address, an unknown obligation and other roles, writing nothing', async () => {
    const id = 'personale-tassi-assenza';
    const head = await api.head();
    const future = await api.call<ErrorAnswer>('POST', `/transparency/obligations/${id}/publications`, { token: po, body: { date: addDays(today(), 2), url: 'https://www.example.org/at/assenze' } });
    expect(future.status).toBe(422);
    expect(future.body.code).toBe('DATE_IN_FUTURE');
    expect(future.body.fields).toEqual([expect.objectContaining({ field: 'date' })]);
    const http = await api.call<ErrorAnswer>('POST', `/transparency/obligations/${id}/publications`, { token: po, body: { date: today(), url: 'http://www.example.org/at/assenze' } });
    expect(http.status).toBe(400);
    expect(http.body.fields).toEqual([expect.objectContaining({ field: 'url', problemIt: 'deve essere un indirizzo web https' })]);
    expect(http.body.messageIt).toMatch(/url/);
    const unknown = await api.call<ErrorAnswer>('POST', '/transparency/obligations/nessun-obbligo/publications', { token: po, body: { date: today(), url: 'https://example.org' } });
    expect(unknown.status).toBe(404);
    const extra = await api.call<ErrorAnswer>('POST', `/transparency/obligations/${id}/publications`, { token: po, body: { date: today(), url: 'https://example.org', colour: 'red' } });
    expect(extra.status).toBe(400);
    const byOiv = await api.call<ErrorAnswer>('POST', `/transparency/obligations/${id}/publications`, { token: oiv, body: { date: today(), url: 'https://example.org' } });
    expect(byOiv.status).toBe(403);
    expect(await api.head()).toBe(head);

    const ok = await api.call('POST', `/transparency/obligations/${id}/publications`, { token: po, body: { date: today(), url: 'https://www.example.org/at/assenze', note: 'Trimestre concluso' } });
    expect(ok.status).toBe(201);
    const grid = await api.call<GridAnswer>('GET', '/transparency/obligations?status=in_scadenza', { token: po });
    expect(grid.body.rows.find((r) => r.id === id)).toBeUndefined();
    const row = (await api.call<GridAnswer>('GET', '/transparency/obligations', { token: po })).body.rows.find((r) => r.id === id);
    expect(row).toMatchObject({ status: 'aggiornato', frequency: 'trimestrale', lastUrl: 'https://www.example.org/at/assenze', publications: [{ by: 'u-po' }] });
    expect(row?.dueDate).not.toBeNull();
  });

  it('runs an attestation: grid, send-back by the OIV, attestation, publication, transmission to ANAC; the grid editor cannot attest', async () => {
    const year = Number(today().slice(0, 4));
    const opened = await api.call<{ cycleId: string; stage: string }>('POST', '/cycles', { token: st, body: { type: 'attestazione_oiv', year } });
    expect(opened.status).toBe(201);
    expect(opened.body.stage).toBe('rilevazione');
    const id = opened.body.cycleId;
    const cmd = (command: string, token: string, body: Record<string, unknown> = {}) => api.call<Record<string, unknown> & ErrorAnswer>('POST', `/cycles/${id}/commands/${command}`, { token, body });
    const row = (token: string, body: Record<string, unknown>) => api.call<{ rows: { obligationId: string; completezza: number; by: string }[]; editable: boolean } & ErrorAnswer>('POST', `/cycles/${id}/attestation-grid/rows`, { token, body });
    const values = { pubblicazione: 2, completezza: 3, aggiornamento: 3, formatoAperto: 3 };

    const before = await api.call<{ availableCommands: string[]; blockedCommands: { command: string; code: string; messageIt: string }[] }>('GET', `/cycles/${id}`, { token: st });
    expect(before.body.availableCommands).not.toContain('submit_to_oiv');
    expect(before.body.blockedCommands).toEqual([expect.objectContaining({ command: 'submit_to_oiv', code: 'ATTESTATION_GRID_EMPTY', messageIt: expect.stringMatching(/griglia di rilevazione è vuota/) })]);
    const empty = await cmd('submit_to_oiv', st);
    expect(empty.status).toBe(422);
    expect(empty.body.code).toBe('ATTESTATION_GRID_EMPTY');
    expect((await row(st, { obligationId: 'performance-premi-ammontare', ...values })).status).toBe(201);
    // One person holding struttura tecnica and OIV drafts a row: they become a drafter of the cycle.
    const drafted = await row(stAlsoOiv, { obligationId: 'bandi-concorso', ...values, completezza: 2, note: 'Mancano le tracce delle prove' });
    expect(drafted.status).toBe(201);
    expect(drafted.body.rows.map((r) => r.obligationId)).toEqual(['performance-premi-ammontare', 'bandi-concorso']);
    const badValues = await row(st, { obligationId: 'bandi-concorso', ...values, pubblicazione: 1, aggiornamento: 4 });
    expect(badValues.status).toBe(400);
    expect(badValues.body.fields?.map((f) => f.field).sort()).toEqual(['aggiornamento', 'pubblicazione']);
    expect((await row(st, { obligationId: 'non-esiste', ...values })).status).toBe(404);
    expect((await row(oiv, { obligationId: 'bandi-concorso', ...values })).status).toBe(403);

    expect((await cmd('submit_to_oiv', st, { note: 'Griglia al 31 maggio' })).status).toBe(200);
    const frozen = await row(st, { obligationId: 'bandi-concorso', ...values });
    expect(frozen.status).toBe(409);
    expect(frozen.body.code).toBe('ATTESTATION_GRID_NOT_EDITABLE');

    const back = await cmd('send_back', oiv, { reason: 'Verificare la completezza dei bandi di concorso', reportReference: 'Verbale OIV n. 3' });
    expect(back.status).toBe(200);
    expect(back.body.stage).toBe('rilevazione');
    expect((await row(rpct, { obligationId: 'bandi-concorso', ...values })).status).toBe(201);
    expect((await cmd('submit_to_oiv', rpct)).status).toBe(200);

    const upload = await api.call('POST', `/cycles/${id}/documents`, { token: oiv, raw: Buffer.from('%PDF-1.7 attestazione'), headers: { 'content-type': 'application/pdf', 'x-file-name': 'attestazione-oiv.pdf' } });
    expect(upload.status).toBe(201);
    // Independence: whoever drafted a row of the grid cannot attest, even holding the OIV role.
    const head = await api.head();
    const notIndependent = await cmd('attest', stAlsoOiv, { reportReference: 'Attestazione OIV', date: today() });
    expect(notIndependent.status).toBe(422);
    expect(notIndependent.body.code).toBe('INDEPENDENCE_REQUIRED');
    expect(notIndependent.body.messageIt).toMatch(/griglia di rilevazione/);
    expect(await api.head()).toBe(head);

    const attested = await cmd('attest', oiv, { reportReference: 'Documento di attestazione OIV', date: today() });
    expect(attested.status).toBe(200);
    expect(attested.body.stage).toBe('attestata');
    const published = await cmd('publish', po, { channel: 'amministrazione_trasparente', url: 'https://www.example.org/at/controlli/oiv/attestazione', date: today() });
    expect(published.status).toBe(200);
    const sent = await cmd('transmit_anac', rpct, { recipient: 'anac', protocol: 'ANAC-2026-77', date: today() });
    expect(sent.status).toBe(200);

    const view = await api.call<{ stage: string; status: string; deadlines: { id: string; status: string; legalDate: string }[] }>('GET', `/cycles/${id}`, { token: rpct });
    expect(view.body).toMatchObject({ stage: 'trasmessa', status: 'closed' });
    expect(view.body.deadlines).toEqual([expect.objectContaining({ id: 'pubblicazione', legalDate: `${year}-06-30` })]);
    const grid = await api.call<{ rows: { obligationId: string; completezza: number; by: string }[]; editable: boolean }>('GET', `/cycles/${id}/attestation-grid`, { token: oiv });
    expect(grid.body.editable).toBe(false);
    expect(grid.body.rows).toEqual([
      expect.objectContaining({ obligationId: 'performance-premi-ammontare', completezza: 3, by: 'u-st' }),
      expect.objectContaining({ obligationId: 'bandi-concorso', completezza: 3, by: 'u-rpct' }),
    ]);
    expect((await api.call('GET', `/cycles/${id}/attestation-grid`, { token: await api.token('u-x', ['po'], 'cciaa-altra') })).status).toBe(404);
    // A PIAO has a plan, not a survey grid; the attestation has no plan to edit.
    const piao = await api.call<{ cycleId: string }>('POST', '/cycles', { token: await api.token('u-po2', ['po']), body: { type: 'piao', year } });
    const onPiao = await api.call<ErrorAnswer>('POST', `/cycles/${piao.body.cycleId}/attestation-grid/rows`, { token: rpct, body: { obligationId: 'bandi-concorso', ...values } });
    expect(onPiao.status).toBe(404);
    expect(onPiao.body.code).toBe('NO_SURVEY_GRID');
    const attestation2 = await api.call<{ cycleId: string }>('POST', '/cycles', { token: st, body: { type: 'attestazione_oiv', year: year + 1 } });
    const planEdit = await api.call<ErrorAnswer>('POST', `/cycles/${attestation2.body.cycleId}/plan/commands/add_node`, { token: st, body: { kind: 'ambito', code: '01', title: 'Ambito' } });
    expect(planEdit.status).toBe(409);
    expect(planEdit.body.code).toBe('PLAN_NOT_EDITABLE');
  });
});
