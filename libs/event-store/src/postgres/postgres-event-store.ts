import { EventEmitter } from 'node:events';
import { Client, Pool, type PoolClient } from 'pg';
import { contentHash } from '../canonical';
import { EventIdConflict, InvalidAppend, WrongExpectedVersion } from '../errors';
import { validateAppend, validateStreamQuery, type EventStore } from '../event-store';
import type {
  AppendOptions,
  AppendResult,
  BatchHandler,
  ChainAnchor,
  ChainVerification,
  Checkpoint,
  CommittedBatch,
  ExpectedVersion,
  LogLag,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreCapability,
  StreamInfo,
  StreamQuery,
  SubscribeOptions,
  Subscription,
  SubscriptionStatus,
  SubscriptionTransactor,
} from '../types';
import { checkpointedBatch } from './batch-transaction';
import { CommitNotifier, EVENTS_CHANNEL, NOTIFY_INTERVAL_MS } from './notifier';
import { EVENT_COLUMNS, parseCheckpoint, serializeCheckpoint, toRecorded, type EventRow } from './rows';
import { runSqlMigrations } from './migrate';
import { EVENT_STORE_MIGRATIONS } from './schema';
import { PgSubscription } from './subscription';
import { SharedLogReader, type LogReadCounters } from './shared-reads';
import { queryCommitted, queryForSubscriptions } from './committed-reads';
import { startSealer, verifyChain } from './chain';

export interface PostgresEventStoreOptions {
  connectionString: string;
  /** Size of the connection pool (default 10). */
  poolSize?: number;
  /** Use an existing pool instead of creating one (it is not closed by `close()`). */
  pool?: Pool;
  /**
   * How long subscribers wait after a commit notification before reading (default 10 ms, 0 to
   * read at once): the notifications of the commits that follow within that time wake them only
   * once, so those commits make one batch and one checkpoint transaction per subscription.
   */
  wakeDelayMs?: number;
  /**
   * The wait while commits keep coming (default 50 ms, never less than `wakeDelayMs`): a
   * notification that arrives less than this long after the previous wake is read this long after
   * it. Under a steady stream of commits each subscription then reads, writes and commits its
   * checkpoint once per this time instead of once per `wakeDelayMs`; a commit after a quiet spell
   * still wakes them after `wakeDelayMs`.
   */
  busyWakeDelayMs?: number;
  /**
   * Least time between two commit notifications this store sends (default 5 ms, 0 for one per
   * commit while none is in flight): the commits of those milliseconds are announced by one NOTIFY.
   */
  notifyIntervalMs?: number;
}

interface AppendRow {
  out_position: string;
  out_version: number;
  out_replayed: boolean;
}

function expectedParam(expected: ExpectedVersion): string {
  if (expected === 'any' || expected === 'no_stream' || expected === 'exists') return expected;
  if (Number.isInteger(expected) && expected >= 0) return String(expected);
  throw new InvalidAppend(`expectedVersion must be a non-negative integer, 'no_stream', 'exists' or 'any'`);
}

/** The appends, named: each connection parses and plans them once, not at every append. */
const APPEND_STATEMENT = {
  name: 'ciclo_es_append',
  text: 'SELECT * FROM es_append($1, $2, $3, $4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[])',
};
const APPEND_ONE_STATEMENT = {
  name: 'ciclo_es_append_one',
  text: 'SELECT * FROM es_append_one($1, $2, $3, $4::uuid, $5::text, $6::jsonb, $7::jsonb, $8::text)',
};

/** A stream's events between two versions (`$4`: recorded up to, or null), prepared once per connection. */
const READ_STREAM_SQL = `SELECT ${EVENT_COLUMNS} FROM es_events
  WHERE stream_id = $1 AND version >= $2 AND version <= $3 AND ($4::timestamptz IS NULL OR recorded_at <= $4)
  ORDER BY version`;

/** A row of `es_checkpoints` as the transactor reads it. */
interface CheckpointRow {
  tx_id: string;
  position: string;
}

