import { resolve } from 'node:path';
import type { CommandBus } from '@nestjs/cqrs';
import type { EventStore } from '@ciclo/event-store';
import { TenantCalendars } from '@ciclo/identity';
import { CycleLookups } from '../cycle-lookups';
import { DeliberationRegister } from '../deliberation-register';
import { CycleRepository } from '../cycle-repository';
import { DefinitionRegistry } from '../definition-registry';
import { ExecuteCycleCommandHandler } from '../execute-cycle-command.handler';
import { CatalogueRepository, ExecuteCatalogueCommandsHandler } from './catalogue';
import { ExecutePlanCommands, ExecutePlanCommandsHandler } from './execute-plan-commands.handler';
import { PlanImporter } from './importer';
import { PlanQueries } from './plan-queries';
import { PlanRepository } from './plan-repository';
import { RatingMethodRepository, RatingMethodService } from './rating-method';
import { RegisterImporter } from './register-import';
import { RegisterQueries } from './register-queries';

/** The plan's handlers wired by hand on an event store, for the CLI, the benchmarks and tests (no Nest). */
export function createPlanRuntime(store: EventStore, seedsDir: string) {
  const registry = DefinitionRegistry.fromDirectory(resolve(seedsDir, 'cycles'));
  const cycleRepo = new CycleRepository(store);
  const repo = new PlanRepository(cycleRepo);
  const register = new DeliberationRegister(store);
  const methods = new RatingMethodRepository(store);
  const plans = new ExecutePlanCommandsHandler(repo, register, registry, methods);
  // The plan commands a monitoring's transitions issue on the linked PIAO go straight to the plan handler.
  const bus = { execute: (c: ExecutePlanCommands) => plans.execute(c) } as unknown as CommandBus;
  // Each tenant's calendar from the identity directory: `ready` resolves once it has been read.
  const calendars = TenantCalendars.of(store);
  const ready = calendars.ready();
  ready.catch(() => undefined);
  const cycles = new ExecuteCycleCommandHandler(cycleRepo, register, new CycleLookups(store), registry, repo, bus, calendars.tenantTime);
  const catalogueRepo = new CatalogueRepository(store);
  const catalogue = new ExecuteCatalogueCommandsHandler(catalogueRepo);
  return {
    ready,
    registry,
    repo,
    cycles,
    plans,
    catalogue,
    catalogueRepo,
    queries: new PlanQueries(repo, registry),
    importer: new PlanImporter({ plans, cycles, catalogue, repo }),
    register: new RegisterQueries(repo, registry, methods),
    registerImporter: new RegisterImporter({ plans, repo, methods }),
    ratingMethod: new RatingMethodService(methods),
  };
}

export type PlanRuntime = ReturnType<typeof createPlanRuntime>;
