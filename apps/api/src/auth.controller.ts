import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publicUrl, type Settings } from '@ciclo/config';
import { DirectoryService, IdentityRefusal, isTenantId, isUserId, OIDC_LOGIN, rolesAt, SessionStore, type OidcLogin, type Role } from '@ciclo/identity';
import { SETTINGS } from '@ciclo/platform';
import { Public, type AuthenticatedRequest } from './auth.guard';
import { CsrfRejected, RequestValidationError } from './http-errors';
import { clearSessionCookie, CSRF_HEADER, setSessionCookie } from './session-cookie';
import { sameSecret } from '@ciclo/identity';
import { ApiAnswer } from './openapi/document';

/** What the console learns about the browser's session. */
export interface SessionView {
  /** Whether a live session exists */
  authenticated: boolean;
  /** The demo login (users to choose from) is offered. */
  demo: boolean;
  /** Login through the OpenID Connect provider is offered. */
  oidc: boolean;
  /** Who is logged in, in which tenant, with which roles */
  user?: {
    /** User id */
    userId: string;
    /** Display name */
    name?: string;
    /** Tenant id */
    tenant: string;
    /** Roles held */
    roles: Role[];
  };
  /** How the session was opened */
  via?: 'dev_token' | 'oidc';
  /** To send as `X-CSRF-Token` with every write. */
  csrfToken?: string;
  /** Absolute end of the session (ISO 8601); it also ends after the idle timeout. */
  expiresAt?: string;
  /** Minutes of inactivity after which the session ends */
  idleMinutes?: number;
}

export interface DemoUser {
  /** User id */
  userId: string;
  /** Display name */
  name?: string;
  /** Roles held */
  roles: Role[];
}

export interface DemoTenant {
  /** Tenant id */
  tenant: string;
  /** Name of the body */
  name: string;
  /** The demo people of the tenant */
  users: DemoUser[];
}

/**
 * Browser sessions for the console (backend-for-frontend: the browser holds only an httpOnly
 * cookie; identity-provider tokens stay on the server). The demo login is offered only with
 * `DEV_AUTH_ENABLED` (refused in production by the settings).
 */
