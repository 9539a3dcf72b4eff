import { createHash } from 'node:crypto';
import { isoDateAt } from '@ciclo/domain';
import { startTestApi, type TestApi } from '../support/api';
import { sleep } from './support';

const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

type View = Record<string, unknown> & { version: number; availableCommands: string[]; deadlines: Record<string, unknown>[] };

/**
 * What depends on "now" rather than on the events: the commands the caller may issue (emptied in
 * a time-travel read) and each deadline's status and days left (computed against the asked
 * instant). Everything else must be what the API answered at the time.
 */
function eventDerived(v: View): Record<string, unknown> {
  const { availableCommands: _c, asOf: _a, asOfVersion: _v, deadlines, ...rest } = v;
  return { ...rest, deadlines: deadlines.map(({ status: _s, daysLeft: _d, ...d }) => d) };
}

/**
 * Time travel: during the test, `GET /cycles/{id}` answers are recorded with the instant and
 * version at which they were given; after more changes, `?asOf=<instant>` and `?version=<n>`
 * must give back those answers.
 */
describe('a cycle as of a past instant or version', () => {
  let api: TestApi;
  let po: string, sg: string, organi: string, oiv: string;

  beforeAll(async () => {
    api = await startTestApi('projtimetravel');
    po = await api.token('u-po', ['po']);
    sg = await api.token('u-sg', ['segretario_generale']);
    organi = await api.token('u-organi', ['segreteria_organi']);
    oiv = await api.token('u-oiv', ['oiv']);
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers what the API answered then', async () => {
    const opened = await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year: 2027 } });
    expect(opened.status).toBe(201);
    const id = opened.body.cycleId;
    const run = async (command: string, token: string, body: unknown = {}) => {
      const r = await api.call('POST', `/cycles/${id}/commands/${command}`, { token, body });
      expect({ command, status: r.status, body: r.body }).toMatchObject({ command, status: 200 });
    };
    const recorded: { at: string; version: number; view: View }[] = [];
    const record = async () => {
      const r = await api.call<View>('GET', `/cycles/${id}`, { token: sg });
      expect(r.status).toBe(200);
      // The instant is taken after the answer, and the next change comes later still.
      await sleep(5);
      recorded.push({ at: new Date().toISOString(), version: r.body.version, view: r.body });
      await sleep(5);
    };

    await record();
    await run('submit', po, { note: 'Prima stesura' });
    await record();
    await run('request_changes', sg, { reason: 'Completare la sezione 2.3' });
    await run('comment', sg, { text: 'Vedi le osservazioni del RPCT' });
    await record();
    const upload = await api.call('POST', `/cycles/${id}/documents`, {
      token: po,
      raw: Buffer.from('%PDF-1.7 PIAO'),
      headers: { 'content-type': 'application/pdf', 'x-file-name': 'PIAO.pdf' },
    });
    expect(upload.status).toBe(201);
    await run('submit', po);
    await record();
    await run('approve', sg);
    await run('record_giunta_deliberation', organi, { number: '7/2026', date: today(), actHash: sha('7') });
    await record();
    await run('publish', po, { channel: 'amministrazione_trasparente', url: 'https://www.example.org/at/piao', date: today() });
    await run('upload_to_portal', po, { recipient: 'funzione_pubblica', protocol: 'P-1', date: today() });
    await record();
    // Every recording but the last was followed by more changes; the last is the closed cycle.
    expect(recorded.map((r) => r.view.stage)).toEqual(['bozza', 'revisione_sg', 'modifiche_richieste', 'revisione_sg', 'adottato', 'trasmesso']);
    expect(new Set(recorded.map((r) => r.version)).size).toBe(recorded.length);

    for (const r of recorded) {
      const asOf = await api.call<View>('GET', `/cycles/${id}?asOf=${encodeURIComponent(r.at)}`, { token: sg });
      expect(asOf.status).toBe(200);
      expect(asOf.body.asOf).toBe(r.at);
      expect(asOf.body.availableCommands).toEqual([]);
      expect(eventDerived(asOf.body)).toEqual(eventDerived(r.view));

      const byVersion = await api.call<View>('GET', `/cycles/${id}?version=${r.version}`, { token: sg });
      expect(byVersion.status).toBe(200);
      expect(byVersion.body.asOfVersion).toBe(r.version);
      expect(byVersion.body.availableCommands).toEqual([]);
      expect(eventDerived(byVersion.body)).toEqual(eventDerived(r.view));
    }
    // Another reader sees the same past (only the caller-dependent commands differ, and they are emptied).
    const first = recorded[1];
    const byOiv = await api.call<View>('GET', `/cycles/${id}?asOf=${encodeURIComponent(first.at)}`, { token: oiv });
    expect(eventDerived(byOiv.body)).toEqual(eventDerived(first.view));
    // Before the cycle existed there is nothing to see.
    const { rows } = await api.pool.query<{ at: Date }>('SELECT min(recorded_at) AS at FROM es_events WHERE stream_id = $1', [`cciaa-po/cycle-${id}`]);
    const before = new Date(rows[0].at.getTime() - 1000).toISOString();
    expect((await api.call('GET', `/cycles/${id}?asOf=${encodeURIComponent(before)}`, { token: sg })).status).toBe(404);
  });
});
