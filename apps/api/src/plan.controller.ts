import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags, ApiConsumes } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainRefusal, isIsoDate, PLAN_COMMANDS, type PlanCommand, type PlanCommandName, type Role } from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { bodyHash, ExecutePlanCommands, parsePlanRef, PlanImporter, PlanQueries, writeCsv, type IdempotentRequest, type ImportReport, type LinkedPlanResponse, type PlanCommandsResult, type PlanResponse } from '@ciclo/workflow';
import { ActingRole, CurrentActor } from './auth.guard';
import { RequestValidationError } from './http-errors';
import { commandParam, idempotencyKey, toOpenApi, uuidParam } from './schemas';
import { parseInput } from './validation';
import { ApiAnswer } from './openapi/document';

const any = z.unknown();
const opt = z.unknown().optional();

/** Top-level shape of each plan command body (the decider checks the values, naming each bad field). */
const BODIES: Record<PlanCommandName, z.ZodType> = {
  add_node: z.record(z.string(), z.unknown()).describe('The node: `kind` (ambito, strategic_objective, operational_objective, indicator), `code`, the parent code and the fields of its kind (docs/plan.md)'),
  update_node: z.object({ code: any, changes: z.record(z.string(), z.unknown()) }).strict().describe('`changes`: fields to set; null unsets an optional field'),
  move_node: z.object({ code: any, parentCode: any }).strict(),
  remove_node: z.object({ code: any, cascade: opt }).strict(),
  set_targets: z.object({ indicatorCode: any, targets: any, clearYears: opt }).strict().describe('`targets`: [{year, operator, value}], replacing those years; `clearYears` removes years'),
  set_weights: z.object({ objectiveCode: any, weights: z.record(z.string(), z.unknown()) }).strict().describe('`weights`: indicator code → percent (null: n.d.)'),
  record_measurement: z.object({ indicatorCode: any, period: any, value: any, date: any, source: opt, note: opt, attachmentHash: opt }).strict(),
  correct_measurement: z.object({ indicatorCode: any, period: any, value: any, date: any, reason: any, source: opt, note: opt, attachmentHash: opt }).strict(),
  close_measurement_year: z.object({ year: any, reason: opt }).strict(),
  open_variation: z.object({ reason: any }).strict(),
  approve_variation: z.object({ number: any, date: any, actHash: any }).strict().describe('The Giunta deliberation approving the variation'),
  withdraw_variation: z.object({ reason: any }).strict(),
  set_scoring_rules: z.object({ rules: any, weightTolerance: opt, reason: opt }).strict().describe('SMVP rules of this plan (docs/achievement.md §5) and the weight tolerance of the submission checks'),
  write_narrative: z
    .object({ section: any, text: any })
    .strict()
    .describe('A narrative section in Markdown (PIAO: `2.1`, `3.1`, `3.2`, `3.3`, `4`; Relazione sulla performance: `sintesi`, `scostamenti`); an empty text clears it. Only in editable stages'),
  add_register_item: z
    .record(z.string(), z.unknown())
    .describe('A risk register item: `kind` (process, risk, measure), `code` and the fields of its kind (docs/anticorruption.md)'),
  update_register_item: z.object({ kind: any, code: any, changes: z.record(z.string(), z.unknown()) }).strict().describe('`changes`: fields to set; null unsets an optional field'),
  remove_register_item: z.object({ kind: any, code: any, cascade: opt }).strict().describe('`cascade`: a process takes its risks with it, a risk is unlinked from its measures'),
  assess_risk: z
    .object({ processCode: any, indicators: any, rating: any, motivation: any })
    .strict()
    .describe('`indicators`: key → {level, reason} for every indicator of the rating method; `rating` and `motivation`: the overall judgement'),
  set_rating_method: z.object({ method: any, reason: opt }).strict().describe('`method`: {indicators: [{key, title}], levels: [lowest … highest]}'),
  set_monitoring_dates: z.object({ dates: any }).strict().describe('`dates`: the monitoring dates of the measures (YYYY-MM-DD)'),
  report_measure: z
    .object({ measureCode: any, monitoringDate: any, status: any, evidence: any, date: any, note: opt })
    .strict()
    .describe('`status`: attuata, parzialmente_attuata or non_attuata, with the evidence, at a monitoring date of the plan'),
  check_measure_report: z
    .object({ measureCode: any, monitoringDate: any, outcome: any, status: opt, note: opt })
    .strict()
    .describe('The RPCT\'s outcome: `confermato`, or `rettificato` with the status found and a note'),
  set_rpct_report_figures: z
    .object({ year: any, whistleblowingReports: any, training: opt, note: opt })
    .strict()
    .describe('Figures of the RPCT\'s annual report the register does not hold: whistleblowing reports received in `year`, the training given'),
};

