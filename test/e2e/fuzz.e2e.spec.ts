import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { commandFields, isoDateAt, type TransitionDefinition } from '@ciclo/domain';
import { ROLES } from '@ciclo/identity';
import { DefinitionRegistry } from '@ciclo/workflow';
import { startTestApi, type HttpResult, type TestApi } from '../support/api';

/**
 * Fuzzing of every write endpoint (every POST, PUT and DELETE of the OpenAPI document) with
 * malformed requests: bodies that are not objects, broken JSON, a valid body plus an unknown
 * field, a body missing a required field, random junk in path parameters and headers. The caller
 * holds every role, so nothing but the malformation stops the request. Always 4xx, never 5xx, no
 * stack trace or SQL in the answer, and the event store's global position never moves.
 */
/** Requests per endpoint (FUZZ_RUNS to fuzz harder). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const definitions = DefinitionRegistry.fromDirectory(resolve(__dirname, '../../seeds/cycles'));
const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

type Operation = { parameters?: { name: string; in: string }[] };
type Req = { path: string; body?: string; raw?: Buffer; headers: Record<string, string> };

const junk = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '%00',
    '%2e%2e%2f',
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    'x'.repeat(300),
    '{}',
    'null',
    '\u0000',
    'ü',
  ),
);
/** A JSON value that is not an object. */
const notAnObject = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 50 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
);
/** Text that does not parse as JSON. */
const brokenJson = fc
  .tuple(
    fc.constantFrom(
      '{',
      '{"a":',
      '[1,',
      '{"type": "piao", "year": 2027',
      '{,}',
      "{'a':1}",
      'undefined',
      '{"a":1}}',
    ),
    fc.string({ maxLength: 30 }),
  )
  .map(([a, b]) => a + b)
  .filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  });
/** Transport-level oddities: a body claimed to be compressed, or in a charset nobody knows. */
const transport: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  fc.constant({ 'content-encoding': 'gzip' }),
  fc.constant({ 'content-encoding': 'deflate' }),
  fc.constant({ 'content-encoding': 'br, zstd' }),
  fc.constant({ 'content-type': 'application/json; charset=klingon' }),
  fc.constant({ 'content-type': 'text/plain' }),
);
const unknownKey = fc.string({ minLength: 1, maxLength: 20 }).map((s) => `zz_${s}`);

/** Malformed bodies for an endpoint whose valid body is `base`. */
function malformedBody(base: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(base);
  const variants: fc.Arbitrary<string>[] = [
    notAnObject.map((v) => JSON.stringify(v)),
    brokenJson,
    fc
      .tuple(
        unknownKey,
        fc.jsonValue({ maxDepth: 2 }),
        fc.dictionary(fc.constantFrom(...(keys.length ? keys : ['x'])), junk),
      )
      .map(([k, v, overrides]) => JSON.stringify({ ...base, ...overrides, [k]: v })),
  ];
  if (keys.length)
    variants.push(
      fc
        .constantFrom(...keys)
        .map((k) => JSON.stringify(Object.fromEntries(Object.entries(base).filter(([key]) => key !== k)))),
    );
  return fc.oneof(...variants);
}

const stackOrSql =
  /(\bat [^\s]+ \([^)]*:\d+:\d+\))|node_modules|\.ts:\d+|\bes_(events|streams|seals)\b|syntax error at or near|duplicate key value/i;

