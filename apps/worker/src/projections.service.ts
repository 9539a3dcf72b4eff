import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Settings } from '@ciclo/config';
import { SETTINGS } from '@ciclo/platform';
import { ProjectionRunner } from '@ciclo/projections';

/** Runs every projector; each is active in one worker process at a time, others stand by. */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Projections');

  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start({
      batchSize: this.settings.PROJECTION_BATCH_SIZE,
      onActive: (name) => this.log.log(`Projector ${name} active in this worker`),
      onError: (name, err) => this.log.error(`Projector ${name} failed a batch, retrying: ${(err as Error).message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
