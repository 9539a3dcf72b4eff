import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE, REDIS } from './tokens';

import type { SubscriptionReport, WorkerReport } from './heartbeat';

export type ComponentStatus = {
  /** `up`, `down` or `degraded` */
  status: 'up' | 'down' | 'degraded';
  /** Round-trip time of the check */
  latencyMs?: number;
  /** What is wrong, when something is */
  detail?: string;
  /** The `workers` component: each live worker process and each subscription's lease holder and lag. */
  workers?: WorkerReport[];
  /** Each durable subscription: position, lag and lease holder */
  subscriptions?: SubscriptionReport[];
};

export interface HealthReport {
  /** `ok`, `degraded` or `down` */
  status: 'ok' | 'degraded' | 'down';
  /** When (ISO 8601) */
  checkedAt: string;
  /** Each component's status: database, Redis, projections, workers */
  components: Record<string, ComponentStatus>;
}

/** Extra health component contributed by another module (e.g. projection lag). */
export type HealthContributor = () => Promise<[string, ComponentStatus]>;

async function timed(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<ComponentStatus> {
  const t0 = performance.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return { status: 'up', latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (err) {
    return { status: 'down', detail: (err as Error).message };
  }
}

export interface ReadinessReport {
  /** `ready` or not */
  status: 'ready' | 'not_ready';
  /** When (ISO 8601) */
  checkedAt: string;
  /** What readiness depends on */
  components: Record<string, ComponentStatus>;
}

@Injectable()
export class HealthService implements BeforeApplicationShutdown {
  private readonly contributors: HealthContributor[] = [];
  private draining = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  register(contributor: HealthContributor): void {
    this.contributors.push(contributor);
  }

  /** On SIGTERM the process reports itself not ready first, so that a load balancer stops sending it requests. */
  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  private async dependencies(): Promise<Record<string, ComponentStatus>> {
    const [database, redis] = await Promise.all([
      timed(async () => {
        await this.store.ping();
      }),
      timed(() => this.redis.ping()),
    ]);
    return { database, redis };
  }

  /** Readiness: the database and Redis answer and the process is not shutting down. */
  async ready(): Promise<ReadinessReport> {
    const components = await this.dependencies();
    if (this.draining) components.process = { status: 'down', detail: 'shutting down' };
    const ok = Object.values(components).every((c) => c.status === 'up');
    return { status: ok ? 'ready' : 'not_ready', checkedAt: new Date().toISOString(), components };
  }

  async check(): Promise<HealthReport> {
    const components: Record<string, ComponentStatus> = await this.dependencies();
    for (const c of this.contributors) {
      const [name, status] = await c().catch((err: Error): [string, ComponentStatus] => ['contributor', { status: 'down', detail: err.message }]);
      components[name] = status;
    }
    const statuses = Object.values(components).map((c) => c.status);
    const status = statuses.includes('down') ? 'down' : statuses.includes('degraded') ? 'degraded' : 'ok';
    return { status, checkedAt: new Date().toISOString(), components };
  }
}