describe('fuzzing every write endpoint with malformed requests', () => {
  let api: TestApi;
  let ops: { method: string; path: string; op: Operation }[];
  let everything: string;
  let root: string;
  const own = { cycleId: '', keyId: '' };

  beforeAll(async () => {
    api = await startTestApi('fuzz');
    root = await api.token('u-root', ['admin'], 'platform');
    expect(
      (
        await api.call('POST', '/tenants', {
          token: root,
          body: { id: 'cciaa-po', name: 'Camera di commercio di Pistoia-Prato', ipaCode: 'cciaa_po' },
        })
      ).status,
    ).toBe(201);
    everything = await api.token('u-fuzzer', [...ROLES]);
    const opened = await api.call<{ cycleId: string }>('POST', '/cycles', {
      token: everything,
      body: { type: 'piao', year: 2027 },
    });
    own.cycleId = opened.body.cycleId;
    const key = await api.call<{ keyId: string }>('POST', '/tenants/cciaa-po/api-keys', {
      token: everything,
      body: { label: 'Da revocare', roles: ['po'] },
    });
    own.keyId = key.body.keyId;
    const doc = await api.call<{ paths: Record<string, Record<string, Operation>> }>(
      'GET',
      '/docs/openapi.json',
    );
    ops = Object.entries(doc.body.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([m]) => ['post', 'put', 'delete', 'patch'].includes(m))
        .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
  });
  afterAll(async () => {
    await api.close();
  });

  const piao = definitions.latest('piao');
  const transitionBody = (t: TransitionDefinition) =>
    Object.fromEntries(
      commandFields(t)
        .filter((f) => f.required)
        .map((f) => [
          f.name,
          f.type === 'date'
            ? today()
            : f.type === 'sha256'
              ? sha(f.name)
              : f.type === 'url'
                ? 'https://example.org/x'
                : f.type === 'enum'
                  ? f.values?.[0]
                  : 'x',
        ]),
    );
  /** For the command endpoint: each command with its valid body (the fuzzer breaks it). */
  const commands = (): [string, Record<string, unknown>][] => [
    ...(piao?.transitions ?? []).map(
      (t) => [t.command, transitionBody(t)] as [string, Record<string, unknown>],
    ),
    ['comment', { text: 'x' }],
    ['cancel', { reason: 'x' }],
    ['migrate', { toVersion: 2 }],
  ];
  /** Valid bodies with only their required fields (dropping any one of them makes them invalid). */
  const BASES: Record<string, Record<string, unknown>> = {
    'POST /cycles': { type: 'piao', year: 2027 },
    'POST /tenants': { id: 'cciaa-fz', name: 'Camera di prova', ipaCode: 'cciaa_fz' },
    'PUT /tenants/{tenant}/users/{userId}': { name: 'Persona di prova' },
    'PUT /tenants/{tenant}/profile': { address: 'Via Roma 1, 59100 Prato', legalRepresentative: 'Persona di prova', employees: 10, website: 'https://example.org' },
    'POST /tenants/{tenant}/users/{userId}/roles': { role: 'po' },
    'POST /tenants/{tenant}/api-keys': { label: 'Chiave di prova', roles: ['po'] },
  };
  /** Real values of the caller's own tenant, so that the malformation is what gets refused. */
  const REAL: Record<string, () => string> = {
    id: () => own.cycleId,
    tenant: () => 'cciaa-po',
    userId: () => 'u-fuzz-target',
    role: () => 'po',
    keyId: () => own.keyId,
    documentId: () => '00000000-0000-4000-8000-000000000000',
  };

  /** Requests for one operation: every request has at least one malformed part. */
  function requests(method: string, path: string, op: Operation): fc.Arbitrary<Req> {
    const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    const fillWith = (values: Record<string, string>) =>
      path.replace(/\{([^}]+)\}/g, (_m, n: string) => encodeURIComponent(values[n] ?? REAL[n]?.() ?? 'x'));
    const headers = fc
      .record(
        { 'idempotency-key': junk, 'x-acting-role': fc.oneof(fc.constantFrom(...ROLES), junk) },
        { requiredKeys: [] },
      )
      .map(
        (h) =>
          Object.fromEntries(Object.entries(h).filter(([, v]) => /^[\t\x20-\x7e]*$/.test(v))) as Record<
            string,
            string
          >,
      );
    // Malformed path: one parameter replaced by junk (the body may be anything, even valid).
    const badPath = pathParams.length
      ? fc
          .tuple(
            fc.constantFrom(...pathParams),
            junk.filter((s) => s.length > 0 && s !== REAL[pathParams[0]]?.()),
            fc.constantFrom(...commands().map((c) => c[0])),
          )
          .map(([name, value, command]) => fillWith({ command, [name]: value }))
      : null;

    if (path.endsWith('/documents') && method === 'POST') {
      const defect = fc.oneof(
        fc.constant({
          raw: Buffer.alloc(0),
          headers: { 'content-type': 'application/pdf', 'x-file-name': 'a.pdf' },
        }),
        fc.constant({ raw: Buffer.from('%PDF'), headers: { 'content-type': 'application/pdf' } }),
        fc.constant({
          raw: Buffer.from('%PDF'),
          headers: { 'content-type': 'application/pdf', 'x-file-name': 'x'.repeat(300) },
        }),
        fc.constant({
          raw: Buffer.from('%PDF'),
          headers: { 'content-type': 'application/pdf', 'x-file-name': '%E0%A4%A' },
        }),
        fc.constant({
          raw: Buffer.from('%PDF'),
          headers: { 'content-type': 'application/pdf', 'x-file-name': 'a.pdf', 'x-note': '%ZZ' },
        }),
        fc.constant({
          raw: Buffer.from('%PDF'),
          headers: { 'content-type': 'not a media type', 'x-file-name': 'a.pdf' },
        }),
      );
      return fc
        .tuple(defect, headers)
        .map(([d, h]) => ({ path: fillWith({}), raw: d.raw, headers: { ...h, ...d.headers } }));
    }
    if (method === 'DELETE' || method === 'GET') {
      // No body: the defect is in the path (or the target does not exist).
      return fc
        .tuple(badPath ?? fc.constant(fillWith({})), headers)
        .map(([p, h]) => ({ path: p, headers: h }));
    }
    if (pathParams.includes('command')) {
      return fc
        .tuple(fc.constantFrom(...commands()), headers, fc.boolean(), badPath ?? fc.constant(''))
        .chain(([[command, base], h, breakPath, bp]) =>
          fc
            .tuple(malformedBody(base), transport)
            .map(([body, t]) => ({
              path: breakPath && bp ? bp : fillWith({ command }),
              body,
              headers: { ...h, 'content-type': 'application/json', ...t },
            })),
        );
    }
    const base = BASES[`${method} ${path}`] ?? {};
    return fc
      .tuple(malformedBody(base), headers, fc.boolean(), badPath ?? fc.constant(''), transport)
      .map(([body, h, breakPath, bp, t]) => ({
        path: breakPath && bp ? bp : fillWith({}),
        body,
        headers: { ...h, 'content-type': 'application/json', ...t },
      }));
  }

  it('finds the write endpoints in the OpenAPI document', () => {
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'POST /cycles',
        'POST /cycles/{id}/commands/{command}',
        'POST /cycles/{id}/documents',
        'POST /tenants',
        'POST /tenants/{tenant}/users/{userId}/roles',
        'DELETE /tenants/{tenant}/users/{userId}/roles/{role}',
        'POST /tenants/{tenant}/api-keys',
        'DELETE /tenants/{tenant}/api-keys/{keyId}',
      ]),
    );
  });

  it('answers 4xx to every malformed request on every write endpoint, and writes nothing', async () => {
    const head = await api.head();
    let count = 0;
    const statuses: Record<string, number> = {};
    for (const { method, path, op } of ops) {
      const token = path === '/tenants' ? root : everything;
      await fc.assert(
        fc.asyncProperty(requests(method, path, op), async (req) => {
          const r: HttpResult = await api.call(method, req.path, {
            token,
            headers: req.headers,
            ...(req.raw ? { raw: req.raw } : req.body !== undefined ? { body: req.body } : {}),
          });
          count++;
          const outcome = `${method} ${path} ${r.status} ${String((r.body as { code?: string }).code)}`;
          statuses[outcome] = (statuses[outcome] ?? 0) + 1;
          const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
          const where = `${method} ${req.path} ${req.body ?? ''}`.slice(0, 300);
          expect({ where, status: r.status >= 400 && r.status < 500 ? '4xx' : r.status }).toEqual({
            where,
            status: '4xx',
          });
          expect({ where, leak: stackOrSql.exec(text)?.[0] ?? null }).toEqual({ where, leak: null });
          if (r.status === 400)
            expect(
              Array.isArray((r.body as { fields?: unknown }).fields) ||
                typeof (r.body as { code?: unknown }).code === 'string',
            ).toBe(true);
        }),
        { numRuns: RUNS },
      );
      expect({ endpoint: `${method} ${path}`, head: await api.head() }).toEqual({
        endpoint: `${method} ${path}`,
        head,
      });
    }
    expect(count).toBeGreaterThanOrEqual(RUNS * ops.length);
    // FUZZ_STATS=1 prints how the requests were answered (status and code per endpoint).
    if (process.env.FUZZ_STATS) console.log(statuses);
  });

  it('names the offending fields in a 400', async () => {
    const r = await api.call<{ fields: { field: string }[] }>('POST', '/tenants/cciaa-po/api-keys', {
      token: everything,
      body: { label: '', roles: ['admin', 'zar'], colour: 'red' },
    });
    expect(r.status).toBe(400);
    expect(r.body.fields.map((f) => f.field).sort()).toEqual([
      'body.colour',
      'body.label',
      'body.roles.0',
      'body.roles.1',
    ]);
  });
});
