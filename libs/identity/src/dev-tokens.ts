import { SignJWT, jwtVerify, errors } from 'jose';
import { isRole, isUserId, TENANT_RE, type Actor, type Role } from './actor';

export const DEV_ISSUER = 'ciclo-dev';
export const DEV_AUDIENCE = 'ciclo-api';

const key = (secret: string) => new TextEncoder().encode(secret);

export class InvalidToken extends Error {
  constructor(readonly reason: string) {
    super(`Invalid token: ${reason}`);
    this.name = 'InvalidToken';
  }
}

/** Default validity of a development token, and the longest a verifier accepts by default. */
export const DEV_TOKEN_TTL_S = 8 * 3600;
export const DEV_TOKEN_MAX_TTL_S = 7 * 24 * 3600;

/** Signs a development token (HS256) for `actor`. Only for local use and tests. It always expires. */
export async function signDevToken(actor: Actor, secret: string, ttlSeconds = DEV_TOKEN_TTL_S): Promise<string> {
  if (!Number.isInteger(ttlSeconds)) throw new InvalidToken('the validity must be a whole number of seconds');
  if (!TENANT_RE.test(actor.tenant))
    throw new InvalidToken(`tenant "${actor.tenant}" is not a valid tenant id`);
  if (!isUserId(actor.userId))
    throw new InvalidToken(
      'user id missing, longer than 100 characters or with characters other than letters, digits, _ . : -',
    );
  for (const r of actor.roles) if (!isRole(r)) throw new InvalidToken(`unknown role "${r}"`);
  if (actor.roles.length === 0) throw new InvalidToken('at least one role is required');
  return new SignJWT({
    tenant: actor.tenant,
    roles: actor.roles,
    ...(actor.name ? { name: actor.name } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setSubject(actor.userId)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(secret));
}

/**
 * Verifies a development token and returns its actor; throws `InvalidToken` with the reason.
 * A token must carry `exp` and `iat`, and is refused once `maxAgeSeconds` have passed since it was
 * issued, whatever its `exp` says.
 */
export async function verifyDevToken(token: string, secret: string, maxAgeSeconds = DEV_TOKEN_MAX_TTL_S): Promise<Actor> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat'],
      maxTokenAge: maxAgeSeconds,
    });
    const roles = Array.isArray(payload.roles) ? payload.roles : [];
    if (!isUserId(payload.sub)) throw new InvalidToken('no usable subject');
    if (typeof payload.tenant !== 'string' || !TENANT_RE.test(payload.tenant))
      throw new InvalidToken('no valid tenant claim');
    if (roles.length === 0 || !roles.every(isRole)) throw new InvalidToken('no valid roles claim');
    return {
      userId: payload.sub,
      tenant: payload.tenant,
      roles: roles as Role[],
      ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
    };
  } catch (err) {
    if (err instanceof InvalidToken) throw err;
    if (err instanceof errors.JWTExpired) throw new InvalidToken('expired');
    if (err instanceof errors.JWTClaimValidationFailed && err.reason === 'missing')
      throw new InvalidToken(`claim "${err.claim}" missing`);
    if (err instanceof errors.JWTClaimValidationFailed)
      throw new InvalidToken(`claim "${err.claim}" rejected`);
    if (err instanceof errors.JWSSignatureVerificationFailed) throw new InvalidToken('bad signature');
    if (err instanceof errors.JOSEAlgNotAllowed) throw new InvalidToken('algorithm not allowed');
    throw new InvalidToken('malformed token');
  }
}
