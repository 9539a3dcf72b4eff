// The chamber's risk rating method over HTTP: read, set by an administrator or the RPCT (refusals
// name the field and write nothing), pinned by a register's assessment, and reset to ANAC's.
import { isoDateAt } from '@ciclo/domain';
import { startTestApi, type TestApi } from '../support/api';

type Body = Record<string, unknown> & {
  code?: string;
  messageIt?: string;
  fields?: { field: string; problem: string }[];
};
type Method = {
  source: string;
  version: number;
  method: { indicators: { key: string; title: string }[]; levels: string[] };
  reason?: string;
  by?: string;
  history: { version: number; levels: string[] }[];
  pna2019: { levels: string[] };
  changed?: boolean;
};

const FOUR = {
  indicators: [
    { key: 'interesse_esterno', title: 'Interesse esterno' },
    { key: 'discrezionalita', title: 'Discrezionalità' },
  ],
  levels: ['basso', 'medio', 'alto', 'critico'],
};

describe('rating method of the chamber over HTTP', () => {
  let api: TestApi;
  let admin: string, rpct: string, dirigente: string;
  const year = Number(isoDateAt(new Date(), 'Europe/Rome').slice(0, 4));

  beforeAll(async () => {
    api = await startTestApi('ratingmethod');
    admin = await api.token('u-admin', ['admin']);
    rpct = await api.token('u-rpct', ['rpct']);
    dirigente = await api.token('u-dir', ['dirigente']);
  });
  afterAll(async () => api.close());

  const get = async () => (await api.call<Method>('GET', '/rating-method', { token: rpct })).body;
  const put = (body: unknown, token = rpct) => api.call<Method & Body>('PUT', '/rating-method', { token, body });

  it("answers ANAC's method while the chamber has none", async () => {
    const m = await get();
    expect(m).toMatchObject({ source: 'pna2019', version: 0, history: [] });
    expect(m.method.levels).toEqual(['basso', 'medio', 'alto']);
    expect(m.method.indicators.map((i) => i.key)).toEqual([
      'interesse_esterno',
      'discrezionalita',
      'eventi_passati',
      'opacita',
      'collaborazione',
      'attuazione_misure',
    ]);
  });

  it('refuses other roles and bad methods, naming each field, writing nothing', async () => {
    const head = await api.head();
    const forbidden = await put({ method: FOUR, reason: 'x' }, dirigente);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('ROLE_NOT_ALLOWED');
    const shape = await put({ method: { levels: 'alto' }, reason: 3 });
    expect(shape.status).toBe(400);
    expect(shape.body.fields?.map((f) => f.field).sort()).toEqual([
      'body.method.indicators',
      'body.method.levels',
      'body.reason',
    ]);
    const bad = await put({
      method: { indicators: [{ key: 'Rischio alto', title: 'x' }], levels: ['alto', 'alto'] },
      reason: ' ',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_FIELDS');
    expect(bad.body.messageIt).toBeTruthy();
    expect(bad.body.fields?.map((f) => f.field).sort()).toEqual([
      'method.indicators[0]',
      'method.levels[1]',
      'reason',
    ]);
    expect(await api.head()).toBe(head);
  });

  it("sets the chamber's method; the same again writes nothing", async () => {
    const r = await put({ method: FOUR, reason: 'Determinazione del Segretario generale n. 12' }, admin);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ source: 'ente', version: 1, changed: true, by: 'u-admin', method: FOUR });
    const head = await api.head();
    const again = await put({ method: FOUR, reason: 'di nuovo' });
    expect(again.body).toMatchObject({ version: 1, changed: false });
    expect(await api.head()).toBe(head);
  });

  it("a PTPCT's assessment is checked against the chamber's method, pins it and records its version", async () => {
    const c = await api.call<{ cycleId: string }>('POST', '/cycles', { token: rpct, body: { type: 'ptpct', year } });
    const id = c.body.cycleId;
    const cmd = (command: string, body: unknown) =>
      api.call<Body>('POST', `/cycles/${id}/plan/commands/${command}`, { token: rpct, body });
    expect((await cmd('add_register_item', { kind: 'process', code: 'B2.1', title: 'Affidamenti diretti' })).status).toBe(200);
    type View = {
      method: { levels: string[] };
      methodRef: { source: string; version: number };
      summary: { byRating: { level: string }[] };
      processes: { code: string; rating: string | null; assessedWith: unknown }[];
    };
    const before = (await api.call<View>('GET', `/cycles/${id}/register`, { token: rpct })).body;
    expect(before.methodRef).toEqual({ source: 'ente', version: 1 });
    expect(before.summary.byRating.map((b) => b.level)).toEqual(['critico', 'alto', 'medio', 'basso', 'non_valutato']);

    const wrong = await cmd('assess_risk', {
      processCode: 'B2.1',
      indicators: { interesse_esterno: { level: 'alto', reason: 'r' }, opacita: { level: 'alto', reason: 'r' } },
      rating: 'altissimo',
      motivation: 'm',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.fields?.map((f) => f.field).sort()).toEqual([
      'indicators.discrezionalita',
      'indicators.opacita',
      'rating',
    ]);
    const ok = await cmd('assess_risk', {
      processCode: 'B2.1',
      indicators: {
        interesse_esterno: { level: 'critico', reason: 'importi vicini alla soglia' },
        discrezionalita: { level: 'alto', reason: 'scelta del contraente' },
      },
      rating: 'critico',
      motivation: 'frazionamenti segnalati nel passato',
    });
    expect(ok.status).toBe(200);
    expect((ok.body as { events: { type: string }[] }).events.map((e) => e.type)).toEqual([
      'RiskRatingMethodSet',
      'RiskAssessed',
    ]);
    const after = (await api.call<View>('GET', `/cycles/${id}/register`, { token: rpct })).body;
    expect(after.processes[0]).toMatchObject({
      code: 'B2.1',
      rating: 'critico',
      assessedWith: { source: 'ente', version: 1 },
    });

    // A register sheet is read by the chamber's indicators.
    const other = (await api.call<{ cycleId: string }>('POST', '/cycles', { token: rpct, body: { type: 'ptpct', year: year + 1 } })).body.cycleId;
    const sheet = [
      'Codice processo;Processo;Valutazione complessiva;Motivazione;Interesse esterno;discrezionalita',
      'C1.1;Iscrizioni al registro;critico;tempi rilevanti per le imprese;critico: pratiche urgenti;alto: margini di scelta',
    ].join('\r\n');
    const imported = await api.call<{ created: Record<string, number>; refused: unknown[] }>('POST', `/cycles/${other}/register/import`, {
      token: rpct,
      raw: Buffer.from(sheet),
      headers: { 'content-type': 'text/csv', 'x-file-name': 'registro.csv' },
    });
    expect(imported.body).toMatchObject({ created: { processes: 1, assessments: 1 }, refused: [] });
    const read = (await api.call<View>('GET', `/cycles/${other}/register`, { token: rpct })).body;
    expect(read.processes[0]).toMatchObject({ rating: 'critico', assessedWith: { source: 'ente', version: 1 } });

    // The chamber goes back to ANAC's method: version 2; the register keeps version 1 until assessed again.
    const reset = await api.call<Method>('POST', '/rating-method/reset', { token: rpct, body: { reason: 'Ritorno al PNA' } });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ source: 'ente', version: 2, method: { levels: ['basso', 'medio', 'alto'] } });
    expect((await get()).history.map((h) => h.version)).toEqual([1, 2]);
    const kept = (await api.call<View>('GET', `/cycles/${id}/register`, { token: rpct })).body;
    expect(kept.methodRef).toEqual({ source: 'ente', version: 1 });
    expect(kept.processes[0].rating).toBe('critico');
  });

  it('writes only on the version read when expectedVersion is given: a stale write is refused with 409 and writes nothing', async () => {
    const read = await get();
    const ok = await put({ method: { ...FOUR, levels: ['basso', 'medio', 'alto', 'altissimo'] }, reason: 'Versione letta', expectedVersion: read.version });
    expect([ok.status, ok.body.changed, ok.body.version]).toEqual([200, true, read.version + 1]);
    const head = await api.head();
    const stale = await put({ method: { ...FOUR, levels: ['basso', 'alto'] }, reason: 'Su una versione superata', expectedVersion: read.version }, admin);
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('RATING_METHOD_VERSION_CHANGED');
    expect(stale.body.messageIt).toMatch(/^Il metodo di valutazione è stato modificato nel frattempo/);
    const reset = await api.call<Body>('POST', '/rating-method/reset', { token: rpct, body: { reason: 'x', expectedVersion: read.version } });
    expect([reset.status, reset.body.code]).toEqual([409, 'RATING_METHOD_VERSION_CHANGED']);
    const shape = await put({ method: FOUR, reason: 'x', expectedVersion: 'ultima' });
    expect(shape.status).toBe(400);
    expect(shape.body.fields?.map((f) => f.field)).toEqual(['body.expectedVersion']);
    expect(await api.head()).toBe(head);
    expect((await get()).version).toBe(ok.body.version);
  });
});
