import { axeViolations, demoLogin, describeViolations, newContext, screenshot, startConsole, type ConsoleEnv } from '../support/browser';

describe('console: demo login, session, logout', () => {
  let env: ConsoleEnv;
  beforeAll(async () => {
    env = await startConsole('console-login');
  }, 120_000);
  afterAll(async () => env?.close());

  it('a deep link without a session leads to the login page, and back to the link after the demo login', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await page.goto(`/cicli/${env.demo.cycleId}`);
    await page.waitForURL(/\/accesso\?ritorno=/);
    await page.getByRole('heading', { name: 'Accesso dimostrativo' }).waitFor();
    expect(describeViolations(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'accesso');
    await page.getByRole('button', { name: 'Entra come Giulia Esempio' }).click();
    await page.waitForURL((u) => u.pathname === `/cicli/${env.demo.cycleId}`);
    await page.getByText('Giulia Esempio').first().waitFor();
    const cookies = await ctx.cookies();
    const session = cookies.find((c) => c.name === 'ciclo_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');
    await ctx.close();
  });

  it('a read that finds the connection dropped is asked again; a server that never answers is said so, with a retry', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    // The first ask for the session and for the demo users lose their connection: both are asked again.
    const failed: string[] = [];
    for (const path of ['/auth/session', '/auth/demo-users']) {
      await page.route(
        `**${path}`,
        async (route) => {
          failed.push(path);
          await route.abort('connectionreset');
        },
        { times: 1 },
      );
    }
    await demoLogin(page, 'Giulia Esempio');
    expect(failed.sort()).toEqual(['/auth/demo-users', '/auth/session']);
    await ctx.close();

    // A server that never answers: the page says so instead of "no login method configured".
    const down = await newContext(env);
    const page2 = await down.newPage();
    let asked = 0;
    await page2.route('**/auth/session', async (route) => {
      asked += 1;
      await route.abort('connectionrefused');
    });
    await page2.goto('/accesso');
    await page2.getByRole('alert').filter({ hasText: 'Il server non risponde' }).waitFor();
    // At least the first ask and its two repetitions (a page that loads twice asks three times more).
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(await page2.getByText('Nessun metodo di accesso').count()).toBe(0);
    expect(describeViolations(await axeViolations(page2))).toEqual([]);
    await screenshot(page2, 'accesso-server-assente');
    // Back up: "Riprova" asks again and the demo users appear.
    await page2.unroute('**/auth/session');
    await page2.getByRole('button', { name: 'Riprova' }).click();
    await page2.getByRole('button', { name: 'Entra come Giulia Esempio' }).waitFor();
    await down.close();
  });

  it('the session cookie reads the API; a write without the CSRF token is refused, with it accepted', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await demoLogin(page, 'Luca Prova');
    const before = await env.api.head();
    const refused = await page.evaluate(async (id) => {
      const r = await fetch(`/cycles/${id}/commands/comment`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'senza token' }) });
      return { status: r.status, body: (await r.json()) as { code: string; messageIt: string } };
    }, env.demo.cycleId);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('CSRF_REJECTED');
    expect(refused.body.messageIt).toMatch(/CSRF/);
    expect(await env.api.head()).toBe(before);
    const accepted = await page.evaluate(async (id) => {
      const s = (await (await fetch('/auth/session')).json()) as { csrfToken: string };
      const r = await fetch(`/cycles/${id}/commands/comment`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken }, body: JSON.stringify({ text: 'con token' }) });
      return r.status;
    }, env.demo.cycleId);
    expect(accepted).toBe(200);
    expect(await env.api.head()).toBeGreaterThan(before);
    await ctx.close();
  });

  it('logout ends the session on the server: the old cookie no longer reads anything', async () => {
    const ctx = await newContext(env);
    const page = await ctx.newPage();
    await demoLogin(page, 'Giulia Esempio');
    const cookie = (await ctx.cookies()).find((c) => c.name === 'ciclo_session')?.value;
    expect(cookie).toBeTruthy();
    await page.getByRole('button', { name: 'Esci' }).click();
    await page.waitForURL(/\/accesso/);
    const r = await env.api.call('GET', '/inbox', { headers: { cookie: `ciclo_session=${cookie}` } });
    expect(r.status).toBe(401);
    await ctx.close();
  });

  it('a login posted from another site is refused and sets no cookie', async () => {
    const r = await env.api.call('POST', '/auth/demo-login', { body: { tenant: 'cciaa-po', userId: 'u-demo-sg' }, headers: { origin: 'https://evil.example' } });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('CSRF_REJECTED');
    expect(r.headers.get('set-cookie')).toBeNull();
  });

  it('the demo login refuses an unknown user and malformed fields, naming the field', async () => {
    const unknown = await env.api.call('POST', '/auth/demo-login', { body: { tenant: 'cciaa-po', userId: 'u-nessuno' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('USER_NOT_FOUND');
    const bad = await env.api.call<{ code: string; fields: { field: string }[] }>('POST', '/auth/demo-login', { body: { tenant: 'Not A Tenant!', userId: 7 } });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f) => f.field).sort()).toEqual(['tenant', 'userId']);
  });
});

describe('console: demo login off', () => {
  let env: ConsoleEnv;
  beforeAll(async () => {
    env = await startConsole('console-nodemo', { DEV_AUTH_ENABLED: 'false' });
  }, 120_000);
  afterAll(async () => env?.close());

  it('offers no demo users and refuses the demo login', async () => {
    expect((await env.api.call('GET', '/auth/demo-users')).status).toBe(404);
    expect((await env.api.call('POST', '/auth/demo-login', { body: { tenant: 'cciaa-po', userId: 'u-demo-sg' } })).status).toBe(404);
    const s = await env.api.call<{ authenticated: boolean; demo: boolean }>('GET', '/auth/session');
    expect(s.body).toMatchObject({ authenticated: false, demo: false });
  });
});
