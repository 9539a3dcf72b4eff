import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res, Inject } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags, ApiConsumes } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import type { CycleCommand, Role } from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { bodyHash, DocumentStore, eventIdsFor, ExecuteCycleCommand, requestScope, type IdempotentRequest, GetCycleHistoryQuery, GetCycleQuery, type CommandResult, type CycleHistory, type CycleView } from '@ciclo/workflow';
import { DomainRefusal } from '@ciclo/domain';
import { ActingRole, CurrentActor } from './auth.guard';
import { RequestValidationError } from './http-errors';
import { parseInput } from './validation';
import {
  cancelBody,
  commandParam,
  commentBody,
  getCycleQuery,
  historyQuery,
  idempotencyKey,
  migrateBody,
  moveDeadlineBody,
  linkBody,
  switchDeadlineRuleBody,
  openCycleBody,
  toOpenApi,
  transitionBody,
  uuidParam,
} from './schemas';
import { ApiAnswer, ApiFileAnswer } from './openapi/document';

const ERRORS = [
  ApiResponse({ status: 400, description: 'Malformed input: `fields` names each offending field; nothing written' }),
  ApiResponse({ status: 401, description: 'Missing or invalid bearer token' }),
  ApiResponse({ status: 403, description: 'Role not allowed (`ROLE_NOT_ALLOWED`) or not held (`ROLE_NOT_HELD`)' }),
  ApiResponse({ status: 404, description: 'No such cycle in your tenant (`CYCLE_NOT_FOUND`)' }),
  ApiResponse({ status: 409, description: 'Stage conflict (`UNKNOWN_TRANSITION`, `CYCLE_CLOSED`) or concurrent change (`CONCURRENT_MODIFICATION`)' }),
  ApiResponse({
    status: 422,
    description:
      'Another domain rule refused the command (separation of duties, independence `INDEPENDENCE_REQUIRED`, act dates, deliberation numbers, implausible deadline dates...) or the Idempotency-Key was used with another body (`IDEMPOTENCY_KEY_REUSED`)',
  }),
];
const applyAll = (decorators: MethodDecorator[]): MethodDecorator => (t, k, d) => {
  for (const dec of decorators) dec(t, k, d);
};

const IDEMPOTENCY_HEADER = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description:
    'Repeat a request with the same key to get the original result instead of a second write. The key is yours alone and bound to the method and path; the same key with another body is refused with 422 `IDEMPOTENCY_KEY_REUSED`',
});
const ACTING_ROLE_HEADER = ApiHeader({
  name: 'X-Acting-Role',
  required: false,
  description: 'Role to act in, when the caller holds several (e.g. Segretario Generale who is also RPCT)',
});

