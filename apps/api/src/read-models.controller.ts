import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { isRole, type Actor } from '@ciclo/identity';
import { decodeDeadlineCursor, decodeInboxCursor, DEADLINES_DEFAULT_LIMIT, INBOX_DEFAULT_LIMIT, ProjectionRunner, ReadModelQueries, type CycleSummary, type DeadlineItem, type InboxCounts, type InboxItem } from '@ciclo/projections';
import { DomainRefusal } from '@ciclo/domain';
import { CurrentActor } from './auth.guard';
import { RequestValidationError } from './http-errors';
import { awaitProjection, minPositionParam } from './read-your-writes';
import { parseInput } from './validation';
import { ApiAnswer } from './openapi/document';

const listCyclesQuery = z
  .object({
    tenant: z.string().max(63).optional().describe("Tenant id; only the caller's own tenant is visible"),
    type: z.string().max(64).optional().describe('Cycle type, e.g. piao'),
    year: z.coerce.number().int().min(2000).max(2100).optional().describe('Year of the cycle'),
    stage: z.string().max(64).optional().describe('Current stage id'),
    status: z.enum(['open', 'closed', 'cancelled']).optional().describe('open, closed (terminal stage reached) or cancelled'),
    q: z.string().trim().min(1).max(200).optional().describe('Words in the title, period or type (case-insensitive)'),
    limit: z.coerce.number().int().min(1).max(500).default(100).describe('At most this many cycles (1-500, default 100)'),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Skip this many cycles (paging)'),
    minPosition: minPositionParam,
  })
  .strict();

const inboxQuery = z
  .object({
    role: z.string().max(40).optional().describe('Only this role (one the caller holds); default every role the caller holds'),
    limit: z.coerce.number().int().min(1).max(500).default(INBOX_DEFAULT_LIMIT).describe(`Items per page (1-500, default ${INBOX_DEFAULT_LIMIT})`),
    cursor: z.string().max(400).optional().describe('The `X-Next-Cursor` of the previous page: continue after its last item'),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Skip this many items (paging by number; not with `cursor`)'),
    minPosition: minPositionParam,
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.cursor !== undefined && decodeInboxCursor(q.cursor) === null) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'is not a cursor returned by GET /inbox' });
    } else if (q.cursor !== undefined && q.offset > 0) {
      ctx.addIssue({ code: 'custom', path: ['offset'], message: 'must not be given with cursor' });
    }
  });

const inboxCountsQuery = z.object({ minPosition: minPositionParam }).strict();

const deadlinesQuery = z
  .object({
    status: z.enum(['future', 'due_soon', 'overdue', 'met', 'unscheduled', 'closed']).optional(),
    cycleId: z.string().uuid().optional(),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(DEADLINES_DEFAULT_LIMIT)
      .describe(`Deadlines per page (1-1000, default ${DEADLINES_DEFAULT_LIMIT})`),
    cursor: z.string().max(400).optional().describe('The `X-Next-Cursor` of the previous page: continue after its last deadline'),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Skip this many deadlines (paging by number; not with `cursor`)'),
    minPosition: minPositionParam,
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.cursor !== undefined && decodeDeadlineCursor(q.cursor) === null) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'is not a cursor returned by GET /deadlines' });
    } else if (q.cursor !== undefined && q.offset > 0) {
      ctx.addIssue({ code: 'custom', path: ['offset'], message: 'must not be given with cursor' });
    }
  });

const RYW = ApiResponse({ status: 503, description: 'With `minPosition`: the read model did not reach it within 2 s (`Retry-After`)' });

@ApiTags('read models')
@ApiBearerAuth()
@Controller()
export class ReadModelsController {
  constructor(
    private readonly queries: ReadModelQueries,
    private readonly runner: ProjectionRunner,
  ) {}

