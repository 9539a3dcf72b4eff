import { Controller, ForbiddenException, Get, HttpException, HttpStatus, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { DomainRefusal, isIsoDate, roleLabel } from '@ciclo/domain';
import { checkAnchorSignature, parseSignedAnchor, trustedAnchorKeys, type ChainAnchor, type ChainVerification, type EventStore } from '@ciclo/event-store';
import { AccessPolicy, type Actor, type Role } from '@ciclo/identity';
import type { Settings } from '@ciclo/config';
import { EVENT_STORE, SETTINGS } from '@ciclo/platform';
import {
  AUDIT_FULL_ACCESS_ROLES,
  auditAccessOf,
  AuditExportTooLarge,
  AuditQueries,
  decodeAuditCursor,
  ProjectionRunner,
  READ_MODELS,
  recordAuditRead,
  redactForeignStreams,
  verifyAnchoredChain,
  type AuditAccess,
  type AuditEntry,
  type AuditFilters,
  type AuditViewer,
  type LastVerification,
} from '@ciclo/projections';
import { DEFINITIONS, type DefinitionRegistry } from '@ciclo/workflow';
import { auditCsv, auditRowsSha256, renderAuditPdf, romeDateTime, type AuditNames, type CoverChainStatus } from './audit-export';
import { eventLabeller } from './audit-facets.controller';
import { ActingRole, CurrentActor } from './auth.guard';
import { awaitProjection, minPositionParam } from './read-your-writes';
import { parseInput } from './validation';
import { ApiAnswer, ApiFileAnswer } from './openapi/document';

/** Most rows one export may hold (narrow the filters beyond). */
export const MAX_CSV_ROWS = 100_000;
export const MAX_PDF_ROWS = 10_000;

/** Midnight of a calendar day in Rome, as an instant. */
function romeMidnight(date: string): Date {
  const utc = Date.parse(`${date}T00:00:00Z`);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Rome',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(utc));
  const p = (t: string) => Number(parts.find((x) => x.type === t)?.value);
  const wall = Date.UTC(p('year'), p('month') - 1, p('day'), p('hour'), p('minute'));
  return new Date(utc - (wall - utc));
}

const instant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/,
    'must be an ISO 8601 instant with offset (2027-01-31T09:00:00Z) or a date (2027-01-31: midnight in Rome)',
  )
  .transform((v, ctx) => {
    const d = v.length === 10 ? (isIsoDate(v) ? romeMidnight(v) : new Date(NaN)) : new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid date' });
      return z.NEVER;
    }
    return d;
  });

const filterShape = {
  cycleId: z.string().uuid().optional().describe('Only this cycle'),
  actorId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'must be a user id')
    .optional()
    .describe('Only events by this user'),
  role: z
    .string()
    .regex(/^[a-z][a-z_]{0,39}$/, 'must be a role id such as rpct')
    .optional()
    .describe('Only events done in this role'),
  type: z
    .string()
    .regex(/^[A-Z][A-Za-z0-9]{0,99}$/, 'must be an event type such as ApprovedBySecretaryGeneral')
    .optional()
    .describe('Only events of this type'),
  from: instant.optional().describe('Recorded at or after (ISO 8601 instant, or a date: midnight in Rome)'),
  to: instant.optional().describe('Recorded before (exclusive)'),
  reads: z
    .enum(['include', 'exclude'])
    .default('include')
    .describe('`exclude`: leave out the AuditTrailRead rows (who read the trail); default `include`'),
  minPosition: minPositionParam,
};

const checkRange = (q: { from?: Date; to?: Date }, ctx: z.RefinementCtx) => {
  if (q.from && q.to && q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
};

const pageQuery = z
  .object({
    ...filterShape,
    order: z.enum(['asc', 'desc']).default('desc').describe('desc: newest first (default); asc: oldest first'),
    limit: z.coerce.number().int().min(1).max(500).default(50).describe('Rows per page (1-500, default 50)'),
    cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  })
  .strict()
  .superRefine((q, ctx) => {
    checkRange(q, ctx);
    if (q.cursor !== undefined && decodeAuditCursor(q.cursor, q.order) === null) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'is not a cursor returned by GET /audit with this order' });
    }
  });

