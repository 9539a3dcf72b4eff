import {
  createParamDecorator,
  ExecutionContext,
  Injectable,
  Logger,
  ServiceUnavailableException,
  SetMetadata,
  type CanActivate,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { publicUrl, type Settings } from '@ciclo/config';
import { DomainRefusal } from '@ciclo/domain';
import {
  AccessPolicy,
  AuthFailure,
  isRole,
  RateLimiter,
  readCredential,
  type Actor,
  type Principal,
  type RateLimitRule,
  type Role,
} from '@ciclo/identity';
import { CsrfRejected, RequestValidationError, Unauthenticated } from './http-errors';
import { CSRF_HEADER, sessionCookieName } from './session-cookie';
import { sameSecret } from '@ciclo/identity';

const PUBLIC = 'ciclo:public';
/** Marks a route that needs no token (health, API docs). */
export const Public = () => SetMetadata(PUBLIC, true);

export type AuthenticatedRequest = Request & {
  id?: string;
  actor?: Actor;
  actingRole?: Role;
  authFailure?: AuthFailure;
  /** Browser session the request came with (cookie), once verified. */
  session?: NonNullable<Principal['session']>;
  /** A cookie-authenticated write without the session's CSRF token. */
  csrfFailure?: string;
  cookies?: Record<string, string | undefined>;
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The queue dashboard's own pages and API (a third-party UI that cannot send the CSRF token). */
const QUEUE_DASHBOARD = /^\/admin\/queues(?:\/|$)/;

/**
 * The queue dashboard's buttons (retry, clean, pause) write with the session cookie but without
 * the CSRF token, which that UI does not know: they are accepted only when the browser says the
 * request comes from this origin (`Origin`, which a page cannot forge; absent means refused).
 */
export function sameOriginDashboardWrite(req: AuthenticatedRequest, settings: Settings): boolean {
  const path = (req.originalUrl ?? req.url ?? '/').split('?')[0];
  if (!QUEUE_DASHBOARD.test(path)) return false;
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  const own = new URL(publicUrl(settings)).origin;
  const host = `${req.protocol}://${req.headers.host ?? ''}`;
  return origin === own || origin === host;
}

/**
 * Authentication and rate limiting, as Express middleware run before the body is parsed:
 *
 * 1. the credential (`Authorization: Bearer <JWT>` or `X-Api-Key: <keyId>.<secret>`) is verified by
 *    the access policy: signature, issuer, audience, expiry; an API key against its stored hash;
 * 2. one Redis round trip counts the request against the client address and, when the credential
 *    was valid, against the user: over either limit answers 429 with `Retry-After` (a forged or
 *    expired JWT never reaches the database; an API key is read from the directory to be checked);
 * 3. meanwhile the directory gives the roles the user holds now, and the actor is attached.
 *
 * Failures are not answered here: `AuthGuard` answers 401 on routes that need an actor (public
 * routes ignore a bad token). Each failed login is logged with the correlation id, the reason and
 * the credential kind: never the token or the key.
 */
export function authenticationMiddleware(policy: AccessPolicy, limiter: RateLimiter, settings: Settings) {
  const log = new Logger('Auth');
  const cookieName = sessionCookieName(settings);
  return (req: AuthenticatedRequest, res: Response, next: NextFunction): void => {
    // Liveness depends on nothing, not even Redis (rate-limit counters): it only says the process answers.
    if (req.path === '/health/live') return next();
    const run = async () => {
      let principal: Principal | null = null;
      const kind =
        req.headers['x-api-key'] !== undefined
          ? 'api_key'
          : req.headers.authorization !== undefined
            ? 'bearer'
            : req.cookies?.[cookieName]
              ? 'session'
              : 'none';
      try {
        const credential = readCredential(req.headers.authorization, req.headers['x-api-key'], req.cookies?.[cookieName]);
        if (credential.kind !== 'none') principal = await policy.verify(credential);
        if (principal?.session) {
          req.session = principal.session;
          // A cookie travels with every request the browser makes, also those another site
          // triggers: a write must prove it comes from the console (synchronizer token).
          const sent = req.headers[CSRF_HEADER];
          if (
            !SAFE_METHODS.has(req.method) &&
            (typeof sent !== 'string' || !sameSecret(sent, principal.session.record.csrfToken)) &&
            !sameOriginDashboardWrite(req, settings)
          )
            req.csrfFailure = `missing or wrong ${CSRF_HEADER} header`;
        }
      } catch (err) {
        if (!(err instanceof AuthFailure)) throw err;
        req.authFailure = err;
      }
      const rules: RateLimitRule[] = [
        {
          key: `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`,
          limit: settings.RATE_LIMIT_PER_MINUTE_IP,
        },
      ];
      if (principal)
        rules.push({
          key: `user:${principal.tenant}:${principal.userId}`,
          limit: settings.RATE_LIMIT_PER_MINUTE_USER,
        });
      // The rate-limit counters (Redis) and the roles (directory) are asked at the same time: one
      // round-trip's wait instead of two. A refused request has then cost one directory read.
      const resolving = principal
        ? policy.actorFor(principal).then(
            (actor) => ({ actor }),
            (error: unknown) => ({ error }),
          )
        : null;
      const verdict = await limiter.check(rules);
      const resolved = resolving ? await resolving : null;
      if (!verdict.allowed) {
        log.warn(
          {
            correlationId: req.id,
            method: req.method,
            path: req.path,
            ip: req.ip,
            limit: verdict.refusedBy,
            user: principal ? `${principal.tenant}/${principal.userId}` : undefined,
          },
          'Rate limit exceeded',
        );
        res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
        res.status(429).json({
          statusCode: 429,
          code: 'RATE_LIMITED',
          message: `Too many requests (per ${verdict.refusedBy === 'user' ? 'user' : 'client address'}); retry after ${verdict.retryAfterSeconds} s`,
          messageIt: 'Troppe richieste: riprovare più tardi',
          correlationId: req.id,
        });
        return;
      }
      if (resolved && 'actor' in resolved) req.actor = resolved.actor;
      else if (resolved) {
        log.error(
          { correlationId: req.id, err: resolved.error },
          'Directory unavailable while resolving roles',
        );
        req.authFailure = new AuthFailure('directory unavailable', 503);
      }
      if (req.authFailure && kind !== 'none') {
        log.warn(
          {
            correlationId: req.id,
            method: req.method,
            path: req.path,
            ip: req.ip,
            credential: kind,
            reason: req.authFailure.reason,
          },
          'Authentication failed',
        );
      }
      next();
    };
    run().catch((err: unknown) => {
      // Never an Express HTML error page: the guard answers with the JSON error shape.
      log.error({ correlationId: req.id, err }, 'Authentication middleware failed');
      req.authFailure = new AuthFailure('authentication unavailable', 503);
      next();
    });
  };
}

/**
 * Every route needs an authenticated actor unless marked @Public(); an actor with no role in its
 * tenant is refused (403). The actor comes from the credential, never from the body;
 * `X-Acting-Role` picks the role acted in when the person holds several.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]))
      return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (req.authFailure) {
      if (req.authFailure.status === 503)
        throw new ServiceUnavailableException(`Authentication unavailable: ${req.authFailure.reason}`);
      throw new Unauthenticated(`Invalid credentials: ${req.authFailure.reason}`);
    }
    if (!req.actor) throw new Unauthenticated('Missing Authorization: Bearer <token> (or X-Api-Key, or a console session)');
    if (req.csrfFailure) throw new CsrfRejected(req.csrfFailure);
    if (req.actor.roles.length === 0)
      throw new DomainRefusal('ROLE_NOT_ALLOWED', `no role held in tenant ${req.actor.tenant}`);
    const acting = req.headers['x-acting-role'];
    if (acting !== undefined) {
      const v = Array.isArray(acting) ? acting[0] : acting;
      if (!isRole(v))
        throw new RequestValidationError([{ field: 'header.X-Acting-Role', problem: 'is not a known role' }]);
      req.actingRole = v;
    }
    return true;
  }
}

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Unauthenticated('Not authenticated');
  return actor;
});

export const ActingRole = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Role | undefined =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().actingRole,
);
