/**
 * What token verification adds to a request, measured in-process on the real code path: the API's
 * authentication middleware (credential parsing, JWT signature and claims, one Redis round trip
 * for the per-address and per-user rate limits, the directory read for the roles held now) run
 * on the same request with a token, against a real PostgreSQL and Redis. A request without
 * verification skips exactly this middleware, so its duration is the overhead. Measured
 * sequentially after a warm-up: the cost of one request, not queueing under load (that shows in
 * command_p99_ms, which includes it).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { NextFunction, Response } from 'express';
import { devAuthSecret, loadSettings, type Settings } from '@ciclo/config';
import { PostgresEventStore } from '@ciclo/event-store';
import { accessPolicyFor, DirectoryService, rateLimiterFor, signDevToken } from '@ciclo/identity';
import { authenticationMiddleware, type AuthenticatedRequest } from '../../apps/api/src/auth.guard';
import { percentile } from './harness';

export interface AuthOverhead {
  /** Median over the rounds of each round's p99 (OIDC token), and the spread of those p99s. */
  oidcP99Ms: number;
  oidcP99MinMs: number;
  oidcP99MaxMs: number;
  oidcP50Ms: number;
  devTokenP99Ms: number;
  /** The OIDC token on a later request, its verification remembered (the median of the rounds' p99). */
  rememberedP99Ms: number;
  /** The floor on this machine: p99 of one bare `SELECT 1` and of one Redis `PING`, measured the same way. */
  pgRoundTripP99Ms: number;
  redisRoundTripP99Ms: number;
  samples: number;
  rounds: number;
}

/**
 * `rounds` rounds of `samples` sequential requests per credential after `warmup` requests. The
 * figure is the median of the rounds' p99: one burst of foreign load on a shared machine moves one
 * round, not the figure; the spread is reported beside it.
 */
export async function measureAuthOverhead(
  databaseUrl: string,
  base: Settings,
  samples = 5000,
  warmup = 2000,
  rounds = 3,
): Promise<AuthOverhead> {
  // A local OpenID Connect issuer (discovery + JWKS), as the SPID/CIE gateway would be.
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  let issuer = '';
  const idp = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration')
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else if (req.url === '/jwks')
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

  const settings = loadSettings({
    DATABASE_URL: databaseUrl,
    REDIS_URL: base.REDIS_URL,
    REDIS_PREFIX: `ciclo_bench_auth_${randomBytes(4).toString('hex')}`,
    DEV_AUTH_ENABLED: 'true',
    OIDC_ISSUER: issuer,
    OIDC_AUDIENCE: 'ciclo-api',
    RATE_LIMIT_PER_MINUTE_USER: '100000000',
    RATE_LIMIT_PER_MINUTE_IP: '100000000',
  });
  const store = new PostgresEventStore({ connectionString: databaseUrl, poolSize: 4 });
  const directory = new DirectoryService(store);
  const limiterErrors: unknown[] = [];
  const { limiter, redis } = rateLimiterFor(settings, (err) => limiterErrors.push(err));
  try {
    if (!(await directory.rolesAt('platform', 'u-bench-sg')).includes('admin')) {
      await directory.grantRole(
        'platform',
        'u-bench-sg',
        { role: 'admin' },
        { userId: 'bench', role: 'system' },
        { correlationId: 'bench' },
      );
    }
    // The figure is the verification itself: every request checks the token's signature, as on a
    // token's first use. A token seen lately is remembered by the API (`rememberTokens`): measured apart.
    const middleware = authenticationMiddleware(accessPolicyFor(settings, directory, null, null, { rememberTokens: 0 }), limiter, settings);
    const remembering = authenticationMiddleware(accessPolicyFor(settings, directory), limiter, settings);
    const oidcToken = await new SignJWT({ tenant: 'platform' })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
      .setIssuer(issuer)
      .setAudience('ciclo-api')
      .setSubject('u-bench-sg')
      .setExpirationTime('1h')
      .sign(privateKey);
    const devToken = await signDevToken(
      { userId: 'u-bench-po', tenant: 'cciaa-bench', roles: ['po'] },
      devAuthSecret(settings),
    );
    if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
    const once = (token: string, through = middleware) =>
      new Promise<number>((resolve, reject) => {
        const req = {
          headers: { authorization: `Bearer ${token}` },
          ip: '127.0.0.1',
          method: 'GET',
          path: '/cycles/x',
          socket: {},
          id: 'bench',
        } as unknown as AuthenticatedRequest;
        const res = {
          setHeader: () => undefined,
          status: () => ({ json: () => reject(new Error('rate limited')) }),
        } as unknown as Response;
        const t0 = performance.now();
        const next: NextFunction = () => {
          if (!req.actor || req.authFailure)
            reject(new Error(`not authenticated: ${req.authFailure?.reason}`));
          else resolve(performance.now() - t0);
        };
        through(req, res, next);
      });
    const timed = async (op: () => Promise<unknown>) => {
      const lat: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now();
        await op();
        lat.push(performance.now() - t0);
      }
      return { p50: percentile([...lat], 50), p99: percentile(lat, 99) };
    };
    const round = async (token: string, through = middleware) => {
      const lat: number[] = [];
      for (let i = 0; i < samples; i++) lat.push(await once(token, through));
      return { p50: percentile([...lat], 50), p99: percentile(lat, 99) };
    };
    for (let i = 0; i < warmup; i++) await once(oidcToken);
    for (let i = 0; i < warmup; i++) await once(devToken);
    const oidc: { p50: number; p99: number }[] = [];
    const dev: { p50: number; p99: number }[] = [];
    const remembered: number[] = [];
    const pg: number[] = [];
    const rd: number[] = [];
    for (let r = 0; r < rounds; r++) {
      oidc.push(await round(oidcToken));
      dev.push(await round(devToken));
      remembered.push((await round(oidcToken, remembering)).p99);
      pg.push((await timed(() => store.pool.query('SELECT 1'))).p99);
      rd.push((await timed(() => redis.ping())).p99);
    }
    if (limiterErrors.length)
      throw new Error(`rate limiter failed during the measurement: ${String(limiterErrors[0])}`);
    const p99s = oidc.map((x) => x.p99);
    return {
      oidcP99Ms: percentile([...p99s], 50),
      oidcP99MinMs: Math.min(...p99s),
      oidcP99MaxMs: Math.max(...p99s),
      oidcP50Ms: percentile(
        oidc.map((x) => x.p50),
        50,
      ),
      devTokenP99Ms: percentile(
        dev.map((x) => x.p99),
        50,
      ),
      rememberedP99Ms: percentile(remembered, 50),
      pgRoundTripP99Ms: percentile(pg, 50),
      redisRoundTripP99Ms: percentile(rd, 50),
      samples,
      rounds,
    };
  } finally {
    const keys = await redis.keys(`${settings.REDIS_PREFIX}:*`).catch(() => [] as string[]);
    if (keys.length) await redis.del(...keys).catch(() => undefined);
    redis.disconnect();
    await store.close();
    await new Promise<void>((r) => idp.close(() => r()));
  }
}
