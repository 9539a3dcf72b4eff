import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { deliberationIt, organIt, portalPack, renderPiaoPdf, renderRelazionePdf, type PiaoChamber } from '@ciclo/documents';
import { DomainRefusal } from '@ciclo/domain';
import { AccessPolicy, type Actor } from '@ciclo/identity';
import { DocumentQueries, DocumentStore, PlanQueries } from '@ciclo/workflow';
import { CurrentActor } from './auth.guard';
import { getCycleQuery, uuidParam } from './schemas';
import { parseInput } from './validation';
import { ApiFileAnswer } from './openapi/document';

type TenantRecord = Awaited<ReturnType<AccessPolicy['directory']['tenant']>>;

/** The chamber's registry data as the documents print it (Scheda anagrafica). */
function chamberOf(tenant: TenantRecord, actor: Actor): PiaoChamber {
  const p = tenant?.profile;
  return {
    name: tenant?.name ?? actor.tenant,
    ...(tenant?.ipaCode ? { ipaCode: tenant.ipaCode } : {}),
    ...(p ? { address: p.address, legalRepresentative: p.legalRepresentative, employees: p.employees, website: p.website } : {}),
  };
}

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
    @Inject(DocumentStore) private readonly documents: DocumentStore,
    @Inject(DocumentQueries) private readonly documentQueries: DocumentQueries,
  ) {}

  @Get(':id/documents/relazione.pdf')
  @ApiParam({ name: 'id', description: 'Cycle id (UUID) of a Relazione sulla performance cycle' })
  @ApiOperation({
    summary: 'The Relazione sulla performance as a PDF',
    description:
      "Generated from the cycle's events and those of the PIAO it reports on: achievement for the year of the whole chamber, each area, ambito, strategic and operational objective and indicator, with the SMVP bands as colours and bar charts (tagged figures with a text alternative, each followed by its table), the offices' summary and explanation of the variances, the OIV's validation (\"non ancora validata\" on every page before). Figures as fixed by the Giunta's approval once approved, live before. Tagged PDF in Italian with embedded fonts; the same events give the same bytes (`X-Content-SHA256`). `asOf` or `version`: the document as it was then.",
  })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant: the document as it was then' })
  @ApiQuery({ name: 'version', required: false, type: Number, description: 'The document at this stream version of the cycle' })
  @ApiProduces('application/pdf')
  @ApiResponse({ status: 400, description: 'Malformed `asOf` or `version`: `fields` names it' })
  @ApiResponse({ status: 404, description: 'No such cycle in the tenant (`CYCLE_NOT_FOUND`), or not a Relazione sulla performance (`DOCUMENT_NOT_FOR_CYCLE_TYPE`)' })
  @ApiFileAnswer(200, 'application/pdf', 'The Relazione sulla performance (PDF, tagged, Italian)')
  async relazione(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: unknown, @Res() res: Response): Promise<void> {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const q = parseInput(getCycleQuery, query ?? {}, 'query');
    const content = await this.documentQueries.relazioneContent(actor, cycleId, { asOf: q.asOf ? new Date(q.asOf) : undefined, version: q.version });
    const { chamber, asOf } = await this.chamberAt(actor, q, content.asOf);
    const pdf = await renderRelazionePdf({ ...content, chamber, asOf });
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="Relazione-performance-${content.cycle.year}-v${content.cycle.version}.pdf"`);
    res.setHeader('X-Content-SHA256', createHash('sha256').update(pdf).digest('hex'));
    res.status(200).send(pdf);
  }

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
    const { pdf, content } = await this.piaoOf(actor, id, query);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="PIAO-${content.cycle.period}-v${content.cycle.version}.pdf"`);
    res.setHeader('X-Content-SHA256', createHash('sha256').update(pdf).digest('hex'));
    res.status(200).send(pdf);
  }

  @Get(':id/documents/portal-pack.zip')
  @ApiParam({ name: 'id', description: 'Cycle id (UUID) of an adopted PIAO cycle' })
  @ApiOperation({
    summary: 'The PIAO portal pack (zip)',
    description:
      'What the Funzione Pubblica PIAO portal receives: the PIAO PDF, the documents attached to the cycle (`allegati/`), and `metadati.json` / `metadati.csv` (IPA code, name, plan years, version, approval date, act reference, approving organ, number of employees, link to the body\'s page, SHA-256 of every file). Only once the PIAO is adopted. Deterministic: the same events give the same zip (`X-Content-SHA256`).',
  })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant: the pack as it was then' })
  @ApiQuery({ name: 'version', required: false, type: Number, description: 'The pack at this stream version of the cycle' })
  @ApiProduces('application/zip')
  @ApiResponse({ status: 400, description: 'Malformed `asOf` or `version`: `fields` names it' })
  @ApiResponse({ status: 404, description: 'No such cycle in the tenant (`CYCLE_NOT_FOUND`), or not a PIAO cycle (`DOCUMENT_NOT_FOR_CYCLE_TYPE`)' })
  @ApiResponse({ status: 409, description: 'The PIAO is not adopted yet (`PIAO_NOT_ADOPTED`)' })
  @ApiFileAnswer(200, 'application/zip', 'The portal pack (zip)')
  async portalPack(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: unknown, @Res() res: Response): Promise<void> {
    const { pdf, content, tenant } = await this.piaoOf(actor, id, query);
    const adoption = content.adoption;
    if (!adoption) throw new DomainRefusal('PIAO_NOT_ADOPTED', `stage "${content.cycle.stageTitle}"`);
    const files = await Promise.all(content.attachments.map(async (a) => ({ name: a.name, sha256: a.sha256, stored: await this.documents.get(a.sha256) })));
    const pdfName = `PIAO-${content.cycle.period}.pdf`;
    const zip = await portalPack({
      pdf,
      asOf: content.asOf,
      attachments: files.flatMap((f) => (f.stored ? [{ name: f.name, bytes: f.stored.bytes }] : [])),
      metadata: {
        codiceIpa: tenant?.ipaCode ?? null,
        denominazione: tenant?.name ?? actor.tenant,
        anni: content.cycle.years,
        periodo: content.cycle.period,
        versione: content.cycle.version,
        dataApprovazione: adoption.date,
        estremiAtto: deliberationIt(adoption),
        organoApprovazione: organIt(adoption.organ),
        numeroDipendenti: tenant?.profile?.employees ?? null,
        linkPagina: tenant?.profile?.website ?? null,
        documento: { nome: pdfName, sha256: createHash('sha256').update(pdf).digest('hex') },
        allegati: files.filter((f) => f.stored).map((f) => ({ nome: f.name, sha256: f.sha256 })),
      },
    });
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="PIAO-${content.cycle.period}-portale-v${content.cycle.version}.zip"`);
    res.setHeader('X-Content-SHA256', createHash('sha256').update(zip).digest('hex'));
    res.status(200).send(zip);
  }

  private async piaoOf(actor: Actor, id: string, query: unknown) {
    const cycleId = parseInput(uuidParam, id, 'path.id');
    const q = parseInput(getCycleQuery, query ?? {}, 'query');
    const content = await this.plans.piaoContent(actor, cycleId, { asOf: q.asOf ? new Date(q.asOf) : undefined, version: q.version });
    const { chamber, asOf, tenant } = await this.chamberAt(actor, q, content.asOf);
    const pdf = await renderPiaoPdf({ ...content, chamber, asOf });
    return { pdf, content: { ...content, asOf }, tenant };
  }

  /**
   * The chamber's registry data a document prints: as recorded now for the current document, as
   * recorded then for a document at an instant or a version (so that it regenerates byte for byte).
   * The document's date is the later of its cycle's last event and the registry data's update.
   */
  private async chamberAt(actor: Actor, q: { asOf?: string; version?: number }, cycleAsOf: Date) {
    const directory = this.policy.directory;
    const tenant = q.asOf || q.version ? await directory.tenantAt(actor.tenant, q.asOf ? new Date(q.asOf) : cycleAsOf) : await directory.tenant(actor.tenant);
    const updated = tenant?.profile ? new Date(tenant.profile.updatedAt) : null;
    return { chamber: chamberOf(tenant, actor), tenant, asOf: updated && updated > cycleAsOf ? updated : cycleAsOf };
  }
}
