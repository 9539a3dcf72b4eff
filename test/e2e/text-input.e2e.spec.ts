import fc from 'fast-check';
import { ROLES } from '@ciclo/identity';
import { isStorableText } from '../../apps/api/src/validation';
import { startTestApi, type HttpResult, type TestApi } from '../support/api';

/**
 * Arbitrary Unicode text (any code point, NUL and unpaired surrogates included) in the text
 * fields, text headers, path parameters and query of the write endpoints. Never 5xx; text that
 * PostgreSQL cannot store is refused with 400 naming its field, in English and Italian; a refusal
 * writes nothing (the global position does not move).
 */
const RUNS = Number(process.env.TEXT_RUNS ?? 40);

const hostile = fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d', '\ude00');
/** Any code point (astral ones as surrogate pairs), with NUL and lone surrogates mixed in. */
const text = fc.string({
  unit: fc.oneof({ weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }, hostile),
  minLength: 1,
  maxLength: 40,
});

/** Percent-encodes every UTF-16 unit as UTF-8 would (a lone surrogate as its 3 bytes, which no decoder accepts). */
const urlEncode = (s: string) => {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp >= 0xd800 && cp <= 0xdfff)
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    else out += encodeURIComponent(ch);
  }
  return out;
};

interface Case {
  name: string;
  /** The request for one arbitrary text, and the field a refusal must name. */
  build(t: string, n: number): { method: string; path: string; body?: unknown; raw?: Buffer; headers?: Record<string, string>; field: string; root?: boolean };
}

