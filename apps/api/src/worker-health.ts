import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Settings } from '@ciclo/config';
import { HealthService, readHeartbeats, REDIS, SETTINGS, workersComponent } from '@ciclo/platform';

/** The `workers` component of GET /health: the heartbeats the worker processes write to Redis. */
@Injectable()
export class WorkerHealth implements OnModuleInit {
  constructor(
    private readonly health: HealthService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  onModuleInit(): void {
    this.health.register(async () => ['workers', workersComponent(await readHeartbeats(this.redis, this.settings.REDIS_PREFIX))]);
  }
}