@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly sessions: SessionStore,
    private readonly directory: DirectoryService,
    @Inject(OIDC_LOGIN) private readonly oidcLogin: OidcLogin | null,
  ) {}

  private view(req: AuthenticatedRequest): SessionView {
    const base = { demo: this.settings.DEV_AUTH_ENABLED, oidc: !!this.settings.OIDC_CLIENT_ID };
    const s = req.session;
    if (!s || !req.actor) return { authenticated: false, ...base };
    return {
      authenticated: true,
      ...base,
      user: { userId: req.actor.userId, ...(req.actor.name ? { name: req.actor.name } : {}), tenant: req.actor.tenant, roles: req.actor.roles },
      via: s.record.identity.via,
      csrfToken: s.record.csrfToken,
      expiresAt: new Date(s.record.expiresAt).toISOString(),
      idleMinutes: this.settings.SESSION_IDLE_MINUTES,
    };
  }

  @Get('session')
  @ApiOperation({ summary: 'The browser session: who is logged in, with which roles, and the CSRF token for writes' })
  @ApiOkResponse({ description: '`authenticated: false` when there is no live session (never 401).' })
  @ApiAnswer(200, 'SessionView')
  session(@Req() req: AuthenticatedRequest): SessionView {
    return this.view(req);
  }

  @Get('demo-users')
  @ApiOperation({ summary: 'Demo login: the demo chambers and their users with their current roles (only with DEV_AUTH_ENABLED)' })
  @ApiNotFoundResponse({ description: 'The demo login is off.' })
  @ApiAnswer(200, 'DemoUsers')
  async demoUsers(): Promise<{ tenants: DemoTenant[] }> {
    this.assertDemo();
    const out: DemoTenant[] = [];
    const now = new Date();
    for (const seed of this.demoTenants()) {
      const tenant = await this.directory.tenant(seed.id);
      if (!tenant) continue;
      const users = (await this.directory.listUsers(seed.id))
        .map((u) => ({ userId: u.userId, ...(u.name ? { name: u.name } : {}), roles: rolesAt(u.grants, now) }))
        .filter((u) => u.roles.length > 0)
        .sort((a, b) => (a.name ?? a.userId).localeCompare(b.name ?? b.userId, 'it'));
      out.push({ tenant: seed.id, name: seed.name, users });
    }
    return { tenants: out };
  }

  @Post('demo-login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Demo login as one of the demo users (only with DEV_AUTH_ENABLED); sets the session cookie' })
  @ApiBody({ schema: { type: 'object', required: ['tenant', 'userId'], properties: { tenant: { type: 'string', description: 'Tenant id, e.g. cciaa-po' }, userId: { type: 'string', description: 'User id from GET /auth/demo-users' } } } })
  @ApiNotFoundResponse({ description: 'The demo login is off, or no such user with a role.' })
  @ApiForbiddenResponse({ description: 'The request came from another site (Origin).' })
  @ApiAnswer(200, 'SessionView', 'Logged in: the session cookie is set')
  async demoLogin(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response, @Body() body: unknown): Promise<SessionView> {
    this.assertDemo();
    this.assertSameOrigin(req);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new RequestValidationError([{ field: 'body', problem: 'must be a JSON object with tenant and userId' }]);
    const b = body as Record<string, unknown>;
    const problems = Object.keys(b)
      .filter((k) => k !== 'tenant' && k !== 'userId')
      .map((k) => ({ field: k, problem: 'is not a known field' }));
    if (!isTenantId(b.tenant)) problems.push({ field: 'tenant', problem: 'must be a tenant id such as cciaa-po' });
    if (!isUserId(b.userId)) problems.push({ field: 'userId', problem: 'must be a user id such as u-demo-sg' });
    if (problems.length) throw new RequestValidationError(problems);
    const tenant = b.tenant as string;
    const userId = b.userId as string;
    if (!this.demoTenants().some((t) => t.id === tenant)) throw new IdentityRefusal('TENANT_NOT_FOUND', `no demo tenant ${tenant}`);
    const user = await this.directory.user(tenant, userId);
    if (!user || rolesAt(user.grants, new Date()).length === 0) throw new IdentityRefusal('USER_NOT_FOUND', `no user ${userId} holding a role in ${tenant}`);
    if (req.session) await this.sessions.destroy(req.session.id);
    const { id, record } = await this.sessions.create({ userId, tenant, ...(user.name ? { name: user.name } : {}), via: 'dev_token' });
    setSessionCookie(res, this.settings, id, this.settings.SESSION_MAX_HOURS * 3_600_000);
    const roles = rolesAt(user.grants, new Date());
    req.session = { id, record };
    req.actor = { userId, tenant, roles, via: 'dev_token', ...(user.name ? { name: user.name } : {}) };
    return this.view(req);
  }

  @Post('logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ends the browser session (needs X-CSRF-Token); answers where to go next' })
  @ApiOkResponse({
    description:
      '`redirectTo`: the login page, or, for a session opened through the OpenID Connect provider that has an end-session endpoint, the provider\'s logout (`endSessionUrl`, with `id_token_hint` and `post_logout_redirect_uri` = PUBLIC_URL/accesso).',
  })
  @ApiAnswer(200, 'LoggedOut')
  async logout(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) res: Response, @Body() body: unknown): Promise<{ loggedOut: true; redirectTo: string; endSessionUrl?: string }> {
    const bodySent = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const emptyObject = body !== null && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0;
    if (bodySent && !emptyObject) throw new RequestValidationError([{ field: 'body', problem: 'must be empty (or {})' }]);
    let endSessionUrl: string | null = null;
    if (req.session) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, req.session.record.csrfToken)) throw new CsrfRejected(`missing or wrong ${CSRF_HEADER} header`);
      const rec = req.session.record;
      if (rec.identity.via === 'oidc' && this.oidcLogin) endSessionUrl = await this.oidcLogin.endSessionUrl(rec.oidc?.idToken);
      await this.sessions.destroy(req.session.id);
    }
    clearSessionCookie(res, this.settings);
    return endSessionUrl ? { loggedOut: true, redirectTo: endSessionUrl, endSessionUrl } : { loggedOut: true, redirectTo: '/accesso' };
  }

  private assertDemo(): void {
    if (!this.settings.DEV_AUTH_ENABLED) throw new NotFoundException();
  }

  /** Login CSRF: a login posted from another site's page is refused (browsers send Origin on POST). */
  private assertSameOrigin(req: AuthenticatedRequest): void {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    const own = new URL(publicUrl(this.settings)).origin;
    const host = `${req.protocol}://${req.headers.host ?? ''}`;
    if (origin !== own && origin !== host) throw new CsrfRejected(`login from another origin (${origin})`);
  }

  private demoTenants(): { id: string; name: string }[] {
    const dir = join(resolve(this.settings.SEEDS_DIR), 'tenants');
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { id: string; name: string });
    } catch {
      return [];
    }
  }
}
