// The operators' queue dashboard (bull-board) under /admin/queues, for the `admin` role only, and
// the webhook dead-letter list. The dashboard is an Express router run from a Nest route, so that
// the authentication and the error mapping of every other route apply to it first. It is built on
// an admin's first visit: its packages (about 33 MB resident), its queue handles and its Redis
// connection are not kept by an API that nobody administers.
import {
  All,
  Controller,
  Get,
  Inject,
  Module,
  Next,
  Query,
  Req,
  Res,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { NextFunction, Request, Response, Router } from 'express';
import type { Pool } from 'pg';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Settings } from '@ciclo/config';
import { DomainRefusal } from '@ciclo/domain';
import { REMINDER_QUEUE } from '@ciclo/deadlines';
import { bullConnection, bullPrefix, listDeadLetters, WEBHOOK_QUEUE } from '@ciclo/notifications';
import { PG_POOL } from '@ciclo/platform';
import type { Actor } from '@ciclo/identity';
import { CurrentActor } from './auth.guard';
import { ApiAnswer } from './openapi/document';

export const QUEUES_BASE_PATH = '/admin/queues';
const BOARD = Symbol('BULL_BOARD');

interface Board {
  router: Router;
  queues: Queue[];
  connection: Redis;
}

/** The dashboard over the reminder and webhook queues, built once, when first asked. */
export class LazyBoard {
  private board: Promise<Board> | null = null;

  constructor(private readonly settings: Settings) {}

  /** Whether the dashboard was built (its packages loaded, its connection opened). */
  get built(): boolean {
    return this.board !== null;
  }

  get(): Promise<Board> {
    return (this.board ??= this.build());
  }

  private async build(): Promise<Board> {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
    ]);
    const connection = bullConnection(this.settings.REDIS_URL, 'producer', 'api-queues');
    const prefix = bullPrefix(this.settings.REDIS_PREFIX);
    const queues = [REMINDER_QUEUE, WEBHOOK_QUEUE].map((name) => new Queue(name, { connection, prefix }));
    for (const q of queues) q.on('error', () => undefined);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUES_BASE_PATH);
    createBullBoard({
      queues: queues.map((q) => new BullMQAdapter(q)),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'Ciclo – code' } },
    });
    return { router: serverAdapter.getRouter() as Router, queues, connection };
  }

  async close(): Promise<void> {
    if (!this.board) return;
    const board = await this.board;
    await Promise.all(board.queues.map((q) => q.close()));
    board.connection.disconnect();
  }
}

const BOARD_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline' https://fonts.googleapis.com; font-src 'self' data: https://fonts.gstatic.com; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

function requireAdmin(actor: Actor): void {
  if (!actor.roles.includes('admin'))
    throw new DomainRefusal('ROLE_NOT_ALLOWED', 'the queue dashboard is for the admin role');
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller()
export class QueuesController {
  constructor(
    @Inject(BOARD) private readonly board: LazyBoard,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  @All(['admin/queues', 'admin/queues/*path'])
  @ApiExcludeEndpoint()
  async dashboard(
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res() res: Response,
    @Next() next: NextFunction,
  ): Promise<void> {
    requireAdmin(actor);
    const board = await this.board.get();
    // The router is mounted at the base path: it sees the rest of the URL.
    req.url = req.originalUrl.slice(QUEUES_BASE_PATH.length) || '/';
    if (!req.url.startsWith('/')) req.url = `/${req.url}`;
    req.baseUrl = QUEUES_BASE_PATH;
    res.setHeader('Content-Security-Policy', BOARD_CSP);
    board.router(req, res, next);
  }

  @Get('admin/webhooks/dead-letters')
  @ApiOperation({
    summary: "Webhook deliveries that failed every retry (the caller's tenant)",
    description: 'For the admin role. Retry them from the queue dashboard.',
  })
  @ApiAnswer(200, 'DeadLetterList')
  @ApiQuery({
    name: 'limit',
    required: false,
    type: Number,
    description: 'Most deliveries to return (default 100, at most 500)',
  })
  async deadLetters(@CurrentActor() actor: Actor, @Query('limit') limit?: string) {
    requireAdmin(actor);
    return listDeadLetters(this.pool, actor.tenant, Math.min(Math.max(Number(limit) || 100, 1), 500));
  }
}

class BoardLifecycle implements OnApplicationShutdown {
  constructor(@Inject(BOARD) private readonly board: LazyBoard) {}
  async onApplicationShutdown(): Promise<void> {
    await this.board.close();
  }
}

/** The dashboard over the reminder and webhook queues (same REDIS_URL and REDIS_PREFIX as the worker), built on first use. */
@Module({})
export class QueuesModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: QueuesModule,
      controllers: [QueuesController],
      providers: [{ provide: BOARD, useFactory: (): LazyBoard => new LazyBoard(settings) }, BoardLifecycle],
    };
  }
}
