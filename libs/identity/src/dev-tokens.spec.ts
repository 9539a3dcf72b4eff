import { SignJWT, UnsecuredJWT } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER, DEV_TOKEN_MAX_TTL_S, InvalidToken, signDevToken, verifyDevToken } from './dev-tokens';

const SECRET = 'x'.repeat(40);
const actor = {
  userId: 'u-sg',
  tenant: 'cciaa-po',
  roles: ['segretario_generale' as const, 'rpct' as const],
  name: 'Maria Rossi',
};

describe('development tokens', () => {
  it('round-trips the actor', async () => {
    const token = await signDevToken(actor, SECRET);
    await expect(verifyDevToken(token, SECRET)).resolves.toEqual(actor);
  });

  it.each([
    ['wrongly signed', async () => signDevToken(actor, 'y'.repeat(40)), 'bad signature'],
    ['expired', async () => signDevToken(actor, SECRET, -10), 'expired'],
    [
      'for another audience',
      async () =>
        new SignJWT({ tenant: 'cciaa-po', roles: ['po'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(DEV_ISSUER)
          .setAudience('someone-else')
          .setSubject('u')
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(SECRET)),
      'claim "aud" rejected',
    ],
    [
      "with alg 'none'",
      async () =>
        new UnsecuredJWT({ tenant: 'cciaa-po', roles: ['po'] })
          .setIssuer(DEV_ISSUER)
          .setAudience(DEV_AUDIENCE)
          .setSubject('u')
          .encode(),
      'algorithm not allowed',
    ],
    ['garbage', async () => 'not.a.jwt', 'malformed token'],
    [
      'without an expiry',
      async () =>
        new SignJWT({ tenant: 'cciaa-po', roles: ['po'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(DEV_ISSUER)
          .setAudience(DEV_AUDIENCE)
          .setSubject('u')
          .setIssuedAt()
          .sign(new TextEncoder().encode(SECRET)),
      'claim "exp" missing',
    ],
    [
      'without an issue time',
      async () =>
        new SignJWT({ tenant: 'cciaa-po', roles: ['po'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(DEV_ISSUER)
          .setAudience(DEV_AUDIENCE)
          .setSubject('u')
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(SECRET)),
      'claim "iat" missing',
    ],
    [
      'issued longer ago than the longest validity, whatever its exp',
      async () =>
        new SignJWT({ tenant: 'cciaa-po', roles: ['po'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(DEV_ISSUER)
          .setAudience(DEV_AUDIENCE)
          .setSubject('u')
          .setIssuedAt(Math.floor(Date.now() / 1000) - DEV_TOKEN_MAX_TTL_S - 60)
          .setExpirationTime('100y')
          .sign(new TextEncoder().encode(SECRET)),
      'expired',
    ],
  ])('refuses a token %s', async (_label, make, reason) => {
    const err = await verifyDevToken(await make(), SECRET).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidToken);
    expect((err as InvalidToken).reason).toBe(reason);
  });

  it('accepts a long-lived token only up to the verifier\'s maximum age', async () => {
    const token = await signDevToken(actor, SECRET, 3600);
    await expect(verifyDevToken(token, SECRET, 3600)).resolves.toEqual(actor);
    const err = await verifyDevToken(
      await new SignJWT({ tenant: 'cciaa-po', roles: ['po'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject('u')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(SECRET)),
      SECRET,
      3600,
    ).catch((e: unknown) => e);
    expect((err as InvalidToken).reason).toBe('expired');
  });

  it('refuses to sign unknown roles or a malformed tenant', async () => {
    await expect(signDevToken({ ...actor, roles: ['king' as never] }, SECRET)).rejects.toThrow(
      /unknown role "king"/,
    );
    await expect(signDevToken({ ...actor, tenant: 'Bad Tenant' }, SECRET)).rejects.toThrow(
      /not a valid tenant/,
    );
  });
});
