import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Settings } from '@ciclo/config';
import { PlatformModule } from '@ciclo/platform';
import { WorkflowModule } from '@ciclo/workflow';
import { ProjectionsModule } from '@ciclo/projections';
import { ReadModelsController } from './read-models.controller';
import { ProjectionHealth } from './projection-health';
import { AuthGuard } from './auth.guard';
import { CyclesController } from './cycles.controller';
import { DefinitionsController } from './definitions.controller';
import { HealthController } from './health.controller';
import { HttpErrorFilter } from './http-errors';

@Module({})
export class ApiModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: ApiModule,
      imports: [PlatformModule.forRoot({ app: 'api', settings }), WorkflowModule.forRoot({ seedsDir: settings.SEEDS_DIR }), ProjectionsModule.forRoot()],
      controllers: [HealthController, DefinitionsController, CyclesController, ReadModelsController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        ProjectionHealth,
      ],
    };
  }
}
