import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Settings } from '@ciclo/config';
import { PlatformModule } from '@ciclo/platform';
import { PlanModule, TransparencyModule, WorkflowModule } from '@ciclo/workflow';
import { IdentityModule } from '@ciclo/identity';
import { ProjectionsModule } from '@ciclo/projections';
import { ReadModelsController } from './read-models.controller';
import { AuditController } from './audit.controller';
import { AuditFacetsController } from './audit-facets.controller';
import { AuditAnchorsController } from './audit-anchors.controller';
import { ProjectionHealth } from './projection-health';
import { WorkerHealth } from './worker-health';
import { AuthGuard } from './auth.guard';
import { TenantsController } from './tenants.controller';
import { DocumentsController } from './documents.controller';
import { CyclesController } from './cycles.controller';
import { DefinitionsController } from './definitions.controller';
import { HealthController } from './health.controller';
import { HttpErrorFilter } from './http-errors';
import { StorableTextGuard } from './validation';
import { PlanController } from './plan.controller';
import { RegisterController } from './register.controller';
import { RatingMethodController } from './rating-method.controller';
import { CatalogueController } from './catalogue.controller';
import { TransparencyController } from './transparency.controller';
import { DeadlinesApiModule } from './calendar.controller';
import { AuthController } from './auth.controller';
import { OidcLoginController } from './oidc-login.controller';

@Module({})
export class ApiModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: ApiModule,
      imports: [PlatformModule.forRoot({ app: 'api', settings }), DeadlinesApiModule.forRoot(settings), WorkflowModule.forRoot({ seedsDir: settings.SEEDS_DIR }), PlanModule, TransparencyModule, ProjectionsModule.forRoot(), IdentityModule],
      controllers: [AuthController, OidcLoginController, HealthController, DefinitionsController, DocumentsController, CyclesController, ReadModelsController, TenantsController, AuditController, AuditFacetsController, AuditAnchorsController, PlanController, RegisterController, RatingMethodController, CatalogueController, TransparencyController],
      providers: [
        // Guards run in this order: credentials first, then the text the request carries.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: StorableTextGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        ProjectionHealth,
        WorkerHealth,
      ],
    };
  }
}
