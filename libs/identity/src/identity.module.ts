import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { devAuthSecret, type Settings } from '@ciclo/config';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE, SETTINGS } from '@ciclo/platform';
import { DirectoryService } from './directory';
import { OidcVerifier } from './oidc';
import { AccessPolicy } from './policy';
import { RateLimiter } from './rate-limiter';
import { SessionStore } from './sessions';

export function oidcVerifierFor(settings: Settings): OidcVerifier | null {
  if (!settings.OIDC_ISSUER || !settings.OIDC_AUDIENCE) return null;
  return new OidcVerifier({
    issuer: settings.OIDC_ISSUER,
    audience: settings.OIDC_AUDIENCE,
    userClaim: settings.OIDC_USER_CLAIM,
    tenantClaim: settings.OIDC_TENANT_CLAIM,
    rolesClaim: settings.OIDC_ROLES_CLAIM,
    nameClaim: settings.OIDC_NAME_CLAIM,
    algorithms: settings.OIDC_ALGORITHMS,
    clockToleranceSeconds: settings.OIDC_CLOCK_TOLERANCE_S,
  });
}

/** The access policy for these settings: development tokens only when enabled, OIDC when configured. */
export function accessPolicyFor(settings: Settings, directory: DirectoryService, sessions: SessionStore | null = null): AccessPolicy {
  return new AccessPolicy(directory, {
    devTokenSecret: settings.DEV_AUTH_ENABLED ? devAuthSecret(settings) : null,
    oidc: oidcVerifierFor(settings),
    sessions,
  });
}

/** Browser sessions on their own Redis connection: a session read waits for Redis (1 s at most) rather than skipping it. */
export function sessionStoreFor(settings: Settings): { store: SessionStore; redis: Redis } {
  const redis = new Redis(settings.REDIS_URL, {
    connectionName: 'ciclo-api-sessions',
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
  });
  redis.on('error', () => undefined);
  const store = new SessionStore(redis, settings.REDIS_PREFIX, {
    idleMs: settings.SESSION_IDLE_MINUTES * 60_000,
    absoluteMs: settings.SESSION_MAX_HOURS * 3_600_000,
  });
  return { store, redis };
}

/** A Redis connection for the rate limiter that fails fast (no offline queue, short timeout) instead of holding requests. */
export function rateLimiterFor(
  settings: Settings,
  onError: (err: unknown) => void,
): { limiter: RateLimiter; redis: Redis } {
  const redis = new Redis(settings.REDIS_URL, {
    connectionName: 'ciclo-api-ratelimit',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
  });
  redis.on('error', () => undefined);
  return { limiter: new RateLimiter(redis, settings.REDIS_PREFIX, 60_000, onError), redis };
}

/** Closes a Redis connection of this module (rate limiter, sessions) with the app. */
class RateLimiterLifecycle implements OnApplicationShutdown {
  constructor(private readonly redis: Redis) {}
  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

const RATE_LIMITER_REDIS = Symbol('RATE_LIMITER_REDIS');
const SESSIONS_REDIS = Symbol('SESSIONS_REDIS');

/** Directory, access policy and rate limiter for an app (needs `PlatformModule`). */
@Global()
@Module({
  providers: [
    {
      provide: DirectoryService,
      useFactory: (store: EventStore) => new DirectoryService(store),
      inject: [EVENT_STORE],
    },
    {
      provide: SESSIONS_REDIS,
      useFactory: (settings: Settings) => sessionStoreFor(settings),
      inject: [SETTINGS],
    },
    {
      provide: SessionStore,
      useFactory: (r: { store: SessionStore }) => r.store,
      inject: [SESSIONS_REDIS],
    },
    {
      provide: 'SessionsLifecycle',
      useFactory: (r: { redis: Redis }) => new RateLimiterLifecycle(r.redis),
      inject: [SESSIONS_REDIS],
    },
    {
      provide: AccessPolicy,
      useFactory: (settings: Settings, directory: DirectoryService, sessions: SessionStore) =>
        accessPolicyFor(settings, directory, sessions),
      inject: [SETTINGS, DirectoryService, SessionStore],
    },
    {
      provide: RATE_LIMITER_REDIS,
      useFactory: (settings: Settings) => {
        const log = new Logger('RateLimiter');
        let lastReport = 0;
        return rateLimiterFor(settings, (err) => {
          // At most one report a minute while Redis is away; requests go through meanwhile.
          if (Date.now() - lastReport > 60_000) {
            lastReport = Date.now();
            log.warn(`Rate limiter unavailable, requests are not limited: ${(err as Error).message}`);
          }
        });
      },
      inject: [SETTINGS],
    },
    {
      provide: RateLimiter,
      useFactory: (r: { limiter: RateLimiter }) => r.limiter,
      inject: [RATE_LIMITER_REDIS],
    },
    {
      provide: RateLimiterLifecycle,
      useFactory: (r: { redis: Redis }) => new RateLimiterLifecycle(r.redis),
      inject: [RATE_LIMITER_REDIS],
    },
  ],
  exports: [DirectoryService, AccessPolicy, RateLimiter, SessionStore],
})
export class IdentityModule {}
