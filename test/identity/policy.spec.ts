import { PostgresEventStore } from '@ciclo/event-store';
import {
  AccessPolicy,
  AuthFailure,
  DirectoryService,
  IdentityRefusal,
  OidcVerifier,
  readCredential,
  signDevToken,
  type Actor,
  type ChangeAuthor,
} from '@ciclo/identity';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestIssuer, type TestIssuer } from './oidc-issuer';

const SECRET = 'p'.repeat(40);
const admin: ChangeAuthor = { userId: 'u-admin', role: 'admin' };
const meta = { correlationId: 'corr-policy' };

describe('AccessPolicy: credentials → actor with the roles held now', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let dir: DirectoryService;
  let idp: TestIssuer;
  let oidc: OidcVerifier;
  let policy: AccessPolicy;

  beforeAll(async () => {
    db = await createTestDatabase('policy');
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 4 });
    await store.migrate();
    dir = new DirectoryService(store);
    idp = await startTestIssuer();
    oidc = new OidcVerifier({
      issuer: idp.issuer,
      audience: idp.audience,
      userClaim: 'sub',
      tenantClaim: 'tenant',
      nameClaim: 'name',
      algorithms: ['RS256'],
      clockToleranceSeconds: 5,
    });
    policy = new AccessPolicy(dir, { devTokenSecret: SECRET, oidc });
    await dir.registerTenant(
      { id: 'cciaa-po', name: 'Camera di commercio di Pistoia-Prato', ipaCode: 'cciaa_po' },
      admin,
      meta,
    );
  });
  afterAll(async () => {
    await idp.close();
    await store.close();
    await db.drop();
  });

  const bearer = (token: string) => ({ kind: 'bearer' as const, token });

  it('development tokens keep their roles until the user has grants; then the grants decide', async () => {
    const token = await signDevToken(
      { userId: 'u-dev', tenant: 'cciaa-po', roles: ['segretario_generale', 'po'] },
      SECRET,
    );
    await expect(policy.authenticate(bearer(token))).resolves.toEqual({
      userId: 'u-dev',
      tenant: 'cciaa-po',
      roles: ['segretario_generale', 'po'],
      via: 'dev_token',
    });
    await dir.grantRole('cciaa-po', 'u-dev', { role: 'po' }, admin, meta);
    expect((await policy.authenticate(bearer(token))).roles).toEqual(['po']);
    await dir.revokeRole('cciaa-po', 'u-dev', 'po', admin, meta);
    expect((await policy.authenticate(bearer(token))).roles).toEqual([]);
  });

  it('a revoke made by another process is seen by the very next request, even while reads of the same user are under way', async () => {
    // This process: its reads of user streams answer only when the test says (the query itself has run).
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held: Promise<Actor>[] = [];
    let userReads = 0;
    const slowStore = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop !== 'readStream') return Reflect.get(target, prop, receiver) as unknown;
        return async (streamId: string, options?: { fromVersion?: number }) => {
          const events = await target.readStream(streamId, options);
          if (streamId.includes('/user-')) {
            userReads++;
            await gate;
          }
          return events;
        };
      },
    });
    const here = new AccessPolicy(new DirectoryService(slowStore), { devTokenSecret: SECRET });
    const elsewhere = new DirectoryService(store); // another API process, with its own cache
    await elsewhere.grantRole('cciaa-po', 'u-burst', { role: 'po' }, admin, meta);
    const token = await signDevToken({ userId: 'u-burst', tenant: 'cciaa-po', roles: ['po'] }, SECRET);
    const principal = await here.verify(bearer(token));

    // A burst of requests: the first read has run before the revoke, the others wait for the next.
    userReads = 0;
    const before = here.actorFor(principal);
    for (let i = 0; i < 3; i++) held.push(here.actorFor(principal));
    await new Promise((r) => setTimeout(r, 50)); // the first read's query has answered (held at the gate)
    await elsewhere.revokeRole('cciaa-po', 'u-burst', 'po', admin, meta);
    const next = here.actorFor(principal); // the very next request after the revoke
    release();
    expect((await before).roles).toEqual(['po']); // read before the revoke
    expect((await next).roles).toEqual([]);
    // The requests that arrived during the first read (before the revoke, so still holding the
    // role at their instant) and the one after the revoke shared one fresh read: two reads for five.
    for (const a of await Promise.all(held)) expect(a.roles).toEqual(['po']);
    expect(userReads).toBe(2);
  });

  it('OIDC tokens carry identity only: roles come from the grants at the time of the request', async () => {
    const token = await idp.sign({
      sub: 'u-oiv',
      tenant: 'cciaa-po',
      name: 'Paola',
      roles: ['segretario_generale'],
    });
    expect(await policy.authenticate(bearer(token))).toEqual({
      userId: 'u-oiv',
      tenant: 'cciaa-po',
      name: 'Paola',
      roles: [],
      via: 'oidc',
    });
    await dir.grantRole('cciaa-po', 'u-oiv', { role: 'oiv' }, admin, meta);
    expect((await policy.authenticate(bearer(token))).roles).toEqual(['oiv']);
    // A roles claim, when configured, narrows the grants and never widens them.
    await dir.grantRole('cciaa-po', 'u-oiv', { role: 'osservatore' }, admin, meta);
    const narrowing = new AccessPolicy(dir, {
      oidc: new OidcVerifier({ ...oidc.options, rolesClaim: 'roles' }),
    });
    expect(
      (
        await narrowing.authenticate(
          bearer(await idp.sign({ sub: 'u-oiv', tenant: 'cciaa-po', roles: ['oiv', 'segretario_generale'] })),
        )
      ).roles,
    ).toEqual(['oiv']);
    expect(
      (await narrowing.authenticate(bearer(await idp.sign({ sub: 'u-oiv', tenant: 'cciaa-po' })))).roles,
    ).toEqual([]);
  });

  it('a bearer token verified once is trusted until its expiry, its maximum age or a minute; any other text is verified', async () => {
    // Only the date is faked (the tokens' signing and checking read it too); timers stay real.
    jest.useFakeTimers({ doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'] });
    const now = Date.now();
    const checks = jest.spyOn(oidc, 'verify');
    try {
      const cached = new AccessPolicy(dir, { devTokenSecret: SECRET, devTokenMaxAgeSeconds: 30, oidc });
      // OIDC: the second use does not check the signature again; the roles are still read each time.
      jest.setSystemTime(now);
      const token = await idp.sign({ sub: 'u-cache', tenant: 'cciaa-po' }, { expiresIn: '10m' });
      expect((await cached.authenticate(bearer(token))).roles).toEqual([]);
      await dir.grantRole('cciaa-po', 'u-cache', { role: 'po' }, admin, meta);
      expect((await cached.authenticate(bearer(token))).roles).toEqual(['po']);
      expect(checks).toHaveBeenCalledTimes(1);
      // A token differing in one character of its signature is verified, and refused.
      const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      await expect(cached.verify(bearer(forged))).rejects.toBeInstanceOf(AuthFailure);
      expect(checks).toHaveBeenCalledTimes(2);
      // A minute after it was verified, the token is verified again (a withdrawn key stops working).
      jest.setSystemTime(now + 61_000);
      await expect(cached.verify(bearer(token))).resolves.toMatchObject({ userId: 'u-cache', via: 'oidc' });
      expect(checks).toHaveBeenCalledTimes(3);
      // Past its expiry (and the issuer's clock tolerance), the remembered token is refused.
      jest.setSystemTime(now);
      const short = await idp.sign({ sub: 'u-cache', tenant: 'cciaa-po' }, { expiresIn: '20s' });
      await expect(cached.verify(bearer(short))).resolves.toMatchObject({ userId: 'u-cache' });
      jest.setSystemTime(now + 30_000);
      await expect(cached.verify(bearer(short))).rejects.toMatchObject({ reason: expect.stringMatching(/expired/) });
      // A development token past its maximum age is refused although it was verified and has not expired.
      jest.setSystemTime(now);
      const dev = await signDevToken({ userId: 'u-cache', tenant: 'cciaa-po', roles: ['po'] }, SECRET, 3600);
      await expect(cached.verify(bearer(dev))).resolves.toMatchObject({ via: 'dev_token' });
      jest.setSystemTime(now + 20_000);
      await expect(cached.verify(bearer(dev))).resolves.toMatchObject({ via: 'dev_token' });
      jest.setSystemTime(now + 31_000);
      await expect(cached.verify(bearer(dev))).rejects.toBeInstanceOf(AuthFailure);
      // rememberTokens: 0 checks the signature on every request.
      const every = new AccessPolicy(dir, { oidc, rememberTokens: 0 });
      const before = checks.mock.calls.length;
      await every.verify(bearer(token));
      await every.verify(bearer(token));
      expect(checks.mock.calls.length - before).toBe(2);
    } finally {
      jest.useRealTimers();
      checks.mockRestore();
    }
  });

  it('API keys act in the roles they were issued with', async () => {
    const k = await dir.issueApiKey('cciaa-po', { label: 'Albo', roles: ['po'] }, admin, meta);
    await expect(policy.authenticate({ kind: 'api_key', value: k.apiKey })).resolves.toMatchObject({
      tenant: 'cciaa-po',
      roles: ['po'],
      via: 'api_key',
    });
  });

  it('refuses development tokens when they are not enabled, and unknown issuers', async () => {
    const token = await signDevToken({ userId: 'u-dev', tenant: 'cciaa-po', roles: ['po'] }, SECRET);
    const strict = new AccessPolicy(dir, { devTokenSecret: null, oidc });
    await expect(strict.verify(bearer(token))).rejects.toMatchObject({
      reason: expect.stringMatching(/development tokens are not accepted/),
    });
    const none = new AccessPolicy(dir, {});
    await expect(none.verify(bearer(token))).rejects.toMatchObject({
      reason: expect.stringMatching(/no identity provider is configured/),
    });
    const foreign = await idp.sign(
      { sub: 'u', tenant: 'cciaa-po' },
      { issuer: 'https://elsewhere.example.org' },
    );
    await expect(policy.verify(bearer(foreign))).rejects.toMatchObject({
      reason: 'token issuer not accepted',
    });
  });

  it('reads credentials strictly from the headers', () => {
    expect(readCredential(undefined, undefined)).toEqual({ kind: 'none' });
    expect(readCredential('Bearer a.b.c', undefined)).toEqual({ kind: 'bearer', token: 'a.b.c' });
    expect(readCredential(undefined, 'k')).toEqual({ kind: 'api_key', value: 'k' });
    expect(() => readCredential('Bearer a.b.c', 'k')).toThrow(AuthFailure);
    expect(() => readCredential('Basic dXNlcjpwYXNz', undefined)).toThrow(/malformed Authorization/);
    expect(() => readCredential(['Bearer a.b.c', 'Bearer d.e.f'], undefined)).toThrow(/repeated/);
  });

  describe('tenant scoping', () => {
    const po: Actor = { userId: 'u-1', tenant: 'cciaa-po', roles: ['po'] };
    const poAdmin: Actor = { userId: 'u-2', tenant: 'cciaa-po', roles: ['admin'] };
    const root: Actor = { userId: 'u-root', tenant: 'platform', roles: ['admin'] };
    const code = (fn: () => void) => {
      try {
        fn();
        return 'allowed';
      } catch (err) {
        return (err as IdentityRefusal).code;
      }
    };

    it('another tenant is "not found"; its own admin administers; platform admins administer any tenant', () => {
      expect(policy.canRead(po, 'cciaa-po')).toBe(true);
      expect(policy.canRead(po, 'cciaa-fi')).toBe(false);
      expect(policy.canRead({ ...po, roles: [] }, 'cciaa-po')).toBe(false);
      expect(code(() => policy.assertAdministers(po, 'cciaa-po'))).toBe('ROLE_NOT_ALLOWED');
      expect(code(() => policy.assertAdministers(po, 'cciaa-fi'))).toBe('TENANT_NOT_FOUND');
      expect(code(() => policy.assertAdministers(poAdmin, 'cciaa-po'))).toBe('allowed');
      expect(code(() => policy.assertAdministers(poAdmin, 'cciaa-fi'))).toBe('TENANT_NOT_FOUND');
      expect(code(() => policy.assertAdministers(root, 'cciaa-fi'))).toBe('allowed');
      expect(code(() => policy.assertPlatformAdmin(poAdmin))).toBe('ROLE_NOT_ALLOWED');
      expect(code(() => policy.assertPlatformAdmin(root))).toBe('allowed');
      expect(code(() => policy.assertMember(po, 'cciaa-po'))).toBe('allowed');
      expect(code(() => policy.assertMember(po, 'cciaa-fi'))).toBe('TENANT_NOT_FOUND');
    });
  });
});
