import Redis from 'ioredis';
import { loadSettings } from '@ciclo/config';
import { RateLimiter, rateLimiterFor } from '@ciclo/identity';
import { testRedisPrefix } from '../support/database';

/** The Redis rate limiter, against the real Redis. */
describe('RateLimiter (Redis fixed window)', () => {
  let redis: Redis;
  const prefix = testRedisPrefix('ratelimit').replace(/:$/, '');
  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  });
  afterAll(() => {
    redis.disconnect();
  });

  it('lets the limit through, refuses the next with Retry-After, per key', async () => {
    const limiter = new RateLimiter(redis, prefix, 60_000);
    for (let i = 0; i < 3; i++)
      await expect(limiter.check([{ key: 'ip:10.0.0.1', limit: 3 }])).resolves.toEqual({ allowed: true });
    const refused = await limiter.check([{ key: 'ip:10.0.0.1', limit: 3 }]);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 60, refusedBy: 'ip' });
    // Another address has its own window.
    await expect(limiter.check([{ key: 'ip:10.0.0.2', limit: 3 }])).resolves.toEqual({ allowed: true });
    // The keys are under the configured prefix and expire with the window.
    const ttl = await redis.pttl(`${prefix}:rl:ip:10.0.0.1`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('checks address and user in one call; either over its limit refuses', async () => {
    const limiter = new RateLimiter(redis, prefix, 60_000);
    const rules = (ip: string) => [
      { key: `ip:${ip}`, limit: 100 },
      { key: 'user:cciaa-po:u-busy', limit: 2 },
    ];
    expect((await limiter.check(rules('10.1.0.1'))).allowed).toBe(true);
    expect((await limiter.check(rules('10.1.0.2'))).allowed).toBe(true);
    // The same user from a third address: over the user limit.
    expect(await limiter.check(rules('10.1.0.3'))).toMatchObject({ allowed: false, refusedBy: 'user' });
  });

  it("the API's limiter sends the checks of concurrent requests in one write, each still counted exactly", async () => {
    const settings = loadSettings({
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: prefix,
    });
    const errors: unknown[] = [];
    const { limiter, redis: own } = rateLimiterFor(settings, (e) => errors.push(e));
    try {
      if (own.status !== 'ready') await new Promise((r) => own.once('ready', r));
      const stream = (own as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
      const write = stream.write.bind(stream);
      let writes = 0;
      stream.write = (...a: unknown[]) => {
        writes++;
        return write(...a);
      };
      const verdicts = await Promise.all(
        Array.from({ length: 20 }, () => limiter.check([{ key: 'ip:10.9.0.1', limit: 12 }])),
      );
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(12);
      expect(
        verdicts.filter((v) => !v.allowed).every((v) => v.refusedBy === 'ip' && v.retryAfterSeconds === 60),
      ).toBe(true);
      expect(writes).toBeLessThan(5); // one write for the twenty (a script's first use may add one)
      expect(errors).toEqual([]);
    } finally {
      own.disconnect();
    }
  });

  it('opens a new window when the old one expires', async () => {
    const limiter = new RateLimiter(redis, prefix, 200);
    expect((await limiter.check([{ key: 'ip:short', limit: 1 }])).allowed).toBe(true);
    expect(await limiter.check([{ key: 'ip:short', limit: 1 }])).toMatchObject({
      allowed: false,
      retryAfterSeconds: 1,
    });
    await new Promise((r) => setTimeout(r, 250));
    expect((await limiter.check([{ key: 'ip:short', limit: 1 }])).allowed).toBe(true);
  });

  it('does not count with limit 0, and lets requests through when Redis is unreachable', async () => {
    const limiter = new RateLimiter(redis, prefix);
    await expect(limiter.check([{ key: 'ip:unlimited', limit: 0 }])).resolves.toEqual({ allowed: true });
    expect(await redis.exists(`${prefix}:rl:ip:unlimited`)).toBe(0);
    const dead = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
    const errors: unknown[] = [];
    const degraded = new RateLimiter(dead, prefix, 60_000, (e) => errors.push(e));
    await expect(degraded.check([{ key: 'ip:x', limit: 1 }])).resolves.toEqual({
      allowed: true,
      degraded: true,
    });
    expect(errors).toHaveLength(1);
    dead.disconnect();
  });
});
