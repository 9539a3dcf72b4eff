import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { PostgresEventStore, type EventStore } from '@ciclo/event-store';
import { EVENT_STORE, REDIS } from './tokens';

export type ComponentStatus = { status: 'up' | 'down' | 'degraded'; latencyMs?: number; detail?: string };

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  checkedAt: string;
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

@Injectable()
export class HealthService {
  private readonly contributors: HealthContributor[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  register(contributor: HealthContributor): void {
    this.contributors.push(contributor);
  }

  async check(): Promise<HealthReport> {
    const database = await timed(async () => {
      if (this.store instanceof PostgresEventStore) await this.store.pool.query('SELECT 1');
      else await this.store.headPosition();
    });
    const redis = await timed(() => this.redis.ping());
    const components: Record<string, ComponentStatus> = { database, redis };
    for (const c of this.contributors) {
      const [name, status] = await c().catch((err: Error): [string, ComponentStatus] => ['contributor', { status: 'down', detail: err.message }]);
      components[name] = status;
    }
    const statuses = Object.values(components).map((c) => c.status);
    const status = statuses.includes('down') ? 'down' : statuses.includes('degraded') ? 'degraded' : 'ok';
    return { status, checkedAt: new Date().toISOString(), components };
  }
}
