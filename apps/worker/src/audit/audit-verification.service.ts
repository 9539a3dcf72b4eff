import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { publicUrl, type Settings } from '@ciclo/config';
import { loadAnchorSigningKey, sharedSqlPool, type EventStore } from '@ciclo/event-store';
import { DirectoryService, TenantCalendars } from '@ciclo/identity';
import { AnchorPublisher, DeliveryLog, DirectoryCalendarProfiles, EmailChannel, GrantedRecipients, notificationSettings, StaticTenantDirectory } from '@ciclo/notifications';
import { EVENT_STORE, SETTINGS } from '@ciclo/platform';
import { auditTenants, READ_MODELS } from '@ciclo/projections';
import { AuditJobs, NIGHTLY_VERIFICATION_CRON, NIGHTLY_VERIFICATION_TZ } from './audit-verification';

/**
 * Schedules and runs the nightly verification of the audit hash chain, and publishes each intact
 * verification's head seal to every tenant's RPCT and OIV and webhooks (signed with
 * `AUDIT_SIGNING_KEY` when set).
 */
@Injectable()
export class AuditVerificationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('AuditVerification');
  private jobs: AuditJobs | null = null;
  private email: EmailChannel | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(READ_MODELS) private readonly readModels: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.store.supports('audit-chain')) {
      this.log.warn('The audit hash chain exists only with the PostgreSQL event store: nightly verification not scheduled');
      return;
    }
    const n = notificationSettings();
    const people = new DirectoryService(this.store);
    // Tenant names and calendars from the directory, webhooks from the seed files.
    const calendars = TenantCalendars.of(this.store);
    await calendars.ready();
    const profiles = new DirectoryCalendarProfiles(calendars, StaticTenantDirectory.fromDirectory(resolve(this.settings.SEEDS_DIR, 'tenants')));
    this.email = new EmailChannel(n.SMTP_URL, n.MAIL_FROM, { maxConnections: 2 });
    const publisher = new AnchorPublisher({
      store: this.store,
      recipients: new GrantedRecipients({ people: (tenant, at) => people.peopleAt(tenant, at) }, profiles),
      profiles,
      tenants: () => auditTenants(this.readModels),
      email: this.email,
      deliveries: new DeliveryLog(deliveryPool(this.store)),
      signingKey: this.settings.AUDIT_SIGNING_KEY ? loadAnchorSigningKey(this.settings.AUDIT_SIGNING_KEY) : null,
      publicUrl: publicUrl(this.settings),
      workerName: `worker-${process.pid}`,
    });
    this.jobs = new AuditJobs({
      store: this.store,
      publisher,
      redisUrl: this.settings.REDIS_URL,
      prefix: this.settings.REDIS_PREFIX,
      onCompleted: (r) =>
        r.intact
          ? this.log.log(`Audit chain intact up to position ${r.intactUpTo} (${r.checkedEvents} events); recorded at position ${r.recordedAt}; anchor published to ${r.anchorsPublished} tenant(s)`)
          : this.log.error(`Audit chain BROKEN at position ${r.firstBadPosition}; recorded at position ${r.recordedAt}`),
      onFailed: (err) => this.log.error(`Audit chain verification failed: ${err.message}`),
    });
    await this.jobs.start();
    this.log.log(`Nightly audit chain verification scheduled (${NIGHTLY_VERIFICATION_CRON}, ${NIGHTLY_VERIFICATION_TZ})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.jobs?.stop();
    this.email?.close();
  }
}

/** The delivery log's tables live beside the event store's (PostgreSQL): the pool it shares. */
function deliveryPool(store: EventStore) {
  const pool = sharedSqlPool(store);
  if (!pool) throw new Error('Published audit anchors need the PostgreSQL event store (its pool holds the delivery log)');
  return pool;
}
