import { createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata, type CanActivate } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { devAuthSecret, type Settings } from '@ciclo/config';
import { InvalidToken, isRole, verifyDevToken, type Actor, type Role } from '@ciclo/identity';
import { SETTINGS } from '@ciclo/platform';
import { RequestValidationError, Unauthenticated } from './http-errors';

const PUBLIC = 'ciclo:public';
/** Marks a route that needs no token (health, API docs). */
export const Public = () => SetMetadata(PUBLIC, true);

export type AuthenticatedRequest = Request & { actor?: Actor; actingRole?: Role };

/**
 * Every route needs a bearer token unless marked @Public(). The actor comes from the token, never
 * from the body; `X-Acting-Role` picks the role acted in when the person holds several.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    if (!header) throw new Unauthenticated('Missing Authorization: Bearer <token>');
    const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header);
    if (!m) throw new Unauthenticated('Malformed Authorization header: expected "Bearer <JWT>"');
    if (!this.settings.DEV_AUTH_ENABLED) {
      throw new Unauthenticated('No identity provider is configured (set DEV_AUTH_ENABLED=true to accept development tokens)');
    }
    try {
      req.actor = await verifyDevToken(m[1], devAuthSecret(this.settings));
    } catch (err) {
      if (err instanceof InvalidToken) throw new Unauthenticated(`Invalid token: ${err.reason}`);
      throw err;
    }
    const acting = req.headers['x-acting-role'];
    if (acting !== undefined) {
      const v = Array.isArray(acting) ? acting[0] : acting;
      if (!isRole(v)) throw new RequestValidationError([{ field: 'header.X-Acting-Role', problem: 'is not a known role' }]);
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
  (_: unknown, ctx: ExecutionContext): Role | undefined => ctx.switchToHttp().getRequest<AuthenticatedRequest>().actingRole,
);
