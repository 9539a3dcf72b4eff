import IORedis, { type Redis, type RedisOptions } from 'ioredis';

/**
 * ioredis connections for BullMQ. Workers (blocking commands) need `maxRetriesPerRequest: null`
 * so that a command waits for Redis to come back instead of failing the worker loop; producers
 * (queues, the scheduler) fail fast so that the caller sees the outage and retries later.
 */
export function bullConnection(url: string, role: 'worker' | 'producer', name: string): Redis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: false, connectionName: `ciclo-${name}` }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectionName: `ciclo-${name}` };
  const c = new IORedis(url, { ...options, retryStrategy: (times) => Math.min(times * 100, 2000) });
  c.on('error', () => undefined); // reported through failing commands and the health check
  return c;
}

/** Strips a trailing ':' (test prefixes end with one; BullMQ adds its own separator). */
export const bullPrefix = (prefix: string) => prefix.replace(/:+$/, '');

export interface RedisCheck {
  ok: boolean;
  maxmemoryPolicy: string | null;
  warnings: string[];
}

/**
 * The settings BullMQ needs for correctness: `maxmemory-policy noeviction` on the server (an
 * evicted key is a lost job), `maxRetriesPerRequest: null` on worker connections. Returns the
 * problems found as warnings; never throws for a setting (managed Redis may refuse CONFIG).
 */
export async function checkRedisForBullMQ(connection: Redis, workerConnections: Redis[] = []): Promise<RedisCheck> {
  const warnings: string[] = [];
  let policy: string | null = null;
  try {
    const r = (await connection.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    policy = r?.[1] ?? null;
  } catch {
    try {
      const info = await connection.info('memory');
      policy = /maxmemory_policy:(\S+)/.exec(info)?.[1] ?? null;
    } catch (err) {
      warnings.push(`Redis: cannot read maxmemory-policy (${(err as Error).message})`);
    }
  }
  if (policy !== null && policy !== 'noeviction') {
    warnings.push(`Redis maxmemory-policy is "${policy}": BullMQ needs "noeviction" (an evicted key is a lost reminder). Set it with CONFIG SET maxmemory-policy noeviction or in redis.conf.`);
  }
  for (const w of workerConnections) {
    if (w.options.maxRetriesPerRequest !== null) {
      warnings.push(`A BullMQ worker connection has maxRetriesPerRequest=${String(w.options.maxRetriesPerRequest)}: it must be null`);
    }
  }
  return { ok: warnings.length === 0, maxmemoryPolicy: policy, warnings };
}
