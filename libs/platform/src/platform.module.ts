import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import { stdSerializers } from 'pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadSettings, type Settings } from '@ciclo/config';
import { openKurrentDbEventStore, PostgresEventStore, sharedSqlPool, type EventStore } from '@ciclo/event-store';
import { EVENT_STORE, PG_POOL, REDIS, SETTINGS } from './tokens';
import { Pool } from 'pg';
import { HealthService } from './health.service';
import { logTransport, prettyLogs, quietBootstrap } from './process';

export async function createEventStore(settings: Settings): Promise<EventStore> {
  if (settings.EVENT_STORE === 'kurrentdb') {
    return openKurrentDbEventStore({ connectionString: settings.KURRENTDB_URL as string });
  }
  return new PostgresEventStore({
    connectionString: settings.DATABASE_URL,
    poolSize: settings.DATABASE_POOL_SIZE,
    wakeDelayMs: settings.EVENT_WAKE_DELAY_MS,
    busyWakeDelayMs: settings.EVENT_BUSY_WAKE_DELAY_MS,
  });
}

export function createRedis(settings: Settings, name: string): Redis {
  return new Redis(settings.REDIS_URL, { connectionName: `ciclo-${name}`, maxRetriesPerRequest: null, lazyConnect: false });
}

/**
 * The access line's request and response: method, URL, the peer's address and the status only. pino-http's own serializers
 * copy every header of both on each request (the request's even when the line is not written, to
 * bind it to the request's logger): the costliest part of logging a request. Headers carry
 * credentials: with none in the line there is nothing to redact.
 */
export const accessLogSerializers = {
  req: (req: IncomingMessage & { originalUrl?: string }) => ({ method: req.method, url: req.originalUrl ?? req.url, remoteAddress: req.socket?.remoteAddress }),
  res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
  err: stdSerializers.err,
};

/**
 * The options of the HTTP logger: JSON lines (or readable ones, `LOG_FORMAT`), the correlation id
 * of each request, and one access line per request (method, URL, status, time) except health probes.
 */
export function httpLogOptions(settings: Settings, app: string) {
  return {
    level: settings.LOG_LEVEL,
    base: { app },
    transport: logTransport(settings),
    ...(prettyLogs(settings) ? { hooks: { logMethod: quietBootstrap } } : {}),
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = typeof req.id === 'string' ? req.id : correlationIdOf(req);
      res.setHeader('X-Correlation-Id', id);
      return id;
    },
    customAttributeKeys: { reqId: 'correlationId' },
    // The request's logger is bound to its correlation id only (and the access line carries it at top level).
    quietReqLogger: true,
    serializers: accessLogSerializers,
    wrapSerializers: false,
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || (req.url ?? '').startsWith('/health/') },
  };
}

/** Correlation id: taken from `X-Correlation-Id` when well formed, otherwise a new UUID. */
export function correlationIdOf(req: IncomingMessage): string {
  const h = req.headers['x-correlation-id'];
  const v = Array.isArray(h) ? h[0] : h;
  return v && /^[A-Za-z0-9._:-]{8,100}$/.test(v) ? v : randomUUID();
}

class PlatformLifecycle implements OnApplicationShutdown {
  private readonly log = new Logger('Platform');
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}
  async onApplicationShutdown(signal?: string): Promise<void> {
    this.log.log(`Closing connections${signal ? ` after ${signal}` : ''}`);
    const ownPool = sharedSqlPool(this.store) !== this.pool;
    await this.store.close();
    if (ownPool) await this.pool.end();
    this.redis.disconnect();
  }
}

/**
 * Settings, structured JSON logs, the event store and Redis, for any Ciclo app.
 * `settings` defaults to the validated environment.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: { app: string; settings?: Settings }): DynamicModule {
    const settings = options.settings ?? loadSettings();
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: httpLogOptions(settings, options.app),
        }),
      ],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: EVENT_STORE, useFactory: () => createEventStore(settings) },
        { provide: REDIS, useFactory: () => createRedis(settings, options.app) },
        {
          provide: PG_POOL,
          useFactory: (store: EventStore) =>
            sharedSqlPool(store) ??
              new Pool({ connectionString: settings.DATABASE_URL, max: settings.DATABASE_POOL_SIZE, application_name: `ciclo-${options.app}` }).on(
                  'error',
                  () => undefined, // an idle client's lost connection: the pool replaces it on next use
                ),
          inject: [EVENT_STORE],
        },
        HealthService,
        PlatformLifecycle,
      ],
      exports: [SETTINGS, EVENT_STORE, REDIS, PG_POOL, HealthService],
    };
  }
}
