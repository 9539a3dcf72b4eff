import { SignJWT, UnsecuredJWT } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER, InvalidToken, signDevToken, verifyDevToken } from './dev-tokens';

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
  ])('refuses a token %s', async (_label, make, reason) => {
    const err = await verifyDevToken(await make(), SECRET).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidToken);
    expect((err as InvalidToken).reason).toBe(reason);
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
