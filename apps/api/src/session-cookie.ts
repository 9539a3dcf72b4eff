import type { Response } from 'express';
import { publicUrl, type Settings } from '@ciclo/config';

/** The header every cookie-authenticated write must carry with the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

const secure = (settings: Settings) => publicUrl(settings).startsWith('https://');

/**
 * The session cookie's name: under https the `__Host-` prefix makes the browser refuse it unless
 * it is Secure, for this exact host and for every path (no subdomain can set or read it).
 */
export const sessionCookieName = (settings: Settings) => (secure(settings) ? '__Host-ciclo_session' : 'ciclo_session');

/** Sets the session cookie: httpOnly (no script reads it), SameSite=Lax, Secure under https. */
export function setSessionCookie(res: Response, settings: Settings, id: string, maxAgeMs: number): void {
  res.cookie(sessionCookieName(settings), id, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(settings),
    path: '/',
    maxAge: maxAgeMs,
  });
}

export function clearSessionCookie(res: Response, settings: Settings): void {
  res.clearCookie(sessionCookieName(settings), { httpOnly: true, sameSite: 'lax', secure: secure(settings), path: '/' });
}

/**
 * The cookie that binds a started OpenID Connect login to this browser (its login id; the state,
 * nonce and PKCE verifier stay in Redis): a callback in another browser finds no login to finish.
 * SameSite=Lax: it must come back with the provider's top-level redirect to /auth/callback.
 */
export const loginCookieName = (settings: Settings) => (secure(settings) ? '__Host-ciclo_login' : 'ciclo_login');

export function setLoginCookie(res: Response, settings: Settings, loginId: string, maxAgeMs: number): void {
  res.cookie(loginCookieName(settings), loginId, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(settings),
    path: '/',
    maxAge: maxAgeMs,
  });
}

export function clearLoginCookie(res: Response, settings: Settings): void {
  res.clearCookie(loginCookieName(settings), { httpOnly: true, sameSite: 'lax', secure: secure(settings), path: '/' });
}
