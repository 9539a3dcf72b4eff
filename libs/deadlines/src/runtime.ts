import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { CapabilityNotSupported, runSqlMigrations, sharedSqlPool, type EventStore, type Subscription } from '@ciclo/event-store';
import {
  bullConnection,
  bullPrefix,
  checkRedisForBullMQ,
  DeliveryLog,
  EmailChannel,
  NOTIFICATIONS_MIGRATIONS,
  startInboxProjector,
  Webhooks,
  type RecipientResolver,
  type RedisCheck,
  type TenantProfiles,
} from '@ciclo/notifications';
import { silentLog, systemClock, type Clock, type DeadlinesLog } from './clock';
import { REMINDER_QUEUE, ReminderJobs, type ReminderJobData } from './jobs';
import { ReminderPlanner, type DefinitionSource } from './planner';
import { ReminderProcessor, type ReminderOutcome } from './processor';
import { DeadlineScheduler } from './scheduler';

export interface DeadlinesRuntimeOptions {
  /** An event store with transactional subscriptions (the inbox commits its rows with its checkpoint). */
  store: EventStore;
  /** The PostgreSQL pool of the notification tables (default: the event store's own). */
  pool?: Pool;
  redisUrl: string;
  /** REDIS_PREFIX: every BullMQ key starts with it. */
  prefix: string;
  definitions: DefinitionSource;
  directory: RecipientResolver & TenantProfiles;
  smtpUrl: string;
  mailFrom: string;
  /** Base of the links in reminders. */
  publicUrl: string;
  clock?: Clock;
  log?: DeadlinesLog;
  /** Name of this process in logs and job results. */
  name?: string;
  /** Which parts run here (all by default). The scheduler and projectors are active in one process at a time. */
  run?: { scheduler?: boolean; reminders?: boolean; inbox?: boolean; webhooks?: boolean };
  concurrency?: number;
  /** BullMQ lock of an active job and stalled-job check (defaults 30 s / 30 s). */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  reminderAttempts?: number;
  reminderBackoffMs?: number;
  webhookAttempts?: number;
  webhookBackoffMs?: number;
  webhookTimeoutMs?: number;
  webhookConcurrency?: number;
  /** Subscription retry delay after a failed batch (default 1000 ms) and the scheduler's Redis check (15 s). */
  retryDelayMs?: number;
  checkIntervalMs?: number;
  schedulerBatchSize?: number;
  env?: Record<string, string | undefined>;
  /** A delivery claim's lease (default 120 s) and how often expired ones are completed (default 60 s). */
  deliveryLeaseMs?: number;
  deliverySweepMs?: number;
  beforeClaim?: (key: string) => Promise<void> | void;
  onClaimed?: (key: string) => Promise<void> | void;
  onHandOff?: (key: string) => Promise<void> | void;
  /** The tenants' calendars the planner reads, refreshed when a tenant's profile changes (see `SchedulerOptions.calendars`). */
  calendars?: { refresh(): Promise<void> };
  onSchedulerActive?: () => void;
  onBatch?: (info: { events: number; cycles: number; added: number; removed: number }) => void;
}

/**
 * Everything the deadlines issue runs in a worker process, wired together: the scheduler (one
 * active process), the reminder job workers (every process), the in-app inbox projector and the
 * webhook dispatcher (one active process each) and webhook delivery workers (every process).
 * Used by the Nest worker module, the tests and the benchmark.
 */
export class DeadlinesRuntime {
  readonly clock: Clock;
  readonly log: DeadlinesLog;
  readonly prefix: string;
  readonly producer: Redis;
  readonly workerConnection: Redis;
  readonly jobs: ReminderJobs;
  readonly planner: ReminderPlanner;
  readonly scheduler: DeadlineScheduler;
  readonly email: EmailChannel;
  readonly webhooks: Webhooks;
  readonly deliveries: DeliveryLog;
  readonly processor: ReminderProcessor;
  private readonly pool: Pool;
  worker: Worker<ReminderJobData, ReminderOutcome> | null = null;
  private subs: Subscription[] = [];
  private started = false;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> | null = null;

