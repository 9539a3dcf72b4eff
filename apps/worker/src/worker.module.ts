import { Module, type DynamicModule } from '@nestjs/common';
import type { Settings } from '@ciclo/config';
import { PlatformModule } from '@ciclo/platform';
import { SealerService } from './sealer.service';

@Module({})
export class WorkerModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: WorkerModule,
      imports: [PlatformModule.forRoot({ app: 'worker', settings })],
      providers: [SealerService],
    };
  }
}