@ApiTags('cycles')
@ApiBearerAuth()
@Controller('cycles')
export class CyclesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(DocumentStore) private readonly documents: DocumentStore,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Open a cycle', description: 'Opens a cycle of a type with the latest definition version; the cycle keeps that version.' })
  @ApiBody({ schema: toOpenApi(openCycleBody) })
  @ApiResponse({ status: 201, description: 'Opened: the new cycle id, its stream version and global position' })
  @IDEMPOTENCY_HEADER
  @ACTING_ROLE_HEADER
  @applyAll(ERRORS)
  @ApiAnswer(201, 'CommandResult', 'Opened: `cycleId`, the events written and the global position')
  async open(
    @CurrentActor() actor: Actor,
    @ActingRole() role: Role | undefined,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request & { id?: string },
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResult> {
    const input = parseInput(openCycleBody, body, 'body');
    const k = parseInput(idempotencyKey, key, 'header.Idempotency-Key');
    // With a key, the new cycle's id is derived from it (and from who sends it): a repeated request finds its cycle.
    const request: IdempotentRequest | undefined = k ? { method: 'POST', path: '/cycles', bodyHash: bodyHash(body) } : undefined;
    const cycleId = k && request ? eventIdsFor(1, { tenant: actor.tenant, key: k, scope: `open-cycle|${requestScope(actor.userId, request)}` })[0] : randomUUID();
    const result = await this.commands.execute<ExecuteCycleCommand, CommandResult>(
      new ExecuteCycleCommand(actor, cycleId, { type: 'open', cycleId, year: input.year, title: input.title }, {
        actingRole: role,
        cycleType: input.type,
        correlationId: String(req.id ?? randomUUID()),
        idempotencyKey: k ?? null,
        request,
      }),
    );
    res.setHeader('Location', `/cycles/${cycleId}`);
    return result;
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A cycle: stage, history, commands available to the caller, deadlines',
    description: 'With `asOf` or `version`, the state as it was then (what the OIV saw when it validated).',
  })
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant' })
  @ApiQuery({ name: 'version', required: false, type: Number, description: 'The cycle as it was at this stream version' })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'CycleView')
  async get(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: unknown): Promise<CycleView> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const q = parseInput(getCycleQuery, query ?? {}, 'query');
    return this.queries.execute(new GetCycleQuery(actor, cycleId, { asOf: q.asOf ? new Date(q.asOf) : undefined, version: q.version }));
  }

  @Get(':id/history')
  @ApiOperation({
    summary: 'Every version of a cycle with its event; with `from` and `to`, what changed between two versions',
  })
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @ApiQuery({ name: 'from', required: false, type: Number, description: 'Version to compare from' })
  @ApiQuery({ name: 'to', required: false, type: Number, description: 'Version to compare to' })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'CycleHistory')
  async history(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: unknown): Promise<CycleHistory> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const q = parseInput(historyQuery, query ?? {}, 'query');
    if ((q.from === undefined) !== (q.to === undefined)) {
      throw new RequestValidationError([{ field: q.from === undefined ? 'query.from' : 'query.to', problem: 'is required with the other' }]);
    }
    return this.queries.execute(new GetCycleHistoryQuery(actor, cycleId, q.from !== undefined && q.to !== undefined ? { from: q.from, to: q.to } : undefined));
  }

  @Post(':id/commands/:command')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a command on a cycle', description: 'Replaced at start-up by the list of commands of every loaded definition.' })
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @ApiParam({ name: 'command', description: 'A transition command of the cycle definition, or `comment`, `cancel`, `migrate`, `move_deadline`, `link`, `switch_deadline_rule`' })
  @ApiBody({ schema: toOpenApi(transitionBody) })
  @ApiResponse({ status: 200, description: 'Done: the events written, the new version and the global position' })
  @IDEMPOTENCY_HEADER
  @ACTING_ROLE_HEADER
  @applyAll(ERRORS)
  @ApiAnswer(200, 'CommandResult', 'Done: the events written, the new version and the global position')
  async command(
    @CurrentActor() actor: Actor,
    @ActingRole() role: Role | undefined,
    @Param('id') id: string,
    @Param('command') name: string,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request & { id?: string },
  ): Promise<CommandResult> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const commandName = parseInput(commandParam, name, 'path.command');
    const k = parseInput(idempotencyKey, key, 'header.Idempotency-Key');
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new RequestValidationError([{ field: 'body', problem: 'must be a JSON object' }]);
    }
    let command: CycleCommand;
    if (commandName === 'comment') command = { type: 'comment', commentId: randomUUID(), ...parseInput(commentBody, body, 'body') };
    else if (commandName === 'cancel') command = { type: 'cancel', ...parseInput(cancelBody, body, 'body') };
    else if (commandName === 'migrate') command = { type: 'migrate', ...parseInput(migrateBody, body, 'body') };
    else if (commandName === 'move_deadline') command = { type: 'move_deadline', ...parseInput(moveDeadlineBody, body, 'body') };
    else if (commandName === 'link') command = { type: 'link', ...parseInput(linkBody, body, 'body') };
    else if (commandName === 'switch_deadline_rule') command = { type: 'switch_deadline_rule', ...parseInput(switchDeadlineRuleBody, body, 'body') };
    else if (commandName === 'attach' || commandName === 'open') {
      throw new RequestValidationError([{ field: 'path.command', problem: `"${commandName}" has its own endpoint` }]);
    } else command = { type: 'transition', command: commandName, fields: parseInput(transitionBody, body, 'body') };
    const request: IdempotentRequest | undefined = k ? { method: 'POST', path: `/cycles/${cycleId}/commands/${commandName}`, bodyHash: bodyHash(body) } : undefined;
    return this.commands.execute(
      new ExecuteCycleCommand(actor, cycleId, command, { actingRole: role, correlationId: String(req.id ?? randomUUID()), idempotencyKey: k ?? null, request }),
    );
  }

  @Post(':id/documents')
  @ApiConsumes('application/octet-stream')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Attach a document to a cycle',
    description:
      'The body is the file itself, sent with its own Content-Type (e.g. application/pdf) and the name in `X-File-Name`. The bytes are stored once per SHA-256; the `DocumentAttached` event carries name, media type, size and hash.',
  })
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @ApiHeader({ name: 'X-File-Name', required: true, description: 'File name (URL-encoded when not ASCII)' })
  @ApiHeader({ name: 'X-Note', required: false, description: 'Optional note (URL-encoded)' })
  @ApiBody({ description: 'The file bytes', schema: { type: 'string', format: 'binary' } })
  @IDEMPOTENCY_HEADER
  @ACTING_ROLE_HEADER
  @applyAll(ERRORS)
  @ApiAnswer(201, 'AttachResult', 'Attached')
  async attach(
    @CurrentActor() actor: Actor,
    @ActingRole() role: Role | undefined,
    @Param('id') id: string,
    @Headers('x-file-name') fileName: string | undefined,
    @Headers('x-note') note: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request & { id?: string; body: unknown },
  ): Promise<CommandResult & { document: { documentId: string; sha256: string; size: number } }> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const k = parseInput(idempotencyKey, key, 'header.Idempotency-Key');
    const bytes = req.body;
    const problems = [];
    if (!Buffer.isBuffer(bytes) || bytes.length === 0) problems.push({ field: 'body', problem: 'must be the non-empty file content' });
    const decode = (v: string | undefined) => {
      try {
        return v === undefined ? undefined : decodeURIComponent(v);
      } catch {
        return null;
      }
    };
    const name = decode(fileName);
    if (!name || name.length > 255) problems.push({ field: 'header.X-File-Name', problem: 'is required (1-255 characters, URL-encoded)' });
    const noteText = decode(note);
    if (noteText === null) problems.push({ field: 'header.X-Note', problem: 'must be URL-encoded text' });
    const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!mediaType) problems.push({ field: 'header.Content-Type', problem: 'is required' });
    if (problems.length) throw new RequestValidationError(problems);
    const buf = bytes as Buffer;
    const sha256 = createHash('sha256').update(buf).digest('hex');
    const request: IdempotentRequest | undefined = k
      ? { method: 'POST', path: `/cycles/${cycleId}/documents`, bodyHash: bodyHash({ name, mediaType, note: noteText ?? null, sha256 }) }
      : undefined;
    // With a key the document id is derived from it: a repeated upload answers the same document.
    const documentId = k && request ? eventIdsFor(1, { tenant: actor.tenant, key: k, scope: `document|${requestScope(actor.userId, request)}` })[0] : randomUUID();
    const command: CycleCommand = { type: 'attach', documentId, name: name as string, mediaType, size: buf.length, sha256, ...(noteText ? { note: noteText } : {}) };
    // The bytes are stored first (once per SHA-256), so an event never names a document whose bytes
    // are missing. A refused upload may leave its bytes stored but attached to no cycle: they cannot
    // be downloaded, since a download goes through a cycle's attachment.
    await this.documents.put(buf, mediaType);
    const result = await this.commands.execute<ExecuteCycleCommand, CommandResult>(
      new ExecuteCycleCommand(actor, cycleId, command, { actingRole: role, correlationId: String(req.id ?? randomUUID()), idempotencyKey: k ?? null, request }),
    );
    return { ...result, document: { documentId, sha256, size: buf.length } };
  }

  @Get(':id/documents/:documentId')
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @ApiParam({ name: 'documentId', description: 'Document id (the `documentId` of its attachment)' })
  @ApiOperation({ summary: 'Download a document attached to a cycle' })
  @applyAll(ERRORS)
  @ApiFileAnswer(200, 'application/octet-stream', 'The document as uploaded, with its own Content-Type')
  async download(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('documentId') documentId: string, @Res() res: Response): Promise<void> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const docId = parseInput(uuidParam, documentId, 'path.documentId');
    const view: CycleView = await this.queries.execute(new GetCycleQuery(actor, cycleId));
    const att = view.attachments.find((a) => a.documentId === docId);
    const doc = att ? await this.documents.get(att.sha256) : null;
    if (!att || !doc) throw new DomainRefusal('CYCLE_NOT_FOUND', 'no such document');
    res.setHeader('Content-Type', att.mediaType);
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(att.name)}`);
    res.setHeader('X-Content-SHA256', att.sha256);
    res.send(doc.bytes);
  }
}
