// GET /calendar.ics: the deadlines of the caller's tenant as an iCalendar feed (RFC 5545), every
// deadline an all-day event on its effective date with one alarm per reminder; `user` narrows it
// to the deadlines the caller acts on (or is told about when overdue).
import { Controller, Get, Header, Inject, Module, Query, Res, type DynamicModule } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Pool } from 'pg';
import { resolve } from 'node:path';
import { z } from 'zod';
import { publicUrl, type Settings } from '@ciclo/config';
import { DomainRefusal, type CycleState } from '@ciclo/domain';
import { deadlinesCalendar, ReminderPlanner } from '@ciclo/deadlines';
import type { EventStore } from '@ciclo/event-store';
import type { Actor } from '@ciclo/identity';
import { StaticTenantDirectory } from '@ciclo/notifications';
import { EVENT_STORE, PG_POOL, SETTINGS } from '@ciclo/platform';
import { CycleRepository, DefinitionRegistry } from '@ciclo/workflow';
import { CurrentActor } from './auth.guard';
import { parseInput } from './validation';
import { NotificationsController } from './notifications.controller';
import { QueuesModule } from './queues';

const calendarQuery = z
  .object({
    tenant: z.string().max(63).optional().describe("Tenant id: only the caller's own"),
    user: z.string().max(200).optional().describe('`me` or the caller\'s own user id: only the deadlines the caller acts on'),
  })
  .strict();

const PLANNER = Symbol('DEADLINE_PLANNER');

@ApiTags('deadlines')
@ApiBearerAuth()
@Controller()
export class CalendarController {
  private readonly repo: CycleRepository;
  constructor(
    @Inject(PLANNER) private readonly planner: ReminderPlanner,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {
    this.repo = new CycleRepository(store, 2000);
  }

  @Get('calendar.ics')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @ApiProduces('text/calendar')
  @ApiOperation({
    summary: 'Every deadline of the open cycles as an iCalendar feed',
    description: 'One all-day VEVENT per deadline on its effective date (legal date, holiday roll and moves in the description), one VALARM per reminder at the instant it is sent.',
  })
  @ApiQuery({ name: 'tenant', required: false })
  @ApiQuery({ name: 'user', required: false })
  async calendar(@CurrentActor() actor: Actor, @Query() query: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    const q = parseInput(calendarQuery, query ?? {}, 'query');
    if (q.tenant && q.tenant !== actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND', 'no such tenant');
    if (q.user && q.user !== 'me' && q.user !== actor.userId) throw new DomainRefusal('ROLE_NOT_ALLOWED', 'a per-user calendar is only available to that user');
    const prefix = `${actor.tenant}/cycle-`;
    const { rows } = await this.pool.query<{ stream_id: string }>(
      `SELECT stream_id FROM es_streams WHERE tenant = $1 AND left(stream_id, length($2)) = $2 ORDER BY stream_id LIMIT 5000`,
      [actor.tenant, prefix],
    );
    const states: CycleState[] = [];
    for (const r of rows) states.push((await this.repo.load(actor.tenant, r.stream_id.slice(prefix.length))).state);
    const filter = q.user
      ? (state: CycleState, _deadlineId: string) => {
          const def = this.planner.definitionOf(state);
          if (!def) return false;
          const actors = def.stages.find((s) => s.id === state.stage)?.actors ?? [];
          return actor.roles.some((r) => actors.includes(r) || r === this.planner.policy(state.tenant, def).escalateTo);
        }
      : undefined;
    res.setHeader('Content-Disposition', `inline; filename="ciclo-${actor.tenant}${q.user ? `-${actor.userId}` : ''}.ics"`);
    return deadlinesCalendar(states, {
      planner: this.planner,
      now: new Date(),
      publicUrl: publicUrl(this.settings),
      calendarName: `Scadenze ${actor.tenant}${q.user ? ` – ${actor.name ?? actor.userId}` : ''}`,
      filter,
    });
  }
}

/** The deadlines' HTTP side: iCalendar feed, in-app notifications, the queue dashboard. */
@Module({})
export class DeadlinesApiModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: DeadlinesApiModule,
      imports: [QueuesModule.forRoot(settings)],
      controllers: [CalendarController, NotificationsController],
      providers: [
        {
          provide: PLANNER,
          useFactory: () =>
            new ReminderPlanner(
              DefinitionRegistry.fromDirectory(resolve(settings.SEEDS_DIR, 'cycles')),
              StaticTenantDirectory.fromDirectory(resolve(settings.SEEDS_DIR, 'tenants')),
            ),
        },
      ],
    };
  }
}
