import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type Redis from 'ioredis';
import type { SubscriptionStatus } from '@ciclo/event-store';
import type { ComponentStatus } from './health.service';

/**
 * Worker heartbeats: every worker process writes, every few seconds, one Redis key
 * (`<REDIS_PREFIX>:workers:<id>`) that expires unless renewed. It says which durable subscriptions
 * (sealer, projectors, deadline scheduler, inbox, webhooks) the process runs, whether it holds each
 * one's lease and how far behind the log it is. The API's `GET /health` reads them: a worker killed
 * without a goodbye disappears when its key expires.
 */
export const HEARTBEAT_INTERVAL_MS = 5_000;
export const HEARTBEAT_TTL_MS = 15_000;

/** Lag above these marks reports the workers as degraded. */
export const WORKER_LAG_DEGRADED_EVENTS = 1000;
export const WORKER_LAG_DEGRADED_SECONDS = 10;

export interface WorkerHeartbeat {
  /** `<host>:<pid>:<random>`: unique per process start. */
  id: string;
  /** Host name */
  host: string;
  /** Process id */
  pid: number;
  /** When the process started (ISO 8601) */
  startedAt: string;
  /** When it last reported (ISO 8601) */
  beatAt: string;
  /** The subscriptions it runs, whether it holds each lease, and their lag */
  subscriptions: SubscriptionStatus[];
}

export interface WorkerReport extends WorkerHeartbeat {
  /** Seconds since the last beat, by the reader's clock. */
  ageSeconds: number;
}

export interface SubscriptionReport {
  /** Subscription name */
  name: string;
  /** The worker holding the lease, or null when none does (no worker, or a takeover under way). */
  heldBy: string | null;
  /** Global position it has processed */
  position: number | null;
  /** Events behind the head */
  lagEvents: number | null;
  /** Seconds behind the head */
  lagSeconds: number | null;
}

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

const keyPattern = (prefix: string) => `${prefix}:workers:`;

export async function writeHeartbeat(redis: Redis, prefix: string, beat: WorkerHeartbeat, ttlMs = HEARTBEAT_TTL_MS): Promise<void> {
  await redis.set(`${keyPattern(prefix)}${beat.id}`, JSON.stringify(beat), 'PX', ttlMs);
}

export async function removeHeartbeat(redis: Redis, prefix: string, id: string): Promise<void> {
  await redis.del(`${keyPattern(prefix)}${id}`);
}

/** Every live heartbeat under the prefix (expired ones are gone from Redis). */
export async function readHeartbeats(redis: Redis, prefix: string): Promise<WorkerHeartbeat[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${keyPattern(prefix).replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  const out: WorkerHeartbeat[] = [];
  for (const v of values) {
    if (!v) continue;
    try {
      out.push(JSON.parse(v) as WorkerHeartbeat);
    } catch {
      /* a malformed key is not a worker */
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The `workers` component of the health report: `up` when at least one worker reports, every
 * subscription any worker runs has a lease holder, and none lags beyond the marks; `degraded`
 * otherwise (the API still serves; read models and reminders wait).
 */
export function workersComponent(beats: WorkerHeartbeat[], now = new Date()): ComponentStatus {
  const workers: WorkerReport[] = beats.map((b) => ({ ...b, ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(b.beatAt)) / 100) / 10) }));
  const names = [...new Set(beats.flatMap((b) => b.subscriptions.map((s) => s.name)))].sort();
  // A worker killed without a goodbye keeps its key (and its claims) until the key expires: when
  // two claim a lease, the latest beat wins (the new holder beats after its takeover); a beat older
  // than two intervals claims nothing.
  const fresh = beats
    .filter((b) => now.getTime() - Date.parse(b.beatAt) <= 2 * HEARTBEAT_INTERVAL_MS)
    .sort((a, b) => Date.parse(b.beatAt) - Date.parse(a.beatAt));
  const subscriptions: SubscriptionReport[] = names.map((name) => {
    const holder = fresh.find((b) => b.subscriptions.some((s) => s.name === name && s.holdsLease));
    const s = holder?.subscriptions.find((x) => x.name === name && x.holdsLease);
    return {
      name,
      heldBy: holder?.id ?? null,
      position: s?.position ?? null,
      lagEvents: s?.lagEvents ?? null,
      lagSeconds: s?.lagSeconds ?? null,
    };
  });
  const problems: string[] = [];
  if (workers.length === 0) problems.push(`no worker process has reported in the last ${HEARTBEAT_TTL_MS / 1000} s`);
  for (const s of subscriptions) {
    if (!s.heldBy) problems.push(`${s.name}: no worker holds its lease`);
    else if ((s.lagEvents ?? 0) > WORKER_LAG_DEGRADED_EVENTS || (s.lagSeconds ?? 0) > WORKER_LAG_DEGRADED_SECONDS) {
      problems.push(`${s.name}: ${s.lagEvents} events / ${s.lagSeconds} s behind`);
    }
  }
  return {
    status: problems.length ? 'degraded' : 'up',
    detail: problems.length ? problems.join('; ') : `${workers.length} worker process(es); every subscription has a lease holder`,
    workers,
    subscriptions,
  };
}
