import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isoDateAt, TRANSPARENCY_STATUSES, transparencyGrid, type TransparencyCommand, type TransparencyGridRow, type TransparencyStatusCounts, type Role, type TenantTimeOf } from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { AttestationGridService, ExecuteTransparencyCommands, TENANT_TIMES, TransparencyRepository, type AttestationGridView, type TransparencyCommandsResult } from '@ciclo/workflow';
import { ActingRole, CurrentActor } from './auth.guard';
import { uuidParam } from './schemas';
import { parseInput } from './validation';
import { ApiAnswer } from './openapi/document';

const obligationParam = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/, 'must be an obligation id (lower-case letters, digits and dashes)');

const gridQuery = z
  .object({
    status: z.enum(TRANSPARENCY_STATUSES).optional().describe('Only the rows with this status'),
    office: z.string().trim().min(1).max(200).optional().describe('Only the rows this office produces or publishes'),
    section: z.string().trim().min(1).max(200).optional().describe('Only the rows of this section'),
  })
  .strict();

const publicationBody = z
  .object({
    date: z.string().describe('Day of publication or update (YYYY-MM-DD), not after today in the tenant time zone'),
    url: z.string().describe('Address of the published item (https)'),
    note: z.string().optional().describe('Note of the office'),
  })
  .strict();

const changeBody = z
  .object({
    date: z.string().describe('Day of the fact that requires an update (YYYY-MM-DD), not after today'),
    note: z.string().describe('What changed'),
  })
  .strict();

const officesBody = z
  .object({
    producerOffice: z.string().describe('Office that produces the data'),
    publisherOffice: z.string().describe('Office that publishes it'),
  })
  .strict();

const rowBody = z
  .object({
    obligationId: z.string().describe("An obligation of the tenant's transparency grid"),
    pubblicazione: z.number().describe('Pubblicazione: 0 or 2'),
    completezza: z.number().describe('Completezza del contenuto: 0 to 3'),
    aggiornamento: z.number().describe('Aggiornamento: 0 to 3'),
    formatoAperto: z.number().describe('Apertura del formato: 0 to 3'),
    note: z.string().optional().describe('Note'),
  })
  .strict();

const WRITE_ERRORS = [
  ApiResponse({ status: 400, description: 'Malformed input (`INVALID_FIELDS`, `INVALID_REQUEST`): `fields` names each offending field; nothing written' }),
  ApiResponse({ status: 403, description: 'Role not allowed (`ROLE_NOT_ALLOWED`, `ROLE_NOT_HELD`)' }),
  ApiResponse({ status: 404, description: '`TRANSPARENCY_OBLIGATION_NOT_FOUND`, `CYCLE_NOT_FOUND`, `ATTESTATION_GRID_ROW_NOT_FOUND`' }),
  ApiResponse({ status: 409, description: '`TRANSPARENCY_OFFICES_UNCHANGED`, `ATTESTATION_GRID_NOT_EDITABLE` (stage), `CYCLE_CLOSED`' }),
  ApiResponse({ status: 422, description: '`DATE_IN_FUTURE` (field `date`)' }),
];
const applyAll = (decorators: MethodDecorator[]): MethodDecorator => (t, k, d) => {
  for (const dec of decorators) dec(t, k, d);
};

/** The transparency grid with the status of every obligation. */
export interface TransparencyGridAnswer {
  /** The tenant's day the status is computed for (its time zone) */
  today: string;
  /** Obligations in the grid */
  total: number;
  /** Rows per status over the whole grid */
  counts: TransparencyStatusCounts;
  /** Offices that produce or publish some item, for the filter */
  offices: string[];
  /** Sections in grid order, for the filter */
  sections: string[];
  /** The rows matching the filters */
  rows: TransparencyGridRow[];
}

@ApiTags('transparency')
@ApiBearerAuth()
@Controller()
export class TransparencyController {
  constructor(
    @Inject(TransparencyRepository) private readonly repo: TransparencyRepository,
    @Inject(AttestationGridService) private readonly grids: AttestationGridService,
    private readonly commandBus: CommandBus,
    @Inject(TENANT_TIMES) private readonly tenantTime: TenantTimeOf,
  ) {}

  /** The tenant's time zone and calendar: the ones every deadline is computed with (the identity directory's). */
  private calendar(tenant: string) {
    const { timeZone, calendar } = this.tenantTime(tenant);
    return { timeZone, cal: calendar };
  }

  @Get('transparency/obligations')
  @ApiOperation({
    summary: 'The transparency grid with the status of each obligation',
    description:
      'Every obligation of Amministrazione trasparente loaded for the tenant (section, sub-section, legal reference, content, update frequency, producing and publishing office), with its publications and its status on the tenant\'s day: `aggiornato`, `in_scadenza` (15 days or less to the due date), `scaduto`, `mai_pubblicato` (docs/transparency.md).',
  })
  @ApiQuery({ name: 'status', required: false, enum: TRANSPARENCY_STATUSES, description: 'Only the rows with this status' })
  @ApiQuery({ name: 'office', required: false, description: 'Only the rows this office produces or publishes' })
  @ApiQuery({ name: 'section', required: false, description: 'Only the rows of this section' })
  @ApiAnswer(200, 'TransparencyGridAnswer')
  async grid(@CurrentActor() actor: Actor, @Query() query: unknown): Promise<TransparencyGridAnswer> {
    const q = parseInput(gridQuery, query ?? {}, 'query');
    const { state } = await this.repo.load(actor.tenant);
    const { timeZone, cal } = this.calendar(actor.tenant);
    const today = isoDateAt(new Date(), timeZone);
    return { today, ...transparencyGrid(state, today, cal, { ...(q.status ? { status: q.status } : {}), ...(q.office ? { office: q.office } : {}), ...(q.section ? { section: q.section } : {}) }) };
  }

