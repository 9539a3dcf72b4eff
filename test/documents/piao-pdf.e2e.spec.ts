// GET /cycles/{id}/documents/piao.pdf on the demo chamber: every DM 132/2022 section, the 46
// operational objectives and 372 indicators by code, tagged Italian PDF with a title, the same bytes
// twice, the draft marked on every page, time travel by version, and the refusals.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PostgresEventStore } from '@ciclo/event-store';
import { seedDemo } from '../../apps/cli/src/commands/seed-demo';
import { startTestApi, type TestApi } from '../support/api';

const SEEDS = resolve(__dirname, '../../seeds');
const OUT = resolve(__dirname, '../../test-results/documents');

describe('GET /cycles/{id}/documents/piao.pdf', () => {
  let api: TestApi;
  let store: PostgresEventStore;
  let cycleId: string;
  let token: string;
  /** The current document, from the first test (each generation of the demo takes a second or two). */
  let current: Buffer;
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    api = await startTestApi('piaopdf');
    store = new PostgresEventStore({ connectionString: api.db.url, poolSize: 3 });
    cycleId = (await seedDemo(store, SEEDS)).cycleId;
    token = await api.token('u-demo-po-1', ['po'], 'cciaa-po');
  });
  afterAll(async () => {
    await store.close();
    await api.close();
  });

  const get = async (path: string, t = token) => {
    const r = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${t}` } });
    return { res: r, bytes: Buffer.from(await r.arrayBuffer()) };
  };
  /** Saves the file under test-results/documents and reads it with poppler-utils. */
  const poppler = (pdf: Buffer, name: string) => {
    const file = resolve(OUT, `${name}.pdf`);
    writeFileSync(file, pdf);
    return { file, text: execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8'), info: execFileSync('pdfinfo', [file]).toString('utf8') };
  };

  it('prints the demo PIAO: sections, 46 objectives and 372 indicators by code, tagged, Italian, titled, the same bytes twice', async () => {
    const { res, bytes } = await get(`/cycles/${cycleId}/documents/piao.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="PIAO-2022-2024-v\d+\.pdf"$/);
    expect(res.headers.get('x-content-sha256')).toBe(createHash('sha256').update(bytes).digest('hex'));
    const again = await get(`/cycles/${cycleId}/documents/piao.pdf`);
    expect(again.bytes.equals(bytes)).toBe(true);
    current = bytes;

    const { file, text, info } = poppler(bytes, 'piao-demo');
    expect(info).toMatch(/^Title:\s+PIAO 2022-2024 - Camera di commercio di Pistoia-Prato$/m);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Author:\s+Camera di commercio di Pistoia-Prato$/m);
    expect(bytes.toString('latin1')).toContain('/Lang (it-IT)');
    // Fonts embedded (a subset of DejaVu Sans), none of the 14 standard ones.
    const fonts = execFileSync('pdffonts', [file]).toString('utf8');
    expect(fonts).toMatch(/DejaVuSans/);
    expect(fonts.split('\n').slice(2).filter((l) => l.trim()).every((l) => /\byes\s+yes\s+yes\b/.test(l))).toBe(true);

    for (const h of [
      'Piano integrato di attività e organizzazione (PIAO)',
      'Indice',
      "1. Scheda anagrafica dell'amministrazione",
      '2. Valore pubblico, performance e anticorruzione',
      '2.1 Valore pubblico',
      '2.2 Performance',
      '2.3 Rischi corruttivi e trasparenza',
      '3. Organizzazione e capitale umano',
      '4. Monitoraggio',
      'Allegati',
    ])
      expect(text.replace(/\s+/g, ' ')).toContain(h);
    expect(text).toContain('cciaa_po');

    const plan = await api.call<{ achievement: { ambiti: { strategicObjectives: { operationalObjectives: { code: string; title: string; indicators: { code: string }[] }[] }[] }[] } }>('GET', `/cycles/${cycleId}/plan?year=2022`, { token });
    const oos = plan.body.achievement.ambiti.flatMap((a) => a.strategicObjectives.flatMap((s) => s.operationalObjectives));
    const indicators = oos.flatMap((o) => o.indicators.map((i) => i.code));
    expect(oos).toHaveLength(46);
    expect(indicators).toHaveLength(372);
    const flat = text.replace(/\s+/g, ' ');
    for (const o of oos) expect(flat).toContain(`Obiettivo operativo ${o.code} -`);
    const words = new Set(text.split(/\s+/));
    expect(indicators.filter((c) => !words.has(c))).toEqual([]);
    // Accented letters survive extraction (titles of the demo plan hold them).
    expect(text).toMatch(/attività|qualità|Qualità/);
    expect(text).not.toContain('\uFFFD');

    // A draft: marked on every page.
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(20);
    expect(pages.every((p) => p.includes('BOZZA'))).toBe(true);
    // The table of contents gives the page of 2.2.
    const tocLine = /2\.2 Performance\s+(\d+)/.exec(pages[1]);
    expect(tocLine).not.toBeNull();
    expect(pages[Number(tocLine?.[1]) - 1]).toContain('2.2 Performance');

    // The first pages as images, for a human look.
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '4', file, resolve(OUT, 'piao-demo')]);
  });

  it('at an earlier version: the document as it was then (fewer nodes, another file)', async () => {
    const { bytes } = await get(`/cycles/${cycleId}/documents/piao.pdf?version=3`);
    expect(bytes.equals(current)).toBe(false);
    const { text } = poppler(bytes, 'piao-demo-v3');
    expect(text).toContain('Versione 3 del ciclo');
    expect(text.match(/_I\d+\b/g)?.length ?? 0).toBeLessThan(372);
  });

  it('refuses a malformed id, version or asOf, an unknown cycle, another tenant and a cycle that is not a PIAO', async () => {
    const field = async (path: string) => {
      const r = await api.call<{ fields: { field: string }[] }>('GET', path, { token });
      expect(r.status).toBe(400);
      return r.body.fields.map((f) => f.field);
    };
    expect(await field('/cycles/nope/documents/piao.pdf')).toEqual(['path.id']);
    expect(await field(`/cycles/${cycleId}/documents/piao.pdf?version=zero`)).toEqual(['query.version']);
    expect(await field(`/cycles/${cycleId}/documents/piao.pdf?asOf=ieri`)).toEqual(['query.asOf']);
    expect(await field(`/cycles/${cycleId}/documents/piao.pdf?colour=red`)).toEqual(['query.colour']);
    const unknown = await api.call<{ code: string }>('GET', '/cycles/00000000-0000-4000-8000-000000000000/documents/piao.pdf', { token });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'CYCLE_NOT_FOUND']);
    const foreign = await api.call<{ code: string }>('GET', `/cycles/${cycleId}/documents/piao.pdf`, { token: await api.token('u-x', ['po'], 'cciaa-fi') });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'CYCLE_NOT_FOUND']);
    expect((await api.call('GET', `/cycles/${cycleId}/documents/piao.pdf`)).status).toBe(401);
    const rpct = await api.token('u-demo-rpct', ['rpct'], 'cciaa-po');
    const ptpct = await api.call<{ cycleId: string }>('POST', '/cycles', { token: rpct, body: { type: 'ptpct', year: 2027 } });
    expect(ptpct.status).toBe(201);
    const notPiao = await api.call<{ code: string; messageIt: string }>('GET', `/cycles/${ptpct.body.cycleId}/documents/piao.pdf`, { token: rpct });
    expect([notPiao.status, notPiao.body.code]).toEqual([404, 'DOCUMENT_NOT_FOR_CYCLE_TYPE']);
    expect(notPiao.body.messageIt).toContain('PIAO');
    // The portal pack: only for an adopted PIAO (the demo's is a draft), with the same checks.
    const draft = await api.call<{ code: string; messageIt: string }>('GET', `/cycles/${cycleId}/documents/portal-pack.zip`, { token });
    expect([draft.status, draft.body.code]).toEqual([409, 'PIAO_NOT_ADOPTED']);
    expect(await field(`/cycles/${cycleId}/documents/portal-pack.zip?version=-1`)).toEqual(['query.version']);
    const packNotPiao = await api.call<{ code: string }>('GET', `/cycles/${ptpct.body.cycleId}/documents/portal-pack.zip`, { token: rpct });
    expect([packNotPiao.status, packNotPiao.body.code]).toEqual([404, 'DOCUMENT_NOT_FOR_CYCLE_TYPE']);
  });
});
