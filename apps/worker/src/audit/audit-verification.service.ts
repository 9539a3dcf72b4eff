import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Settings } from '@ciclo/config';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE, SETTINGS } from '@ciclo/platform';
import { AuditJobs, NIGHTLY_VERIFICATION_CRON, NIGHTLY_VERIFICATION_TZ } from './audit-verification';

/** Schedules and runs the nightly verification of the audit hash chain. */
@Injectable()
export class AuditVerificationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('AuditVerification');
  private jobs: AuditJobs | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.store.supports('audit-chain')) {
      this.log.warn('The audit hash chain exists only with the PostgreSQL event store: nightly verification not scheduled');
      return;
    }
    this.jobs = new AuditJobs({
      store: this.store,
      redisUrl: this.settings.REDIS_URL,
      prefix: this.settings.REDIS_PREFIX,
      onCompleted: (r) =>
        r.intact
          ? this.log.log(`Audit chain intact up to position ${r.intactUpTo} (${r.checkedEvents} events); recorded at position ${r.recordedAt}`)
          : this.log.error(`Audit chain BROKEN at position ${r.firstBadPosition}; recorded at position ${r.recordedAt}`),
      onFailed: (err) => this.log.error(`Audit chain verification failed: ${err.message}`),
    });
    await this.jobs.start();
    this.log.log(`Nightly audit chain verification scheduled (${NIGHTLY_VERIFICATION_CRON}, ${NIGHTLY_VERIFICATION_TZ})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.jobs?.stop();
  }
}