const exportQuery = z
  .object({ ...filterShape, order: z.enum(['asc', 'desc']).default('asc').describe('asc: oldest first (default)') })
  .strict()
  .superRefine(checkRange);

const verifyQuery = z
  .object({
    anchor: z
      .string()
      .max(4000)
      .refine((v) => /^\d{1,15}:[0-9a-f]{64}$/.test(v) || parseSignedAnchor(v) !== null, 'must be SEQ:HASH (a seal number and 64 hex digits) or a published anchor (A1.…)')
      .optional()
      .describe('A head seal saved outside the database: `SEQ:HASH` (`ciclo audit anchor`) or a published anchor `A1.…` (its signature is checked): the chain must still have it'),
  })
  .strict();

type Filters = z.infer<typeof exportQuery>;

const filtersOf = (q: Filters): AuditFilters => ({
  cycleId: q.cycleId,
  actorId: q.actorId,
  role: q.role,
  type: q.type,
  from: q.from,
  to: q.to,
  ...(q.reads === 'exclude' ? { excludeReads: true } : {}),
});

/** The filters as recorded in the read event and printed on the PDF cover (only those given). */
const filterFacts = (f: AuditFilters): { key: string; label: string; value: string }[] => {
  const out: { key: string; label: string; value: string }[] = [];
  if (f.cycleId) out.push({ key: 'cycleId', label: 'Ciclo', value: f.cycleId });
  if (f.actorId) out.push({ key: 'actorId', label: 'Attore', value: f.actorId });
  if (f.role) out.push({ key: 'role', label: 'Ruolo', value: f.role });
  if (f.type) out.push({ key: 'type', label: 'Tipo di evento', value: f.type });
  if (f.from) out.push({ key: 'from', label: 'Dal (incluso)', value: f.from.toISOString() });
  if (f.to) out.push({ key: 'to', label: 'Al (escluso)', value: f.to.toISOString() });
  if (f.excludeReads) out.push({ key: 'reads', label: 'Consultazioni del registro', value: 'exclude' });
  return out;
};
/** The filters in words for the PDF cover: cycle titles, names, Italian roles and event labels, Rome times. */
const FILTER_WORDS: Record<string, (value: string, names: AuditNames) => string> = {
  cycleId: (v, n) => n.cycle(v),
  actorId: (v, n) => n.person(v),
  role: (v, n) => n.role(v),
  type: (v, n) => n.eventType(v),
  from: (v) => `${romeDateTime(v)} (ora di Roma)`,
  to: (v) => `${romeDateTime(v)} (ora di Roma)`,
  reads: () => 'escluse',
};
const filterFactsIt = (f: AuditFilters, names: AuditNames) => filterFacts(f).map((x) => ({ ...x, value: FILTER_WORDS[x.key]?.(x.value, names) ?? x.value }));
const filtersRecord = (f: AuditFilters) => Object.fromEntries(filterFacts(f).map((x) => [x.key, x.value]));

const positionsOf = (rows: readonly AuditEntry[]) =>
  rows.length ? { firstPosition: rows[0].position, lastPosition: rows[rows.length - 1].position } : { firstPosition: null, lastPosition: null };

export interface AuditPageAnswer {
  /** The rows of this page */
  items: AuditEntry[];
  /** Pass as `cursor` for the next page; null at the end */
  nextCursor: string | null;
  /** `desc` or `asc` */
  order: 'asc' | 'desc';
  /** Page size used */
  limit: number;
  /** `tenant`: the whole trail of the tenant; `own_cycles`: the cycles the caller acted in. */
  scope: AuditAccess['scope'];
  /** The latest recorded verification of the chain */
  lastVerification: LastVerification | null;
}

