import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Settings } from '@ciclo/config';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE, SETTINGS } from '@ciclo/platform';
import type { TenantTimeOf } from '@ciclo/domain';
import { DEFINITIONS, TENANT_CALENDARS, TENANT_TIMES, type DefinitionRegistry } from '@ciclo/workflow';
import type { TenantCalendarView } from './cycles.projector';
import { readModelProjectors } from './read-model-projectors';
import { createReadModelDataSource } from './data-source';
import { ReadModelQueries } from './queries';
import { ProjectionRunner } from './runner';

export const READ_MODELS = Symbol('READ_MODELS');

@Injectable()
class ReadModelsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(READ_MODELS) private readonly ds: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}

/** Read models: the TypeORM data source, the projection runner and the query service. */
@Module({})
export class ProjectionsModule {
  static forRoot(): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [
        {
          provide: READ_MODELS,
          useFactory: async (settings: Settings) => {
            const ds = createReadModelDataSource(settings.DATABASE_URL, Math.max(2, Math.floor(settings.DATABASE_POOL_SIZE / 2)));
            await ds.initialize();
            return ds;
          },
          inject: [SETTINGS],
        },
        {
          provide: ProjectionRunner,
          useFactory: (store: EventStore, ds: DataSource, definitions: DefinitionRegistry, calendars: TenantCalendarView) =>
            new ProjectionRunner(store, ds, readModelProjectors(definitions, calendars)),
          inject: [EVENT_STORE, READ_MODELS, DEFINITIONS, TENANT_CALENDARS],
        },
        { provide: ReadModelQueries, useFactory: (ds: DataSource, tenantTime: TenantTimeOf) => new ReadModelQueries(ds, tenantTime), inject: [READ_MODELS, TENANT_TIMES] },
        ReadModelsLifecycle,
      ],
      exports: [READ_MODELS, ProjectionRunner, ReadModelQueries],
    };
  }
}
