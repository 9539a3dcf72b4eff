import type { AllStreamResolvedEvent } from '@kurrent/kurrentdb-client';
import type { BatchHandler, Checkpoint, RecordedEvent, SubscribeOptions, Subscription } from '../types';
import {
  comparePositions,
  parseKurrentCheckpoint,
  serializeKurrentCheckpoint,
  toMappedEvent,
} from './mapping';
import type { KurrentDbEventStore } from './kurrentdb-event-store';

interface Queued {
  event: RecordedEvent;
  checkpoint: Checkpoint;
}

/**
 * Named catch-up subscription over our streams in `$all`: loads its checkpoint, pages through
 * `readCommitted` until it reaches the end, then follows live writes with `subscribeToAll` from the
 * last checkpoint. After each batch the handler has processed, the checkpoint is appended to
 * `$ciclo-checkpoint-<name>`.
 *
 * At-least-once: the handler gets no transaction (`tx` is undefined), so a crash between the
 * handler and the checkpoint write redelivers the batch; handlers must be idempotent. On any error
 * the subscription reports it (`onError`), waits `retryDelayMs` and resumes from the stored
 * checkpoint. `exclusive` is not enforced: two processes with the same name both run.
 */
export class KurrentSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  private resolveCaughtUp!: () => void;
  private running = false;
  private loop: Promise<void> | null = null;
  private stopLive: (() => void) | null = null;
  private wakeUp: (() => void) | null = null;

  constructor(
    private readonly store: KurrentDbEventStore,
    readonly name: string,
    private readonly handler: BatchHandler<undefined>,
    private readonly options: SubscribeOptions,
    private readonly onStopped: () => void,
  ) {
    this.caughtUp = new Promise((r) => (this.resolveCaughtUp = r));
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  private get batchSize(): number {
    return Math.max(1, this.options.batchSize ?? 500);
  }

  private async run(): Promise<void> {
    this.options.onActive?.();
    while (this.running) {
      try {
        let checkpoint = await this.store.checkpointOf(this.name);
        for (;;) {
          if (!this.running) return;
          const batch = await this.store.readCommitted(checkpoint, this.batchSize);
          if (batch.events.length === 0) break;
          await this.deliver(batch.events, batch.checkpoint as Checkpoint);
          checkpoint = batch.checkpoint;
        }
        this.resolveCaughtUp();
        await this.follow(checkpoint);
      } catch (err) {
        if (!this.running) break;
        this.options.onError?.(err);
        await this.sleep(this.options.retryDelayMs ?? 1000);
      }
    }
  }

  private async deliver(events: RecordedEvent[], checkpoint: Checkpoint): Promise<void> {
    await this.handler(events, undefined);
    await this.store.saveCheckpoint(this.name, checkpoint);
    this.options.onBatch?.({ count: events.length, checkpoint });
  }

  /** Live phase: resolves when stopped, rejects when the subscription or a batch fails. */
  private follow(after: Checkpoint | null): Promise<void> {
    const sub = this.store.subscribeLive(after);
    let last = parseKurrentCheckpoint(after);
    const queue: Queued[] = [];
    let busy = false;
    let settled = false;

    return new Promise<void>((resolve, reject) => {
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        this.stopLive = null;
        sub.unsubscribe().catch(() => undefined);
        if (err === undefined || !this.running) resolve();
        else reject(err);
      };

      const pump = async () => {
        if (busy || settled) return;
        busy = true;
        try {
          while (queue.length > 0 && this.running && !settled) {
            const batch = queue.splice(0, this.batchSize);
            await this.deliver(
              batch.map((q) => q.event),
              batch[batch.length - 1].checkpoint,
            );
            if (sub.isPaused() && queue.length < this.batchSize) sub.resume();
          }
        } catch (err) {
          finish(err);
        } finally {
          busy = false;
        }
        if (!this.running) finish();
      };

      sub.on('data', (resolved: AllStreamResolvedEvent) => {
        if (settled) return;
        const m = toMappedEvent(resolved);
        if (!m) return;
        // The subscription starts after `after`; skip anything not past the last position seen.
        if (last && comparePositions(m.logPosition, last) <= 0) return;
        last = m.logPosition;
        queue.push({ event: m.event, checkpoint: serializeKurrentCheckpoint(m.logPosition) });
        if (queue.length >= this.batchSize * 4) sub.pause();
        void pump();
      });
      sub.on('error', (err: Error) => finish(err));
      sub.on('end', () =>
        finish(this.running ? new Error(`KurrentDB subscription ${this.name} ended`) : undefined),
      );

      this.stopLive = () => {
        // A batch in flight finishes first; `pump` then sees `running` false and settles.
        if (!busy) finish();
      };
      if (!this.running) finish();
    });
  }

  /** Waits `ms`, or less when `stop()` is called. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopLive?.();
    this.wakeUp?.();
    await this.loop;
    this.onStopped();
  }
}