export interface VerifyAnswer {
  /** Whether the whole chain checked out */
  intact: boolean;
  /** Global position up to which the chain is intact */
  intactUpTo: number;
  /** The first event that fails the check, with the problem */
  firstBad: {
    /** Global position of the event */
    position: number;
    /** What fails (`event_modified`, `chain_broken`...) */
    problem: string;
    /** Detail */
    detail: string;
  } | null;
  /** The latest seal (signed checkpoint) checked */
  headSeal: {
    /** Seal number */
    seq: number;
    /** Hash the seal signs */
    hash: string;
  } | null;
  /** Events checked */
  checkedEvents: number;
  /** Events covered by seals */
  sealedEvents: number;
  /** When (ISO 8601) */
  verifiedAt: string;
}

const FILTER_QUERIES = [
  ApiQuery({ name: 'cycleId', required: false, description: 'Only this cycle (UUID)' }),
  ApiQuery({ name: 'actorId', required: false, description: 'Only the actions of this person (user id)' }),
  ApiQuery({ name: 'role', required: false, description: 'Only the actions taken in this role' }),
  ApiQuery({ name: 'type', required: false, description: 'Only this event type (e.g. `ApprovedBySecretaryGeneral`)' }),
  ApiQuery({ name: 'from', required: false, description: 'ISO 8601 instant, or a date (midnight in Rome); inclusive' }),
  ApiQuery({ name: 'to', required: false, description: 'ISO 8601 instant, or a date (midnight in Rome); exclusive' }),
  ApiQuery({ name: 'reads', required: false, enum: ['include', 'exclude'], description: '`exclude`: without the AuditTrailRead rows' }),
  ApiQuery({ name: 'minPosition', required: false, type: Number, description: 'Read-your-writes: answer only once the trail has projected this global position; 503 `PROJECTION_BEHIND` after 2 s' }),
  ApiHeader({ name: 'X-Acting-Role', required: false, description: 'Role to read in, when the caller holds several' }),
  ApiResponse({ status: 400, description: 'Malformed filter: `fields` names it' }),
];
const applyAll =
  (decorators: MethodDecorator[]): MethodDecorator =>
  (t, k, d) => {
    for (const dec of decorators) dec(t, k, d);
  };

