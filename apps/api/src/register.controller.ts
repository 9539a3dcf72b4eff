import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainRefusal, isIsoDate, type Role } from '@ciclo/domain';
import { AccessPolicy, type Actor } from '@ciclo/identity';
import {
  parsePlanRef,
  RegisterImporter,
  RegisterQueries,
  type ImportReport,
  type RegisterDiffResponse,
  type RegisterResponse,
} from '@ciclo/workflow';
import { ActingRole, CurrentActor } from './auth.guard';
import { RequestValidationError } from './http-errors';
import { uuidParam } from './schemas';
import { parseInput } from './validation';
import { ApiAnswer, ApiFileAnswer } from './openapi/document';
import { peopleCsv, renderRpctReportPdf, typedWorkbook } from '@ciclo/documents';
import { createHash } from 'node:crypto';

const viewQuery = z
  .object({
    asOf: z
      .string()
      .refine(
        (v) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}/.test(v),
        'must be an ISO 8601 timestamp',
      )
      .optional(),
    version: z.coerce.number().int().min(1).optional(),
    tree: z.enum(['current', 'adopted']).default('current'),
    date: z
      .string()
      .refine((v) => isIsoDate(v), 'must be a date YYYY-MM-DD')
      .optional(),
  })
  .strict();
const reportQuery = z
  .object({
    format: z.enum(['csv', 'xlsx']).default('csv'),
    year: z.coerce.number().int().min(2000).max(2100).optional(),
  })
  .strict();
const reportPdfQuery = z
  .object({ year: z.coerce.number().int().min(2000).max(2100).optional() })
  .strict();
const diffQuery = z
  .object({ from: z.string().max(40).optional(), to: z.string().max(40).optional() })
  .strict();

const ERRORS: MethodDecorator[] = [
  ApiResponse({
    status: 400,
    description: 'Malformed input (`INVALID_REQUEST`): `fields` names each offending field; nothing written',
  }),
  ApiResponse({ status: 403, description: 'Role not allowed (`ROLE_NOT_ALLOWED`)' }),
  ApiResponse({ status: 404, description: '`CYCLE_NOT_FOUND`' }),
  ApiResponse({
    status: 409,
    description: '`PLAN_NOT_ADOPTED` (the adopted register of a register not adopted yet)',
  }),
  ApiResponse({
    status: 422,
    description: '`REGISTER_NOT_IN_CYCLE`: the cycle is neither a PTPCT nor a PIAO',
  }),
];
const applyAll =
  (decorators: MethodDecorator[]): MethodDecorator =>
  (t, k, d) => {
    for (const dec of decorators) dec(t, k, d);
  };

/**
 * The anticorruption risk register of a PTPCT or PIAO cycle (section 2.3). Its commands are plan
 * commands (`POST /cycles/{id}/plan/commands/{command}`); these are its reads and its import.
 */
@ApiTags('register')
@ApiBearerAuth()
@Controller('cycles')
export class RegisterController {
  constructor(
    @Inject(RegisterQueries) private readonly queries: RegisterQueries,
    @Inject(RegisterImporter) private readonly importer: RegisterImporter,
    private readonly policy: AccessPolicy,
  ) {}