const storedCheckpoint = (rows: CheckpointRow[]): Checkpoint | null =>
  rows.length ? serializeCheckpoint({ txId: rows[0].tx_id, position: Number(rows[0].position) }) : null;

/** The default adapter: PostgreSQL with raw SQL through `pg`. */
export class PostgresEventStore implements EventStore {
  readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly notifier: CommitNotifier;
  private readonly wake = new EventEmitter();
  private listener: Client | null = null;
  private listenerStarting: Promise<void> | null = null;
  private readonly subscriptions = new Set<PgSubscription<unknown>>();
  private closed = false;
  private readonly wakeDelayMs: number;
  private readonly busyWakeDelayMs: number;
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakes = 0;
  private lastWakeAt = Number.NEGATIVE_INFINITY;
  private busyWakes = 0;
  /** Subscriptions read the log through this: one query per checkpoint for all of them. */
  private readonly reader = new SharedLogReader({
    query: (after, limit) => queryForSubscriptions(this.pool, after, limit),
    wakeSeq: () => this.wakes,
  });

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.ownsPool = !options.pool;
    this.pool =
      options.pool ??
      new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10, application_name: 'ciclo-event-store' });
    this.pool.on('error', () => undefined);
    this.notifier = new CommitNotifier(options.connectionString, Math.max(0, options.notifyIntervalMs ?? NOTIFY_INTERVAL_MS));
    this.wake.setMaxListeners(0);
    this.wakeDelayMs = Math.max(0, options.wakeDelayMs ?? 10);
    this.busyWakeDelayMs = Math.max(this.wakeDelayMs, options.busyWakeDelayMs ?? 50);
  }

  /** Creates or upgrades the event store's tables and functions. */
  async migrate(): Promise<string[]> {
    return runSqlMigrations(this.pool, EVENT_STORE_MIGRATIONS);
  }

  async append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const tenant = validateAppend(streamId, events);
    const expected = expectedParam(options?.expectedVersion);
    // One event (what nearly every command appends) goes to es_append_one, with plain parameters;
    // a batch to es_append, with arrays. Same contract, results and errors.
    const ids = events.map((e) => e.eventId.toLowerCase());
    const hashes = events.map((e, i) => contentHash({ ...e, eventId: ids[i] }));
    const data = events.map((e) => JSON.stringify(e.data));
    const metadata = events.map((e) => JSON.stringify(e.metadata));
    let batchForm = events.length > 1;
    let lookedAgain = false;
    /** Only a connection-level failure (no SQLSTATE) discards the client. */
    let broken = false;
    for (;;) {
      const values = batchForm
        ? [streamId, tenant, expected, ids, events.map((e) => e.type), data, metadata, hashes]
        : [streamId, tenant, expected, ids[0], events[0].type, data[0], metadata[0], hashes[0]];
      // A refused append is a normal outcome: the connection goes back to the pool healthy (pool.query
      // would discard it on any error and every conflict would open a new connection).
      const client = await this.pool.connect();
      try {
        const { rows } = await client.query<AppendRow>({ ...(batchForm ? APPEND_STATEMENT : APPEND_ONE_STATEMENT), values });
        const replayed = rows.length > 0 && rows[0].out_replayed;
        if (!replayed) this.notifier.poke();
        return {
          nextVersion: rows[rows.length - 1].out_version,
          positions: rows.map((r) => Number(r.out_position)),
          replayed,
        };
      } catch (err) {
        const e = err as { code?: string; detail?: string; hint?: string; constraint?: string };
        const knownId = e.code === '23505' && e.constraint === 'es_events_event_id_key';
        // es_append_one does not look for the event's id before writing (migration 0006): a repeated
        // append fails it with CE001 (its expected version is stale by now) or on the id's unique index.
        // The batch form looks first and answers: the stored row, EventIdConflict, or CE001 again.
        if (!batchForm && (e.code === 'CE001' || knownId)) {
          batchForm = true;
          continue;
        }
        if (e.code === 'CE001') {
          throw new WrongExpectedVersion(streamId, options.expectedVersion, Number(e.detail), e.hint === 'exists');
        }
        if (e.code === 'CE002') throw new EventIdConflict((e.detail ?? '').split(','));
        if (e.code === 'CE003') throw new InvalidAppend(`Stream ${streamId} belongs to another tenant`);
        // The same event id committed concurrently on another stream: look again, once.
        if (knownId && !lookedAgain) {
          lookedAgain = true;
          continue;
        }
        if (knownId) throw new EventIdConflict(events.map((x) => x.eventId));
        broken = typeof e.code !== 'string';
        throw err;
      } finally {
        client.release(broken);
        broken = false;
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    // Named: every request reads a stream or two (the actor's grants, the aggregate's new events),
    // and PostgreSQL parses and plans a named statement once per connection instead of every time.
    // Its plan is the same for every stream: the (stream_id, version) index, whatever the values.
    const { rows } = await this.pool.query<EventRow>({
      name: 'ciclo_es_read_stream',
      text: READ_STREAM_SQL,
      values: [streamId, options.fromVersion ?? 1, options.toVersion ?? 2147483647, options.until ?? null],
    });
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = Math.min(Math.max(options.limit ?? 1000, 1), 100000);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM es_events
        WHERE position >= $1 AND ($3::text IS NULL OR tenant = $3)
        ORDER BY position LIMIT $2`,
      [options.from ?? 0, limit, options.tenant ?? null],
    );
    return rows.map(toRecorded);
  }

  async readCommitted(after: Checkpoint | null, limit: number, client?: PoolClient): Promise<CommittedBatch> {
    const { events, checkpoints } = await queryCommitted(client ?? this.pool, after, limit);
    return { events, checkpoint: events.length ? checkpoints[checkpoints.length - 1] : after };
  }

  /** What a subscription reads: shared with the other subscriptions of this store (see `SharedLogReader`). */
  readForSubscription(after: Checkpoint | null, limit: number) {
    return this.reader.read(after, limit);
  }

  /** Reads of the log made for this store's subscriptions, and how many were shared (tests, diagnostics). */
  get logReads(): Readonly<LogReadCounters> {
    return { ...this.reader.counters };
  }

  /** Queries of the log sent so far for subscriptions (numbers them: see `SubscriptionRead.query`). */
  get logQueriesSent(): number {
    return this.reader.queriesSent;
  }

  /** Commit notifications this store has sent (see `notifyIntervalMs`). */
  get notificationsSent(): number {
    return this.notifier.sent;
  }

  /** Times subscribers were woken by a notification (or the listener connecting). */
  get wakeCount(): number {
    return this.wakes;
  }

  /** Of those, the wakes that waited `busyWakeDelayMs` (the previous wake was that recent). */
  get busyWakeCount(): number {
    return this.busyWakes;
  }

  /** True when the event at `position` is at or before `checkpoint` in commit order (false when no such event). */
  async covers(checkpoint: Checkpoint, position: number): Promise<boolean> {
    const cp = parseCheckpoint(checkpoint);
    const { rows } = await this.pool.query<{ covered: boolean }>(
      `SELECT (tx_id, position) <= ($1::text::xid8, $2::bigint) AS covered FROM es_events WHERE position = $3`,
      [cp.txId, cp.position, position],
    );
    return rows.length > 0 && rows[0].covered;
  }

  async lagAfter(checkpoint: Checkpoint | null, cap = 100_000): Promise<LogLag> {
    const cp = parseCheckpoint(checkpoint);
    const { rows } = await this.pool.query<{ n: number; oldest: Date | null }>(
      `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM es_events e WHERE (e.tx_id, e.position) > ($1::text::xid8, $2::bigint) LIMIT $3) x) AS n,
              (SELECT e.recorded_at FROM es_events e WHERE (e.tx_id, e.position) > ($1::text::xid8, $2::bigint)
                ORDER BY e.tx_id, e.position LIMIT 1) AS oldest`,
      [cp.txId, cp.position, cap],
    );
    return { events: rows[0].n, oldest: rows[0].oldest };
  }

  async listStreams(query: StreamQuery): Promise<StreamInfo[]> {
    const { kind, prefix, single } = validateStreamQuery(query);
    const { rows } = await this.pool.query<{ stream_id: string; version: number }>(
      prefix
        ? `SELECT stream_id, version FROM es_streams WHERE tenant = $1 AND (left(stream_id, length($2)) = $2 OR stream_id = $3) ORDER BY stream_id`
        : `SELECT stream_id, version FROM es_streams
            WHERE left(split_part(stream_id, '/', 2), length($1)) = $1 OR split_part(stream_id, '/', 2) = $2 ORDER BY stream_id`,
      prefix ? [query.tenant, prefix, single] : [`${kind}-`, kind],
    );
    return rows.map((r) => ({ streamId: r.stream_id, version: r.version }));
  }

  async lastEventOf(tenant: string): Promise<{ position: number; recordedAt: Date } | null> {
    // Ordered by the column, not by a text alias (as text, "9" would sort after "10").
    const { rows } = await this.pool.query<{ position: string; recorded_at: Date }>(
      `SELECT e.position, e.recorded_at FROM es_events e WHERE e.tenant = $1 ORDER BY e.position DESC LIMIT 1`,
      [tenant],
    );
    return rows.length ? { position: Number(rows[0].position), recordedAt: rows[0].recorded_at } : null;
  }

  positionOf(checkpoint: Checkpoint | null): number {
    return parseCheckpoint(checkpoint).position;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  supports(capability: StoreCapability): boolean {
    return capability === 'audit-chain' || capability === 'transactional-subscriptions';
  }

  startSealer(options: SubscribeOptions<PoolClient> = {}): Subscription {
    return startSealer(this, options);
  }

  verifyChain(anchors: readonly ChainAnchor[] = [], pageSize = 5000): Promise<ChainVerification> {
    return verifyChain(this, pageSize, anchors);
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ p: string | null }>('SELECT max(position) AS p FROM es_events');
    return Number(rows[0].p ?? 0);
  }

  async checkpointOf(name: string): Promise<Checkpoint | null> {
    return this.transactor.load(name);
  }

  /** The default transactor: `es_checkpoints` through a client of this store's pool. */
  readonly transactor: SubscriptionTransactor<PoolClient> = {
    load: async (name: string) => {
      const { rows } = await this.pool.query<CheckpointRow>('SELECT tx_id::text AS tx_id, position FROM es_checkpoints WHERE name = $1', [name]);
      return storedCheckpoint(rows);
    },
    applyBatch: async (name: string, from: Checkpoint | null, to: Checkpoint, fn: (tx: PoolClient) => Promise<void>): Promise<boolean> => {
      const cp = parseCheckpoint(to);
      const client = await this.pool.connect();
      try {
        const n = client.escapeLiteral(name);
        return await checkpointedBatch<CheckpointRow>(
          client,
          {
            lock: `SELECT tx_id::text AS tx_id, position FROM es_checkpoints WHERE name = ${n} FOR UPDATE`,
            stored: storedCheckpoint,
            // parseCheckpoint accepts digits only: the numbers need no quoting.
            save: `INSERT INTO es_checkpoints (name, tx_id, position, updated_at) VALUES (${n}, '${cp.txId}'::text::xid8, ${cp.position}, now())
                   ON CONFLICT (name) DO UPDATE SET tx_id = EXCLUDED.tx_id, position = EXCLUDED.position, updated_at = now()`,
          },
          from,
          () => fn(client),
        );
      } finally {
        client.release();
      }
    },
  };

  subscribe<Tx = PoolClient>(name: string, handler: BatchHandler<Tx>, options: SubscribeOptions<Tx> = {}): Subscription {
    if (this.closed) throw new Error('Event store is closed');
    void this.ensureListener();
    const transactor = (options.transactor ?? this.transactor) as SubscriptionTransactor<Tx>;
    this.reader.expectBatchesOf(Math.max(1, options.batchSize ?? 500));
    const sub: PgSubscription<Tx> = new PgSubscription<Tx>(this, name, handler, options, transactor, this.wake, () =>
      this.subscriptions.delete(sub as PgSubscription<unknown>),
    );
    this.subscriptions.add(sub as PgSubscription<unknown>);
    sub.start();
    return sub;
  }

  /**
   * The durable subscriptions this process runs: whether it holds each one's lease and, when it
   * does, how far behind the log it is (events after its checkpoint, capped at `lagCap`, and the
   * age of the oldest of them). Reported by the worker's heartbeat.
   */
  async subscriptionStatus(lagCap = 100_000): Promise<SubscriptionStatus[]> {
    const subs = [...this.subscriptions].map((s) => ({ name: s.name, holdsLease: s.holdsLease, checkpoint: s.checkpoint }));
    const measured = subs.filter((s) => s.holdsLease);
    const lag = new Map<string, { events: number; oldest: Date | null }>();
    if (measured.length) {
      const cps = measured.map((s) => parseCheckpoint(s.checkpoint));
      const { rows } = await this.pool.query<{ name: string; events: number; oldest: Date | null }>(
        `SELECT c.name,
                (SELECT count(*)::int FROM (SELECT 1 FROM es_events e WHERE (e.tx_id, e.position) > (c.tx::xid8, c.pos) LIMIT $4) x) AS events,
                (SELECT e.recorded_at FROM es_events e WHERE (e.tx_id, e.position) > (c.tx::xid8, c.pos) ORDER BY e.tx_id, e.position LIMIT 1) AS oldest
           FROM unnest($1::text[], $2::text[], $3::bigint[]) AS c(name, tx, pos)`,
        [measured.map((s) => s.name), cps.map((c) => c.txId), cps.map((c) => c.position), lagCap],
      );
      for (const r of rows) lag.set(r.name, { events: r.events, oldest: r.oldest });
    }
    const now = Date.now();
    return subs
      .map((s) => {
        const l = lag.get(s.name);
        const position = parseCheckpoint(s.checkpoint).position;
        if (!s.holdsLease || !l) return { name: s.name, holdsLease: s.holdsLease, position };
        return {
          name: s.name,
          holdsLease: true,
          position,
          lagEvents: l.events,
          lagSeconds: l.oldest ? Math.max(0, Math.round((now - l.oldest.getTime()) / 100) / 10) : 0,
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** One LISTEN connection per store wakes every subscription; reconnects when lost. */
  private ensureListener(): Promise<void> {
    if (this.listener || this.closed) return Promise.resolve();
    if (!this.listenerStarting) {
      this.listenerStarting = (async () => {
        const c = new Client({ connectionString: this.options.connectionString, application_name: 'ciclo-listener' });
        c.on('notification', () => this.notified());
        c.on('error', () => {
          this.listener = null;
          c.end().catch(() => undefined);
          if (!this.closed) setTimeout(() => void this.ensureListener(), 1000).unref();
        });
        await c.connect();
        await c.query(`LISTEN ${EVENTS_CHANNEL}`);
        this.listener = c;
        this.emitWake();
      })()
        .catch(() => {
          if (!this.closed) setTimeout(() => void this.ensureListener(), 1000).unref();
        })
        .finally(() => {
          this.listenerStarting = null;
        });
    }
    return this.listenerStarting;
  }

  /**
   * A commit was notified: wake the subscribers once `wakeDelayMs` has passed, or `busyWakeDelayMs`
   * when the previous wake was less than that long ago (later notifications join).
   */
  private notified(): void {
    if (this.wakeTimer) return;
    const busy = performance.now() - this.lastWakeAt < this.busyWakeDelayMs;
    if (busy) this.busyWakes++;
    const delay = busy ? this.busyWakeDelayMs : this.wakeDelayMs;
    if (delay === 0) return this.emitWake();
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.emitWake();
    }, delay);
  }

  private emitWake(): void {
    this.lastWakeAt = performance.now();
    this.wakes++;
    this.wake.emit('wake');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.notifier.close();
    if (this.listenerStarting) await this.listenerStarting;
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
    if (this.ownsPool) await this.pool.end();
  }
}