/**
 * The audit trail the RPCT reviews: pages, CSV and PDF exports, and the verification of the hash
 * chain. Every read is itself recorded (`AuditTrailRead` in `<tenant>/audit-access`) before the
 * answer is sent: if it cannot be recorded, nothing is shown.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  private readonly audit: AuditQueries;
  private inflight: Promise<ChainVerification> | null = null;
  private readonly anchorKeys: ReturnType<typeof trustedAnchorKeys>;

  constructor(
    @Inject(READ_MODELS) ds: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly policy: AccessPolicy,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionRegistry,
    @Inject(SETTINGS) settings: Settings,
  ) {
    this.audit = new AuditQueries(ds, store);
    this.anchorKeys = trustedAnchorKeys(settings);
  }

  @Get()
  @ApiOperation({
    summary: 'A page of the audit trail',
    description:
      "RPCT, OIV and administrators read their tenant's whole trail; anyone else the cycles in which they performed an event. Cursor pagination by position; `lastVerification` is the latest recorded chain verification.",
  })
  @ApiQuery({ name: 'order', required: false, enum: ['desc', 'asc'], description: '`desc` (newest first, default) or `asc`' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Most items to return' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The `nextCursor` of the previous page' })
  @applyAll(FILTER_QUERIES)
  @ApiAnswer(200, 'AuditPageAnswer')
  async page(@CurrentActor() actor: Actor, @ActingRole() acting: Role | undefined, @Query() query: unknown, @Req() req: Request & { id?: string }, @Res({ passthrough: true }) res: Response): Promise<AuditPageAnswer> {
    const q = parseInput(pageQuery, query ?? {}, 'query');
    const { viewer, access } = this.accessOf(actor, acting);
    await awaitProjection(this.runner, 'audit', q.minPosition);
    const filters = filtersOf(q);
    const [page, lastVerification] = await Promise.all([
      this.audit.page(viewer, access, filters, { limit: q.limit, order: q.order, cursor: q.cursor }),
      this.audit.lastVerification(viewer.tenant),
    ]);
    const read = await recordAuditRead(
      this.store,
      viewer,
      access,
      { what: 'page', format: 'json', filters: filtersRecord(filters), order: q.order, limit: q.limit, cursor: q.cursor ?? null, rowCount: page.items.length, ...positionsOf(page.items) },
      this.correlationId(req),
    );
    this.readHeaders(res, read);
    return { items: page.items, nextCursor: page.nextCursor, order: q.order, limit: q.limit, scope: access.scope, lastVerification };
  }

  @Get('export.csv')
  @ApiOperation({
    summary: 'Every matching row as CSV',
    description: `RFC 4180 quoting with \`;\` between cells (Italian Excel), UTF-8 with BOM, CRLF; cells that a spreadsheet would read as formulas start with an apostrophe. At most ${MAX_CSV_ROWS} rows (422 beyond). \`X-Audit-Rows-SHA256\` is the SHA-256 of the body.`,
  })
  @ApiProduces('text/csv')
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'], description: '`desc` (newest first, default) or `asc`' })
  @ApiResponse({ status: 422, description: 'More rows than one export may hold (`AUDIT_EXPORT_TOO_LARGE`)' })
  @applyAll(FILTER_QUERIES)
  @ApiFileAnswer(200, 'text/csv', 'The filtered rows as CSV (UTF-8 with BOM, semicolons)')
  async csv(@CurrentActor() actor: Actor, @ActingRole() acting: Role | undefined, @Query() query: unknown, @Req() req: Request & { id?: string }, @Res() res: Response): Promise<void> {
    const q = parseInput(exportQuery, query ?? {}, 'query');
    const { viewer, access } = this.accessOf(actor, acting);
    await awaitProjection(this.runner, 'audit', q.minPosition);
    const filters = filtersOf(q);
    const rows = await this.rows(viewer, access, filters, q.order, MAX_CSV_ROWS);
    const body = auditCsv(rows);
    const sha256 = createHash('sha256').update(body).digest('hex');
    const read = await recordAuditRead(
      this.store,
      viewer,
      access,
      { what: 'export', format: 'csv', filters: filtersRecord(filters), order: q.order, rowCount: rows.length, sha256, ...positionsOf(rows) },
      this.correlationId(req),
    );
    this.readHeaders(res, read);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
    res.setHeader('Content-Disposition', `attachment; filename="${this.fileName(viewer.tenant, 'csv')}"`);
    res.setHeader('X-Audit-Rows-SHA256', sha256);
    res.setHeader('X-Audit-Row-Count', String(rows.length));
    res.status(200).send(body);
  }

  @Get('export.pdf')
  @ApiOperation({
    summary: 'The PDF report',
    description: `A cover page (filters, time of export, chain status verified now, last recorded verification, row count, SHA-256 of the rows = SHA-256 of the CSV export of the same rows), then the rows in a table. At most ${MAX_PDF_ROWS} rows (422 beyond).`,
  })
  @ApiProduces('application/pdf')
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'], description: '`desc` (newest first, default) or `asc`' })
  @ApiResponse({ status: 422, description: 'More rows than one export may hold (`AUDIT_EXPORT_TOO_LARGE`)' })
  @applyAll(FILTER_QUERIES)
  @ApiFileAnswer(200, 'application/pdf', 'The filtered rows as a PDF report')
  async pdf(@CurrentActor() actor: Actor, @ActingRole() acting: Role | undefined, @Query() query: unknown, @Req() req: Request & { id?: string }, @Res() res: Response): Promise<void> {
    const q = parseInput(exportQuery, query ?? {}, 'query');
    const { viewer, access } = this.accessOf(actor, acting);
    await awaitProjection(this.runner, 'audit', q.minPosition);
    const filters = filtersOf(q);
    const [rows, chain, lastVerification, tenant, users, facets] = await Promise.all([
      this.rows(viewer, access, filters, q.order, MAX_PDF_ROWS),
      this.verifyShared(),
      this.audit.lastVerification(viewer.tenant),
      this.policy.directory.tenant(viewer.tenant),
      this.policy.directory.listUsers(viewer.tenant),
      this.audit.facets(viewer, access),
    ]);
    const people = new Map(users.map((u) => [u.userId, u.name]));
    const cycles = new Map(facets.cycles.map((c) => [c.cycleId, c.title]));
    const names: AuditNames = {
      person: (id) => (id === 'system' ? 'Sistema' : people.get(id) ? `${people.get(id)} (${id})` : id),
      role: roleLabel,
      eventType: eventLabeller(this.definitions),
      cycle: (id) => cycles.get(id) ?? id,
    };
    const sha256 = auditRowsSha256(rows);
    const exportedAt = new Date();
    const pdf = await renderAuditPdf({
      tenant: viewer.tenant,
      tenantName: tenant?.name ?? viewer.tenant,
      names,
      exportedBy: { userId: viewer.userId, role: access.role },
      exportedAt,
      scope: access.scope,
      filters: filterFactsIt(filters, names),
      order: q.order,
      chain: chain ? this.coverChain(chain, viewer.tenant) : null,
      lastVerification,
      rows,
      rowsSha256: sha256,
    });
    const read = await recordAuditRead(
      this.store,
      viewer,
      access,
      {
        what: 'export',
        format: 'pdf',
        filters: filtersRecord(filters),
        order: q.order,
        rowCount: rows.length,
        sha256,
        chainIntact: chain ? chain.intact : null,
        ...positionsOf(rows),
      },
      this.correlationId(req),
    );
    this.readHeaders(res, read);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${this.fileName(viewer.tenant, 'pdf')}"`);
    res.setHeader('X-Audit-Rows-SHA256', sha256);
    res.setHeader('X-Audit-Row-Count', String(rows.length));
    res.status(200).send(pdf);
  }

  @Get('verify')
  @ApiOperation({
    summary: 'Verify the hash chain',
    description:
      'Walks the whole log (seal chain, every event hash, every stream head) and compares it with every head seal earlier verifications recorded and with `anchor`: "intact up to position N", or the first bad position and what is wrong there (`anchor_mismatch`: rewritten after the last anchor that still matches). RPCT, OIV and administrators only.',
  })
  @ApiQuery({ name: 'anchor', required: false, description: 'A head seal saved outside the database: `SEQ:HASH` (`ciclo audit anchor`) or a published anchor `A1.…` (e-mail, webhook), whose signature is checked: the chain must still have it' })
  @ApiResponse({ status: 403, description: 'Not RPCT, OIV or administrator (`AUDIT_VERIFY_NOT_ALLOWED`)' })
  @ApiResponse({ status: 422, description: 'A published anchor whose signature does not hold: altered or forged (`ANCHOR_SIGNATURE_INVALID`), signed with another key (`ANCHOR_KEY_UNKNOWN`), or no key configured to check it (`ANCHOR_KEY_NOT_CONFIGURED`)' })
  @ApiResponse({ status: 501, description: 'The configured event store keeps no hash chain (`CHAIN_VERIFICATION_UNAVAILABLE`)' })
  @ApiHeader({ name: 'X-Acting-Role', required: false, description: "Which of the caller's roles the request acts in (default: the roles that see the most)" })
  @ApiAnswer(200, 'VerifyAnswer')
  async verify(@CurrentActor() actor: Actor, @ActingRole() acting: Role | undefined, @Query() query: unknown, @Req() req: Request & { id?: string }, @Res({ passthrough: true }) res: Response): Promise<VerifyAnswer> {
    const q = parseInput(verifyQuery, query ?? {}, 'query');
    const { viewer, access } = this.accessOf(actor, acting);
    if (access.scope !== 'tenant') {
      throw new ForbiddenException({
        code: 'AUDIT_VERIFY_NOT_ALLOWED',
        message: `Only ${AUDIT_FULL_ACCESS_ROLES.join(', ')} may verify the audit chain`,
        messageIt: "Solo l'RPCT, l'OIV e l'amministratore possono verificare la catena di hash",
      });
    }
    const chain = await this.verifyShared(q.anchor ? [this.anchorOf(q.anchor)] : []);
    if (!chain) {
      throw new HttpException(
        {
          code: 'CHAIN_VERIFICATION_UNAVAILABLE',
          message: 'The configured event store keeps no hash chain (EVENT_STORE=postgres does)',
          messageIt: "L'archivio eventi configurato non mantiene la catena di hash",
        },
        HttpStatus.NOT_IMPLEMENTED,
      );
    }
    const c = this.coverChain(chain, viewer.tenant);
    const answer: VerifyAnswer = { ...c, verifiedAt: new Date().toISOString() };
    const read = await recordAuditRead(
      this.store,
      viewer,
      access,
      { what: 'verify', format: 'json', intact: c.intact, intactUpTo: c.intactUpTo, firstBadPosition: c.firstBad?.position ?? null, headSeal: c.headSeal },
      this.correlationId(req),
    );
    this.readHeaders(res, read);
    return answer;
  }

  /** The anchor of the query; a published one must carry a valid signature of a trusted key (422 otherwise). */
  private anchorOf(value: string): ChainAnchor {
    const published = parseSignedAnchor(value);
    if (!published) {
      const [seq, hash] = value.split(':');
      return { seq: Number(seq), hash, source: `the anchor ${seq}:${hash.slice(0, 12)}…` };
    }
    const check = checkAnchorSignature(published, this.anchorKeys);
    if (!check.ok) {
      throw new HttpException(
        { code: check.code, message: `query.anchor: ${check.message}`, messageIt: `Parametro anchor: ${check.messageIt}` },
        HttpStatus.UNPROCESSABLE_ENTITY,
      );
    }
    return { seq: published.seq, hash: published.hash, source: `the ${check.signed ? 'signed ' : ''}anchor published to ${published.tenant} at ${published.at}` };
  }

  private accessOf(actor: Actor, acting: Role | undefined): { viewer: AuditViewer; access: AuditAccess } {
    const viewer: AuditViewer = { tenant: actor.tenant, userId: actor.userId, roles: actor.roles, actingRole: acting };
    const access = auditAccessOf(viewer);
    if (!access) throw new DomainRefusal('ROLE_NOT_HELD', `${acting ?? 'no role'} in tenant ${actor.tenant}`);
    return { viewer, access };
  }

  private async rows(viewer: AuditViewer, access: AuditAccess, filters: AuditFilters, order: 'asc' | 'desc', max: number): Promise<AuditEntry[]> {
    try {
      return await this.audit.all(viewer, access, filters, order, max);
    } catch (err) {
      if (err instanceof AuditExportTooLarge) {
        throw new HttpException(
          { code: 'AUDIT_EXPORT_TOO_LARGE', message: err.message, messageIt: `Troppe righe (${err.rows}, massimo ${err.max}): restringere i filtri` },
          HttpStatus.UNPROCESSABLE_ENTITY,
        );
      }
      throw err;
    }
  }

  /** One walk of the chain at a time: concurrent requests share the walk in progress. */
  private verifyShared(anchors: ChainAnchor[] = []): Promise<ChainVerification | null> {
    if (!this.store.supports('audit-chain')) return Promise.resolve(null);
    // A caller's own anchor gets its own walk.
    if (anchors.length) return verifyAnchoredChain(this.store, anchors);
    // Against every head seal the trail recorded itself: a recomputed chain disagrees with them.
    this.inflight ??= verifyAnchoredChain(this.store).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private coverChain(v: ChainVerification, tenant: string): CoverChainStatus {
    return {
      intact: v.intact,
      intactUpTo: v.intactUpTo,
      firstBad: v.firstBad ? { ...v.firstBad, detail: redactForeignStreams(v.firstBad.detail, tenant) } : null,
      headSeal: v.headSeal,
      checkedEvents: v.checkedEvents,
      sealedEvents: v.sealedEvents,
    };
  }

  private correlationId(req: Request & { id?: string }): string {
    return typeof req.id === 'string' ? req.id : randomUUID();
  }

  private readHeaders(res: Response, readPosition: number): void {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Audit-Read-Position', String(readPosition));
  }

  private fileName(tenant: string, ext: string): string {
    return `audit-${tenant}-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}.${ext}`;
  }
}

