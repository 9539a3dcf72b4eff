import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Settings } from '@ciclo/config';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE, HEARTBEAT_INTERVAL_MS, newWorkerId, REDIS, removeHeartbeat, SETTINGS, writeHeartbeat, type WorkerHeartbeat } from '@ciclo/platform';

/**
 * Tells the API's health check that this worker is alive: every few seconds a Redis key with the
 * subscriptions this process runs, whether it holds each lease, and each one's lag (see
 * libs/platform/src/heartbeat.ts). Removed on a graceful stop; expires after a crash.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Heartbeat');
  readonly id = newWorkerId();
  private readonly startedAt = new Date().toISOString();
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private failing = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  onApplicationBootstrap(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  private beat(): void {
    if (this.beating) return;
    this.beating = this.write()
      .then(() => {
        if (this.failing) this.log.log('Heartbeat written again');
        this.failing = false;
      })
      .catch((err: Error) => {
        if (!this.failing) this.log.warn(`Could not write the worker heartbeat: ${err.message}`);
        this.failing = true;
      })
      .finally(() => (this.beating = null));
  }

  private async write(): Promise<void> {
    const beat: WorkerHeartbeat = {
      id: this.id,
      host: this.id.split(':')[0],
      pid: process.pid,
      startedAt: this.startedAt,
      beatAt: new Date().toISOString(),
      subscriptions: await this.store.subscriptionStatus(),
    };
    await writeHeartbeat(this.redis, this.settings.REDIS_PREFIX, beat);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    await removeHeartbeat(this.redis, this.settings.REDIS_PREFIX, this.id).catch(() => undefined);
  }
}
