import type { EventEmitter } from 'node:events';
import type { PoolClient } from 'pg';
import type { BatchHandler, Checkpoint, SubscribeOptions, Subscription, SubscriptionTransactor } from '../types';
import type { PostgresEventStore } from './postgres-event-store';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Catch-up subscription over the committed log. Each batch is applied in one transaction that
 * also stores the checkpoint, so a crash mid-batch rolls both back and the batch is redelivered.
 * The transaction checks the stored checkpoint (`SubscriptionTransactor.applyBatch`): when
 * something else moved it, the batch is dropped and reading resumes from the stored one.
 */
export class PgSubscription<Tx> implements Subscription {
  readonly caughtUp: Promise<void>;
  private resolveCaughtUp!: () => void;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private lockClient: PoolClient | null = null;
  private current: Checkpoint | null = null;
  /** The store's query count when this subscription started: only a later query can say it caught up. */
  private startedAfterQuery = 0;
  private readonly onWake = () => this.wakeUp?.();

  constructor(
    private readonly store: PostgresEventStore,
    readonly name: string,
    private readonly handler: BatchHandler<Tx>,
    private readonly options: SubscribeOptions<Tx>,
    private readonly transactor: SubscriptionTransactor<Tx>,
    private readonly wake: EventEmitter,
    private readonly onStopped: () => void,
  ) {
    this.caughtUp = new Promise((r) => (this.resolveCaughtUp = r));
  }

  /** True while this process runs the subscription: it holds the lease (or the subscription is not exclusive). */
  get holdsLease(): boolean {
    return this.running && (this.options.exclusive === false || this.lockClient !== null);
  }

  /** The checkpoint this process last loaded or committed (null before the first load). */
  get checkpoint(): Checkpoint | null {
    return this.current;
  }

  start(): void {
    this.running = true;
    this.startedAfterQuery = this.store.logQueriesSent;
    this.wake.on('wake', this.onWake);
    this.loop = this.run();
  }

  private waitForWake(ms: number): Promise<void> {
    // Stopped while the loop was busy (reading, applying): stop() found no wait to cut short, so
    // there must be none now, or stopping would take the whole poll interval.
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }

  /** Takes the lease; waits as a standby while another process holds it. */
  private async acquireLease(): Promise<boolean> {
    if (this.options.exclusive === false) return true;
    while (this.running) {
      try {
        const client = await this.store.pool.connect();
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 991)) AS ok', [
          `subscription:${this.name}`,
        ]);
        if (rows[0].ok) {
          this.lockClient = client;
          // A broken lease connection means another process may take over: stop processing.
          client.on('error', () => {
            this.lockClient = null;
          });
          return true;
        }
        client.release();
      } catch (err) {
        this.options.onError?.(err);
      }
      await this.waitForWakeOrStop(this.options.standbyPollMs ?? 1000);
    }
    return false;
  }

  private async waitForWakeOrStop(ms: number): Promise<void> {
    const t0 = Date.now();
    while (this.running && Date.now() - t0 < ms) await sleep(Math.min(100, ms));
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    const pollMs = this.options.pollIntervalMs ?? 1000;
    if (!(await this.acquireLease())) return;
    this.options.onActive?.();
    let checkpoint: Checkpoint | null = null;
    let loaded = false;
    while (this.running) {
      if (this.options.exclusive !== false && !this.lockClient) {
        // Lost the lease: go back to standby.
        loaded = false;
        if (!(await this.acquireLease())) break;
        this.options.onActive?.();
      }
      try {
        if (!loaded) {
          checkpoint = await this.transactor.load(this.name);
          this.current = checkpoint;
          loaded = true;
        }
        // Shared with this store's other subscriptions: one query per checkpoint, not one each.
        const batch = await this.store.readForSubscription(checkpoint, batchSize);
        if (batch.events.length > 0) {
          if (!(await this.transactor.applyBatch(this.name, checkpoint, batch.checkpoint as string, (tx) => this.handler(batch.events, tx)))) {
            loaded = false;
            continue;
          }
          checkpoint = batch.checkpoint;
          this.current = checkpoint;
          this.options.onBatch?.({ count: batch.events.length, checkpoint });
          // More was readable when the batch was read: read on.
          if (!batch.complete) continue;
        }
        if (batch.pending) {
          // Committed events wait behind a transaction still running: look again shortly.
          await sleep(5);
          continue;
        }
        // A batch kept from a read sent before this subscription started says nothing of the log
        // as it was when it started: read again (nothing empty is kept, so that read is a new one).
        if (batch.query <= this.startedAfterQuery) continue;
        this.resolveCaughtUp();
        // A wake since the read was sent may announce a commit the read did not see: read again.
        if (this.store.wakeCount !== batch.wakeSeq) continue;
        await this.waitForWake(pollMs);
      } catch (err) {
        loaded = false;
        this.options.onError?.(err);
        if (this.running) await this.waitForWakeOrStop(this.options.retryDelayMs ?? 1000);
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake.off('wake', this.onWake);
    this.wakeUp?.();
    await this.loop;
    if (this.lockClient) {
      await this.lockClient.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      this.lockClient.release();
      this.lockClient = null;
    }
    this.onStopped();
  }
}
