import { Global, Module } from '@nestjs/common';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE } from '@ciclo/platform';
import { CycleRepository } from '../cycle-repository';
import { DeliberationRegister } from '../deliberation-register';
import { ExecuteCycleCommandHandler } from '../execute-cycle-command.handler';
import { CatalogueRepository, ExecuteCatalogueCommandsHandler } from './catalogue';
import { ExecutePlanCommandsHandler } from './execute-plan-commands.handler';
import { PlanImporter } from './importer';
import { DocumentQueries } from './document-queries';
import { PlanQueries } from './plan-queries';
import { PlanRepository } from './plan-repository';
import { RatingMethodRepository, RatingMethodService } from './rating-method';
import { RegisterImporter } from './register-import';
import { RegisterQueries } from './register-queries';

/**
 * The plan content of cycles and the process catalogue: command handlers (on the CQRS bus of
 * WorkflowModule), the repositories folding the streams, and the queries. Global, so that the
 * cycle command handler finds the plan repository for the submission checks.
 */
@Global()
@Module({
  providers: [
    { provide: PlanRepository, useFactory: (cycles: CycleRepository) => new PlanRepository(cycles), inject: [CycleRepository] },
    { provide: DeliberationRegister, useFactory: (store: EventStore) => new DeliberationRegister(store), inject: [EVENT_STORE] },
    { provide: RatingMethodRepository, useFactory: (store: EventStore) => new RatingMethodRepository(store), inject: [EVENT_STORE] },
    { provide: RatingMethodService, useFactory: (repo: RatingMethodRepository) => new RatingMethodService(repo), inject: [RatingMethodRepository] },
    { provide: CatalogueRepository, useFactory: (store: EventStore) => new CatalogueRepository(store), inject: [EVENT_STORE] },
    ExecutePlanCommandsHandler,
    ExecuteCatalogueCommandsHandler,
    PlanQueries,
    DocumentQueries,
    RegisterQueries,
    {
      provide: RegisterImporter,
      useFactory: (plans: ExecutePlanCommandsHandler, repo: PlanRepository, methods: RatingMethodRepository) => new RegisterImporter({ plans, repo, methods }),
      inject: [ExecutePlanCommandsHandler, PlanRepository, RatingMethodRepository],
    },
    {
      provide: PlanImporter,
      useFactory: (plans: ExecutePlanCommandsHandler, cycles: ExecuteCycleCommandHandler, catalogue: ExecuteCatalogueCommandsHandler, repo: PlanRepository) => new PlanImporter({ plans, cycles, catalogue, repo }),
      inject: [ExecutePlanCommandsHandler, ExecuteCycleCommandHandler, ExecuteCatalogueCommandsHandler, PlanRepository],
    },
  ],
  exports: [PlanRepository, RatingMethodRepository, RatingMethodService, CatalogueRepository, PlanQueries, DocumentQueries, PlanImporter, RegisterQueries, RegisterImporter],
})
export class PlanModule {}