  @Get('cycles')
  @ApiOperation({ summary: "The caller's tenant's cycles", description: 'From the cycles read model, most recently changed first.' })
  @ApiQuery({ name: 'type', required: false, description: 'Cycle type (definition id, e.g. `piao`)' })
  @ApiQuery({ name: 'year', required: false, type: Number, description: 'Year of the period (e.g. 2027)' })
  @ApiQuery({ name: 'stage', required: false, description: 'Current stage id (e.g. `review`)' })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'closed', 'cancelled'], description: '`open`, `closed` or `cancelled`' })
  @ApiQuery({ name: 'q', required: false, description: 'Search in title, period and type' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Most items to return' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Items to skip (paging), default 0' })
  @ApiQuery({ name: 'minPosition', required: false, type: Number, description: 'Read-your-writes: answer only once the read model has projected this global position (the `position` a command returned); 503 `PROJECTION_BEHIND` after 2 s' })
  @RYW
  @ApiAnswer(200, 'CycleSummaryList')
  async cycles(@CurrentActor() actor: Actor, @Query() query: unknown): Promise<CycleSummary[]> {
    const q = parseInput(listCyclesQuery, query ?? {}, 'query');
    if (q.tenant && q.tenant !== actor.tenant) throw new DomainRefusal('CYCLE_NOT_FOUND');
    await awaitProjection(this.runner, 'cycles', q.minPosition);
    return this.queries.cycles(actor.tenant, q);
  }

  @Get('inbox')
  @ApiOperation({
    summary: 'What waits for the caller',
    description:
      'Cycles whose current stage expects one of the caller’s roles to act: nearest due date first (none last), then the oldest, then by cycle and role. Each item names who brought the cycle to the stage (`sentBy`, with the note or reason given) and the legal and effective date of the deadline due next. Pages of `limit` items (default 50): when more follow, the `X-Next-Cursor` header carries the `cursor` of the next page, which continues after the last item shown even while items are added or moved; `offset` pages by number instead.',
  })
  @ApiQuery({ name: 'role', required: false, description: 'Only the items for this one of the caller\'s roles' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: `Items per page (1-500, default ${INBOX_DEFAULT_LIMIT})` })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'The `X-Next-Cursor` header of the previous page: the page after its last item' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Items to skip (paging by number, not with `cursor`), default 0' })
  @ApiQuery({ name: 'minPosition', required: false, type: Number, description: 'Read-your-writes: answer only once the read model has projected this global position (the `position` a command returned); 503 `PROJECTION_BEHIND` after 2 s' })
  @RYW
  @ApiAnswer(200, 'InboxItemList', 'Done', {
    'X-Next-Cursor': { description: 'The `cursor` of the next page; absent on the last page', schema: { type: 'string' } },
  })
  async inbox(@CurrentActor() actor: Actor, @Query() query: unknown, @Res({ passthrough: true }) res: Response): Promise<InboxItem[]> {
    const q = parseInput(inboxQuery, query ?? {}, 'query');
    if (q.role && (!isRole(q.role) || !actor.roles.includes(q.role))) {
      throw new RequestValidationError([{ field: 'query.role', problem: 'must be a role you hold' }]);
    }
    await awaitProjection(this.runner, 'cycles', q.minPosition);
    const cursor = q.cursor === undefined ? undefined : (decodeInboxCursor(q.cursor) ?? undefined);
    const page = await this.queries.inbox(actor.tenant, q.role ? [q.role] : actor.roles, new Date(), { limit: q.limit, offset: q.offset, cursor });
    if (page.nextCursor) res.setHeader('X-Next-Cursor', page.nextCursor);
    return page.items;
  }

  @Get('inbox/counts')
  @ApiOperation({ summary: 'How many items wait for each role the caller holds, and how many are overdue' })
  @ApiQuery({ name: 'minPosition', required: false, type: Number, description: 'Read-your-writes: answer only once the read model has projected this global position (the `position` a command returned); 503 `PROJECTION_BEHIND` after 2 s' })
  @RYW
  @ApiAnswer(200, 'InboxCounts')
  async inboxCounts(@CurrentActor() actor: Actor, @Query() query: unknown): Promise<InboxCounts> {
    const q = parseInput(inboxCountsQuery, query ?? {}, 'query');
    await awaitProjection(this.runner, 'cycles', q.minPosition);
    return this.queries.inboxCounts(actor.tenant, actor.roles, new Date());
  }

  @Get('deadlines')
  @ApiOperation({
    summary: "The deadlines of the tenant's cycles, page by page",
    description:
      'Legal and effective date (moved past Sundays and public holidays) and status today: future, due soon, met on a date, overdue by N days. Nearest effective date first (none last), then by cycle and deadline. Pages of `limit` deadlines (default 50): when more follow, the `X-Next-Cursor` header carries the `cursor` of the next page, which continues after the last deadline shown even while deadlines are added or moved; `offset` pages by number instead.',
  })
  @ApiQuery({ name: 'status', required: false, enum: ['future', 'due_soon', 'overdue', 'met', 'unscheduled', 'closed'], description: 'Only deadlines in this state' })
  @ApiQuery({ name: 'cycleId', required: false, description: 'Only this cycle (UUID)' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: `Deadlines per page (1-1000, default ${DEADLINES_DEFAULT_LIMIT})` })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'The `X-Next-Cursor` header of the previous page: the page after its last deadline' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Deadlines to skip (paging by number, not with `cursor`), default 0' })
  @ApiQuery({ name: 'minPosition', required: false, type: Number, description: 'Read-your-writes: answer only once the read model has projected this global position (the `position` a command returned); 503 `PROJECTION_BEHIND` after 2 s' })
  @RYW
  @ApiAnswer(200, 'DeadlineItemList', 'Done', {
    'X-Next-Cursor': { description: 'The `cursor` of the next page; absent on the last page', schema: { type: 'string' } },
  })
  async deadlines(@CurrentActor() actor: Actor, @Query() query: unknown, @Res({ passthrough: true }) res: Response): Promise<DeadlineItem[]> {
    const q = parseInput(deadlinesQuery, query ?? {}, 'query');
    await awaitProjection(this.runner, 'cycles', q.minPosition);
    const cursor = q.cursor === undefined ? undefined : (decodeDeadlineCursor(q.cursor) ?? undefined);
    const page = await this.queries.deadlines(actor.tenant, new Date(), { status: q.status, cycleId: q.cycleId, limit: q.limit, offset: q.offset, cursor });
    if (page.nextCursor) res.setHeader('X-Next-Cursor', page.nextCursor);
    return page.items;
  }
}
