import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { resolve } from 'node:path';
import { publicUrl, type Settings } from '@ciclo/config';
import { DeadlinesRuntime } from '@ciclo/deadlines';
import type { EventStore } from '@ciclo/event-store';
import { DirectoryService, TenantCalendars } from '@ciclo/identity';
import { DirectoryCalendarProfiles, GrantedRecipients, notificationSettings, StaticTenantDirectory } from '@ciclo/notifications';
import { EVENT_STORE, PG_POOL, SETTINGS } from '@ciclo/platform';
import type { Pool } from 'pg';
import { DefinitionRegistry } from '@ciclo/workflow';

/**
 * Deadlines in the worker: the scheduler (active in one worker at a time, like the projectors),
 * the reminder and webhook job workers (in every worker), the in-app inbox projector and the
 * webhook dispatcher. Redis settings are checked at start (warnings); shutdown closes the job
 * workers after their active jobs.
 */
@Injectable()
export class DeadlinesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Deadlines');
  private runtime: DeadlinesRuntime | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.store.supports('transactional-subscriptions')) {
      this.log.warn('Deadline reminders need the PostgreSQL event store (subscriptions with transactions): not started');
      return;
    }
    // SMTP_URL, MAIL_FROM and the webhook settings: see libs/notifications/src/config.ts.
    const n = notificationSettings();
    const people = new DirectoryService(this.store);
    const calendars = TenantCalendars.of(this.store);
    await calendars.ready();
    this.runtime = new DeadlinesRuntime({
      store: this.store,
      pool: this.pool,
      redisUrl: this.settings.REDIS_URL,
      prefix: this.settings.REDIS_PREFIX,
      definitions: DefinitionRegistry.fromDirectory(resolve(this.settings.SEEDS_DIR, 'cycles')),
      // Who is reminded: the role grants (events); each tenant's calendar: the directory (events);
      // working hours, reminder overrides and webhooks: the seed files.
      directory: new GrantedRecipients(
        { people: (tenant, at) => people.peopleAt(tenant, at) },
        new DirectoryCalendarProfiles(calendars, StaticTenantDirectory.fromDirectory(resolve(this.settings.SEEDS_DIR, 'tenants'))),
      ),
      calendars,
      smtpUrl: n.SMTP_URL,
      mailFrom: n.MAIL_FROM,
      publicUrl: publicUrl(this.settings),
      name: `worker-${process.pid}`,
      concurrency: n.REMINDER_CONCURRENCY,
      lockDurationMs: n.REMINDER_LOCK_MS,
      stalledIntervalMs: n.REMINDER_STALLED_INTERVAL_MS,
      webhookConcurrency: n.WEBHOOK_CONCURRENCY,
      webhookAttempts: n.WEBHOOK_ATTEMPTS,
      webhookBackoffMs: n.WEBHOOK_BACKOFF_MS,
      webhookTimeoutMs: n.WEBHOOK_TIMEOUT_MS,
      log: { log: (m) => this.log.log(m), warn: (m) => this.log.warn(m), error: (m) => this.log.error(m) },
    });
    const check = await this.runtime.start();
    if (check.ok) this.log.log(`Reminders running (Redis maxmemory-policy ${check.maxmemoryPolicy ?? 'unknown'})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime?.stop();
    this.runtime = null;
  }
}

@Module({})
export class DeadlinesModule {
  static forRoot(): DynamicModule {
    return { module: DeadlinesModule, providers: [DeadlinesService] };
  }
}
