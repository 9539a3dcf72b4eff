import type { KeyObject } from 'node:crypto';
import { EventIdConflict, signAnchor, type AnchorFacts, type EventStore, type SignedAnchor } from '@ciclo/event-store';
import {
  ANCHOR_ROLES,
  anchorDeliveryKey,
  anchorEventId,
  anchorToken,
  AUDIT_ANCHOR_PUBLISHED,
  auditAnchorsStream,
  type AnchorRecipient,
  type AuditAnchorData,
} from './anchor';
import type { DeliveryLog } from './deliveries';
import type { RecipientResolver, TenantProfiles } from './directory';
import type { EmailChannel } from './email';

export interface AnchorPublisherOptions {
  store: EventStore;
  recipients: RecipientResolver;
  /** The tenants' webhook endpoints (those listing `audit.anchor` receive the anchor). */
  profiles?: TenantProfiles;
  /** The tenants to publish to. */
  tenants: () => Promise<string[]>;
  email: EmailChannel;
  deliveries: DeliveryLog;
  /** `AUDIT_SIGNING_KEY`: anchors are signed when present. */
  signingKey?: KeyObject | null;
  /** Base of the console link (`PUBLIC_URL`). */
  publicUrl: string;
  workerName?: string;
  /** A delivery claim's lease (default 120 s). */
  deliveryLeaseMs?: number;
}

/** What the verification publishes: the recorded `AuditChainVerified` and the head seal it names. */
export interface VerificationToAnchor {
  eventId: string;
  position: number;
  occurredAt: string;
  intactUpTo: number;
  headSeal: { seq: number; hash: string };
}

export interface PublishedAnchorOutcome {
  tenant: string;
  eventId: string;
  position: number;
  /** False when this run found the anchor already published (a retried job). */
  first: boolean;
  email: 'sent' | 'none' | 'already';
}

/**
 * Publishes the head seal of an intact verification to every tenant: `AuditAnchorPublished` in
 * `<tenant>/audit-anchors` (event id derived from the verification: a repeat is a no-op, and the
 * in-app list and the webhooks, fed from the event, get it once), then the e-mail to the RPCT and
 * OIV, claimed in `ntf_deliveries` so that a retried run does not send it again.
 */
export class AnchorPublisher {
  constructor(private readonly o: AnchorPublisherOptions) {}

  /**
   * Publishes to every tenant; a tenant whose publication fails (its e-mail refused by the SMTP
   * server) does not hold back the others: the failures are thrown together at the end, so the job
   * is retried, and the retry completes only what is missing.
   */
  async publish(v: VerificationToAnchor): Promise<PublishedAnchorOutcome[]> {
    const out: PublishedAnchorOutcome[] = [];
    const failures: string[] = [];
    for (const tenant of await this.o.tenants()) {
      try {
        out.push(await this.publishTo(tenant, v));
      } catch (err) {
        failures.push(`${tenant}: ${(err as Error).message}`);
      }
    }
    if (failures.length) throw new Error(`Anchor of verification ${v.eventId} not fully published: ${failures.join('; ')}`);
    return out;
  }

  private async publishTo(tenant: string, v: VerificationToAnchor): Promise<PublishedAnchorOutcome> {
    const eventId = anchorEventId(tenant, v.eventId);
    let data = await this.recorded(tenant, eventId);
    let position = data?.position ?? 0;
    let first = false;
    if (!data) {
      const fresh = await this.anchorData(tenant, v);
      try {
        const r = await this.o.store.append(
          auditAnchorsStream(tenant),
          [
            {
              eventId,
              type: AUDIT_ANCHOR_PUBLISHED,
              data: fresh.data as never,
              metadata: {
                tenant,
                actorId: 'system',
                actorRole: 'system',
                occurredAt: new Date().toISOString(),
                correlationId: `anchor:${v.eventId}`,
                causationId: null,
                schemaVersion: 1,
              },
            },
          ],
          { expectedVersion: 'any' },
        );
        first = !r.replayed;
        data = { data: fresh.data, position: r.positions[0] };
      } catch (err) {
        if (!(err instanceof EventIdConflict)) throw err;
        data = await this.recorded(tenant, eventId); // published meanwhile by another run
        if (!data) throw err;
      }
      position = data.position;
    }
    const email = await this.deliverEmail(data.data);
    return { tenant, eventId, position, first, email };
  }

  private async anchorData(tenant: string, v: VerificationToAnchor): Promise<{ data: AuditAnchorData }> {
    const facts: AnchorFacts = { tenant, position: v.intactUpTo, seq: v.headSeal.seq, hash: v.headSeal.hash, at: v.occurredAt };
    const signed: SignedAnchor = this.o.signingKey ? signAnchor(facts, this.o.signingKey) : facts;
    const people = await this.o.recipients.withRoles(tenant, ANCHOR_ROLES);
    const recipients: AnchorRecipient[] = people.map((p) => ({ userId: p.userId, name: p.name, email: p.email, roles: p.roles.filter((r) => (ANCHOR_ROLES as readonly string[]).includes(r)) }));
    const webhooks = (this.o.profiles?.profile(tenant)?.webhooks ?? []).filter((w) => w.enabled && w.events.includes('audit.anchor')).map((w) => w.id);
    return {
      data: {
        ...signed,
        tenantName: this.o.profiles?.profile(tenant)?.name ?? tenant,
        verificationEventId: v.eventId,
        verificationPosition: v.position,
        token: anchorToken(signed),
        recipients,
        webhooks,
        link: `${this.o.publicUrl.replace(/\/$/, '')}/registro`,
      },
    };
  }

  private async recorded(tenant: string, eventId: string): Promise<{ data: AuditAnchorData; position: number } | null> {
    const e = (await this.o.store.readStream(auditAnchorsStream(tenant))).find((x) => x.eventId === eventId);
    return e ? { data: e.data as unknown as AuditAnchorData, position: e.position } : null;
  }

  /** Claims, hands off to SMTP, marks sent: at most once per lease (as reminders). */
  private async deliverEmail(d: AuditAnchorData): Promise<'sent' | 'none' | 'already'> {
    if (!d.recipients.some((r) => r.email)) return 'none';
    const key = anchorDeliveryKey(d.tenant, d.verificationEventId);
    const claim = await this.o.deliveries.claim(key, 'email', '*', this.o.workerName ?? 'worker', this.o.deliveryLeaseMs ?? 120_000);
    if (!claim.claimed) {
      if (claim.status === 'sending') throw new Error(`the e-mail of anchor ${key} is being sent by ${claim.owner ?? 'another worker'}: retry in ${claim.retryInMs} ms`);
      return 'already';
    }
    try {
      const sent = await this.o.email.sendAnchor(d);
      await this.o.deliveries.sent(key, 'email', '*', sent?.messageId ?? null);
      return 'sent';
    } catch (err) {
      await this.o.deliveries.failed(key, 'email', '*', (err as Error).message);
      throw err;
    }
  }
}
