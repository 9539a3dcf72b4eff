import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { resolve } from 'node:path';
import type { Pool } from 'pg';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE, PG_POOL } from '@ciclo/platform';
import { TenantCalendars } from '@ciclo/identity';
import { CycleRepository } from './cycle-repository';
import { CycleLookups } from './cycle-lookups';
import { DeliberationRegister } from './deliberation-register';
import { DefinitionRegistry } from './definition-registry';
import { DocumentStore } from './documents';
import { ExecuteCycleCommandHandler } from './execute-cycle-command.handler';
import { GetCycleHandler } from './queries';
import { GetCycleHistoryHandler } from './history';
import { DEFINITIONS, TENANT_CALENDARS, TENANT_TIMES } from './tokens';

/** The cycles application layer: definitions, command handlers and queries over the event store. */
@Module({})
export class WorkflowModule {
  static forRoot(options: { seedsDir: string }): DynamicModule {
    return {
      module: WorkflowModule,
      global: true,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: DEFINITIONS, useFactory: () => DefinitionRegistry.fromDirectory(resolve(options.seedsDir, 'cycles')) },
        // Each tenant's calendar from the identity directory, read before the first deadline is computed.
        {
          provide: TENANT_CALENDARS,
          useFactory: async (store: EventStore) => {
            const calendars = TenantCalendars.of(store);
            await calendars.ready();
            return calendars;
          },
          inject: [EVENT_STORE],
        },
        { provide: TENANT_TIMES, useFactory: (calendars: TenantCalendars) => calendars.tenantTime, inject: [TENANT_CALENDARS] },
        { provide: CycleRepository, useFactory: (store: EventStore) => new CycleRepository(store), inject: [EVENT_STORE] },
        { provide: DeliberationRegister, useFactory: (store: EventStore) => new DeliberationRegister(store), inject: [EVENT_STORE] },
        { provide: CycleLookups, useFactory: (store: EventStore) => new CycleLookups(store), inject: [EVENT_STORE] },
        { provide: DocumentStore, useFactory: (pool: Pool) => new DocumentStore(pool), inject: [PG_POOL] },
        ExecuteCycleCommandHandler,
        GetCycleHandler,
        GetCycleHistoryHandler,
      ],
      exports: [DEFINITIONS, TENANT_CALENDARS, TENANT_TIMES, CycleRepository, DocumentStore, CqrsModule, ExecuteCycleCommandHandler],
    };
  }
}
