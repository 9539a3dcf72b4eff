import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { devAuthSecret } from '@ciclo/config';
import { isoDateAt } from '@ciclo/domain';
import { PostgresEventStore } from '@ciclo/event-store';
import { DEV_AUDIENCE, DEV_ISSUER, DirectoryService, signDevToken } from '@ciclo/identity';
import { LOGGER } from '@ciclo/platform';
import type { Logger as PinoLogger } from 'pino';
import { startTestApi, type TestApi } from '../support/api';
import { startTestIssuer, type TestIssuer } from '../identity/oidc-issuer';

const today = () => isoDateAt(new Date(), 'Europe/Rome');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Authentication end to end: development tokens, a real OpenID Connect issuer on a local port,
 * role grants through the directory endpoints, API keys, security headers, CORS, rate limits.
 */
describe('authentication and the directory over HTTP', () => {
  let idp: TestIssuer;
  let api: TestApi;
  let root: string;
  let poAdmin: string;
  let po: string;

  beforeAll(async () => {
    idp = await startTestIssuer();
    api = await startTestApi('auth', {
      OIDC_ISSUER: idp.issuer,
      OIDC_AUDIENCE: idp.audience,
      CORS_ORIGINS: 'https://ciclo.example.org',
    });
    // Bootstrap as `ciclo users grant --tenant platform --user u-root --role admin` does.
    const store = new PostgresEventStore({ connectionString: api.db.url, poolSize: 2 });
    await new DirectoryService(store).grantRole(
      'platform',
      'u-root',
      { role: 'admin' },
      { userId: 'cli:test', role: 'system' },
      { correlationId: 'bootstrap' },
    );
    await store.close();
    root = await idp.sign({ sub: 'u-root', tenant: 'platform' });
    poAdmin = await idp.sign({ sub: 'u-po-admin', tenant: 'cciaa-po', name: 'Amministratore PO' });
    po = await api.token('u-po', ['po']);
  });
  afterAll(async () => {
    await api.close();
    await idp.close();
  });

  const oidc = (sub: string, tenant = 'cciaa-po') => idp.sign({ sub, tenant });

  describe('tokens that must be refused (401, nothing written)', () => {
    const secret = () => devAuthSecret(api.settings);
    const devClaims = { tenant: 'cciaa-po', roles: ['segretario_generale'] };
    it.each([
      [
        'an expired development token',
        () =>
          signDevToken({ userId: 'u-sg', tenant: 'cciaa-po', roles: ['segretario_generale'] }, secret(), -60),
      ],
      [
        'a wrongly signed development token',
        () =>
          signDevToken(
            { userId: 'u-sg', tenant: 'cciaa-po', roles: ['segretario_generale'] },
            'z'.repeat(40),
          ),
      ],
      [
        'a development token for another audience',
        () =>
          new SignJWT(devClaims)
            .setProtectedHeader({ alg: 'HS256' })
            .setIssuer(DEV_ISSUER)
            .setAudience('other')
            .setSubject('u-sg')
            .setExpirationTime('1h')
            .sign(new TextEncoder().encode(secret())),
      ],
      [
        'a development token without an expiry',
        () =>
          new SignJWT(devClaims)
            .setProtectedHeader({ alg: 'HS256' })
            .setIssuer(DEV_ISSUER)
            .setAudience(DEV_AUDIENCE)
            .setSubject('u-sg')
            .setIssuedAt()
            .sign(new TextEncoder().encode(secret())),
      ],
      [
        "a development token with alg 'none'",
        async () =>
          new UnsecuredJWT(devClaims)
            .setIssuer(DEV_ISSUER)
            .setAudience(DEV_AUDIENCE)
            .setSubject('u-sg')
            .setExpirationTime('1h')
            .encode(),
      ],
      [
        'an expired OIDC token',
        () =>
          idp.sign({ sub: 'u-root', tenant: 'platform' }, { expiresIn: Math.floor(Date.now() / 1000) - 120 }),
      ],
      [
        'a wrongly signed OIDC token',
        async () =>
          idp.sign(
            { sub: 'u-root', tenant: 'platform' },
            { key: (await generateKeyPair('RS256')).privateKey },
          ),
      ],
      [
        'an OIDC token for another audience',
        () => idp.sign({ sub: 'u-root', tenant: 'platform' }, { audience: 'another-app' }),
      ],
      [
        "an OIDC token with alg 'none'",
        async () =>
          new UnsecuredJWT({ sub: 'u-root', tenant: 'platform' })
            .setIssuer(idp.issuer)
            .setAudience(idp.audience)
            .setExpirationTime('5m')
            .encode(),
      ],
      [
        'an OIDC token HS256-signed with the public key',
        () =>
          new SignJWT({ sub: 'u-root', tenant: 'platform' })
            .setProtectedHeader({ alg: 'HS256', kid: 'test-key-1' })
            .setIssuer(idp.issuer)
            .setAudience(idp.audience)
            .setExpirationTime('5m')
            .sign(new TextEncoder().encode(idp.publicKeyPem)),
      ],
      [
        'a token of an unknown issuer',
        () => idp.sign({ sub: 'u-root', tenant: 'platform' }, { issuer: 'https://idp.example.org' }),
      ],
    ])('refuses %s', async (_label, make) => {
      const token = await make();
      const head = await api.head();
      for (const [method, path, body] of [
        ['GET', '/cycles', undefined],
        ['POST', '/cycles', { type: 'piao', year: 2027 }],
        ['POST', '/tenants', { id: 'cciaa-xx', name: 'X', ipaCode: 'cciaa_xx' }],
      ] as const) {
        const r = await api.call(method, path, { token, body });
        expect(r.status).toBe(401);
        expect(r.body.code).toBe('UNAUTHENTICATED');
        expect(r.headers.get('www-authenticate')).toBe('Bearer');
        expect(JSON.stringify(r.body)).not.toContain(token);
      }
      expect(await api.head()).toBe(head);
    });

    it('refuses malformed and double credentials', async () => {
      const variants: Record<string, string>[] = [
        { authorization: 'Basic dXNlcjpwYXNz' },
        { authorization: `Bearer ${po}`, 'x-api-key': 'cciaa-po:k000000000000000000000000.x' },
        { 'x-api-key': 'not-a-key' },
      ];
      for (const headers of variants) {
        const r = await api.call('GET', '/cycles', { headers });
        expect(r.status).toBe(401);
      }
    });

    it('logs failed logins with the correlation id and the reason, never the token', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn');
      try {
        const forged = `${po.slice(0, -6)}AAAAAA`;
        await api.call('GET', '/cycles', {
          token: forged,
          headers: { 'x-correlation-id': 'corr-failed-login-1' },
        });
        const entry = warn.mock.calls.find(
          (c) =>
            (c[0] as { correlationId?: string })?.correlationId === 'corr-failed-login-1' &&
            c[1] === 'Authentication failed',
        );
        expect(entry?.[0]).toMatchObject({
          correlationId: 'corr-failed-login-1',
          credential: 'bearer',
          reason: 'bad signature',
          path: '/cycles',
        });
        expect(JSON.stringify(warn.mock.calls)).not.toContain(forged);
      } finally {
        warn.mockRestore();
      }
    });

    it('writes the access line of every request, refused ones and unreadable bodies too, with the correlation id', async () => {
      const root = api.app.get<PinoLogger>(LOGGER);
      const level = root.level;
      root.level = 'info'; // before the spy: pino sets its level methods on the instance
      const info = jest.spyOn(root, 'info').mockImplementation(() => undefined);
      try {
        const refused = await api.call('GET', '/cycles', { token: 'not.a.token', headers: { 'x-correlation-id': 'corr-access-401' } });
        expect(refused.status).toBe(401);
        const res = await fetch(`${api.url}/cycles`, {
          method: 'POST',
          headers: { authorization: `Bearer ${po}`, 'content-type': 'application/json', 'x-correlation-id': 'corr-access-400' },
          body: '{"type": ',
        });
        expect(res.status).toBe(400);
        const lines = () =>
          info.mock.calls
            .map(([o, msg]) => ({ ...(o as { correlationId?: string; res?: { statusCode: number } }), msg }))
            .filter((l) => l.msg === 'request completed')
            .map((l) => [l.correlationId, l.res?.statusCode]);
        for (let i = 0; i < 50 && lines().length < 2; i++) await new Promise((r) => setTimeout(r, 20));
        expect(lines()).toEqual([
          ['corr-access-401', 401],
          ['corr-access-400', 400],
        ]);
      } finally {
        info.mockRestore();
        root.level = level;
      }
    });
  });

  describe('the directory', () => {
    it('lets a platform administrator register a tenant and appoint its administrator', async () => {
      const r = await api.call('POST', '/tenants', {
        token: root,
        body: {
          id: 'cciaa-po',
          name: 'Camera di commercio di Pistoia-Prato',
          ipaCode: 'cciaa_po',
          timeZone: 'Europe/Rome',
          patronDays: [{ month: 7, day: 25, name: 'San Jacopo' }],
        },
      });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        id: 'cciaa-po',
        ipaCode: 'cciaa_po',
        patronDays: [{ month: 7, day: 25, name: 'San Jacopo', legalHoliday: false }],
        registeredBy: 'u-root',
      });
      expect(
        (
          await api.call('POST', '/tenants', {
            token: root,
            body: { id: 'cciaa-po', name: 'Doppione', ipaCode: 'cciaa_po' },
          })
        ).body.code,
      ).toBe('TENANT_EXISTS');
      // An OIDC user with no grant holds no role: refused everywhere.
      expect((await api.call('GET', '/cycles', { token: poAdmin })).status).toBe(403);
      const g = await api.call('POST', '/tenants/cciaa-po/users/u-po-admin/roles', {
        token: root,
        body: { role: 'admin' },
      });
      expect(g.status).toBe(201);
      expect(g.body).toMatchObject({ userId: 'u-po-admin', role: 'admin', grantedBy: 'u-root' });
      expect((await api.call('GET', '/tenants/cciaa-po', { token: poAdmin })).body).toMatchObject({
        name: 'Camera di commercio di Pistoia-Prato',
      });
    });

    it('refuses directory changes to those who may not make them', async () => {
      const head = await api.head();
      const cases: [string, string, string, unknown, number, string][] = [
        [
          'a tenant admin registering a tenant',
          'POST',
          '/tenants',
          { id: 'cciaa-yy', name: 'Y', ipaCode: 'yy' },
          403,
          'ROLE_NOT_ALLOWED',
        ],
        [
          'a tenant admin granting itself a role',
          'POST',
          '/tenants/cciaa-po/users/u-po-admin/roles',
          { role: 'segretario_generale' },
          403,
          'SELF_GRANT',
        ],
        [
          'a tenant admin revoking its own admin role',
          'DELETE',
          '/tenants/cciaa-po/users/u-po-admin/roles/admin',
          undefined,
          403,
          'SELF_GRANT',
        ],
        [
          'a tenant admin on another tenant',
          'POST',
          '/tenants/cciaa-fi/users/u-x/roles',
          { role: 'po' },
          404,
          'TENANT_NOT_FOUND',
        ],
        [
          'an unknown role',
          'POST',
          '/tenants/cciaa-po/users/u-x/roles',
          { role: 'imperatore' },
          400,
          'INVALID_REQUEST',
        ],
        [
          'an unknown field',
          'POST',
          '/tenants/cciaa-po/users/u-x/roles',
          { role: 'po', grantedBy: 'u-root' },
          400,
          'INVALID_REQUEST',
        ],
        [
          'a backdated grant',
          'POST',
          '/tenants/cciaa-po/users/u-x/roles',
          { role: 'po', validFrom: '2020-01-01' },
          400,
          'INVALID_REQUEST',
        ],
        [
          'an admin API key',
          'POST',
          '/tenants/cciaa-po/api-keys',
          { label: 'x', roles: ['admin'] },
          400,
          'INVALID_REQUEST',
        ],
      ];
      for (const [label, method, path, body, status, code] of cases) {
        const r = await api.call(method, path, { token: poAdmin, body });
        expect({ label, status: r.status, code: r.body.code }).toEqual({ label, status, code });
      }
      // A non-admin of the tenant.
      const sgDev = await api.token('u-someone', ['segretario_generale']);
      expect(
        (await api.call('POST', '/tenants/cciaa-po/users/u-x/roles', { token: sgDev, body: { role: 'po' } }))
          .body.code,
      ).toBe('ROLE_NOT_ALLOWED');
      expect((await api.call('GET', '/tenants/cciaa-po/users', { token: sgDev })).status).toBe(403);
      expect(await api.head()).toBe(head);
    });

    it('only the Segretario Generale approves as SG and only the OIV validates: roles come from grants, at the time of the request', async () => {
      const sg = await oidc('u-giulia');
      const oiv = await oidc('u-paola');
      expect(
        (
          await api.call('POST', '/tenants/cciaa-po/users/u-giulia/roles', {
            token: poAdmin,
            body: { role: 'segretario_generale' },
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await api.call('POST', '/tenants/cciaa-po/users/u-paola/roles', {
            token: poAdmin,
            body: { role: 'oiv' },
          })
        ).status,
      ).toBe(201);
      const organi = await api.token('u-organi', ['segreteria_organi']);

      const open = await api.call<{ cycleId: string }>('POST', '/cycles', {
        token: po,
        body: { type: 'relazione_performance', year: 2026 },
      });
      const id = open.body.cycleId;
      const run = (cmd: string, token: string, body: unknown = {}) =>
        api.call(`POST`, `/cycles/${id}/commands/${cmd}`, { token, body });
      expect((await run('close_measurements', po)).status).toBe(200);
      expect((await run('submit', po)).status).toBe(200);
      expect(
        (
          await run('record_giunta_deliberation', organi, {
            number: '40/2026',
            date: today(),
            actHash: sha('r'),
          })
        ).status,
      ).toBe(200);
      // The SG (by grant) may not validate; the OIV (by grant) may.
      expect((await run('validate', sg, { reportReference: 'x', date: today() })).body.code).toBe(
        'ROLE_NOT_ALLOWED',
      );
      // Revoking the OIV's role counts on the very next request.
      expect(
        (await api.call('DELETE', '/tenants/cciaa-po/users/u-paola/roles/oiv', { token: poAdmin })).status,
      ).toBe(200);
      expect((await run('validate', oiv, { reportReference: 'x', date: today() })).status).toBe(403);
      expect(
        (
          await api.call('POST', '/tenants/cciaa-po/users/u-paola/roles', {
            token: poAdmin,
            body: { role: 'oiv' },
          })
        ).status,
      ).toBe(201);
      const v = await run('validate', oiv, { reportReference: 'Documento di validazione', date: today() });
      expect(v.status).toBe(200);
      const { rows } = await api.pool.query<{ metadata: Record<string, unknown> }>(
        `SELECT metadata FROM es_events WHERE stream_id = $1 AND type = 'ValidatedByOiv'`,
        [`cciaa-po/cycle-${id}`],
      );
      expect(rows[0]?.metadata).toMatchObject({ actorId: 'u-paola', actorRole: 'oiv' });
    });

    it('records the role acted in when one person holds two, and counts the person for separation of duties', async () => {
      expect(
        (
          await api.call('POST', '/tenants/cciaa-po/users/u-sg-rpct/roles', {
            token: poAdmin,
            body: { role: 'segretario_generale' },
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await api.call('POST', '/tenants/cciaa-po/users/u-sg-rpct/roles', {
            token: poAdmin,
            body: { role: 'rpct' },
          })
        ).status,
      ).toBe(201);
      const person = await oidc('u-sg-rpct');
      const open = await api.call<{ cycleId: string }>('POST', '/cycles', {
        token: person,
        body: { type: 'piao', year: 2031 },
        headers: { 'x-acting-role': 'segretario_generale' },
      });
      expect(open.status).toBe(201);
      const id = open.body.cycleId;
      expect(
        (
          await api.call('POST', `/cycles/${id}/commands/submit`, {
            token: await api.token('u-po', ['po']),
            body: {},
          })
        ).status,
      ).toBe(200);
      const view = await api.call<{ availableCommands: string[] }>('GET', `/cycles/${id}`, { token: person });
      expect(view.body.availableCommands).toContain('approve');
      const c = await api.call('POST', `/cycles/${id}/commands/comment`, {
        token: person,
        body: { text: 'Osservazioni RPCT' },
        headers: { 'x-acting-role': 'rpct' },
      });
      expect(c.status).toBe(200);
      const { rows } = await api.pool.query<{ type: string; metadata: Record<string, unknown> }>(
        `SELECT type, metadata FROM es_events WHERE stream_id = $1 ORDER BY version`,
        [`cciaa-po/cycle-${id}`],
      );
      expect(rows.map((r) => [r.type, r.metadata.actorId, r.metadata.actorRole])).toEqual([
        ['CycleOpened', 'u-sg-rpct', 'segretario_generale'],
        ['SubmittedForReview', 'u-po', 'po'],
        ['CommentAdded', 'u-sg-rpct', 'rpct'],
      ]);
      // An acting role the person does not hold is refused.
      expect(
        (
          await api.call('POST', `/cycles/${id}/commands/comment`, {
            token: person,
            body: { text: 'x' },
            headers: { 'x-acting-role': 'oiv' },
          })
        ).body.code,
      ).toBe('ROLE_NOT_HELD');
      // Submitting as RPCT then approving as SG: the same person, refused whatever the role.
      const second = await api.call<{ cycleId: string }>('POST', '/cycles', {
        token: person,
        body: { type: 'piao', year: 2032 },
      });
      const id2 = second.body.cycleId;
      expect(
        (
          await api.call('POST', `/cycles/${id2}/commands/submit`, {
            token: person,
            body: {},
            headers: { 'x-acting-role': 'rpct' },
          })
        ).status,
      ).toBe(200);
      const self = await api.call('POST', `/cycles/${id2}/commands/approve`, {
        token: person,
        body: {},
        headers: { 'x-acting-role': 'segretario_generale' },
      });
      expect(self.status).toBe(422);
      expect(self.body.code).toBe('SEPARATION_OF_DUTIES');
      expect(
        (
          await api.call('POST', `/cycles/${id2}/commands/approve`, {
            token: await oidc('u-giulia'),
            body: {},
          })
        ).status,
      ).toBe(200);
    });

    it('shows who could act at any date', async () => {
      const before = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      expect(
        (
          await api.call('POST', '/tenants/cciaa-po/users/u-temp/roles', {
            token: poAdmin,
            body: { role: 'dirigente' },
          })
        ).status,
      ).toBe(201);
      const now = await api.call<{ userId: string; roles: string[]; grants: unknown[] }[]>(
        'GET',
        '/tenants/cciaa-po/users',
        { token: poAdmin },
      );
      expect(now.body.find((u) => u.userId === 'u-temp')?.roles).toEqual(['dirigente']);
      const then = await api.call<{ userId: string; roles: string[] }[]>(
        'GET',
        `/tenants/cciaa-po/users?at=${encodeURIComponent(before)}`,
        { token: poAdmin },
      );
      expect(then.body.find((u) => u.userId === 'u-temp')?.roles).toEqual([]);
      expect(then.body.find((u) => u.userId === 'u-po-admin')?.roles).toEqual(['admin']);
      expect((await api.call('GET', '/tenants/cciaa-po/users?at=yesterday', { token: poAdmin })).status).toBe(
        400,
      );
      expect(
        (
          await api.call('PUT', '/tenants/cciaa-po/users/u-temp', {
            token: poAdmin,
            body: { name: 'Tina Temporanea', email: 'tina@example.org' },
          })
        ).body,
      ).toMatchObject({ name: 'Tina Temporanea', roles: ['dirigente'] });
    });

    it('issues API keys that act in their roles, are listed without secrets, and stop at revocation', async () => {
      const issued = await api.call<{ keyId: string; apiKey: string; roles: string[] }>(
        'POST',
        '/tenants/cciaa-po/api-keys',
        { token: poAdmin, body: { label: 'Gestionale delibere', roles: ['po'] } },
      );
      expect(issued.status).toBe(201);
      const key = issued.body.apiKey;
      const open = await api.call<{ cycleId: string }>('POST', '/cycles', {
        headers: { 'x-api-key': key },
        body: { type: 'piao', year: 2032 },
      });
      expect(open.status).toBe(201);
      const { rows } = await api.pool.query<{ metadata: Record<string, unknown> }>(
        `SELECT metadata FROM es_events WHERE stream_id = $1`,
        [`cciaa-po/cycle-${open.body.cycleId}`],
      );
      expect(rows[0].metadata).toMatchObject({
        actorId: `apikey:${issued.body.keyId.split(':')[1]}`,
        actorRole: 'po',
      });
      // Scoped: a key with role po cannot approve.
      const list = await api.call<Record<string, unknown>[]>('GET', '/tenants/cciaa-po/api-keys', {
        token: poAdmin,
      });
      expect(list.body).toEqual([
        expect.objectContaining({ keyId: issued.body.keyId, roles: ['po'], status: 'active' }),
      ]);
      expect(JSON.stringify(list.body)).not.toMatch(/hash|apiKey/);
      expect(
        (await api.call('DELETE', `/tenants/cciaa-po/api-keys/${issued.body.keyId}`, { token: poAdmin }))
          .status,
      ).toBe(200);
      const after = await api.call('GET', '/cycles', { headers: { 'x-api-key': key } });
      expect(after.status).toBe(401);
      expect(after.body.message).toMatch(/revoked/);
      // Admin endpoints are not open to keys (they never hold admin).
      const k2 = await api.call<{ apiKey: string }>('POST', '/tenants/cciaa-po/api-keys', {
        token: poAdmin,
        body: { label: 'Lettura', roles: ['osservatore'] },
      });
      expect(
        (await api.call('GET', '/tenants/cciaa-po/users', { headers: { 'x-api-key': k2.body.apiKey } }))
          .status,
      ).toBe(403);
    });
  });

  describe('hardening', () => {
    it('sets security headers and never caches API answers', async () => {
      const r = await api.call('GET', '/definitions', { token: po });
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('etag')).toBeNull(); // no hash of an answer nobody may cache
      expect(r.headers.get('x-powered-by')).toBeNull();
      const docs = await api.call('GET', '/docs');
      expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    });

    it('answers CORS only for the configured origins', async () => {
      const ok = await fetch(`${api.url}/cycles`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://ciclo.example.org',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://ciclo.example.org');
      expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
      const other = await fetch(`${api.url}/cycles`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example.org', 'access-control-request-method': 'POST' },
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const get = await api.call('GET', '/definitions', {
        token: po,
        headers: { origin: 'https://ciclo.example.org' },
      });
      expect(get.headers.get('access-control-allow-origin')).toBe('https://ciclo.example.org');
      expect(get.headers.get('access-control-expose-headers')).toContain('X-Correlation-Id');
      // Paged lists (inbox, deadlines) give their next page's cursor in a header the page must be able to read.
      expect(get.headers.get('access-control-expose-headers')).toContain('X-Next-Cursor');
    });

    it('answers a body that cannot be read (bad gzip, unknown charset) with 4xx, no stack trace', async () => {
      const variants: Record<string, string>[] = [
        { 'content-encoding': 'gzip' },
        { 'content-encoding': 'deflate' },
        { 'content-type': 'application/json; charset=klingon' },
      ];
      for (const headers of variants) {
        const r = await api.call('POST', '/cycles', {
          token: po,
          body: '{"type":"piao","year":2027}',
          headers: { 'content-type': 'application/json', ...headers },
        });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(JSON.stringify(r.body)).not.toMatch(/node_modules|\.js:\d+/);
      }
    });

    it('refuses bodies over the limit with 413 and writes nothing', async () => {
      const head = await api.head();
      const r = await api.call('POST', '/cycles', {
        token: po,
        body: { type: 'piao', year: 2027, title: 'x'.repeat(1_100_000) },
      });
      expect(r.status).toBe(413);
      expect(r.body.code).toBe('BODY_TOO_LARGE');
      expect(await api.head()).toBe(head);
    });
  });
});

describe('rate limits (Redis, per user and per client address)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('ratelimit', {
      RATE_LIMIT_PER_MINUTE_USER: '5',
      RATE_LIMIT_PER_MINUTE_IP: '12',
    });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers 429 with Retry-After past the per-user limit, then past the per-address limit', async () => {
    const a = await api.token('u-a', ['po']);
    const b = await api.token('u-b', ['po']);
    for (let i = 0; i < 5; i++)
      expect((await api.call('GET', '/definitions', { token: a })).status).toBe(200);
    const limited = await api.call('GET', '/definitions', { token: a });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/per user/) });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Another user from the same address still passes until the address limit (12) is reached...
    for (let i = 0; i < 5; i++)
      expect((await api.call('GET', '/definitions', { token: b })).status).toBe(200);
    // ...which also counts anonymous requests and failed logins.
    expect((await api.call('GET', '/health')).status).toBe(200);
    const forged = await api.call('GET', '/definitions', { token: `${b.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(429);
    expect(forged.body.message).toMatch(/client address/);
  });
});
