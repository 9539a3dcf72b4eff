import { Module, type DynamicModule } from '@nestjs/common';
import type { Settings } from '@ciclo/config';
import { PlatformModule } from '@ciclo/platform';
import { ProjectionsModule } from '@ciclo/projections';
import { WorkflowModule } from '@ciclo/workflow';
import { ProjectionsService } from './projections.service';
import { SealerService } from './sealer.service';
import { HeartbeatService } from './heartbeat.service';
import { AuditVerificationService } from './audit/audit-verification.service';
import { DeadlinesModule } from './deadlines/deadlines.module';

@Module({})
export class WorkerModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forRoot({ app: 'worker', settings }),
        WorkflowModule.forRoot({ seedsDir: settings.SEEDS_DIR }),
        ProjectionsModule.forRoot(),
        DeadlinesModule.forRoot(),
      ],
      providers: [SealerService, ProjectionsService, AuditVerificationService, HeartbeatService],
    };
  }
}
