import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { commandFields, isoDateAt, type TransitionDefinition } from '@ciclo/domain';
import { ROLES } from '@ciclo/identity';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE } from '@ciclo/platform';
import { DefinitionRegistry, loadTransparencySeed } from '@ciclo/workflow';
import { startTestApi, type HttpResult, type TestApi } from '../support/api';

/**
 * Tenant isolation: tenant A's users, holding every role (administrator included), try every read
 * and write endpoint of the API (taken from its OpenAPI document, so a new endpoint is covered or
 * this test names it) on tenant B's ids. Every answer is 404, nothing is written, and endpoints
 * that take no id (lists, exports) return none of B's data.
 */
const A = 'cciaa-po';
const B = 'cciaa-fi';
const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const definitions = DefinitionRegistry.fromDirectory(resolve(__dirname, '../../seeds/cycles'));
/** Paths whose data is shared by every tenant (the cycle definitions) or that are not tenant data. */
const SHARED = new Set(['/health', '/health/live', '/health/ready', '/definitions', '/definitions/{id}/{version}', '/docs/openapi.json']);

type Operation = {
  parameters?: { name: string; in: string; required?: boolean; schema?: { enum?: string[] } }[];
};

describe('tenant isolation: A’s users on B’s ids get 404 and write nothing', () => {
  let api: TestApi;
  let ops: { method: string; path: string; op: Operation }[];
  const b = { cycleId: '', documentId: '', userId: 'u-fi-sg', keyId: '', definition: 'piao', feedId: '' };
  /** A's own calendar-feed token: pointed at B's tenant it must open nothing. */
  let aFeedToken = '';
  let aAll: string;
  let aKey: string;
  let bPosition = 0;

  beforeAll(async () => {
    api = await startTestApi('isolation', {}, { projections: true });
    const root = await api.token('u-root', ['admin'], 'platform');
    for (const [id, ipa] of [
      [A, 'cciaa_po'],
      [B, 'cciaa_fi'],
    ]) {
      expect(
        (
          await api.call('POST', '/tenants', {
            token: root,
            body: { id, name: `Camera ${id}`, ipaCode: ipa },
          })
        ).status,
      ).toBe(201);
    }
    // Tenant B's data: a submitted plan with an attachment and a comment, a user with grants, an API key.
    const bPo = await api.token('u-fi-po', ['po'], B);
    const opened = await api.call<{ cycleId: string }>('POST', '/cycles', {
      token: bPo,
      body: { type: 'piao', year: 2027, title: 'PIAO riservato di Firenze' },
    });
    b.cycleId = opened.body.cycleId;
    const doc = await api.call<{ document: { documentId: string } }>(
      'POST',
      `/cycles/${b.cycleId}/documents`,
      {
        token: bPo,
        raw: Buffer.from('%PDF-1.7 riservato'),
        headers: { 'content-type': 'application/pdf', 'x-file-name': 'riservato.pdf' },
      },
    );
    b.documentId = doc.body.document.documentId;
    await api.call('POST', `/cycles/${b.cycleId}/commands/comment`, {
      token: bPo,
      body: { text: 'Nota interna di Firenze' },
    });
    const submitted = await api.call<{ position: number }>('POST', `/cycles/${b.cycleId}/commands/submit`, {
      token: bPo,
      body: {},
    });
    expect(submitted.status).toBe(200);
    bPosition = submitted.body.position;
    expect(
      (
        await api.call('POST', `/tenants/${B}/users/${b.userId}/roles`, {
          token: root,
          body: { role: 'segretario_generale' },
        })
      ).status,
    ).toBe(201);
    const key = await api.call<{ keyId: string }>('POST', `/tenants/${B}/api-keys`, {
      token: root,
      body: { label: 'Integrazione Firenze', roles: ['po'] },
    });
    b.keyId = key.body.keyId;
    const feed = await api.call<{ id: string }>('POST', '/calendar/feeds', { token: bPo, body: { scope: 'all' } });
    expect(feed.status).toBe(201);
    b.feedId = feed.body.id;
    // B's transparency grid (A has none: B's obligation ids name nothing in A).
    const seeded = await loadTransparencySeed(api.app.get<EventStore>(EVENT_STORE), resolve(__dirname, '../../seeds'), { userId: 'u-fi-rpct', tenant: B, roles: ['rpct'], via: 'system' }, { correlationId: 'isolation' });
    expect(seeded.obligations).toBeGreaterThan(0);

    // Tenant A: a user holding every role (development token), and an API key with every role a key can hold.
    aAll = await api.token('u-po-all', [...ROLES], A);
    const ak = await api.call<{ apiKey: string }>('POST', `/tenants/${A}/api-keys`, {
      token: root,
      body: { label: 'Integrazione A', roles: ROLES.filter((r) => r !== 'admin') },
    });
    aKey = ak.body.apiKey;
    const aFeed = await api.call<{ url: string }>('POST', '/calendar/feeds', { token: aAll, body: {} });
    aFeedToken = new URL(aFeed.body.url).pathname.split('/').pop() as string;
    // A has data of its own too, so that empty answers are not trivially empty.
    await api.call('POST', '/cycles', { token: aAll, body: { type: 'piao', year: 2027 } });

    const doc2 = await api.call<{ paths: Record<string, Record<string, Operation>> }>(
      'GET',
      '/docs/openapi.json',
    );
    ops = Object.entries(doc2.body.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
  });
  afterAll(async () => {
    await api.close();
  });

  /** Every command B's cycle type knows, with a body that would be valid: only the tenant stops it. */
  function commandsOfB(): [string, unknown][] {
    const def = definitions.latest(b.definition);
    if (!def) throw new Error('no piao definition');
    const body = (t: TransitionDefinition) =>
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
    return [
      ...def.transitions.map((t) => [t.command, body(t)] as [string, unknown]),
      ['comment', { text: 'x' }],
      ['cancel', { reason: 'x' }],
      ['migrate', { toVersion: 2 }],
    ];
  }

  /** Well-formed bodies for commands of endpoints that declare them (plan commands), where `{}` would not do. */
  const COMMAND_BODIES: Record<string, unknown> = {
    add_node: { kind: 'ambito', code: '09', title: 'x' },
    update_node: { code: '01', changes: { title: 'x' } },
    move_node: { code: '01_01', parentCode: '02' },
    remove_node: { code: '01' },
    set_targets: { indicatorCode: '01_01_01_I1', targets: [] },
    set_weights: { objectiveCode: '01_01_01', weights: {} },
    record_measurement: { indicatorCode: '01_01_01_I1', period: '2027', value: 1, date: '2027-01-31' },
    correct_measurement: {
      indicatorCode: '01_01_01_I1',
      period: '2027',
      value: 1,
      date: '2027-01-31',
      reason: 'x',
    },
    close_measurement_year: { year: 2027 },
    open_variation: { reason: 'x' },
    approve_variation: { number: '1/2027', date: '2027-01-31', actHash: sha('x') },
    withdraw_variation: { reason: 'x' },
    set_scoring_rules: { rules: {} },
    write_narrative: { section: '2.1', text: 'x' },
    add_register_item: { kind: 'process', code: 'x', title: 'x' },
    update_register_item: { kind: 'process', code: 'x', changes: { title: 'y' } },
    remove_register_item: { kind: 'process', code: 'x' },
    assess_risk: { processCode: 'x', indicators: {}, rating: 'basso', motivation: 'x' },
    set_rating_method: { method: { indicators: [{ key: 'k', title: 'k' }], levels: ['basso', 'alto'] } },
    set_monitoring_dates: { dates: ['2027-06-30'] },
    report_measure: { measureCode: 'x', monitoringDate: '2027-06-30', status: 'attuata', evidence: 'x', date: '2027-01-31' },
    check_measure_report: { measureCode: 'x', monitoringDate: '2027-06-30', outcome: 'confermato' },
    set_rpct_report_figures: { year: 2027, whistleblowingReports: 0 },
    batch: { commands: [{ command: 'open_variation', reason: 'x' }] },
  };

  const VALUES: Record<string, () => string> = {
    id: () => b.cycleId,
    documentId: () => b.documentId,
    tenant: () => B,
    userId: () => b.userId,
    role: () => 'segretario_generale',
    keyId: () => b.keyId,
    feedId: () => b.feedId,
    linkId: () => 'preventivo', // a link of B's PIAO
    obligationId: () => 'bandi-concorso', // in B's transparency grid
    // A's own feed token pointed at B's tenant: opens nothing.
    token: () => aFeedToken,
  };

  /** The requests to send for one operation (several for the command endpoint: one per command). */
  function requestsFor(
    method: string,
    path: string,
    op: Operation,
  ): { path: string; body?: unknown; raw?: Buffer; headers?: Record<string, string> }[] {
    const params = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    const fill = (extra: Record<string, string> = {}) =>
      path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
        const v = extra[name] ?? VALUES[name]?.();
        if (v === undefined)
          throw new Error(
            `No tenant-B value for path parameter "${name}" of ${method} ${path}: add it to VALUES in tenant-isolation.e2e.spec.ts`,
          );
        return encodeURIComponent(v);
      });
    if (params.includes('command')) {
      // An endpoint that declares its commands (e.g. plan commands): each, with a minimal body.
      const declared = (op.parameters ?? []).find((p) => p.name === 'command')?.schema?.enum;
      if (declared?.length) {
        return declared.map((command) => ({ path: fill({ command }), body: COMMAND_BODIES[command] ?? {} }));
      }
      return commandsOfB().map(([command, body]) => ({ path: fill({ command }), body }));
    }
    if (path.endsWith('/documents') && method === 'POST')
      return [
        {
          path: fill(),
          raw: Buffer.from('%PDF-1.7 intruso'),
          headers: { 'content-type': 'application/pdf', 'x-file-name': 'intruso.pdf' },
        },
      ];
    if ((path.endsWith('/plan/import') || path.endsWith('/register/import')) && method === 'POST')
      return [
        {
          path: fill(),
          raw: Buffer.from('Codice obiettivo;Indicatori;UdM;Target 2027\n01_01_01;Intruso;n.;>= 1\n'),
          headers: { 'content-type': 'text/csv', 'x-file-name': 'intruso.csv' },
        },
      ];
    const bodies: Record<string, unknown> = {
      'POST /cycles/{id}/measurements': {
        indicatorCode: '01_01_01_I1',
        period: '2027',
        value: 1,
        date: today(),
      },
      'PUT /tenants/{tenant}/users/{userId}': { name: 'Intruso' },
      'POST /transparency/obligations/{obligationId}/publications': { date: today(), url: 'https://example.org/intruso' },
      'POST /transparency/obligations/{obligationId}/changes': { date: today(), note: 'Intruso' },
      'POST /transparency/obligations/{obligationId}/offices': { producerOffice: 'Intruso', publisherOffice: 'Intruso' },
      'POST /cycles/{id}/attestation-grid/rows': { obligationId: 'bandi-concorso', pubblicazione: 2, completezza: 3, aggiornamento: 3, formatoAperto: 3 },
      'POST /tenants/{tenant}/users/{userId}/roles': { role: 'po' },
      'POST /tenants/{tenant}/api-keys': { label: 'Intruso', roles: ['po'] },
    };
    const body = bodies[`${method} ${path}`] ?? (method === 'GET' || method === 'DELETE' ? undefined : {});
    return [{ path: fill(), body }];
  }

  const tenantBEvents = async () =>
    Number(
      (await api.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events WHERE tenant = $1', [B]))
        .rows[0].n,
    );

  it.each([
    ['a user of A holding every role', () => ({ token: aAll })],
    ['an API key of A', () => ({ headers: { 'x-api-key': aKey } })],
  ])('every endpoint with an id answers 404 to %s', async (_who, credential) => {
    const head = await api.head();
    const bBefore = await tenantBEvents();
    const withIds = ops.filter((o) => o.path.includes('{') && !SHARED.has(o.path));
    expect(withIds.length).toBeGreaterThanOrEqual(10);
    const seen: string[] = [];
    for (const { method, path, op } of withIds) {
      for (const req of requestsFor(method, path, op)) {
        const c = credential() as { token?: string; headers?: Record<string, string> };
        const r: HttpResult = await api.call(method, req.path, {
          token: c.token,
          body: req.body,
          raw: req.raw,
          headers: { ...(c.headers ?? {}), ...(req.headers ?? {}) },
        });
        expect({ request: `${method} ${req.path}`, status: r.status }).toEqual({
          request: `${method} ${req.path}`,
          status: 404,
        });
        expect(JSON.stringify(r.body)).not.toContain('riservato');
        seen.push(`${method} ${path}`);
      }
    }
    expect(new Set(seen).size).toBe(withIds.length);
    expect(await api.head()).toBe(head);
    expect(await tenantBEvents()).toBe(bBefore);
  });

  it('reads without an id (lists, inbox, deadlines, audit, exports) return none of B’s data, filtered by B’s ids or not', async () => {
    const head = await api.head();
    const bBefore = await tenantBEvents();
    const reads = ops.filter((o) => o.method === 'GET' && !o.path.includes('{') && !SHARED.has(o.path));
    expect(reads.map((o) => o.path)).toEqual(expect.arrayContaining(['/cycles']));
    const secrets = [b.cycleId, b.documentId, 'riservato', 'Firenze', b.userId, 'u-fi-po', b.keyId];
    for (const { path, op } of reads) {
      const query = new URLSearchParams({ minPosition: String(bPosition) });
      const names = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const variants = [new URLSearchParams()];
      if (names.includes('minPosition')) variants.push(query);
      if (names.includes('cycleId')) variants.push(new URLSearchParams({ cycleId: b.cycleId }));
      if (names.includes('actorId')) variants.push(new URLSearchParams({ actorId: 'u-fi-po' }));
      if (names.includes('tenant')) variants.push(new URLSearchParams({ tenant: B }));
      for (const q of variants) {
        const url = `${path}${q.size ? `?${q}` : ''}`;
        const r = await api.call('GET', url, { token: aAll });
        // 503: a read-your-writes wait that timed out; still nothing of B.
        expect({ url, ok: [200, 404, 503].includes(r.status) }).toEqual({ url, ok: true });
        const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
        for (const s of secrets)
          expect({ url, leaks: text.includes(s) ? s : null }).toEqual({ url, leaks: null });
      }
    }
    // The cycle list by tenant: asking for B is "not found".
    expect((await api.call('GET', `/cycles?tenant=${B}`, { token: aAll })).status).toBe(404);
    // Reads of the audit trail are themselves recorded (in A's own access log): nothing lands in B.
    expect(await tenantBEvents()).toBe(bBefore);
    const { rows } = await api.pool.query<{ stream_id: string }>(
      'SELECT DISTINCT stream_id FROM es_events WHERE position > $1',
      [head],
    );
    for (const r of rows) expect(r.stream_id.startsWith(`${B}/`)).toBe(false);
  });

  it('B itself sees its data (the ids used above are real)', async () => {
    const bSg = await api.token('u-fi-other', ['segretario_generale', 'po'], B);
    expect((await api.call('GET', `/cycles/${b.cycleId}`, { token: bSg })).status).toBe(200);
    expect(
      (await api.call('GET', `/cycles/${b.cycleId}/documents/${b.documentId}`, { token: bSg })).status,
    ).toBe(200);
    const root = await api.token('u-root', ['admin'], 'platform');
    expect((await api.call<unknown[]>('GET', `/tenants/${B}/users`, { token: root })).body).toEqual([
      expect.objectContaining({ userId: b.userId }),
    ]);
  });
});
