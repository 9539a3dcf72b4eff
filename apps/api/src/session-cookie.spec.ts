import express from 'express';
import type { AddressInfo } from 'node:net';
import { loadSettings } from '@ciclo/config';
import { clearLoginCookie, loginCookieName, sessionCookieName, setLoginCookie, setSessionCookie } from './session-cookie';

/** The cookies as a browser receives them, from a real Express answer. */
async function setCookies(publicUrl: string): Promise<string[]> {
  const settings = loadSettings({ PUBLIC_URL: publicUrl });
  const app = express();
  app.get('/', (_req, res) => {
    setSessionCookie(res, settings, 'sid', 3_600_000);
    setLoginCookie(res, settings, 'lid', 600_000);
    clearLoginCookie(res, settings);
    res.end();
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return res.headers.getSetCookie();
  } finally {
    server.close();
  }
}

describe('console cookies', () => {
  it('under https: __Host- names, Secure, httpOnly, SameSite=Lax, every path', async () => {
    const settings = loadSettings({ PUBLIC_URL: 'https://ciclo.example.org' });
    expect(sessionCookieName(settings)).toBe('__Host-ciclo_session');
    expect(loginCookieName(settings)).toBe('__Host-ciclo_login');
    const [session, login, cleared] = await setCookies('https://ciclo.example.org');
    expect(session).toMatch(/^__Host-ciclo_session=sid; Max-Age=3600; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
    expect(login).toMatch(/^__Host-ciclo_login=lid; Max-Age=600; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/);
    expect(cleared).toMatch(/^__Host-ciclo_login=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax$/);
  });

  it('under plain http (local): plain names, not Secure (the browser would drop them)', async () => {
    const [session, login] = await setCookies('http://127.0.0.1:3000');
    expect(session).toMatch(/^ciclo_session=sid; .*HttpOnly; SameSite=Lax$/);
    expect(login).toMatch(/^ciclo_login=lid; .*HttpOnly; SameSite=Lax$/);
    expect(`${session}${login}`).not.toMatch(/Secure/);
  });
});
