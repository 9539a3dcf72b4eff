import { Client } from 'pg';

export const EVENTS_CHANNEL = 'ciclo_events';

/** Default least time between two notifications from one store (`notifyIntervalMs`). */
export const NOTIFY_INTERVAL_MS = 5;

/**
 * Wakes subscribers after commits. NOTIFY is sent after the append's commit, from one connection
 * with asynchronous commit, so appends never wait on PostgreSQL's global notify-queue lock.
 *
 * Notifications are coalesced: at most one is in flight, and the next leaves at least
 * `intervalMs` after the previous one (a poke after a quiet spell leaves at once). Subscribers
 * wait `wakeDelayMs` (10 ms by default) after a notification before reading and ignore the ones
 * arriving meanwhile, so more than one notification per few milliseconds only costs a transaction
 * on the server and a message to every listener. A commit waits at most `intervalMs` longer to be
 * announced. A lost notification only delays delivery until the subscribers' next poll.
 */
export class CommitNotifier {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private inFlight = false;
  private pending = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private sentCount = 0;

  constructor(
    private readonly connectionString: string,
    private readonly intervalMs = NOTIFY_INTERVAL_MS,
  ) {}

  /** NOTIFY statements sent (tests, diagnostics). */
  get sent(): number {
    return this.sentCount;
  }

  poke(): void {
    if (this.closed) return;
    this.pending = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.inFlight || this.timer || !this.pending) return;
    const wait = this.lastSentAt + this.intervalMs - performance.now();
    if (wait <= 0) {
      void this.send();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.schedule();
    }, wait);
  }

  private async connection(): Promise<Client> {
    if (this.client) return this.client;
    if (!this.connecting) {
      this.connecting = (async () => {
        const c = new Client({ connectionString: this.connectionString, application_name: 'ciclo-notifier' });
        c.on('error', () => {
          this.client = null;
        });
        await c.connect();
        await c.query('SET synchronous_commit = off');
        this.client = c;
        return c;
      })().finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }

  private async send(): Promise<void> {
    this.inFlight = true;
    this.pending = false;
    this.lastSentAt = performance.now();
    try {
      const c = await this.connection();
      await c.query(`NOTIFY ${EVENTS_CHANNEL}`);
      this.sentCount++;
    } catch {
      this.client?.end().catch(() => undefined);
      this.client = null;
    } finally {
      this.inFlight = false;
      this.schedule();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const c = this.client ?? (this.connecting ? await this.connecting.catch(() => null) : null);
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
