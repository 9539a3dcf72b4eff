import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE } from '@ciclo/platform';
import type { EventStore, Subscription } from '@ciclo/event-store';

/** Extends the global hash chain (audit seals) as events commit; active in one worker at a time. */
@Injectable()
export class SealerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Sealer');
  private sub: Subscription | null = null;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  onApplicationBootstrap(): void {
    if (!this.store.supports('audit-chain')) {
      this.log.warn('The audit seal chain exists only with the PostgreSQL event store: sealer not started');
      return;
    }
    this.sub = this.store.startSealer({
      onActive: () => this.log.log('Sealer active in this worker'),
      onError: (err) => this.log.error(`Sealer batch failed, retrying: ${(err as Error).message}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sub?.stop();
  }
}
