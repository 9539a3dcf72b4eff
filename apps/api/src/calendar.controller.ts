// GET /calendar.ics: the deadlines of the caller's tenant as an iCalendar feed (RFC 5545), every
// deadline an all-day event on its effective date with one alarm per reminder; `user` narrows it
// to the deadlines the caller acts on (or is told about when overdue).
// /calendar/feeds: personal secret addresses of the same feed for calendar applications, which
// send a plain GET with no credentials.
import { createHash, randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Inject,
  Module,
  Param,
  Post,
  Query,
  Req,
  Res,
  type DynamicModule,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { resolve } from 'node:path';
import { z } from 'zod';
import { publicUrl, type Settings } from '@ciclo/config';
import { DomainRefusal, type CycleState, type PlannedReminder } from '@ciclo/domain';
import { deadlinesCalendar, ReminderPlanner } from '@ciclo/deadlines';
import { AccessPolicy, CALENDAR_FEED_SCOPES, FEED_ID_RE, TenantCalendars, type Actor, type CalendarFeedRecord, type Role } from '@ciclo/identity';
import { DirectoryCalendarProfiles, StaticTenantDirectory } from '@ciclo/notifications';
import { EVENT_STORE, PG_POOL, SETTINGS } from '@ciclo/platform';
import type { EventStore } from '@ciclo/event-store';
import { ProjectionRunner } from '@ciclo/projections';
import { ModuleRef } from '@nestjs/core';
import { awaitProjection } from './read-your-writes';
import { FeedCache, type RenderedFeed } from './calendar-cache';
import { DEFINITIONS, type DefinitionRegistry } from '@ciclo/workflow';
import { CurrentActor, Public } from './auth.guard';
import type { CalendarFeed, CreatedCalendarFeed } from './openapi/responses';
import { toOpenApi } from './schemas';
import { parseInput } from './validation';
import { NotificationsController } from './notifications.controller';
import { QueuesModule } from './queues';
import { ApiAnswer, ApiFileAnswer } from './openapi/document';

const calendarQuery = z
  .object({
    tenant: z.string().max(63).optional().describe("Tenant id: only the caller's own"),
    user: z.string().max(200).optional().describe('`me` or the caller\'s own user id: only the deadlines the caller acts on'),
  })
  .strict();

const PLANNER = Symbol('DEADLINE_PLANNER');

const createFeedBody = z
  .object({
    scope: z
      .enum(CALENDAR_FEED_SCOPES as [string, ...string[]])
      .optional()
      .describe('`mine` (default): the deadlines of the stages the person acts on; `all`: every deadline of the body'),
  })
  .strict();
const feedIdParam = z.string().regex(FEED_ID_RE, 'must be a feed id such as f0123456789abcdef01234567');
const tenantParam = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, 'must be a tenant id');

const feedView = (f: CalendarFeedRecord): CalendarFeed => ({
  id: f.feedId,
  scope: f.scope,
  createdAt: f.createdAt,
  ...(f.revokedAt ? { revokedAt: f.revokedAt } : {}),
});

/** Whom a feed is rendered for: the tenant, the person and their roles, and which deadlines. */
interface FeedAudience {
  tenant: string;
  userId: string;
  name?: string;
  roles: readonly Role[];
  mine: boolean;
}

@ApiTags('deadlines')
@ApiBearerAuth()
@Controller()
export class CalendarController {
  /**
   * Per cycle version, the reminders of its deadlines (the VALARMs), with the tenant's calendar and
   * time zone they were planned with: planned again when the cycle or the tenant's calendar changes.
   */
  private readonly plans = new Map<string, { plan: PlannedReminder[]; calendar: object; timeZone: string }>();
  /** Rendered feeds, until their tenant's next event: 64 MB at most (about 35 feeds of 1,000 cycles). */
  private readonly cache = new FeedCache(64 * 1024 * 1024);
  constructor(
    @Inject(PLANNER) private readonly planner: ReminderPlanner,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly policy: AccessPolicy,
    private readonly moduleRef: ModuleRef,
  ) {}