describe('arbitrary Unicode text on the write endpoints', () => {
  let api: TestApi;
  let root: string;
  let everything: string;
  const ids = { cycle: '', cancel: '' };

  beforeAll(async () => {
    api = await startTestApi('text-input');
    root = await api.token('u-root', ['admin'], 'platform');
    const t = await api.call('POST', '/tenants', {
      token: root,
      body: { id: 'cciaa-po', name: 'Camera di commercio di Pistoia-Prato', ipaCode: 'cciaa_po' },
    });
    expect(t.status).toBe(201);
    everything = await api.token('u-writer', [...ROLES]);
    for (const k of ['cycle', 'cancel'] as const) {
      const r = await api.call<{ cycleId: string }>('POST', '/cycles', { token: everything, body: { type: 'piao', year: 2027 } });
      expect(r.status).toBe(201);
      ids[k] = r.body.cycleId;
    }
  });
  afterAll(async () => api.close());

  const cases: Case[] = [
    { name: 'cycle title', build: (t) => ({ method: 'POST', path: '/cycles', body: { type: 'piao', year: 2028, title: t }, field: 'body.title' }) },
    { name: 'comment', build: (t) => ({ method: 'POST', path: `/cycles/${ids.cycle}/commands/comment`, body: { text: t }, field: 'body.text' }) },
    { name: 'cancel reason', build: (t) => ({ method: 'POST', path: `/cycles/${ids.cancel}/commands/cancel`, body: { reason: t }, field: 'body.reason' }) },
    {
      name: 'deadline move reference',
      build: (t) => ({
        method: 'POST',
        path: `/cycles/${ids.cycle}/commands/move_deadline`,
        body: { deadlineId: 'adozione', newDate: '2027-02-15', reason: 'Proroga', reference: t },
        field: 'body.reference',
      }),
    },
    {
      name: 'plan node title',
      build: (t, n) => ({
        method: 'POST',
        path: `/cycles/${ids.cycle}/plan/commands/add_node`,
        body: { kind: 'ambito', code: `A${n}`, title: t },
        field: 'body.title',
      }),
    },
    {
      name: 'measurement source',
      build: (t) => ({
        method: 'POST',
        path: `/cycles/${ids.cycle}/measurements`,
        body: { indicatorCode: 'I1', period: '2027', value: 1, date: '2027-03-01', source: t },
        field: 'body.source',
      }),
    },
    { name: 'user name', build: (t) => ({ method: 'PUT', path: '/tenants/cciaa-po/users/u-target', body: { name: t }, field: 'body.name' }) },
    { name: 'API-key label', build: (t) => ({ method: 'POST', path: '/tenants/cciaa-po/api-keys', body: { label: t, roles: ['po'] }, field: 'body.label' }) },
    {
      name: 'tenant name',
      build: (t) => ({ method: 'POST', path: '/tenants', body: { id: 'cciaa-tx', name: t, ipaCode: 'cciaa_tx' }, field: 'body.name', root: true }),
    },
    { name: 'a key of the body', build: (t) => ({ method: 'POST', path: `/cycles/${ids.cycle}/commands/comment`, body: { text: 'x', [t]: 1 }, field: 'body.' }) },
    { name: 'user id in the path', build: (t) => ({ method: 'PUT', path: `/tenants/cciaa-po/users/${urlEncode(t)}`, body: { name: 'Persona' }, field: 'path.userId' }) },
    {
      name: 'X-File-Name',
      build: (t) => ({
        method: 'POST',
        path: `/cycles/${ids.cycle}/documents`,
        raw: Buffer.from('%PDF-1.4'),
        headers: { 'content-type': 'application/pdf', 'x-file-name': urlEncode(t) },
        field: 'header.X-File-Name',
      }),
    },
    {
      name: 'X-Note',
      build: (t) => ({
        method: 'POST',
        path: `/cycles/${ids.cycle}/documents`,
        raw: Buffer.from('%PDF-1.4'),
        headers: { 'content-type': 'application/pdf', 'x-file-name': 'nota.pdf', 'x-note': urlEncode(t) },
        field: 'header.X-Note',
      }),
    },
    { name: 'search query', build: (t) => ({ method: 'GET', path: `/cycles?q=${urlEncode(t)}`, field: 'query.q' }) },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s: 2xx or 4xx, never 5xx; unstorable text refused with 400 naming it', async (_name, c) => {
    let n = 0;
    const outcomes = { accepted: 0, refusedText: 0, refusedOther: 0 };
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        const req = c.build(t, n++);
        const before = await api.head();
        const r: HttpResult<{ code?: string; messageIt?: string; fields?: { field: string; problem: string; problemIt?: string }[] }> = await api.call(req.method, req.path, {
          token: req.root ? root : everything,
          headers: req.headers,
          ...(req.raw ? { raw: req.raw } : req.body !== undefined ? { body: req.body } : {}),
        });
        const where = `${c.name} ${JSON.stringify(t)} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
        expect({ where, ok: r.status < 500 }).toEqual({ where, ok: true });
        if (r.status >= 400) expect({ where, head: await api.head() }).toEqual({ where, head: before });
        // Text carried in the URL or a header is percent-encoded: a lone surrogate there is not
        // decodable UTF-8 (refused or taken literally, never stored as such); NUL is decodable.
        const viaUrl = !req.field.startsWith('body');
        const refusable = viaUrl ? !/[\ud800-\udfff]/.test(t.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')) && !isStorableText(t) : !isStorableText(t);
        if (refusable) {
          expect({ where, status: r.status }).toEqual({ where, status: 400 });
          const named = (r.body.fields ?? []).find((f) => f.field.startsWith(req.field) && f.problem === 'must not contain NUL characters or unpaired UTF-16 surrogates');
          expect({ where, named: !!named }).toEqual({ where, named: true });
          expect(named?.problemIt).toMatch(/caratteri non ammessi/);
          expect(r.body.messageIt).toMatch(/^Richiesta non valida: .*caratteri non ammessi/);
          outcomes.refusedText++;
        } else if (r.status < 300) outcomes.accepted++;
        else outcomes.refusedOther++;
      }),
      // Both kinds of unstorable text always among the cases, whatever the random draw.
      { numRuns: RUNS, examples: [['nota\u0000.pdf'], ['nota\ud800.pdf']] },
    );
    expect(outcomes.refusedText).toBeGreaterThan(0);
  });

  it('checks credentials before the text: unauthenticated is 401 whatever the body, then unstorable text is 400', async () => {
    const before = await api.head();
    const path = `/cycles/${ids.cycle}/commands/comment`;
    const anonymous = await api.call<{ statusCode: number }>('POST', path, { body: { text: 'nota\u0000' } });
    expect(anonymous.status).toBe(401);
    const badToken = await api.call('POST', path, { token: 'x.y.z', body: { text: 'nota\ud800' } });
    expect(badToken.status).toBe(401);
    const notJson = await api.call('POST', path, { raw: 'testo', headers: { 'content-type': 'text/plain' } });
    expect(notJson.status).toBe(401);
    const refused = await api.call<{ code: string; fields: { field: string }[] }>('POST', path, { token: everything, body: { text: 'nota\u0000' } });
    expect(refused.status).toBe(400);
    expect(refused.body.fields.map((e) => e.field)).toEqual(['body.text']);
    expect(await api.head()).toBe(before);
  });

  it('refuses a body that is not JSON on a JSON endpoint (it would be taken for no body), writing nothing', async () => {
    const before = await api.head();
    for (const [path, contentType] of [
      ['/calendar/feeds', 'text/plain'],
      ['/calendar/feeds', 'application/x-www-form-urlencoded'],
      [`/cycles/${ids.cycle}/commands/comment`, 'text/plain'],
    ]) {
      const r = await api.call<{ code: string; messageIt: string }>('POST', path, { token: everything, raw: 'false', headers: { 'content-type': contentType } });
      expect({ path, contentType, status: r.status, code: r.body.code }).toEqual({ path, contentType, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(r.body.messageIt).toMatch(/JSON/);
    }
    expect(await api.head()).toBe(before);
    // Without a body, the feed's optional body is fine.
    expect((await api.call('POST', '/calendar/feeds', { token: everything })).status).toBe(201);
  });
});
