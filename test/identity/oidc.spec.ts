import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { AuthFailure, OidcVerifier, type OidcOptions } from '@ciclo/identity';
import { startTestIssuer, type TestIssuer } from './oidc-issuer';

/** OpenID Connect verification against a real issuer on a local port: discovery, JWKS, claims. */
describe('OidcVerifier', () => {
  let idp: TestIssuer;
  let verifier: OidcVerifier;
  const options = (over: Partial<OidcOptions> = {}): OidcOptions => ({
    issuer: idp.issuer,
    audience: idp.audience,
    userClaim: 'sub',
    tenantClaim: 'tenant',
    nameClaim: 'name',
    algorithms: ['RS256', 'ES256'],
    clockToleranceSeconds: 30,
    retryAfterMs: 50,
    ...over,
  });
  const failure = async (p: Promise<unknown>): Promise<AuthFailure> => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AuthFailure);
    return err as AuthFailure;
  };

  beforeAll(async () => {
    idp = await startTestIssuer();
    verifier = new OidcVerifier(options());
  });
  afterAll(async () => {
    await idp.close();
  });

  it('discovers the JWKS and maps the identity claims (roles are not taken from the token)', async () => {
    const token = await idp.sign({
      sub: 'TINIT-RSSMRA80A01H501U',
      tenant: 'cciaa-po',
      name: 'Maria Rossi',
      roles: ['segretario_generale'],
    });
    await expect(verifier.verify(token)).resolves.toEqual({
      userId: 'TINIT-RSSMRA80A01H501U',
      tenant: 'cciaa-po',
      name: 'Maria Rossi',
    });
    expect(idp.hits['/.well-known/openid-configuration']).toBe(1);
    expect(idp.hits['/jwks']).toBe(1);
    // Keys are cached: more tokens, no more requests.
    for (let i = 0; i < 5; i++) await verifier.verify(await idp.sign({ sub: `u-${i}`, tenant: 'cciaa-po' }));
    expect(idp.hits['/jwks']).toBe(1);
  });

  it('reads a configured roles claim and nested claim paths', async () => {
    const v = new OidcVerifier(
      options({ tenantClaim: 'ext.ente', rolesClaim: 'realm_access.roles', userClaim: 'preferred_username' }),
    );
    const token = await idp.sign({
      sub: 'opaque',
      preferred_username: 'mrossi',
      ext: { ente: 'cciaa-fi' },
      realm_access: { roles: ['oiv', 'not-a-role', 'oiv'] },
    });
    await expect(v.verify(token)).resolves.toEqual({
      userId: 'mrossi',
      tenant: 'cciaa-fi',
      claimedRoles: ['oiv'],
    });
    const spaced = await idp.sign({
      preferred_username: 'mrossi',
      ext: { ente: 'cciaa-fi' },
      realm_access: { roles: 'po rpct' },
    });
    await expect(v.verify(spaced)).resolves.toMatchObject({ claimedRoles: ['po', 'rpct'] });
  });

  it.each([
    [
      'expired',
      () => idp.sign({ sub: 'u', tenant: 'cciaa-po' }, { expiresIn: Math.floor(Date.now() / 1000) - 120 }),
      'expired',
    ],
    [
      'for another audience',
      () => idp.sign({ sub: 'u', tenant: 'cciaa-po' }, { audience: 'someone-else' }),
      'claim "aud" rejected',
    ],
    [
      'from another issuer',
      () => idp.sign({ sub: 'u', tenant: 'cciaa-po' }, { issuer: 'https://evil.example.org' }),
      'claim "iss" rejected',
    ],
    [
      'signed by another key under the same key id',
      async () =>
        idp.sign({ sub: 'u', tenant: 'cciaa-po' }, { key: (await generateKeyPair('RS256')).privateKey }),
      'bad signature',
    ],
    [
      'signed by an unknown key id',
      async () =>
        idp.sign(
          { sub: 'u', tenant: 'cciaa-po' },
          { key: (await generateKeyPair('RS256')).privateKey, kid: 'other' },
        ),
      'no key of the issuer matches the token',
    ],
    [
      "with alg 'none'",
      async () =>
        new UnsecuredJWT({ sub: 'u', tenant: 'cciaa-po' })
          .setIssuer(idp.issuer)
          .setAudience(idp.audience)
          .setExpirationTime('5m')
          .encode(),
      'algorithm not allowed',
    ],
    [
      'HS256-signed with the public key (algorithm confusion)',
      async () =>
        new SignJWT({ sub: 'u', tenant: 'cciaa-po' })
          .setProtectedHeader({ alg: 'HS256', kid: 'test-key-1' })
          .setIssuer(idp.issuer)
          .setAudience(idp.audience)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(idp.publicKeyPem)),
      'algorithm not allowed',
    ],
    [
      'without expiry',
      async () =>
        new SignJWT({ sub: 'u', tenant: 'cciaa-po' })
          .setProtectedHeader({ alg: 'RS256', kid: 'test-key-1' })
          .setIssuer(idp.issuer)
          .setAudience(idp.audience)
          .sign(idp.privateKey),
      'claim "exp" rejected',
    ],
    ['without a tenant claim', () => idp.sign({ sub: 'u' }), 'claim "tenant" missing or not a tenant id'],
    [
      'with a malformed tenant',
      () => idp.sign({ sub: 'u', tenant: 'Cciaa PO' }),
      'claim "tenant" missing or not a tenant id',
    ],
    [
      'with an unusable subject',
      () => idp.sign({ sub: 'a/b c', tenant: 'cciaa-po' }),
      'claim "sub" missing or not a usable user id',
    ],
    ['that is garbage', async () => 'abc.def.ghi', 'malformed token'],
  ])('refuses a token %s (401)', async (_label, make, reason) => {
    const err = await failure(verifier.verify(await make()));
    expect(err.status).toBe(401);
    expect(err.reason).toBe(reason);
  });

  it('answers 503 (never accepts) while the issuer cannot be reached, and recovers', async () => {
    const fresh = await startTestIssuer();
    const v = new OidcVerifier({ ...options(), issuer: fresh.issuer, audience: fresh.audience });
    fresh.down = true;
    const token = await fresh.sign({ sub: 'u', tenant: 'cciaa-po' });
    const err = await failure(v.verify(token));
    expect(err.status).toBe(503);
    fresh.down = false;
    await new Promise((r) => setTimeout(r, 60));
    await expect(v.verify(token)).resolves.toMatchObject({ userId: 'u' });
    await fresh.close();
    const gone = new OidcVerifier({ ...options(), issuer: 'http://127.0.0.1:9', audience: 'x' });
    expect((await failure(gone.verify(token))).status).toBe(503);
  });

  it('refuses a discovery document naming another issuer', async () => {
    const v = new OidcVerifier({ ...options(), issuer: `${idp.issuer}/` });
    const token = await idp.sign({ sub: 'u', tenant: 'cciaa-po' }, { issuer: `${idp.issuer}/` });
    const err = await failure(v.verify(token));
    expect(err.status).toBe(503);
    expect(err.reason).toMatch(/discovery names issuer/);
  });
});
