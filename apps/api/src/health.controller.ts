import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthService, type HealthReport, type ReadinessReport } from '@ciclo/platform';
import { Public } from './auth.guard';
import { ApiAnswer } from './openapi/document';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({
    summary: 'Health of the API and what it depends on',
    description:
      'Reports the database, Redis, projection lag and the worker processes (from the heartbeats they write to Redis every 5 s: each durable subscription, which worker holds its lease, its lag). `status` is `ok`, `degraded` (working, but a component is slow or lagging, or no worker reports) or `down` (answers 503).',
  })
  @ApiOkResponse({ description: 'Every component is up (or only degraded).' })
  @ApiServiceUnavailableResponse({ description: 'At least one component is down.' })
  @ApiAnswer(200, 'HealthReport')
  @ApiAnswer(503, 'HealthReport', 'A component is down')
  async get(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.check();
    if (report.status === 'down') res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  @Get('live')
  @ApiOperation({
    summary: 'Liveness: the process answers',
    description: 'Checks nothing else: restart the process only when this fails (a database or Redis outage is not cured by a restart).',
  })
  @ApiOkResponse({ description: 'The process answers.' })
  @ApiAnswer(200, 'Liveness')
  live(): { status: 'up'; checkedAt: string } {
    return { status: 'up', checkedAt: new Date().toISOString() };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: this process can serve requests',
    description: 'The database and Redis answer and the process is not shutting down (after SIGTERM it answers 503 while finishing the requests in flight). For load balancers.',
  })
  @ApiOkResponse({ description: 'Ready to serve.' })
  @ApiServiceUnavailableResponse({ description: 'Not ready: a dependency is down or the process is stopping.' })
  @ApiAnswer(200, 'ReadinessReport')
  @ApiAnswer(503, 'ReadinessReport', 'Not ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessReport> {
    const report = await this.health.ready();
    if (report.status !== 'ready') res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