  constructor(private readonly o: DeadlinesRuntimeOptions) {
    if (!o.store.supports('transactional-subscriptions')) throw new CapabilityNotSupported('transactional-subscriptions', 'configured');
    const pool = o.pool ?? sharedSqlPool(o.store);
    if (!pool) throw new Error('Deadline reminders need a PostgreSQL pool for their tables');
    this.pool = pool;
    this.clock = o.clock ?? systemClock;
    this.log = o.log ?? silentLog;
    this.prefix = bullPrefix(o.prefix);
    const name = o.name ?? 'worker';
    this.producer = bullConnection(o.redisUrl, 'producer', `${name}-producer`);
    this.workerConnection = bullConnection(o.redisUrl, 'worker', `${name}-jobs`);
    this.jobs = new ReminderJobs(this.producer, this.prefix, this.clock, { attempts: o.reminderAttempts, backoffMs: o.reminderBackoffMs });
    this.planner = new ReminderPlanner(o.definitions, o.directory);
    this.scheduler = new DeadlineScheduler({
      store: o.store,
      jobs: this.jobs,
      planner: this.planner,
      clock: this.clock,
      log: this.log,
      retryDelayMs: o.retryDelayMs,
      checkIntervalMs: o.checkIntervalMs,
      batchSize: o.schedulerBatchSize,
      calendars: o.calendars,
      onActive: o.onSchedulerActive,
      onBatch: o.onBatch,
    });
    this.email = new EmailChannel(o.smtpUrl, o.mailFrom);
    this.deliveries = new DeliveryLog(this.pool);
    this.webhooks = new Webhooks({
      connection: this.producer,
      workerConnection: this.workerConnection,
      prefix: this.prefix,
      pool: this.pool,
      attempts: o.webhookAttempts,
      backoffMs: o.webhookBackoffMs,
      timeoutMs: o.webhookTimeoutMs,
      concurrency: o.webhookConcurrency,
      env: o.env,
      log: this.log,
    });
    this.processor = new ReminderProcessor({
      store: o.store,
      planner: this.planner,
      recipients: o.directory,
      email: this.email,
      deliveries: this.deliveries,
      clock: this.clock,
      log: this.log,
      publicUrl: o.publicUrl,
      workerName: name,
      scheduleCycle: (tenant, cycleId) => this.scheduler.scheduleCycle(tenant, cycleId),
      deliveryLeaseMs: o.deliveryLeaseMs,
      beforeClaim: o.beforeClaim,
      onClaimed: o.onClaimed,
      onHandOff: o.onHandOff,
    });
  }

  /** Checks Redis (warnings only), creates the tables, starts what `run` selects. */
  async start(): Promise<RedisCheck> {
    if (this.started) throw new Error('DeadlinesRuntime already started');
    this.started = true;
    const check = await checkRedisForBullMQ(this.producer, [this.workerConnection]).catch(
      (err: Error): RedisCheck => ({ ok: false, maxmemoryPolicy: null, warnings: [`Redis check failed: ${err.message}`] }),
    );
    for (const w of check.warnings) this.log.warn(w);
    await runSqlMigrations(this.pool, NOTIFICATIONS_MIGRATIONS);
    const run = { scheduler: true, reminders: true, inbox: true, webhooks: true, ...this.o.run };
    if (run.scheduler) this.subs.push(this.scheduler.start());
    if (run.inbox) this.subs.push(startInboxProjector(this.o.store, { retryDelayMs: this.o.retryDelayMs, onError: (err) => this.log.warn(`Inbox projector: ${(err as Error).message}`) }));
    if (run.webhooks) {
      this.subs.push(this.webhooks.startDispatcher(this.o.store, this.o.directory, { retryDelayMs: this.o.retryDelayMs, onError: (err) => this.log.warn(`Webhook dispatcher: ${(err as Error).message}`) }));
      this.webhooks.startWorker();
    }
    if (run.reminders) {
      this.worker = new Worker<ReminderJobData, ReminderOutcome>(REMINDER_QUEUE, (job: Job<ReminderJobData>, token?: string) => this.processor.process(job, token), {
        connection: this.workerConnection,
        prefix: this.prefix,
        concurrency: this.o.concurrency ?? 16,
        lockDuration: this.o.lockDurationMs ?? 30_000,
        stalledInterval: this.o.stalledIntervalMs ?? 30_000,
        // A job whose worker dies is taken up again; past this many deaths BullMQ fails it, and the
        // sweep of unfinished deliveries still completes its e-mail.
        maxStalledCount: 10,
        name: this.o.name ?? 'worker',
      });
      this.worker.on('error', (err) => this.log.error(`Reminder worker: ${err.message}`));
      this.worker.on('failed', (job, err) => this.log.warn(`Reminder ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`));
      // Deliveries whose worker died after the claim: completed here once their lease expired,
      // even when their job is gone (failed after too many stalls, or lost with Redis).
      const sweep = () => {
        if (this.sweeping) return;
        this.sweeping = this.processor
          .resumeUnfinished()
          .then((n) => (n ? this.log.warn(`Completed ${n} reminder e-mail(s) left unfinished by a stopped worker`) : undefined))
          .catch((err: Error) => this.log.warn(`Sweep of unfinished deliveries: ${err.message}`))
          .finally(() => (this.sweeping = null));
      };
      sweep();
      this.sweepTimer = setInterval(sweep, this.o.deliverySweepMs ?? 60_000);
      this.sweepTimer.unref();
    }
    return check;
  }

  /** Graceful stop: workers finish their active jobs, subscriptions stop after their batch. */
  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.sweeping;
    await this.worker?.close();
    this.worker = null;
    await this.scheduler.stop();
    await Promise.all(this.subs.map((s) => s.stop()));
    this.subs = [];
    await this.webhooks.close();
    await this.jobs.close();
    this.email.close();
    this.producer.disconnect();
    this.workerConnection.disconnect();
  }
}