  @Get(':id/register')
  @ApiOperation({
    summary: 'The risk register: processes by rating, risks, measures and their status',
    description:
      "Processes highest rating first (each with its key indicators and their reasons, the overall rating and its motivation, its risk events and the measures treating them), every measure with its status from the monitoring (the RPCT's check over the dirigente's report) and whether it is late on `date`, and the roll-up (processes by rating, measures by status, late measures). `asOf`/`version`: the register as it was then; `tree=adopted`: as adopted.",
  })
  @ApiParam({ name: 'id', description: 'Cycle id (UUID) of a PTPCT or PIAO' })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant' })
  @ApiQuery({
    name: 'version',
    required: false,
    type: Number,
    description: 'The register as it was at this stream version',
  })
  @ApiQuery({
    name: 'tree',
    required: false,
    enum: ['current', 'adopted'],
    description: '`current` (default) or `adopted` (as the Giunta adopted it; monitoring as it is now)',
  })
  @ApiQuery({
    name: 'date',
    required: false,
    description: 'YYYY-MM-DD: the day lateness is judged on (default today, or the `asOf` day)',
  })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'RegisterResponse')
  async view(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: unknown,
  ): Promise<RegisterResponse> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const q = parseInput(viewQuery, query ?? {}, 'query');
    return this.queries.view(actor, cycleId, {
      at: { ...(q.asOf ? { asOf: new Date(q.asOf) } : {}), ...(q.version ? { version: q.version } : {}) },
      tree: q.tree,
      ...(q.date ? { date: q.date } : {}),
    });
  }

  @Get(':id/register/diff')
  @ApiOperation({
    summary: 'Differences between two versions of the risk register',
    description:
      '`from` and `to`: `adopted` (default from), `current` (default to), `v<version>` or an ISO 8601 instant. Processes, risks, measures, assessments and settings added, removed and changed field by field.',
  })
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @ApiQuery({
    name: 'from',
    required: false,
    description: '`adopted` (default), `current`, `v<version>` or an ISO 8601 instant',
  })
  @ApiQuery({
    name: 'to',
    required: false,
    description: '`current` (default), `adopted`, `v<version>` or an ISO 8601 instant',
  })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'RegisterDiffResponse')
  async diff(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: unknown,
  ): Promise<RegisterDiffResponse> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const q = parseInput(diffQuery, query ?? {}, 'query');
    const from = parsePlanRef(q.from, 'adopted');
    const to = parsePlanRef(q.to, 'current');
    const problems = [];
    if (!from)
      problems.push({
        field: 'query.from',
        problem: 'must be adopted, current, v<version> or an ISO 8601 instant',
      });
    if (!to)
      problems.push({
        field: 'query.to',
        problem: 'must be adopted, current, v<version> or an ISO 8601 instant',
      });
    if (problems.length || !from || !to) throw new RequestValidationError(problems);
    return this.queries.diff(actor, cycleId, from, to);
  }

  @Get(':id/register/relazione-rpct')
  @ApiOperation({
    summary: "The RPCT's annual report pre-filled from the register",
    description:
      "Rows by the sections of ANAC's form (risk management, measures planned, carried out and late, transparency, training, rotation, conflict of interest, whistleblowing, monitoring): section, item, value, where it comes from. The figures the register does not hold (whistleblowing reports, training given) come from `set_rpct_report_figures`. Status as of 31 December of `year`, or today while the year runs.",
  })
  @ApiParam({ name: 'id', description: 'Cycle id (UUID) of a PTPCT or PIAO' })
  @ApiQuery({
    name: 'format',
    required: false,
    enum: ['csv', 'xlsx'],
    description: '`csv` (default: `;`, UTF-8 with BOM) or `xlsx`',
  })
  @ApiQuery({
    name: 'year',
    required: false,
    type: Number,
    description: 'Year reported on (a year of the plan; default this year, or the first year of the plan)',
  })
  @applyAll(ERRORS)
  @ApiFileAnswer(200, 'text/csv', 'Sezione, Voce, Valore, Fonte; with `format=xlsx` the same as a workbook')
  async rpctReport(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const q = parseInput(reportQuery, query ?? {}, 'query');
    const { rows, name } = await this.queries.rpctReport(actor, cycleId, q.year);
    const header = ['Sezione', 'Voce', 'Valore', 'Fonte'];
    if (q.format === 'csv') {
      res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
      res
        .type('text/csv; charset=utf-8')
        .send(peopleCsv([header, ...rows.map((r) => [r.section, r.item, r.value, r.note])]));
      return;
    }
    const file = await typedWorkbook([
      {
        name: 'Relazione RPCT',
        columns: [
          { header: 'Sezione', width: 30 },
          { header: 'Voce', width: 50 },
          { header: 'Valore', width: 20 },
          { header: 'Fonte', width: 40 },
        ],
        rows: rows.map((r) => [
          r.section,
          r.item,
          typeof r.value === 'number' ? { number: r.value, format: 'integer' as const } : r.value,
          r.note,
        ]),
      },
    ]);
    res.setHeader('Content-Disposition', `attachment; filename="${name}.xlsx"`);
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(file);
  }

  @Get(':id/register/relazione-rpct.pdf')
  @ApiOperation({
    summary: "The RPCT's annual report as a PDF, pre-filled from the register",
    description:
      "The same figures as the CSV/XLSX export, as a document by the sections of ANAC's form: general data, risk management with the processes by rating and their motivation, measures planned, carried out and late (each late measure with its late phases and missed monitoring dates, and the status of every measure), transparency, training, rotation, conflict of interest, whistleblowing, monitoring. What the RPCT has not entered yet (`set_rpct_report_figures`) is marked as still to be entered. Tagged PDF in Italian with embedded fonts; the same events on the same day give the same bytes (`X-Content-SHA256`).",
  })
  @ApiParam({ name: 'id', description: 'Cycle id (UUID) of a PTPCT or PIAO' })
  @ApiQuery({
    name: 'year',
    required: false,
    type: Number,
    description: 'Year reported on (a year of the plan; default this year, or the first year of the plan)',
  })
  @applyAll(ERRORS)
  @ApiFileAnswer(200, 'application/pdf', "The RPCT's annual report (PDF, tagged, Italian)")
  async rpctReportPdf(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() query: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const q = parseInput(reportPdfQuery, query ?? {}, 'query');
    const content = await this.queries.rpctReportContent(actor, cycleId, q.year);
    const tenant = await this.policy.directory.tenant(actor.tenant);
    const pdf = await renderRpctReportPdf({
      ...content,
      chamber: { name: tenant?.name ?? actor.tenant, ...(tenant?.ipaCode ? { ipaCode: tenant.ipaCode } : {}) },
    });
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${content.name}.pdf"`);
    res.setHeader('X-Content-SHA256', createHash('sha256').update(pdf).digest('hex'));
    res.status(200).send(pdf);
  }

  @Post(':id/register/import')
  @ApiConsumes('application/octet-stream')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import a risk register sheet (CSV or XLSX)',
    description:
      "The body is the file itself, its name in `X-File-Name` (`.csv`, `.xlsx`, or `.json` for a curated process mapping such as seeds/catalogue/processi-anticorruzione.json: one process per catalogue code with its area and office). One row per process, risk event and measure with Italian headers (docs/anticorruption.md); items already in the register are updated, the others added, through the register commands with the caller's role (not atomic: refused rows are listed). The same file again writes nothing.",
  })
  @ApiParam({ name: 'id', description: 'Cycle id (UUID)' })
  @ApiHeader({
    name: 'X-File-Name',
    required: true,
    description: 'The file name, URL-encoded, ending in .csv, .xlsx or .json',
  })
  @ApiHeader({
    name: 'X-Acting-Role',
    required: false,
    description: 'Role to act in, when the caller holds several',
  })
  @ApiBody({ description: 'The file bytes', schema: { type: 'string', format: 'binary' } })
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
    if (!Buffer.isBuffer(bytes) || bytes.length === 0)
      problems.push({ field: 'body', problem: 'must be the non-empty file content' });
    let name: string | null = null;
    try {
      name = fileName === undefined ? null : decodeURIComponent(fileName);
    } catch {
      name = null;
    }
    if (!name || name.length > 255 || !/\.(csv|xlsx|json)$/i.test(name))
      problems.push({
        field: 'header.X-File-Name',
        problem: 'is required: a file name ending in .csv, .xlsx or .json (1-255 characters, URL-encoded)',
      });
    if (problems.length) throw new RequestValidationError(problems);
    await this.queries.view(actor, cycleId); // CYCLE_NOT_FOUND, REGISTER_NOT_IN_CYCLE before reading the file
    try {
      return await this.importer.importFile(name as string, bytes as Buffer, {
        tenant: actor.tenant,
        actor,
        cycleId,
        ...(role ? { actingRole: role } : {}),
        correlationId: String(req.id ?? randomUUID()),
      });
    } catch (err) {
      if (err instanceof DomainRefusal) throw err;
      throw new RequestValidationError([
        {
          field: 'body',
          problem: `is not a readable ${/\.xlsx$/i.test(name as string) ? 'XLSX workbook' : /\.json$/i.test(name as string) ? 'JSON mapping' : 'CSV file'}: ${(err as Error).message}`,
        },
      ]);
    }
  }
}