const batchBody = z
  .object({
    commands: z.array(z.record(z.string(), z.unknown())).min(1).max(2000).describe('Each item: `command` (a plan command name) and its body fields'),
    atomic: z.boolean().default(true).describe('true: the first refusal refuses the whole batch (nothing written); false: refused items are reported, the others written'),
  })
  .strict();

const measurementBody = z
  .object({
    indicatorCode: z.string().describe('Indicator code'),
    period: z.string().describe('`2027`, `2027-06`, `2027-S1` or `2027-Q2`'),
    value: z.union([z.number(), z.string(), z.boolean()]).describe('A number, a date YYYY-MM-DD (unit data; false: not achieved) or true/false'),
    date: z.string().describe('Day the value was recorded (YYYY-MM-DD)'),
    source: z.string().optional().describe('Data source'),
    note: z.string().optional().describe('Note'),
    attachmentHash: z.string().optional().describe('SHA-256 of the supporting document'),
    correctionReason: z.string().optional().describe('Set to correct an earlier value of the same period: a new record, never an overwrite'),
  })
  .strict();

const viewQuery = z
  .object({
    asOf: z.string().refine((v) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}/.test(v), 'must be an ISO 8601 timestamp').optional(),
    version: z.coerce.number().int().min(1).optional(),
    tree: z.enum(['current', 'adopted']).default('current'),
    year: z.coerce.number().int().min(2000).max(2100).optional(),
    monitoringDate: z
      .string()
      .refine((v) => v === 'auto' || isIsoDate(v), 'must be a date YYYY-MM-DD or auto')
      .optional(),
  })
  .strict();

const diffQuery = z.object({ from: z.string().max(40).optional(), to: z.string().max(40).optional() }).strict();
const exportQuery = z.object({ format: z.enum(['json', 'csv', 'xlsx']).default('json'), tree: z.enum(['current', 'adopted']).default('current') }).strict();

