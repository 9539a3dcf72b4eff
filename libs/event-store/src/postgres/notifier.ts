import { Client } from 'pg';

export const EVENTS_CHANNEL = 'ciclo_events';

/**
 * Wakes subscribers after commits. NOTIFY is sent after the append's commit, from one connection
 * with asynchronous commit, and coalesced: while one NOTIFY is in flight, further pokes collapse
 * into a single follow-up. Appends therefore never wait on PostgreSQL's global notify-queue lock.
 * A lost notification only delays delivery until the subscribers' next poll.
 */
export class CommitNotifier {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private inFlight = false;
  private pending = false;
  private closed = false;

  constructor(private readonly connectionString: string) {}

  poke(): void {
    if (this.closed) return;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = true;
    void this.send();
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
    try {
      do {
        this.pending = false;
        const c = await this.connection();
        await c.query(`NOTIFY ${EVENTS_CHANNEL}`);
      } while (this.pending && !this.closed);
    } catch {
      this.client?.end().catch(() => undefined);
      this.client = null;
    } finally {
      this.inFlight = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client ?? (this.connecting ? await this.connecting.catch(() => null) : null);
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