  @Get('calendar.ics')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @ApiProduces('text/calendar')
  @ApiOperation({
    summary: 'Every deadline of the open cycles as an iCalendar feed',
    description:
      'One all-day VEVENT per deadline on its effective date (legal date, holiday roll and moves in the description), one VALARM per reminder at the instant it is sent. Rendered once per change of the tenant\'s data and served as the same bytes until the next change: `ETag` (strong, of the bytes sent; gzip with `Accept-Encoding: gzip`), `Cache-Control: private, no-cache`; a request with `If-None-Match` naming the current ETag gets 304.',
  })
  @ApiQuery({ name: 'tenant', required: false, description: 'Tenant id: only the caller\'s own' })
  @ApiQuery({ name: 'user', required: false, description: '`me` (or the caller\'s own user id): only the deadlines the caller acts on' })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag sent in If-None-Match' })
  @ApiFileAnswer(200, 'text/calendar', 'RFC 5545 iCalendar document')
  async calendar(@CurrentActor() actor: Actor, @Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const q = parseInput(calendarQuery, query ?? {}, 'query');
    if (q.tenant && q.tenant !== actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND', 'no such tenant');
    if (q.user && q.user !== 'me' && q.user !== actor.userId) throw new DomainRefusal('ROLE_NOT_ALLOWED', 'a per-user calendar is only available to that user');
    res.setHeader('Content-Disposition', `inline; filename="ciclo-${actor.tenant}${q.user ? `-${actor.userId}` : ''}.ics"`);
    const audience = { tenant: actor.tenant, userId: actor.userId, name: actor.name, roles: actor.roles, mine: !!q.user };
    const last = await this.lastChange(actor.tenant);
    if (!last.projected) {
      // Rendered from a read model behind the tenant's last event: neither kept nor to be cached.
      res.status(200).type('text/calendar; charset=utf-8').setHeader('Cache-Control', 'no-store');
      res.end(await this.render(audience, last));
      return;
    }
    const feed = await this.rendered(audience, last);
    const gz = acceptsGzip(req);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('ETag', gz ? feed.gzipEtag : feed.etag);
    if (feed.matches(req.headers['if-none-match'])) {
      res.status(304).end();
      return;
    }
    await sendFeed(res, feed, gz);
  }

  @Get('calendar/feeds')
  @ApiOperation({ summary: "The caller's personal calendar feeds (never their secrets)" })
  @ApiAnswer(200, 'CalendarFeedList')
  async feeds(@CurrentActor() actor: Actor): Promise<CalendarFeed[]> {
    return (await this.policy.directory.calendarFeeds(actor.tenant, actor.userId)).filter((f) => !f.revokedAt).map(feedView);
  }

  @Post('calendar/feeds')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a personal calendar feed address',
    description:
      'The answer carries `url` once: a secret address that calendar applications subscribe to with a plain GET and no credentials. At most 10 active feeds per person (409 `CALENDAR_FEED_LIMIT`).',
  })
  @ApiBody({ schema: toOpenApi(createFeedBody) })
  @ApiResponse({ status: 400, description: 'Malformed body: `fields` names the field; nothing written' })
  @ApiResponse({ status: 409, description: '`CALENDAR_FEED_LIMIT`' })
  @ApiAnswer(201, 'CreatedCalendarFeed', 'Created: `url` is shown once')
  async createFeed(@CurrentActor() actor: Actor, @Body() body: unknown, @Req() req: Request & { id?: string }): Promise<CreatedCalendarFeed> {
    const input = parseInput(createFeedBody, body ?? {}, 'body');
    const { feed, token } = await this.policy.directory.createCalendarFeed(
      actor.tenant,
      { userId: actor.userId, roles: [...actor.roles] },
      input.scope === 'all' ? 'all' : 'mine',
      { userId: actor.userId, role: actor.roles[0] ?? 'admin', tenant: actor.tenant },
      { correlationId: String(req.id ?? randomUUID()) },
    );
    return { ...feedView(feed), url: `${publicUrl(this.settings)}/calendar/feeds/${actor.tenant}/${token}.ics` };
  }

  @Delete('calendar/feeds/:feedId')
  @ApiOperation({ summary: 'Revoke one of the caller\'s calendar feeds', description: 'Its address answers 404 from the next request on.' })
  @ApiParam({ name: 'feedId', description: 'Feed id, e.g. f0123456789abcdef01234567' })
  @ApiResponse({ status: 404, description: '`CALENDAR_FEED_NOT_FOUND`: no such active feed of the caller' })
  @ApiAnswer(200, 'CalendarFeed', 'Revoked')
  async revokeFeed(@CurrentActor() actor: Actor, @Param('feedId') feedId: string, @Req() req: Request & { id?: string }): Promise<CalendarFeed> {
    const id = parseInput(feedIdParam, feedId, 'path.feedId');
    const feed = await this.policy.directory.revokeCalendarFeed(
      actor.tenant,
      actor.userId,
      id,
      { userId: actor.userId, role: actor.roles[0] ?? 'admin', tenant: actor.tenant },
      { correlationId: String(req.id ?? randomUUID()) },
    );
    return feedView(feed);
  }

  @Public()
  @Get('calendar/feeds/:tenant/:token')
  @ApiParam({ name: 'tenant', description: 'Tenant id, as in the address' })
  @ApiProduces('text/calendar')
  @ApiOperation({
    summary: 'A personal calendar feed, for calendar applications (no credentials: the address is the secret)',
    description:
      'RFC 5545, refreshed hourly (`REFRESH-INTERVAL`, `X-PUBLISHED-TTL`); stable `UID`s with a `SEQUENCE` that grows as the cycle changes. `ETag` and `Last-Modified` follow the tenant\'s last event: a poll with `If-None-Match` or `If-Modified-Since` gets 304. Unknown or revoked addresses get 404.',
  })
  @ApiParam({ name: 'tenant', description: 'Tenant id: only the caller\'s own' })
  @ApiParam({ name: 'token', description: '`<feedId>.<secret>.ics`' })
  @ApiResponse({ status: 200, description: 'text/calendar' })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag or date sent' })
  @ApiResponse({ status: 404, description: 'Unknown or revoked address' })
  @ApiFileAnswer(200, 'text/calendar', 'RFC 5545 iCalendar document')
  async feed(@Param('tenant') tenantId: string, @Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const tenant = tenantParam.safeParse(tenantId);
    let feed: CalendarFeedRecord;
    try {
      if (!tenant.success) throw new Error('bad tenant');
      feed = await this.policy.directory.openCalendarFeed(tenant.data, token);
    } catch {
      res.status(404).type('text/plain; charset=utf-8').send('Indirizzo del calendario inesistente o revocato.\nUnknown or revoked calendar address.\n');
      return;
    }
    const last = await this.lastChange(tenant.data!);
    if (!last.projected) {
      // The read model has not reached the tenant's last event yet: an answer not to be cached.
      const user = await this.policy.directory.user(tenant.data!, feed.userId);
      const body = await this.render({ tenant: tenant.data!, userId: feed.userId, name: user?.name, roles: feed.roles, mine: feed.scope === 'mine' }, last);
      res.status(200).type('text/calendar; charset=utf-8').setHeader('Content-Disposition', 'inline; filename="ciclo-scadenze.ics"');
      res.setHeader('Cache-Control', 'no-store');
      res.end(body); // not `send`: no ETag of Express's own either
      return;
    }
    const etag = `"${createHash('sha256').update(JSON.stringify([last.position, feed.feedId, feed.scope, feed.roles, DEFINITIONS_STAMP])).digest('base64url').slice(0, 27)}"`;
    const gz = acceptsGzip(req);
    // The gzip representation is another entity: its own ETag (either one answers 304).
    res.setHeader('ETag', gz ? `${etag.slice(0, -1)}.gz"` : etag);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Last-Modified', last.at.toUTCString());
    res.setHeader('Cache-Control', 'private, no-cache');
    const since = req.headers['if-modified-since'];
    const notModified = req.headers['if-none-match']
      ? req.headers['if-none-match'].split(',').some((t) => t.trim().replace(/^W\//, '').replace(/\.gz"$/, '"') === etag)
      : typeof since === 'string' && Date.parse(since) >= Math.floor(last.at.getTime() / 1000) * 1000;
    if (notModified) {
      res.status(304).end();
      return;
    }
    const user = await this.policy.directory.user(tenant.data!, feed.userId);
    const rendered = await this.rendered({ tenant: tenant.data!, userId: feed.userId, name: user?.name, roles: feed.roles, mine: feed.scope === 'mine' }, last);
    res.setHeader('Content-Disposition', 'inline; filename="ciclo-scadenze.ics"');
    await sendFeed(res, rendered, gz);
  }

  /**
   * The tenant's last event: its position (for the ETag) and when it was recorded (Last-Modified,
   * DTSTAMP), and whether the cycles read model the feed is rendered from has reached it (waiting
   * for it up to 2 s, as read-your-writes does).
   */
  private async lastChange(tenant: string): Promise<{ position: string; at: Date; projected: boolean }> {
    const last = await this.store.lastEventOf(tenant);
    const position = String(last?.position ?? 0);
    let projected = true;
    try {
      await awaitProjection(this.moduleRef.get(ProjectionRunner, { strict: false }), 'cycles', Number(position));
    } catch {
      projected = false;
    }
    return { position, at: last?.recordedAt ?? new Date(0), projected };
  }

  /** What the VALARMs need: the cycle's reminders, planned once per cycle version and tenant calendar. */
  private remindersOf(state: CycleState): PlannedReminder[] {
    const key = `${state.cycleId}:${state.version}:${state.definitionVersion}`;
    const { calendar, timeZone } = this.planner.tenantTime(state.tenant);
    const held = this.plans.get(key);
    if (held && held.calendar === calendar && held.timeZone === timeZone) return held.plan;
    if (!held && this.plans.size >= 50_000) this.plans.clear();
    const plan = this.planner.plan(state, new Date(0));
    this.plans.set(key, { plan, calendar, timeZone });
    return plan;
  }

  /**
   * The feed, from the cycles read model: the folded state the projector keeps per cycle
   * (rm_cycle_state, one query), no event read or folded per request; each cycle's reminders are
   * planned once per version and kept.
   */
  private async render(who: FeedAudience, last: { at: Date }): Promise<Buffer> {
    const { rows } = await this.pool.query<{ state: CycleState }>(
      `SELECT state FROM rm_cycle_state WHERE tenant = $1 ORDER BY cycle_id LIMIT 5000`,
      [who.tenant],
    );
    const states = rows.map((r) => r.state);
    const filter = who.mine
      ? (state: CycleState, _deadlineId: string) => {
          const def = this.planner.definitionOf(state);
          if (!def) return false;
          const actors = def.stages.find((s) => s.id === state.stage)?.actors ?? [];
          return who.roles.some((r) => actors.includes(r) || r === this.planner.policy(state.tenant, def).escalateTo);
        }
      : undefined;
    const text = deadlinesCalendar(states, {
      planner: this.planner,
      now: new Date(),
      stamp: last.at.getTime() > 0 ? last.at : undefined,
      publicUrl: publicUrl(this.settings),
      calendarName: `Scadenze ${who.tenant}${who.mine ? ` – ${who.name ?? who.userId}` : ''}`,
      filter,
      reminders: (state) => this.remindersOf(state),
    });
    return Buffer.from(text, 'utf8');
  }

  /**
   * The feed rendered once per change of what it is made of, then served as the same bytes: the
   * tenant's last event (every row of its cycles read model comes from its events; its calendar
   * too), the version of the tenant's calendar this process holds (it catches up on its own
   * schedule), and whom it is for (a personal feed: the roles that filter it and the name in its title).
   */
  private rendered(who: FeedAudience, last: { position: string; at: Date }): Promise<RenderedFeed> {
    const calendar = TenantCalendars.of(this.store).entry(who.tenant)?.version ?? 0;
    const variant = JSON.stringify([calendar, who.mine ? [[...who.roles].sort(), who.name ?? who.userId] : null]);
    return this.cache.get(who.tenant, last.position, variant, () => this.render(who, last));
  }
}

/** Whether the client takes gzip (Accept-Encoding, with its q-values), rather than the plain body. */
function acceptsGzip(req: Request): boolean {
  return req.acceptsEncodings('gzip', 'identity') === 'gzip';
}

/** 200 with the feed's bytes, compressed when the client takes gzip. */
async function sendFeed(res: Response, feed: RenderedFeed, gz: boolean): Promise<void> {
  const body = gz ? await feed.gzip() : feed.body;
  res.status(200).type('text/calendar; charset=utf-8');
  if (gz) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/** Changes with the cycle definitions loaded (a new definition changes the feed without a new event). */
const DEFINITIONS_STAMP = randomUUID();

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
          // Each tenant's calendar from the identity directory; reminder settings from the seed files;
          // the cycle definitions the workflow loaded (not parsed a second time).
          useFactory: async (store: EventStore, definitions: DefinitionRegistry) => {
            const calendars = TenantCalendars.of(store);
            await calendars.ready();
            return new ReminderPlanner(
              definitions,
              new DirectoryCalendarProfiles(calendars, StaticTenantDirectory.fromDirectory(resolve(settings.SEEDS_DIR, 'tenants'))),
            );
          },
          inject: [EVENT_STORE, DEFINITIONS],
        },
      ],
    };
  }
}
