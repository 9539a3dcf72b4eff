import { Controller, Get, Inject, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Settings } from '@ciclo/config';
import { DirectoryService, LoginFailure, OIDC_LOGIN, rolesAt, SessionStore, type OidcLogin } from '@ciclo/identity';
import { SETTINGS } from '@ciclo/platform';
import { Public, type AuthenticatedRequest } from './auth.guard';
import { CONSOLE_ROUTE } from './console';
import { clearLoginCookie, loginCookieName, setLoginCookie, setSessionCookie } from './session-cookie';

/** Where a login lands when it names no (acceptable) page. */
export const DEFAULT_RETURN_TO = '/da-fare';

const BASE = 'http://ciclo.invalid';

const hasControl = (v: string): boolean => [...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/**
 * The page to land on after login: only a path of the console on this origin (no open redirect:
 * `//evil.example`, `https://...`, backslashes and control characters all fall back to the inbox).
 */
export function safeReturnTo(v: unknown): string {
  if (typeof v !== 'string' || v.length > 2000 || !v.startsWith('/') || v.startsWith('//') || v.includes('\\') || hasControl(v))
    return DEFAULT_RETURN_TO;
  let u: URL;
  try {
    u = new URL(v, BASE);
  } catch {
    return DEFAULT_RETURN_TO;
  }
  if (u.origin !== BASE || !CONSOLE_ROUTE.test(u.pathname) || u.pathname === '/accesso' || u.pathname.startsWith('/accesso/'))
    return DEFAULT_RETURN_TO;
  return `${u.pathname}${u.search}${u.hash}`;
}

/** The login page with the reason shown to the person (Italian) and, when known, the page they wanted. */
export function loginErrorLocation(messageIt: string, returnTo?: string): string {
  const q = new URLSearchParams({ errore: messageIt });
  if (returnTo && returnTo !== DEFAULT_RETURN_TO) q.set('ritorno', returnTo);
  return `/accesso?${q.toString()}`;
}

/**
 * The console's production login: OpenID Connect authorization code flow with PKCE, the API being
 * the confidential client (backend-for-frontend). The browser only ever holds two httpOnly
 * cookies: the short-lived login cookie between `/auth/login` and `/auth/callback`, then the
 * session cookie. The provider's tokens stay in the session record in Redis. Every failure
 * answers with a redirect to the login page carrying the reason in Italian (never a 500).
 */
@ApiTags('auth')
@Public()
@Controller('auth')
export class OidcLoginController {
  private readonly log = new Logger('Login');

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(OIDC_LOGIN) private readonly login: OidcLogin | null,
    private readonly sessions: SessionStore,
    private readonly directory: DirectoryService,
  ) {}

  @Get('login')
  @ApiOperation({ summary: 'Console login through the OpenID Connect provider: redirects to the provider (authorization code flow with PKCE)' })
  @ApiQuery({ name: 'returnTo', required: false, description: 'Console path to land on after login (e.g. /cicli/<id>); other values fall back to /da-fare' })
  @ApiFoundResponse({ description: 'To the provider (state, nonce, S256 code challenge); on failure to /accesso?errore=<reason in Italian>.' })
  async start(@Req() req: AuthenticatedRequest, @Res() res: Response, @Query('returnTo') returnToParam: unknown): Promise<void> {
    const returnTo = safeReturnTo(returnToParam);
    if (!this.login) return this.fail(req, res, new LoginFailure('refused', 'OIDC login not configured (OIDC_CLIENT_ID)', "l'accesso tramite fornitore di identità non è configurato"), returnTo);
    try {
      const { loginId, url } = await this.login.begin(returnTo);
      setLoginCookie(res, this.settings, loginId, this.login.pendingTtlMs);
      res.redirect(302, url);
    } catch (err) {
      this.fail(req, res, err, returnTo);
    }
  }

  @Get('callback')
  @ApiOperation({ summary: 'Where the OpenID Connect provider sends the browser back: code exchange, ID token checks, session cookie, then the page asked for' })
  @ApiFoundResponse({ description: 'To the page asked for, with the session cookie; on failure to /accesso?errore=<reason in Italian>.' })
  async callback(@Req() req: AuthenticatedRequest, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    clearLoginCookie(res, this.settings);
    let returnTo: string | undefined;
    try {
      if (!this.login) throw new LoginFailure('refused', 'OIDC login not configured (OIDC_CLIENT_ID)', "l'accesso tramite fornitore di identità non è configurato");
      const pending = await this.login.take(req.cookies?.[loginCookieName(this.settings)]);
      if (!pending)
        throw new LoginFailure('expired', 'no pending login for this browser (expired, already used, or started elsewhere)', "la richiesta di accesso è scaduta, è già stata usata o è stata avviata in un altro browser; riprovare");
      returnTo = pending.returnTo;
      const { identity, tokens } = await this.login.finish(pending, query);
      const who = `${identity.tenant}/${identity.userId}`;
      if (!(await this.directory.tenant(identity.tenant)))
        throw new LoginFailure('identity', `unknown tenant ${identity.tenant}`, `l'ente «${identity.tenant}» indicato dal fornitore di identità non è registrato in Ciclo`);
      const user = await this.directory.user(identity.tenant, identity.userId);
      const granted = user ? rolesAt(user.grants, new Date()) : [];
      const roles = identity.claimedRoles ? granted.filter((r) => identity.claimedRoles?.includes(r)) : granted;
      if (roles.length === 0)
        throw new LoginFailure('identity', `${who} holds no role${identity.claimedRoles ? ' allowed by the roles claim' : ''}`, `l'utente «${identity.userId}» non ha alcun ruolo nell'ente «${identity.tenant}»: chiedere all'amministratore dell'ente`);
      if (req.session) await this.sessions.destroy(req.session.id);
      const name = identity.name ?? user?.name;
      const { id } = await this.sessions.create(
        { userId: identity.userId, tenant: identity.tenant, ...(name ? { name } : {}), via: 'oidc', ...(identity.claimedRoles ? { claimedRoles: identity.claimedRoles } : {}) },
        tokens,
      );
      setSessionCookie(res, this.settings, id, this.settings.SESSION_MAX_HOURS * 3_600_000);
      this.log.log({ correlationId: req.id, user: who, roles }, 'Login through the identity provider');
      res.redirect(302, returnTo);
    } catch (err) {
      this.fail(req, res, err, returnTo);
    }
  }

  private fail(req: AuthenticatedRequest, res: Response, err: unknown, returnTo: string | undefined): void {
    const failure =
      err instanceof LoginFailure
        ? err
        : new LoginFailure('unavailable', `login failed: ${(err as Error)?.message ?? String(err)}`, "errore interno durante l'accesso; riprovare tra qualche minuto");
    const fields = { correlationId: req.id, ip: req.ip, kind: failure.kind, reason: failure.reason };
    if (err instanceof LoginFailure) this.log.warn(fields, 'Login refused');
    else this.log.error({ ...fields, err }, 'Login failed');
    res.redirect(302, loginErrorLocation(failure.messageIt, returnTo));
  }
}
