import type Redis from 'ioredis';

/**
 * Fixed-window request counters in Redis, one per key (`<prefix>:rl:ip:<address>`,
 * `<prefix>:rl:user:<tenant>:<userId>`), all checked in one round trip by a Lua script: INCR, and
 * PEXPIRE on the first hit of a window. Shared by every API process, so the limit holds across
 * them. When Redis does not answer the request is let through (and the failure reported): an
 * outage of the limiter must not become an outage of the API.
 */
const SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[1])
    ttl = tonumber(ARGV[1])
  end
  out[#out + 1] = n
  out[#out + 1] = ttl
end
return out
`;

export interface RateLimitRule {
  /** What is counted, e.g. `ip:127.0.0.1` or `user:cciaa-po:u-sg`. */
  key: string;
  /** Requests allowed per window; 0 = no limit (not counted). */
  limit: number;
}

export interface RateLimitVerdict {
  allowed: boolean;
  /** When refused: seconds until the window that refused resets (for `Retry-After`). */
  retryAfterSeconds?: number;
  /** When refused: which rule refused. */
  refusedBy?: string;
  /** The limiter could not be asked (Redis down): the request was let through. */
  degraded?: boolean;
}

type RedisWithLimit = Redis & {
  cicloRateLimit(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
};

export class RateLimiter {
  private readonly redis: RedisWithLimit;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly windowMs = 60_000,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    if (!('cicloRateLimit' in redis)) redis.defineCommand('cicloRateLimit', { lua: SCRIPT });
    this.redis = redis as RedisWithLimit;
  }

  async check(rules: RateLimitRule[]): Promise<RateLimitVerdict> {
    const active = rules.filter((r) => r.limit > 0);
    if (active.length === 0) return { allowed: true };
    let reply: number[];
    try {
      reply = await this.redis.cicloRateLimit(
        active.length,
        ...active.map((r) => `${this.prefix}:rl:${r.key}`),
        this.windowMs,
      );
    } catch (err) {
      this.onError(err);
      return { allowed: true, degraded: true };
    }
    let worst: RateLimitVerdict = { allowed: true };
    active.forEach((r, i) => {
      const count = Number(reply[2 * i]);
      const ttl = Number(reply[2 * i + 1]);
      if (count > r.limit) {
        const retry = Math.max(1, Math.ceil(ttl / 1000));
        if (worst.allowed || retry > (worst.retryAfterSeconds ?? 0))
          worst = { allowed: false, retryAfterSeconds: retry, refusedBy: r.key.split(':')[0] };
      }
    });
    return worst;
  }
}