const ERRORS = [
  ApiResponse({ status: 400, description: 'Malformed input (`INVALID_REQUEST`, `PLAN_INVALID_FIELDS`): `fields` names each offending field; nothing written' }),
  ApiResponse({ status: 403, description: 'Role not allowed (`ROLE_NOT_ALLOWED`)' }),
  ApiResponse({ status: 404, description: '`CYCLE_NOT_FOUND`, `PLAN_NODE_NOT_FOUND`, `MEASUREMENT_NOT_FOUND`' }),
  ApiResponse({ status: 409, description: '`PLAN_NOT_EDITABLE` (stage), `PLAN_FROZEN` (adopted), `PLAN_NODE_EXISTS`, `MEASUREMENT_ALREADY_RECORDED`, `MEASUREMENT_PERIOD_CLOSED`...' }),
  ApiResponse({ status: 422, description: '`PLAN_PARENT_NOT_FOUND`, `PLAN_INCOMPLETE` (every problem listed in `fields`)...' }),
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
const ACTING_ROLE_HEADER = ApiHeader({ name: 'X-Acting-Role', required: false, description: 'Role to act in, when the caller holds several' });

function toCommand(name: PlanCommandName, body: Record<string, unknown>): PlanCommand {
  switch (name) {
    case 'add_node':
      return { type: 'add_node', node: body };
    case 'update_node':
      return { type: 'update_node', code: body.code, changes: body.changes as Record<string, unknown> };
    case 'open_variation':
      return { type: 'open_variation', variationId: randomUUID(), reason: body.reason };
    case 'add_register_item':
      return { type: 'add_register_item', item: body };
    default:
      return { type: name, ...body } as PlanCommand;
  }
}

function isPlanCommand(name: string): name is PlanCommandName {
  return (PLAN_COMMANDS as readonly string[]).includes(name);
}

@ApiTags('plan')
@ApiBearerAuth()
@Controller('cycles')
export class PlanController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(PlanQueries) private readonly queries: PlanQueries,
    @Inject(PlanImporter) private readonly importer: PlanImporter,
  ) {}

  @Get(':id/plan')
  @ApiOperation({
    summary: "A cycle's plan: the tree with the achievement of every node",
    description:
      'Ambiti → obiettivi strategici → obiettivi operativi → indicatori, each with its score for `year` (SMVP rules of the plan), the measurements with their corrections, and the submission problems. `asOf`/`version`: the plan as it was then. `tree=adopted`: the tree as the Giunta adopted it. `monitoringDate`: variance flags (behind, overdue) on that day (`auto`: today in the current year, 31 December in a past one).',
  })
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant' })
  @ApiQuery({ name: 'version', required: false, type: Number, description: 'The plan as it was at this stream version' })
  @ApiQuery({ name: 'tree', required: false, enum: ['current', 'adopted'], description: '`current` (default: the tree being edited) or `adopted` (as the Giunta adopted it)' })
  @ApiQuery({ name: 'year', required: false, type: Number, description: 'Year whose targets and measurements give the achievement (default: the cycle year)' })
  @ApiQuery({ name: 'monitoringDate', required: false, description: 'YYYY-MM-DD: adds the variance analysis on that day; `auto`: today for the current year, 31 December for a past year, none for a future one' })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'PlanResponse')
  async view(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: unknown): Promise<PlanResponse> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const q = parseInput(viewQuery, query ?? {}, 'query');
    return this.queries.view(actor, cycleId, {
      at: { ...(q.asOf ? { asOf: new Date(q.asOf) } : {}), ...(q.version ? { version: q.version } : {}) },
      tree: q.tree,
      ...(q.year ? { year: q.year } : {}),
      ...(q.monitoringDate ? { monitoringDate: q.monitoringDate } : {}),
    });
  }

  @Get(':id/links/:linkId/plan')
  @ApiOperation({
    summary: 'The plan of the cycle a link names, for this cycle\'s year: now and as approved',
    description:
      'A Relazione sulla performance reads the PIAO it reports on (link `piao`): the tree with the achievement for the year reported on, from the PIAO\'s own measurements; once the Giunta approved the Relazione, the plan at the PIAO version that deliberation fixed, and the indicators whose figures differ since (docs/links.md). 409 `LINK_MISSING` while no cycle is linked.',
  })
  @ApiParam({ name: 'id', description: 'Cycle id (UUID) of the linking cycle' })
  @ApiParam({ name: 'linkId', description: 'A link id of its definition, e.g. `piao`' })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'LinkedPlanResponse')
  async linkedPlan(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('linkId') linkId: string): Promise<LinkedPlanResponse> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const link = parseInput(commandParam, linkId, 'path.linkId');
    return this.queries.linkedPlan(actor, cycleId, link);
  }

  @Get(':id/plan/diff')
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @ApiOperation({
    summary: 'Differences between two trees of the plan',
    description: '`from` and `to`: `adopted` (default from), `current` (default to), `v<version>` (a stream version) or an ISO 8601 instant. Nodes added, removed, moved and changed field by field.',
  })
  @ApiQuery({ name: 'from', required: false, description: '`adopted` (default), `current`, `v<version>` or an ISO 8601 instant' })
  @ApiQuery({ name: 'to', required: false, description: '`current` (default), `adopted`, `v<version>` or an ISO 8601 instant' })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'PlanDiffAnswer')
  async diff(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: unknown) {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const q = parseInput(diffQuery, query ?? {}, 'query');
    const from = parsePlanRef(q.from, 'adopted');
    const to = parsePlanRef(q.to, 'current');
    const problems = [];
    if (!from) problems.push({ field: 'query.from', problem: 'must be adopted, current, v<version> or an ISO 8601 instant' });
    if (!to) problems.push({ field: 'query.to', problem: 'must be adopted, current, v<version> or an ISO 8601 instant' });
    if (problems.length || !from || !to) throw new RequestValidationError(problems);
    return this.queries.diff(actor, cycleId, from, to);
  }

  @Get(':id/plan/export')
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @ApiOperation({
    summary: 'Export the plan',
    description: '`json`: the PIAO organised by the sections of DM 132/2022. `csv`: one row per indicator with the Italian headers the import reads (`;`, BOM, CRLF, decimal comma). `xlsx`: the same sheet with typed cells (numbers, percentages, euro, dates) and an operator column per year, plus per year the value measured, the achievement and the outcome; sheets `Raggiungimento` (chamber, ambiti, objectives per year) and `Misurazioni` (every measurement).',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'xlsx'], description: '`json` (default), `csv` or `xlsx`' })
  @ApiQuery({ name: 'tree', required: false, enum: ['current', 'adopted'], description: '`current` (default: the tree being edited) or `adopted` (as the Giunta adopted it)' })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'PlanDocument', '`format=json`: the plan as the PIAO section; `csv` and `xlsx`: the indicators sheet')
  async export(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: unknown, @Res() res: Response): Promise<void> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const q = parseInput(exportQuery, query ?? {}, 'query');
    if (q.format === 'json') {
      res.json(await this.queries.piaoDocument(actor, cycleId, q.tree));
      return;
    }
    if (q.format === 'csv') {
      const { rows, name } = await this.queries.sheet(actor, cycleId, q.tree);
      res.setHeader('Content-Disposition', `attachment; filename="${name}-indicatori.csv"`);
      res.type('text/csv; charset=utf-8').send(writeCsv(rows));
    } else {
      const { file, name } = await this.queries.workbook(actor, cycleId, q.tree);
      res.setHeader('Content-Disposition', `attachment; filename="${name}-indicatori.xlsx"`);
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(file);
    }
  }

  @Post(':id/plan/commands/:command')
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run a plan command',
    description: `Commands: ${PLAN_COMMANDS.map((c) => `\`${c}\``).join(', ')}, and \`batch\` ({commands: [{command, ...body}], atomic}). Tree edits are allowed only in the editable stages of the definition, and after adoption only inside an open variation (docs/plan.md).`,
  })
  @ApiParam({ name: 'command', enum: [...PLAN_COMMANDS, 'batch'], description: 'A plan command (docs/plan.md), or `batch` for several in one request' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @IDEMPOTENCY_HEADER
  @ACTING_ROLE_HEADER
  @applyAll(ERRORS)
  @ApiAnswer(200, 'PlanCommandsResult')
  async command(
    @CurrentActor() actor: Actor,
    @ActingRole() role: Role | undefined,
    @Param('id') id: string,
    @Param('command') name: string,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request & { id?: string },
  ): Promise<PlanCommandsResult> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const k = parseInput(idempotencyKey, key, 'header.Idempotency-Key');
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new RequestValidationError([{ field: 'body', problem: 'must be a JSON object' }]);
    let commands: PlanCommand[];
    let atomic = true;
    if (name === 'batch') {
      const b = parseInput(batchBody, body, 'body');
      atomic = b.atomic;
      commands = b.commands.map((item, i) => {
        const { command, ...rest } = item;
        if (typeof command !== 'string' || !isPlanCommand(command)) throw new RequestValidationError([{ field: `body.commands[${i}].command`, problem: `must be one of: ${PLAN_COMMANDS.join(', ')}` }]);
        return toCommand(command, parseInput(BODIES[command], rest, `body.commands[${i}]`) as Record<string, unknown>);
      });
    } else if (isPlanCommand(name)) {
      commands = [toCommand(name, parseInput(BODIES[name], body, 'body') as Record<string, unknown>)];
    } else throw new DomainRefusal('UNKNOWN_PLAN_COMMAND', `${name} (known: ${PLAN_COMMANDS.join(', ')}, batch)`);
    const request: IdempotentRequest | undefined = k ? { method: 'POST', path: `/cycles/${cycleId}/plan/commands/${name}`, bodyHash: bodyHash(body) } : undefined;
    return this.commands.execute(
      new ExecutePlanCommands(actor, cycleId, commands, { actingRole: role, correlationId: String(req.id ?? randomUUID()), idempotencyKey: k ?? null, request, atomic }),
    );
  }

  @Post(':id/plan/import')
  @ApiConsumes('application/octet-stream')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import an indicator sheet (CSV or XLSX) into the plan',
    description:
      'The body is the file itself (raw bytes), its name in `X-File-Name` (`.csv` or `.xlsx`: the extension decides the format). The same Italian headers and rules as `ciclo import` (docs/plan.md): nodes already in the plan are updated, the others added, through the plan commands (not atomic: the answer lists every refused row with its code and reason). The same file imported again writes nothing (`replayed`).',
  })
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @ApiHeader({ name: 'X-File-Name', required: true, description: 'File name ending in .csv or .xlsx (URL-encoded when not ASCII)' })
  @ApiBody({ description: 'The file bytes', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 200, description: 'The import report: created by kind, updated, unchanged, replayed, refused (ref, command, code, reason), warnings, events written' })
  @ACTING_ROLE_HEADER
  @applyAll(ERRORS)
  @ApiAnswer(200, 'ImportReport')
  async importSheet(
    @CurrentActor() actor: Actor,
    @ActingRole() role: Role | undefined,
    @Param('id') id: string,
    @Headers('x-file-name') fileName: string | undefined,
    @Req() req: Request & { id?: string; body: unknown },
  ): Promise<ImportReport> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const bytes = req.body;
    const problems = [];
    if (!Buffer.isBuffer(bytes) || bytes.length === 0) problems.push({ field: 'body', problem: 'must be the non-empty file content' });
    let name: string | null = null;
    try {
      name = fileName === undefined ? null : decodeURIComponent(fileName);
    } catch {
      name = null;
    }
    if (!name || name.length > 255 || !/\.(csv|xlsx)$/i.test(name)) problems.push({ field: 'header.X-File-Name', problem: 'is required: a file name ending in .csv or .xlsx (1-255 characters, URL-encoded)' });
    if (problems.length) throw new RequestValidationError(problems);
    let report: ImportReport;
    try {
      report = await this.importer.importFile(name as string, bytes as Buffer, {
        tenant: actor.tenant,
        actor,
        cycleId,
        ...(role ? { actingRole: role } : {}),
        correlationId: String(req.id ?? randomUUID()),
      });
    } catch (err) {
      // An unreadable workbook (not a ZIP, no worksheet) is the file's fault, not the server's.
      if (err instanceof DomainRefusal) throw err;
      throw new RequestValidationError([{ field: 'body', problem: `is not a readable ${/\.xlsx$/i.test(name as string) ? 'XLSX workbook' : 'CSV file'}: ${(err as Error).message}` }]);
    }
    if (report.refused.some((r) => r.command === 'import' && r.code === 'CYCLE_NOT_FOUND')) throw new DomainRefusal('CYCLE_NOT_FOUND');
    return report;
  }

  @Post(':id/measurements')
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record a measurement of an indicator',
    description: 'By a rilevatore (or the struttura tecnica). With `correctionReason`, a correction of the value already recorded for that period: a new event, the earlier value stays in the history.',
  })
  @ApiBody({ schema: toOpenApi(measurementBody) })
  @IDEMPOTENCY_HEADER
  @ACTING_ROLE_HEADER
  @applyAll(ERRORS)
  @ApiAnswer(200, 'PlanCommandsResult')
  async measurement(
    @CurrentActor() actor: Actor,
    @ActingRole() role: Role | undefined,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: Request & { id?: string },
  ): Promise<PlanCommandsResult> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const k = parseInput(idempotencyKey, key, 'header.Idempotency-Key');
    const { correctionReason, ...m } = parseInput(measurementBody, body, 'body');
    const command: PlanCommand = correctionReason !== undefined ? { type: 'correct_measurement', reason: correctionReason, ...m } : { type: 'record_measurement', ...m };
    const request: IdempotentRequest | undefined = k ? { method: 'POST', path: `/cycles/${cycleId}/measurements`, bodyHash: bodyHash(body) } : undefined;
    return this.commands.execute(
      new ExecutePlanCommands(actor, cycleId, [command], { actingRole: role, correlationId: String(req.id ?? randomUUID()), idempotencyKey: k ?? null, request, atomic: true }),
    );
  }
}
