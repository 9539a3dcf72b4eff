import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags, ApiParam } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { z } from 'zod';
import { Inbox, type InboxItem } from '@ciclo/notifications';
import { PG_POOL } from '@ciclo/platform';
import type { Actor } from '@ciclo/identity';
import { CurrentActor } from './auth.guard';
import { parseInput } from './validation';
import { uuidParam } from './schemas';
import { ApiAnswer } from './openapi/document';

const listQuery = z
  .object({
    unread: z.enum(['true', 'false']).optional().describe('Only the unread ones'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/** The caller's in-app notifications (a read model fed by the `notifications-inbox` projector). */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  private readonly inbox: Inbox;
  constructor(@Inject(PG_POOL) pool: Pool) {
    this.inbox = new Inbox(pool);
  }

  @Get()
  @ApiOperation({ summary: "The caller's notifications, newest first (deadline reminders and reminders escalated to the caller)" })
  @ApiQuery({ name: 'unread', required: false, description: '`true`: only the notifications not yet read' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Most notifications to return (default 100, at most 500)' })
  @ApiAnswer(200, 'InboxItemList')
  async list(@CurrentActor() actor: Actor, @Query() query: unknown): Promise<InboxItem[]> {
    const q = parseInput(listQuery, query ?? {}, 'query');
    return this.inbox.list(actor.tenant, actor.userId, { unreadOnly: q.unread === 'true', limit: q.limit });
  }

  @Get('unread-count')
  @ApiOperation({ summary: "How many of the caller's notifications are unread (the console's bell)" })
  @ApiAnswer(200, 'UnreadCount')
  async unreadCount(@CurrentActor() actor: Actor): Promise<{ unread: number }> {
    return { unread: await this.inbox.unreadCount(actor.tenant, actor.userId) };
  }

  @Post(':id/read')
  @ApiParam({ name: 'id', description: 'Notification id' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark one notification read', description: 'Idempotent: the first reading time is kept. 404 when it is not one of the caller’s notifications.' })
  @ApiResponse({ status: 204, description: 'Marked as read' })
  async read(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    const nid = parseInput(uuidParam, id, 'path.id');
    if (!(await this.inbox.markRead(actor.tenant, actor.userId, nid))) throw new NotFoundException({ code: 'NOTIFICATION_NOT_FOUND', message: 'No such notification of yours', messageIt: 'Notifica inesistente' });
  }
}
