import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthService, type HealthReport } from '@ciclo/platform';
import { Public } from './auth.guard';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({
    summary: 'Health of the API and what it depends on',
    description:
      'Reports the database, Redis and (when the worker runs projections) projection lag. `status` is `ok`, `degraded` (working, but a component is slow or lagging) or `down` (answers 503).',
  })
  @ApiOkResponse({ description: 'Every component is up (or only degraded).' })
  @ApiServiceUnavailableResponse({ description: 'At least one component is down.' })
  async get(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.check();
    if (report.status === 'down') res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
