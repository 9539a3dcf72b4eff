import { Module, type DynamicModule } from '@nestjs/common';
import type { Settings } from '@ciclo/config';
import { PlatformModule } from '@ciclo/platform';
import { HealthController } from './health.controller';

@Module({})
export class ApiModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: ApiModule,
      imports: [PlatformModule.forRoot({ app: 'api', settings })],
      controllers: [HealthController],
    };
  }
}
