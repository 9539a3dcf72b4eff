import { createHmac, timingSafeEqual } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Pool, PoolClient } from 'pg';
import type { EventStore, RecordedEvent, SubscribeOptions, Subscription } from '@ciclo/event-store';
import type { TenantProfiles, WebhookEndpoint } from './directory';
import { AUDIT_ANCHOR_PUBLISHED } from './anchor';
import { REMINDER_SENT } from './reminder';

export const WEBHOOK_QUEUE = 'webhooks';
export const WEBHOOK_SUBSCRIPTION = 'webhook-dispatcher';
export const SIGNATURE_HEADER = 'x-ciclo-signature';
export const TIMESTAMP_HEADER = 'x-ciclo-timestamp';

/** Event kinds delivered to webhooks, by event type. */
const KINDS: Record<string, string> = { [REMINDER_SENT]: 'reminder.sent', DeadlineMoved: 'deadline.moved', [AUDIT_ANCHOR_PUBLISHED]: 'audit.anchor' };

export interface WebhookPayload {
  id: string;
  type: string;
  tenant: string;
  occurredAt: string;
  stream: string;
  data: Record<string, unknown>;
}

export interface WebhookJob {
  tenant: string;
  endpointId: string;
  url: string;
  secretEnv: string;
  payload: WebhookPayload;
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Checks a signature as a receiver would (constant time); `toleranceS` bounds the timestamp's age. */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
  now = Date.now(),
  toleranceS = 300,
): boolean {
  const t = Number(timestamp);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceS) return false;
  const expected = Buffer.from(signWebhook(secret, t, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface WebhookOptions {
  connection: Redis;
  workerConnection?: Redis;
  prefix: string;
  pool: Pool;
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  env?: Record<string, string | undefined>;
  log?: { warn(msg: string): void; error(msg: string): void };
}

/**
 * Signed webhooks: a durable subscription turns `ReminderSent`, `DeadlineMoved` and
 * `AuditAnchorPublished` (`audit.anchor`, for endpoints that list it) events into one
 * BullMQ job per (endpoint, event) with a deterministic id; a worker POSTs them with an HMAC-SHA256
 * signature, retrying with exponential backoff; after the last attempt the delivery goes to the
 * dead-letter list (`ntf_webhook_dead_letters`, and the failed job stays in the queue for operators).
 */
export class Webhooks {
  readonly queue: Queue<WebhookJob>;
  private worker: Worker<WebhookJob> | null = null;
  private readonly attempts: number;

  constructor(private readonly options: WebhookOptions) {
    this.attempts = options.attempts ?? 8;
    this.queue = new Queue<WebhookJob>(WEBHOOK_QUEUE, {
      connection: options.connection,
      prefix: options.prefix,
    });
    this.queue.on('error', () => undefined);
  }

  /** Jobs for the webhook-relevant events of a batch. */
  jobsFor(
    events: RecordedEvent[],
    tenants: TenantProfiles,
  ): { name: string; data: WebhookJob; opts: { jobId: string } }[] {
    const out: { name: string; data: WebhookJob; opts: { jobId: string } }[] = [];
    for (const e of events) {
      const kind = KINDS[e.type];
      if (!kind) continue;
      const endpoints: WebhookEndpoint[] = tenants.profile(e.metadata.tenant)?.webhooks ?? [];
      for (const ep of endpoints) {
        if (!ep.enabled || !ep.events.includes(kind)) continue;
        out.push({
          name: kind,
          data: {
            tenant: e.metadata.tenant,
            endpointId: ep.id,
            url: ep.url,
            secretEnv: ep.secretEnv,
            payload: {
              id: e.eventId,
              type: kind,
              tenant: e.metadata.tenant,
              occurredAt: e.metadata.occurredAt,
              stream: e.streamId,
              data: e.data as Record<string, unknown>,
            },
          },
          opts: { jobId: `wh|${e.metadata.tenant}|${ep.id}|${e.eventId}` },
        });
      }
    }
    return out;
  }

  /** Follows the log and enqueues deliveries; a Redis outage fails the batch, which is retried. */
  startDispatcher(
    store: EventStore,
    tenants: TenantProfiles,
    options: SubscribeOptions<PoolClient> = {},
  ): Subscription {
    return store.subscribe<PoolClient>(
      WEBHOOK_SUBSCRIPTION,
      async (events) => {
        const jobs = this.jobsFor(events, tenants);
        if (jobs.length === 0) return;
        await this.queue.addBulk(
          jobs.map((j) => ({
            ...j,
            opts: {
              ...j.opts,
              attempts: this.attempts,
              backoff: { type: 'exponential', delay: this.options.backoffMs ?? 10_000 },
              removeOnComplete: { age: 7 * 86400 },
              removeOnFail: false,
            },
          })),
        );
      },
      { batchSize: 500, ...options },
    );
  }

  startWorker(): Worker<WebhookJob> {
    if (this.worker) return this.worker;
    this.worker = new Worker<WebhookJob>(WEBHOOK_QUEUE, (job) => this.deliver(job), {
      connection: this.options.workerConnection ?? this.options.connection,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency ?? 8,
    });
    this.worker.on('error', (err) => this.options.log?.error(`Webhook worker: ${err.message}`));
    return this.worker;
  }

  private async deliver(job: Job<WebhookJob>): Promise<{ status: number }> {
    const { url, secretEnv, payload } = job.data;
    const secret = (this.options.env ?? process.env)[secretEnv];
    const body = JSON.stringify(payload);
    const attempt = job.attemptsMade + 1;
    const final = attempt >= (job.opts.attempts ?? 1);
    try {
      if (!secret) throw new Error(`no secret in ${secretEnv}`);
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Ciclo-Webhooks/1',
          'x-ciclo-event': payload.type,
          'x-ciclo-delivery': String(job.id),
          'x-ciclo-attempt': String(attempt),
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}`);
      return { status: res.status };
    } catch (err) {
      const message = (err as Error).message;
      if (final) {
        await this.options.pool.query(
          `INSERT INTO ntf_webhook_dead_letters (tenant, endpoint_id, url, delivery_id, event_type, payload, attempts, last_error)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (delivery_id) DO UPDATE SET attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error, failed_at = now()`,
          [
            job.data.tenant,
            job.data.endpointId,
            url,
            String(job.id),
            payload.type,
            body,
            attempt,
            message.slice(0, 2000),
          ],
        );
        this.options.log?.warn(
          `Webhook ${job.id} to ${url} failed ${attempt} times: dead letter (${message})`,
        );
      }
      throw err;
    }
  }

  /** The dead-letter list of a tenant, newest first. */
  deadLetters(tenant: string, limit = 100): Promise<DeadLetter[]> {
    return listDeadLetters(this.options.pool, tenant, limit);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    this.worker = null;
    await this.queue.close();
  }
}

export interface DeadLetter {
  /** Delivery id */
  deliveryId: string;
  /** Webhook endpoint id */
  endpointId: string;
  /** Endpoint URL */
  url: string;
  /** Type of the event delivered */
  eventType: string;
  /** Attempts made */
  attempts: number;
  /** The last failure */
  lastError: string;
  /** When it was given up (ISO 8601) */
  failedAt: string;
  /** The body that was to be delivered */
  payload: unknown;
}

/** The webhook dead-letter list of a tenant, newest first. */
export async function listDeadLetters(pool: Pool, tenant: string, limit = 100): Promise<DeadLetter[]> {
  {
    const { rows } = await pool.query<{
      delivery_id: string;
      endpoint_id: string;
      url: string;
      event_type: string;
      attempts: number;
      last_error: string;
      failed_at: Date;
      payload: unknown;
    }>(
      'SELECT delivery_id, endpoint_id, url, event_type, attempts, last_error, failed_at, payload FROM ntf_webhook_dead_letters WHERE tenant = $1 ORDER BY failed_at DESC LIMIT $2',
      [tenant, limit],
    );
    return rows.map((r) => ({
      deliveryId: r.delivery_id,
      endpointId: r.endpoint_id,
      url: r.url,
      eventType: r.event_type,
      attempts: r.attempts,
      lastError: r.last_error,
      failedAt: r.failed_at.toISOString(),
      payload: r.payload,
    }));
  }
}
