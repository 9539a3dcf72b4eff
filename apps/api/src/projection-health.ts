import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HealthService } from '@ciclo/platform';
import { ProjectionRunner } from '@ciclo/projections';

/** Lag above these marks reports the projections as degraded in GET /health. */
export const LAG_DEGRADED_EVENTS = 1000;
export const LAG_DEGRADED_SECONDS = 10;

@Injectable()
export class ProjectionHealth implements OnModuleInit {
  constructor(
    private readonly health: HealthService,
    private readonly runner: ProjectionRunner,
  ) {}

  onModuleInit(): void {
    this.health.register(async () => {
      const status = await this.runner.status();
      const degraded = status.some((s) => s.lagEvents > LAG_DEGRADED_EVENTS || s.lagSeconds > LAG_DEGRADED_SECONDS);
      return [
        'projections',
        {
          status: degraded ? 'degraded' : 'up',
          detail: status.map((s) => `${s.name}: ${s.lagEvents} events / ${s.lagSeconds.toFixed(1)} s behind`).join('; '),
        },
      ];
    });
  }
}
