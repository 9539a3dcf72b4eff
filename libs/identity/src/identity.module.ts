import { Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { devAuthSecret, oidcPostLogoutRedirectUri, oidcRedirectUri, type Settings } from '@ciclo/config';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE, SETTINGS } from '@ciclo/platform';
import { DirectoryService } from './directory';
import { OidcVerifier } from './oidc';
import { OidcLogin } from './oidc-login';
import { SessionRefresher } from './session-refresh';
import { AccessPolicy, type AccessPolicyOptions } from './policy';
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

/** The console's OpenID Connect login (authorization code flow) when `OIDC_CLIENT_ID` is set, else null. */
export function oidcLoginFor(settings: Settings, redis: Redis): OidcLogin | null {
  if (!settings.OIDC_CLIENT_ID || !settings.OIDC_CLIENT_SECRET || !settings.OIDC_ISSUER) return null;
  return new OidcLogin(redis, settings.REDIS_PREFIX, {
    issuer: settings.OIDC_ISSUER,
    clientId: settings.OIDC_CLIENT_ID,
    clientSecret: settings.OIDC_CLIENT_SECRET,
    authMethod: settings.OIDC_CLIENT_AUTH_METHOD,
    scopes: settings.OIDC_SCOPES,
    redirectUri: oidcRedirectUri(settings),
    postLogoutRedirectUri: oidcPostLogoutRedirectUri(settings),
    clockToleranceSeconds: settings.OIDC_CLOCK_TOLERANCE_S,
    userClaim: settings.OIDC_USER_CLAIM,
    tenantClaim: settings.OIDC_TENANT_CLAIM,
    nameClaim: settings.OIDC_NAME_CLAIM,
    rolesClaim: settings.OIDC_ROLES_CLAIM,
  });
}

/** The access policy for these settings: development tokens only when enabled, OIDC when configured. */
export function accessPolicyFor(
  settings: Settings,
  directory: DirectoryService,
  sessions: SessionStore | null = null,
  refresher: SessionRefresher | null = null,
  overrides: Partial<AccessPolicyOptions> = {},
): AccessPolicy {
  return new AccessPolicy(directory, {
    devTokenSecret: settings.DEV_AUTH_ENABLED ? devAuthSecret(settings) : null,
    devTokenMaxAgeSeconds: settings.DEV_TOKEN_MAX_TTL_S,
    oidc: oidcVerifierFor(settings),
    sessions,
    refresher,
    ...overrides,
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

/**
 * A Redis connection for the rate limiter that fails fast (no offline queue, short timeout) instead
 * of holding requests. The checks of the requests that arrive in the same turn of the event loop go
 * out in one write (automatic pipelining): each is still its own atomic script call.
 */
export function rateLimiterFor(
  settings: Settings,
  onError: (err: unknown) => void,
): { limiter: RateLimiter; redis: Redis } {
  const redis = new Redis(settings.REDIS_URL, {
    connectionName: 'ciclo-api-ratelimit',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    enableAutoPipelining: true,
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
/** The console's OpenID Connect login (`OidcLogin`), or null when `OIDC_CLIENT_ID` is not set. */
export const OIDC_LOGIN = Symbol('OIDC_LOGIN');
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
      provide: OIDC_LOGIN,
      useFactory: (settings: Settings, r: { redis: Redis }) => oidcLoginFor(settings, r.redis),
      inject: [SETTINGS, SESSIONS_REDIS],
    },
    {
      provide: AccessPolicy,
      useFactory: (settings: Settings, directory: DirectoryService, sessions: SessionStore, login: OidcLogin | null) =>
        accessPolicyFor(settings, directory, sessions, login ? new SessionRefresher(sessions, login, new Logger('Sessions')) : null),
      inject: [SETTINGS, DirectoryService, SessionStore, OIDC_LOGIN],
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
  exports: [DirectoryService, AccessPolicy, RateLimiter, SessionStore, OIDC_LOGIN],
})
export class IdentityModule {}