  private async run(actor: Actor, acting: Role | undefined, command: TransparencyCommand): Promise<TransparencyCommandsResult> {
    const { timeZone } = this.calendar(actor.tenant);
    return this.commandBus.execute(new ExecuteTransparencyCommands(actor, [command], { actingRole: acting, correlationId: randomUUID(), atomic: true, timeZone }));
  }

  @Post('transparency/obligations/:obligationId/publications')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record that an item was published or updated', description: 'Date (not in the future, in the tenant time zone) and https address. Offices (PO, dirigenti, segreteria organi, struttura tecnica) and the RPCT.' })
  @ApiParam({ name: 'obligationId', description: 'Obligation id' })
  @applyAll(WRITE_ERRORS)
  @ApiAnswer(201, 'TransparencyCommandsResult')
  async publish(@CurrentActor() actor: Actor, @ActingRole() acting: Role | undefined, @Param('obligationId') id: string, @Body() body: unknown): Promise<TransparencyCommandsResult> {
    const obligationId = parseInput(obligationParam, id, 'path.obligationId');
    const b = parseInput(publicationBody, body ?? {}, 'body');
    return this.run(actor, acting, { type: 'record_publication', obligationId, date: b.date, url: b.url, ...(b.note !== undefined ? { note: b.note } : {}) });
  }

  @Post('transparency/obligations/:obligationId/changes')
  @HttpCode(201)
  @ApiOperation({ summary: 'Report a change a tempestivo item must publish', description: 'The item is due 30 days after the change, until a publication dated after the change is recorded.' })
  @ApiParam({ name: 'obligationId', description: 'Obligation id' })
  @applyAll(WRITE_ERRORS)
  @ApiAnswer(201, 'TransparencyCommandsResult')
  async change(@CurrentActor() actor: Actor, @ActingRole() acting: Role | undefined, @Param('obligationId') id: string, @Body() body: unknown): Promise<TransparencyCommandsResult> {
    const obligationId = parseInput(obligationParam, id, 'path.obligationId');
    const b = parseInput(changeBody, body ?? {}, 'body');
    return this.run(actor, acting, { type: 'report_change', obligationId, date: b.date, note: b.note });
  }

  @Post('transparency/obligations/:obligationId/offices')
  @HttpCode(201)
  @ApiOperation({ summary: 'Assign the offices that produce and publish an obligation', description: 'RPCT, Segretario Generale, administrators.' })
  @ApiParam({ name: 'obligationId', description: 'Obligation id' })
  @applyAll(WRITE_ERRORS)
  @ApiAnswer(201, 'TransparencyCommandsResult')
  async offices(@CurrentActor() actor: Actor, @ActingRole() acting: Role | undefined, @Param('obligationId') id: string, @Body() body: unknown): Promise<TransparencyCommandsResult> {
    const obligationId = parseInput(obligationParam, id, 'path.obligationId');
    const b = parseInput(officesBody, body ?? {}, 'body');
    return this.run(actor, acting, { type: 'assign_offices', obligationId, producerOffice: b.producerOffice, publisherOffice: b.publisherOffice });
  }

  @Get('cycles/:id/attestation-grid')
  @ApiOperation({ summary: "The survey grid of an OIV attestation cycle", description: 'Rows chosen from the transparency grid with the values of ANAC\'s grid; `editable` in the definition\'s editable stages.' })
  @ApiParam({ name: 'id', description: 'Cycle id' })
  @ApiResponse({ status: 404, description: '`CYCLE_NOT_FOUND`' })
  @ApiAnswer(200, 'AttestationGridView')
  async attestationGrid(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<AttestationGridView> {
    return this.grids.view(actor.tenant, parseInput(uuidParam, id, 'path.id'));
  }

  @Post('cycles/:id/attestation-grid/rows')
  @HttpCode(201)
  @ApiOperation({ summary: 'Set a row of the survey grid', description: 'Struttura tecnica or RPCT, in the drafting stage. Adds the obligation or replaces its values.' })
  @ApiParam({ name: 'id', description: 'Cycle id' })
  @applyAll(WRITE_ERRORS)
  @ApiAnswer(201, 'AttestationGridView')
  async setRow(@CurrentActor() actor: Actor, @ActingRole() acting: Role | undefined, @Param('id') id: string, @Body() body: unknown): Promise<AttestationGridView> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const b = parseInput(rowBody, body ?? {}, 'body');
    await this.grids.execute(actor, cycleId, { type: 'set_row', ...b } as Parameters<AttestationGridService['execute']>[2], { actingRole: acting, correlationId: randomUUID() });
    return this.grids.view(actor.tenant, cycleId);
  }

  @Delete('cycles/:id/attestation-grid/rows/:obligationId')
  @ApiOperation({ summary: 'Remove a row of the survey grid', description: 'Struttura tecnica or RPCT, in the drafting stage.' })
  @ApiParam({ name: 'id', description: 'Cycle id' })
  @ApiParam({ name: 'obligationId', description: 'Obligation id of the row' })
  @applyAll(WRITE_ERRORS)
  @ApiAnswer(200, 'AttestationGridView')
  async removeRow(@CurrentActor() actor: Actor, @ActingRole() acting: Role | undefined, @Param('id') id: string, @Param('obligationId') obligationId: string): Promise<AttestationGridView> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    await this.grids.execute(actor, cycleId, { type: 'remove_row', obligationId: parseInput(obligationParam, obligationId, 'path.obligationId') }, { actingRole: acting, correlationId: randomUUID() });
    return this.grids.view(actor.tenant, cycleId);
  }
}
