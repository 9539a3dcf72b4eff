// The OpenAPI document clients generate code from: every operation has a typed answer, every
// parameter a description, every reference resolves, the schemas are the ones the response types
// give today, and real answers of the API validate against them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { startTestApi, type TestApi } from '../support/api';

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: { oneOf?: { title?: string }[] } }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('OpenAPI document', () => {
  let api: TestApi;
  let doc: Document;
  const operations: [string, Operation][] = [];

  beforeAll(async () => {
    api = await startTestApi('openapi', {}, { projections: true });
    const r = await api.call<Document>('GET', '/docs/openapi.json');
    expect(r.status).toBe(200);
    doc = r.body;
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) if (METHODS.includes(method)) operations.push([`${method.toUpperCase()} ${path}`, op]);
  });
  afterAll(async () => api?.close());

  it('gives every operation a typed success answer', () => {
    expect(operations.length).toBeGreaterThan(45);
    const untyped = operations
      .filter(([, op]) => {
        const ok = Object.entries(op.responses ?? {}).filter(([s]) => /^[23]\d\d$/.test(s));
        if (ok.length === 0) return true;
        // 204, redirects and empty answers carry no body; every other success has a schema.
        return !ok.every(([s, r]) => s === '204' || s.startsWith('3') || Object.values(r.content ?? {}).some((c) => c.schema));
      })
      .map(([name]) => name);
    expect(untyped).toEqual([]);
  });

  it('gives every error answer the error body, and every parameter a description', () => {
    const errors = operations.flatMap(([name, op]) =>
      Object.entries(op.responses)
        .filter(([s, r]) => Number(s) >= 400 && !r.content?.['application/json']?.schema)
        .map(([s]) => `${name} ${s}`),
    );
    expect(errors).toEqual([]);
    const undescribed = operations.flatMap(([name, op]) => (op.parameters ?? []).filter((p) => !p.description?.trim()).map((p) => `${name} ${p.in}.${p.name}`));
    expect(undescribed).toEqual([]);
  });

  it('describes every field of every answer and of every request body', () => {
    const missing: string[] = [];
    const walk = (o: unknown, path: string): void => {
      if (!o || typeof o !== 'object') return;
      const s = o as Record<string, unknown>;
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, { description?: string }>)) {
        if (!v.description?.trim()) missing.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
      walk(s.items, `${path}[]`);
      if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${path}{}`);
      for (const key of ['anyOf', 'oneOf', 'allOf']) for (const x of (s[key] as unknown[]) ?? []) walk(x, path);
    };
    for (const [name, schema] of Object.entries(doc.components.schemas)) walk(schema, name);
    for (const [name, op] of operations)
      for (const content of Object.values(op.requestBody?.content ?? {})) walk(content.schema, `${name} body`);
    expect(missing).toEqual([]);
  });

  it('resolves every reference', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(100);
    expect([...new Set(refs)].filter((r) => !(r in doc.components.schemas))).toEqual([]);
  });

  it('documents each command body and the upload as bytes', () => {
    const command = doc.paths['/cycles/{id}/commands/{command}'].post;
    const bodies = command.requestBody?.content?.['application/json']?.schema?.oneOf ?? [];
    expect(bodies.map((b) => b.title)).toEqual(expect.arrayContaining(['comment', 'cancel', 'migrate', 'piao.approve', 'relazione_performance.validate']));
    const upload = doc.paths['/cycles/{id}/documents'].post;
    expect(Object.keys(upload.requestBody?.content ?? {})).toEqual(['application/octet-stream']);
  });

  it('has the schemas the response types give today (npm run openapi:schemas)', () => {
    const r = spawnSync(process.execPath, [resolve(__dirname, '../../scripts/openapi-schemas.js'), '--check'], { encoding: 'utf8' });
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('is what the console\'s generated types were made from (UPDATE_CLIENT=1 regenerates them)', () => {
    // openapi-typescript turns the document into the console's types (apps/web/src/api-schema.d.ts).
    const dir = mkdtempSync(join(tmpdir(), 'ciclo-openapi-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
      const out = join(dir, 'api-schema.d.ts');
      const bin = resolve(__dirname, '../../node_modules/openapi-typescript/bin/cli.js');
      const r = spawnSync(process.execPath, [bin, join(dir, 'openapi.json'), '-o', out], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const generated = `// Generated by openapi-typescript from GET /docs/openapi.json: do not edit (UPDATE_CLIENT=1 npx jest test/openapi).\n${readFileSync(out, 'utf8')}`;
      const committed = resolve(__dirname, '../../apps/web/src/api-schema.d.ts');
      if (process.env.UPDATE_CLIENT === '1') writeFileSync(committed, generated);
      expect(readFileSync(committed, 'utf8') === generated).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('describes what the API really answers', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ components: doc.components }, 'doc');
    const check = (schema: string, body: unknown) => {
      const validate = ajv.compile({ $ref: `doc#/components/schemas/${schema}` });
      const ok = validate(body);
      return ok ? [] : (validate.errors ?? []).map((e) => `${schema}${e.instancePath} ${e.message}`);
    };
    const po = await api.token('u-po', ['po']);
    const opened = await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'piao', year: 2031 } });
    expect(check('CommandResult', opened.body)).toEqual([]);
    const id = opened.body.cycleId;
    const cycle = await api.call('GET', `/cycles/${id}`, { token: po });
    expect(check('CycleView', cycle.body)).toEqual([]);
    expect(check('CycleHistory', (await api.call('GET', `/cycles/${id}/history`, { token: po })).body)).toEqual([]);
    const head = await api.head();
    const list = await api.call('GET', `/cycles?minPosition=${head}`, { token: po });
    expect(list.status).toBe(200);
    expect(check('CycleSummaryList', list.body)).toEqual([]);
    expect(check('InboxItemList', (await api.call('GET', '/inbox', { token: po })).body)).toEqual([]);
    expect(check('DeadlineItemList', (await api.call('GET', '/deadlines', { token: po })).body)).toEqual([]);
    expect(check('DefinitionSummaryList', (await api.call('GET', '/definitions', { token: po })).body)).toEqual([]);
    expect(check('DefinitionView', (await api.call('GET', '/definitions/piao/1', { token: po })).body)).toEqual([]);
    expect(check('HealthReport', (await api.call('GET', '/health')).body)).toEqual([]);
    const refused = await api.call('POST', `/cycles/${id}/commands/approve`, { token: po, body: {} });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(check('ErrorBody', refused.body)).toEqual([]);
    // A schema that does not fit is caught: the check can fail.
    expect(check('CycleView', { ...(cycle.body as object), version: 'due' })).not.toEqual([]);
  });
});
