import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import { pino, type Logger as PinoRoot, type LoggerOptions } from 'pino';
import { loadSettings, type Settings } from '@ciclo/config';
import { openKurrentDbEventStore, PostgresEventStore, sharedSqlPool, type EventStore } from '@ciclo/event-store';
import { EVENT_STORE, LOGGER, PG_POOL, REDIS, SETTINGS } from './tokens';
import { accessLogSerializers } from './http-log';
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
    notifyIntervalMs: settings.EVENT_NOTIFY_INTERVAL_MS,
  });
}

export function createRedis(settings: Settings, name: string): Redis {
  return new Redis(settings.REDIS_URL, { connectionName: `ciclo-${name}`, maxRetriesPerRequest: null, lazyConnect: false });
}

/**
 * The options of the apps' logger: JSON lines (or readable ones, `LOG_FORMAT`) at `LOG_LEVEL`, each
 * with the app's name; requests, responses and errors shaped by `accessLogSerializers`.
 */
export function loggerOptions(settings: Settings, app: string): LoggerOptions {
  return {
    level: settings.LOG_LEVEL,
    base: { app },
    transport: logTransport(settings),
    ...(prettyLogs(settings) ? { hooks: { logMethod: quietBootstrap } } : {}),
    serializers: accessLogSerializers,
  };
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
    const logger: PinoRoot = pino(loggerOptions(settings, options.app));
    return {
      module: PlatformModule,
      imports: [
        // Nest's own logging goes to `logger`. nestjs-pino's request middleware is not mounted
        // (no routes): the API mounts `requestLog` first of all, which binds nothing to a request.
        LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] }),
      ],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: LOGGER, useValue: logger },
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
      exports: [SETTINGS, LOGGER, EVENT_STORE, REDIS, PG_POOL, HealthService],
    };
  }
}
