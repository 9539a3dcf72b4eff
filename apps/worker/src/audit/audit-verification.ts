import { Queue, Worker, type Job } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import type { ChainVerification, EventStore } from '@ciclo/event-store';
import { uuidFromKey, type AnchorPublisher } from '@ciclo/notifications';
import { recordChainVerification } from '@ciclo/projections';

/** BullMQ queue of the audit jobs. */
export const AUDIT_QUEUE = 'audit';
/** The job scheduler (repeatable job) of the nightly verification, and its job name. */
export const NIGHTLY_VERIFICATION_SCHEDULER = 'nightly-chain-verification';
export const VERIFY_CHAIN_JOB = 'verify-chain';
/** Every night at 02:00, Italian time (daylight saving time followed). */
export const NIGHTLY_VERIFICATION_CRON = '0 2 * * *';
export const NIGHTLY_VERIFICATION_TZ = 'Europe/Rome';

export interface VerifyChainJobData {
  trigger: 'nightly' | 'manual';
}

export interface VerifyChainJobResult {
  intact: boolean;
  intactUpTo: number;
  firstBadPosition: number | null;
  checkedEvents: number;
  /** Global position of the recorded `AuditChainVerified` event. */
  recordedAt: number;
  /** Tenants the head seal was published to (`AuditAnchorPublished`); 0 when the chain is broken. */
  anchorsPublished: number;
}

/**
 * The processor: walks the whole chain (`verifyChain`) and records `AuditChainVerified` in
 * `ciclo/audit-verification` (tenant `ciclo`, actor and role `system`). The result is recorded
 * whether the chain is intact or not: a broken chain is a finding, not a job failure. When intact,
 * the head seal is published to every tenant (`AnchorPublisher`); a broken chain's head is not
 * published (it would anchor the damage). The verification's event id derives from the job, so a
 * retried job (e.g. after an SMTP failure) publishes the same anchors and records nothing twice.
 */
export async function processVerifyChainJob(
  store: EventStore,
  job: Pick<Job<VerifyChainJobData>, 'id' | 'data'> & { timestamp?: number },
  publisher?: AnchorPublisher | null,
): Promise<VerifyChainJobResult> {
  const rec = await recordChainVerification(store, {
    trigger: job.data?.trigger ?? 'nightly',
    correlationId: `job:${AUDIT_QUEUE}:${job.id ?? 'unknown'}`,
    ...(job.id ? { eventId: uuidFromKey('ciclo-audit-verification', `${AUDIT_QUEUE}|${job.id}|${job.timestamp ?? 0}`) } : {}),
  });
  const v = rec.verification;
  const published =
    publisher && v.intact && v.headSeal
      ? await publisher.publish({ eventId: rec.eventId, position: rec.position, occurredAt: rec.occurredAt, intactUpTo: v.intactUpTo, headSeal: v.headSeal })
      : [];
  return resultOf(v, rec.position, published.length);
}

const resultOf = (v: ChainVerification, position: number, anchorsPublished: number): VerifyChainJobResult => ({
  intact: v.intact,
  intactUpTo: v.intactUpTo,
  firstBadPosition: v.firstBad?.position ?? null,
  checkedEvents: v.checkedEvents,
  recordedAt: position,
  anchorsPublished,
});

export interface AuditJobsOptions {
  store: EventStore;
  redisUrl: string;
  /** REDIS_PREFIX: every BullMQ key starts with it. */
  prefix: string;
  /** Run the worker that processes the jobs in this process (default true). */
  process?: boolean;
  /** Publishes each intact verification's head seal to the tenants (e-mail, in-app, webhook). */
  publisher?: AnchorPublisher | null;
  onCompleted?: (result: VerifyChainJobResult) => void;
  onFailed?: (err: Error) => void;
}

/**
 * The nightly verification: a BullMQ job scheduler (cron 02:00 Europe/Rome) on the `audit` queue
 * and the worker that processes its jobs. Several worker processes may run it: the scheduler is
 * upserted idempotently and each night's job is processed once.
 */
export class AuditJobs {
  readonly queue: Queue<VerifyChainJobData, VerifyChainJobResult>;
  readonly prefix: string;
  private worker: Worker<VerifyChainJobData, VerifyChainJobResult> | null = null;
  private readonly connections: Redis[] = [];

  constructor(private readonly o: AuditJobsOptions) {
    this.prefix = o.prefix.replace(/:+$/, '');
    this.queue = new Queue<VerifyChainJobData, VerifyChainJobResult>(AUDIT_QUEUE, { connection: this.connection('audit-queue'), prefix: this.prefix });
  }

  /** Upserts the nightly scheduler and starts processing. */
  async start(): Promise<void> {
    await this.queue.upsertJobScheduler(
      NIGHTLY_VERIFICATION_SCHEDULER,
      { pattern: NIGHTLY_VERIFICATION_CRON, tz: NIGHTLY_VERIFICATION_TZ },
      {
        name: VERIFY_CHAIN_JOB,
        data: { trigger: 'nightly' },
        opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: { count: 60 }, removeOnFail: { count: 200 } },
      },
    );
    if (this.o.process === false) return;
    this.worker = new Worker<VerifyChainJobData, VerifyChainJobResult>(AUDIT_QUEUE, (job) => processVerifyChainJob(this.o.store, job, this.o.publisher), {
      connection: this.connection('audit-worker'),
      prefix: this.prefix,
      concurrency: 1,
      // A walk of a large log takes a while: keep the lock long enough not to be taken as stalled.
      lockDuration: 10 * 60_000,
    });
    this.worker.on('completed', (_job, result) => this.o.onCompleted?.(result));
    this.worker.on('failed', (_job, err) => this.o.onFailed?.(err));
    this.worker.on('error', (err) => this.o.onFailed?.(err));
  }

  /** Adds one verification now (besides the nightly one). */
  async runNow(trigger: VerifyChainJobData['trigger'] = 'manual'): Promise<Job<VerifyChainJobData, VerifyChainJobResult>> {
    return this.queue.add(VERIFY_CHAIN_JOB, { trigger }, { removeOnComplete: { count: 60 }, removeOnFail: { count: 200 } });
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    for (const c of this.connections) c.disconnect();
  }

  private connection(name: string): Redis {
    // maxRetriesPerRequest: null, as BullMQ requires: a command waits for Redis to come back.
    const c = new IORedis(this.o.redisUrl, { maxRetriesPerRequest: null, connectionName: `ciclo-${name}` });
    c.on('error', () => undefined); // reported by the worker's failures and the health check
    this.connections.push(c);
    return c;
  }
}
