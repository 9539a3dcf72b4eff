import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { renderPiaoPdf } from '@ciclo/documents';
import { AccessPolicy, type Actor } from '@ciclo/identity';
import { PlanQueries } from '@ciclo/workflow';
import { CurrentActor } from './auth.guard';
import { getCycleQuery, uuidParam } from './schemas';
import { parseInput } from './validation';
import { ApiFileAnswer } from './openapi/document';

/**
 * The documents the law asks for, generated from a cycle's events: the PIAO (DM 132/2022) as an
 * accessible, deterministic PDF (docs/documents.md). Registered before the cycles controller, so
 * that `documents/piao.pdf` is not taken for an attachment id.
 */
@ApiTags('documents')
@ApiBearerAuth()
@Controller('cycles')
export class DocumentsController {
  constructor(
    @Inject(PlanQueries) private readonly plans: PlanQueries,
    private readonly policy: AccessPolicy,
  ) {}

  @Get(':id/documents/piao.pdf')
  @ApiParam({ name: 'id', description: 'Cycle id (UUID) of a PIAO cycle' })
  @ApiOperation({
    summary: 'The PIAO as a PDF, by the sections of DM 132/2022',
    description:
      'Generated from the cycle\'s events: cover (chamber, period, version, the adopting deliberation once adopted), table of contents, 1 Scheda anagrafica, 2.1-2.3 with the whole performance tree and its indicators, 3 and 4, attachments. Tagged PDF in Italian with embedded fonts; "BOZZA" on every page before adoption. The same events give the same bytes: `X-Content-SHA256` can be recorded and verified later. `asOf` or `version`: the document as it was then.',
  })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant: the document as it was then' })
  @ApiQuery({ name: 'version', required: false, type: Number, description: 'The document at this stream version of the cycle' })
  @ApiProduces('application/pdf')
  @ApiResponse({ status: 400, description: 'Malformed `asOf` or `version`: `fields` names it' })
  @ApiResponse({ status: 404, description: 'No such cycle in the tenant (`CYCLE_NOT_FOUND`), or not a PIAO cycle (`DOCUMENT_NOT_FOR_CYCLE_TYPE`)' })
  @ApiFileAnswer(200, 'application/pdf', 'The PIAO document (PDF, tagged, Italian)')
  async piao(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: unknown, @Res() res: Response): Promise<void> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const q = parseInput(getCycleQuery, query ?? {}, 'query');
    const [content, tenant] = await Promise.all([
      this.plans.piaoContent(actor, cycleId, { asOf: q.asOf ? new Date(q.asOf) : undefined, version: q.version }),
      this.policy.directory.tenant(actor.tenant),
    ]);
    const pdf = await renderPiaoPdf({ ...content, chamber: { name: tenant?.name ?? actor.tenant, ...(tenant?.ipaCode ? { ipaCode: tenant.ipaCode } : {}) } });
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="PIAO-${content.cycle.period}-v${content.cycle.version}.pdf"`);
    res.setHeader('X-Content-SHA256', createHash('sha256').update(pdf).digest('hex'));
    res.status(200).send(pdf);
  }
}
