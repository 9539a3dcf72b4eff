import { Controller, ForbiddenException, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { Settings } from '@ciclo/config';
import { DomainRefusal } from '@ciclo/domain';
import { checkAnchorSignature, trustedAnchorKeys, type EventStore } from '@ciclo/event-store';
import type { Actor, Role } from '@ciclo/identity';
import { anchorDeliveryKey, AUDIT_ANCHOR_PUBLISHED, auditAnchorsStream, DeliveryLog, type AuditAnchorData } from '@ciclo/notifications';
import { EVENT_STORE, PG_POOL, SETTINGS } from '@ciclo/platform';
import { AUDIT_FULL_ACCESS_ROLES, auditAccessOf } from '@ciclo/projections';
import { ActingRole, CurrentActor } from './auth.guard';
import { ApiAnswer } from './openapi/document';
import { parseInput } from './validation';

const anchorsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20).describe('Anchors per page (1-100, default 20)'),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Anchors to skip, newest first'),
  })
  .strict();

export interface PublishedAnchorView {
  /** Id of the `AuditAnchorPublished` event */
  id: string;
  /** Global position of the `AuditAnchorPublished` event */
  eventPosition: number;
  /** When it was published (ISO 8601) */
  publishedAt: string;
  /** When the verification it reports ran (ISO 8601): the signed time */
  verifiedAt: string;
  /** Global position up to which the chain was verified intact */
  position: number;
  /** Number of the head seal */
  seq: number;
  /** Hash of the head seal (64 hex digits) */
  hash: string;
  /** Whether the anchor carries a signature */
  signed: boolean;
  /** SHA-256 of the signing key's public key, when signed */
  keyFingerprint: string | null;
  /** The signature checked now with the configured public keys: true, false, or null when unsigned or no key is configured */
  signatureValid: boolean | null;
  /** The anchor as one word for `ciclo audit verify --anchor` and `GET /audit/verify?anchor=` */
  token: string;
  /** Where it was delivered */
  channels: {
    /** E-mail to the RPCT and OIV */
    email: {
      /** Recipients with an address */
      recipients: number;
      /** `sent`, `sending`, `failed`, or `none` (nobody with an address) or `pending` (not claimed yet) */
      status: string;
    };
    /** In-app notifications (one per RPCT and OIV) */
    inApp: number;
    /** Webhook endpoints that receive `audit.anchor` */
    webhooks: string[];
  };
}

export interface AnchorPageAnswer {
  /** Published anchors, newest first */
  items: PublishedAnchorView[];
  /** Anchors published to the tenant */
  total: number;
  /** Page size used */
  limit: number;
  /** Anchors skipped */
  offset: number;
}

/** The anchors the nightly verification published to the caller's tenant (RPCT, OIV, administrators). */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditAnchorsController {
  private readonly deliveries: DeliveryLog;
  private readonly keys: ReturnType<typeof trustedAnchorKeys>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) pool: Pool,
    @Inject(SETTINGS) settings: Settings,
  ) {
    this.deliveries = new DeliveryLog(pool);
    this.keys = trustedAnchorKeys(settings);
  }

  @Get('anchors')
  @ApiOperation({
    summary: 'The anchors published to the tenant',
    description:
      'Every `AuditAnchorPublished` of the tenant, newest first: the head seal of each intact nightly verification, whether it is signed (and the signature checked with the configured keys), the token to verify against it, and the channels it went to. RPCT, OIV and administrators only.',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Anchors per page (1-100, default 20)' })
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'Anchors to skip, newest first' })
  @ApiHeader({ name: 'X-Acting-Role', required: false, description: "Which of the caller's roles the request acts in (default: the roles that see the most)" })
  @ApiResponse({ status: 400, description: 'Malformed parameter: `fields` names it' })
  @ApiResponse({ status: 403, description: 'Not RPCT, OIV or administrator (`AUDIT_ANCHORS_NOT_ALLOWED`)' })
  @ApiAnswer(200, 'AnchorPageAnswer')
  async anchors(@CurrentActor() actor: Actor, @ActingRole() acting: Role | undefined, @Query() query: unknown): Promise<AnchorPageAnswer> {
    const q = parseInput(anchorsQuery, query ?? {}, 'query');
    const access = auditAccessOf({ tenant: actor.tenant, userId: actor.userId, roles: actor.roles, actingRole: acting });
    if (!access) throw new DomainRefusal('ROLE_NOT_HELD', `${acting ?? 'no role'} in tenant ${actor.tenant}`);
    if (access.scope !== 'tenant') {
      throw new ForbiddenException({
        code: 'AUDIT_ANCHORS_NOT_ALLOWED',
        message: `Only ${AUDIT_FULL_ACCESS_ROLES.join(', ')} may read the published anchors`,
        messageIt: "Solo l'RPCT, l'OIV e l'amministratore possono consultare gli ancoraggi pubblicati",
      });
    }
    // One anchor a night: the tenant's stream stays small (some hundreds a year).
    const events = (await this.store.readStream(auditAnchorsStream(actor.tenant))).filter((e) => e.type === AUDIT_ANCHOR_PUBLISHED).reverse();
    const page = events.slice(q.offset, q.offset + q.limit);
    const items = await Promise.all(
      page.map(async (e): Promise<PublishedAnchorView> => {
        const d = e.data as unknown as AuditAnchorData;
        const signed = typeof d.signature === 'string';
        const check = signed && this.keys.length ? checkAnchorSignature(d, this.keys) : null;
        const withEmail = d.recipients.filter((r) => r.email).length;
        const delivery = withEmail ? await this.deliveries.status(anchorDeliveryKey(d.tenant, d.verificationEventId), 'email', '*') : null;
        return {
          id: e.eventId,
          eventPosition: e.position,
          publishedAt: e.metadata.occurredAt,
          verifiedAt: d.at,
          position: d.position,
          seq: d.seq,
          hash: d.hash,
          signed,
          keyFingerprint: d.keyFingerprint ?? null,
          signatureValid: check ? check.ok : null,
          token: d.token,
          channels: {
            email: { recipients: withEmail, status: withEmail ? (delivery?.status ?? 'pending') : 'none' },
            inApp: d.recipients.length,
            webhooks: d.webhooks ?? [],
          },
        };
      }),
    );
    return { items, total: events.length, limit: q.limit, offset: q.offset };
  }
}
