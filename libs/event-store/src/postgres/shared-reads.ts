import type { Checkpoint, RecordedEvent } from '../types';
import { parseCheckpoint, serializeCheckpoint } from './rows';

/** A page of the committed log as the query returned it, with the checkpoint after each event. */
export interface CommittedRows {
  events: RecordedEvent[];
  checkpoints: Checkpoint[];
}

/** What a subscription's query of the log answers: the page, and whether more waits behind a running transaction. */
export interface SubscriptionRows extends CommittedRows {
  /** Events after the checkpoint asked for were committed but are not readable yet (same snapshot as the page). */
  pending: boolean;
}

/** What a subscription gets from the shared reader. */
export interface SubscriptionRead {
  events: RecordedEvent[];
  /** Checkpoint after the last event (the one asked for when there are none). */
  checkpoint: Checkpoint | null;
  /**
   * True when nothing readable was left after these events at the moment of the read: the query
   * returned fewer rows than it asked for (or none).
   */
  complete: boolean;
  /** With `complete`: events after these ones were already committed but wait behind a running transaction. */
  pending: boolean;
  /** The store's wake count when the read was sent: a wake since then may bring what the read missed. */
  wakeSeq: number;
  /** The number of the query that read these events (`SharedLogReader.queriesSent` when it was sent). */
  query: number;
}

/** What the shared reader did since the store was opened (tests, diagnostics). */
export interface LogReadCounters {
  /** Queries of the log sent on behalf of subscriptions. */
  queries: number;
  /** Of those, the ones that returned events. */
  nonEmptyQueries: number;
  /** Reads answered, however (own query, joined query, cached batch). */
  reads: number;
  /** Reads answered by a query another subscription had already sent. */
  joined: number;
  /** Reads answered from a recent batch. */
  cached: number;
}

interface Batch extends CommittedRows {
  from: Checkpoint;
  complete: boolean;
  pending: boolean;
  wakeSeq: number;
  query: number;
}

export interface SharedLogReaderOptions {
  /** Queries the committed log: events after `after`, in commit order, at most `limit`, and whether more are pending. */
  query(after: Checkpoint | null, limit: number): Promise<SubscriptionRows>;
  /** The store's wake count (incremented each time subscribers are woken). */
  wakeSeq(): number;
  /** Events kept in recent batches, all batches together (default 5,000). */
  maxCachedEvents?: number;
}

const key = (c: Checkpoint | null): Checkpoint => serializeCheckpoint(parseCheckpoint(c));

/**
 * One read of the log per process, fanned out to its subscriptions. Subscriptions asking for the
 * same checkpoint while a query is in flight share it, and the recent non-empty batches are kept
 * (bounded) so that a subscription trailing another by a batch reads it from memory.
 *
 * Why a batch read earlier may be handed out later: `readCommitted` returns rows in
 * `(tx_id, position)` order and only those with `tx_id` below `pg_snapshot_xmin`, the oldest
 * transaction still running. Every transaction below that frontier has ended, and any transaction
 * still to write gets a larger id, so the rows below a frontier never change; the frontier only
 * moves up, and rows it admits later sort after all rows it admitted before. The first n events
 * after a checkpoint, once read, are therefore the first n events after it in every later read:
 * a cached batch (or any prefix of one) is still a prefix of the committed log after its
 * checkpoint. The log is append-only, so nothing read can change afterwards.
 *
 * What depends on the moment is handled with the wake count. An empty result is never kept (it is
 * shared only by subscriptions that ask while its query is in flight). Every read carries the
 * store's wake count from before its query was sent, and whether it was complete and found events
 * waiting behind a running transaction, both as of that query's snapshot. A commit the snapshot
 * did not see sends its notification after the snapshot, so by the time a subscriber decides to
 * wait the count has moved (it reads again) or will move (the wake ends the wait): nothing is left
 * until the next poll, however old the read. A subscription started after a read's query does not
 * take that read as proof that it caught up (`SubscriptionRead.query`).
 */
export class SharedLogReader {
  readonly counters: LogReadCounters = { queries: 0, nonEmptyQueries: 0, reads: 0, joined: 0, cached: 0 };
  private readonly inFlight = new Map<Checkpoint, Promise<Batch>>();
  /** Recent batches, oldest first, and where each checkpoint inside them starts. */
  private batches: Batch[] = [];
  private readonly starts = new Map<Checkpoint, { batch: Batch; offset: number }>();
  private cachedEvents = 0;
  /** The largest batch any subscription asked for: each query asks for that many. */
  private readLimit = 1;

  constructor(private readonly o: SharedLogReaderOptions) {}

  /** Queries sent so far: a read answered by a query numbered above this one was sent after now. */
  get queriesSent(): number {
    return this.counters.queries;
  }

  /** A subscription with batches of `limit` events starts: queries ask for at least that many. */
  expectBatchesOf(limit: number): void {
    this.readLimit = Math.max(this.readLimit, limit);
  }

  async read(after: Checkpoint | null, limit: number): Promise<SubscriptionRead> {
    const k = key(after);
    this.counters.reads++;
    this.expectBatchesOf(limit);
    const hit = this.starts.get(k);
    if (hit) {
      this.counters.cached++;
      return this.slice(hit.batch, hit.offset, limit, after);
    }
    let shared = this.inFlight.get(k);
    if (shared) this.counters.joined++;
    else {
      shared = this.query(k, after);
      this.inFlight.set(k, shared);
      const forget = () => {
        if (this.inFlight.get(k) === shared) this.inFlight.delete(k);
      };
      shared.then(forget, forget);
    }
    return this.slice(await shared, 0, limit, after);
  }

  /** Forgets the recent batches (the log was restored underneath a running store). */
  clear(): void {
    this.batches = [];
    this.starts.clear();
    this.cachedEvents = 0;
  }

  private async query(k: Checkpoint, after: Checkpoint | null): Promise<Batch> {
    const wakeSeq = this.o.wakeSeq();
    const limit = this.readLimit;
    const query = ++this.counters.queries;
    const { events, checkpoints, pending } = await this.o.query(after, limit);
    const complete = events.length < limit;
    const batch: Batch = { events, checkpoints, from: k, complete, pending: complete && pending, wakeSeq, query };
    if (events.length) {
      this.counters.nonEmptyQueries++;
      this.remember(batch);
    }
    return batch;
  }

  private slice(batch: Batch, offset: number, limit: number, after: Checkpoint | null): SubscriptionRead {
    const events = batch.events.slice(offset, offset + limit);
    const endIndex = offset + events.length;
    return {
      events,
      checkpoint: events.length ? batch.checkpoints[endIndex - 1] : after,
      complete: batch.complete && endIndex === batch.events.length,
      pending: batch.pending,
      wakeSeq: batch.wakeSeq,
      query: batch.query,
    };
  }

  private remember(batch: Batch): void {
    const max = this.o.maxCachedEvents ?? 5000;
    if (batch.events.length > max) return;
    this.batches.push(batch);
    this.cachedEvents += batch.events.length;
    for (let i = 0; i < batch.events.length; i++) {
      this.starts.set(i === 0 ? batch.from : batch.checkpoints[i - 1], { batch, offset: i });
    }
    while (this.cachedEvents > max) {
      const old = this.batches.shift() as Batch;
      this.cachedEvents -= old.events.length;
      for (let i = 0; i < old.events.length; i++) {
        const k = i === 0 ? old.from : old.checkpoints[i - 1];
        if (this.starts.get(k)?.batch === old) this.starts.delete(k);
      }
    }
  }
}
