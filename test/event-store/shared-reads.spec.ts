import { Client } from 'pg';
import { contentHash, PostgresEventStore, type PostgresEventStoreOptions, type RecordedEvent, type Subscription } from '@ciclo/event-store';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { anEvent, sleep, uniqueStream } from './fixtures';

/**
 * The subscriptions of one store read the log together: one query per checkpoint, whatever the
 * number of subscribers, and each subscriber still gets every event once, in commit order.
 */
const T = 'cciaa-shared';

interface Follower {
  sub: Subscription;
  events: RecordedEvent[];
  batches: number[];
}

async function until(what: () => boolean, ms = 15000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what() && Date.now() < deadline) await sleep(10);
  expect(what()).toBe(true);
}

describe('shared log reads (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let followers: Follower[] = [];

  function follow(name: string, batchSize: number): Follower {
    const f: Follower = { events: [], batches: [], sub: undefined as unknown as Subscription };
    f.sub = store.subscribe(
      name,
      async (events) => {
        f.events.push(...events);
        f.batches.push(events.length);
      },
      // No polling: only notifications wake the subscribers, so every read is accounted for.
      { batchSize, pollIntervalMs: 600000 },
    );
    followers.push(f);
    return f;
  }

  /** Waits until the whole log (`n` events) is readable, so that batch boundaries are known. */
  async function readable(n: number): Promise<void> {
    for (let i = 0; i < 1500; i++) {
      if ((await store.readCommitted(null, n + 1)).events.length >= n) return;
      await sleep(10);
    }
    throw new Error(`fewer than ${n} events readable`);
  }

  /** A store with these wake delays, a new stream with one event of `type`, and `name` following it, caught up. */
  async function followOnStore(name: string, type: string, wake: Pick<PostgresEventStoreOptions, 'wakeDelayMs' | 'busyWakeDelayMs' | 'notifyIntervalMs'>): Promise<{ s: string; f: Follower }> {
    await store.close();
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 4, ...wake });
    const s = uniqueStream(T);
    await store.append(s, [anEvent(T, type, { n: 0 })], { expectedVersion: 'no_stream' });
    await readable(1);
    const f = follow(name, 100);
    await f.sub.caughtUp;
    return { s, f };
  }

  /** Waits until `ms` pass without the store waking its subscribers. */
  async function quietSpell(ms: number): Promise<void> {
    for (let seen = -1; store.wakeCount !== seen; ) {
      seen = store.wakeCount;
      await sleep(ms);
    }
  }

  beforeEach(async () => {
    db = await createTestDatabase('sharedreads');
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 12 });
    await store.migrate();
    followers = [];
  });
  afterEach(async () => {
    await Promise.all(followers.map((f) => f.sub.stop()));
    await store.close();
    await db.drop();
  });

  it('six subscriptions at the same checkpoint send one query per batch, and each gets every event once', async () => {
    const s = uniqueStream(T);
    await store.append(s, Array.from({ length: 25 }, (_, n) => anEvent(T, 'P', { n })), { expectedVersion: 'no_stream' });
    await readable(25);
    const before = store.logReads;
    const six = Array.from({ length: 6 }, (_, i) => follow(`shared-${i}`, 10));
    await Promise.all(six.map((f) => f.sub.caughtUp));
    const all = (await store.readCommitted(null, 100)).events.map((e) => e.position);
    for (const f of six) {
      expect(f.events.map((e) => e.position)).toEqual(all);
      expect(f.batches).toEqual([10, 10, 5]);
    }
    const catchUp = store.logReads;
    // Three batches, one query each: without sharing it would be eighteen.
    expect(catchUp.nonEmptyQueries - before.nonEmptyQueries).toBe(3);
    expect(catchUp.reads - before.reads).toBeGreaterThanOrEqual(18);
    expect(catchUp.joined + catchUp.cached - before.joined - before.cached).toBeGreaterThanOrEqual(15);

    // Live: one commit wakes all six, which read it with a single query.
    const r = await store.append(s, [anEvent(T, 'P', { n: 25 })], { expectedVersion: 25 });
    await until(() => six.every((f) => f.events.length === 26));
    await sleep(100);
    for (const f of six) {
      expect(f.events.map((e) => e.position)).toEqual([...all, r.positions[0]]);
      expect(new Set(f.events.map((e) => e.eventId)).size).toBe(26);
    }
    expect(store.logReads.nonEmptyQueries - catchUp.nonEmptyQueries).toBe(1);
  });

  it('subscriptions with different batch sizes share reads and each gets the log once, in order, in batches no larger than asked', async () => {
    const s = uniqueStream(T);
    await store.append(s, Array.from({ length: 40 }, (_, n) => anEvent(T, 'P', { n })), { expectedVersion: 'no_stream' });
    await readable(40);
    const sizes = [3, 7, 16];
    const fs = sizes.map((size) => follow(`sizes-${size}`, size));
    await Promise.all(fs.map((f) => f.sub.caughtUp));
    const all = (await store.readCommitted(null, 100)).events.map((e) => e.position);
    fs.forEach((f, i) => {
      expect(f.events.map((e) => e.position)).toEqual(all);
      expect(Math.max(...f.batches)).toBeLessThanOrEqual(sizes[i]);
    });
    const reads = store.logReads;
    // Every query asks for the largest batch (16): three queries cover the 40 events.
    expect(reads.nonEmptyQueries).toBe(3);
    expect(reads.reads).toBeGreaterThanOrEqual(fs.reduce((n, f) => n + f.batches.length, 0));
  });

  it('a batch read before a running transaction commits is followed by that transaction and the later ones, in commit order', async () => {
    const s = uniqueStream(T);
    await store.append(s, [anEvent(T, 'P', { n: 0 })], { expectedVersion: 'no_stream' });
    await readable(1);
    const leader = follow('frontier-leader', 5);
    await leader.sub.caughtUp;
    expect(leader.events).toHaveLength(1);

    // A transaction takes its id and writes, still open: what commits after it must wait for it.
    const held = new Client({ connectionString: db.url });
    await held.connect();
    try {
      await held.query('BEGIN');
      const early = anEvent(T, 'P', { n: 1 });
      await held.query('SELECT * FROM es_append($1, $2, $3, $4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[])', [
        s,
        T,
        '1',
        [early.eventId],
        [early.type],
        [JSON.stringify(early.data)],
        [JSON.stringify(early.metadata)],
        [contentHash(early)],
      ]);
      const other = uniqueStream(T);
      await store.append(other, [anEvent(T, 'P', { n: 2 })], { expectedVersion: 'no_stream' });
      // The later commit is not readable yet; a subscriber starting now shares the first batch.
      const trailer = follow('frontier-trailer', 2);
      await until(() => trailer.events.length === 1);
      await sleep(100);
      expect(leader.events).toHaveLength(1);
      expect(trailer.events).toHaveLength(1);
      await held.query('COMMIT');
      await until(() => leader.events.length === 3 && trailer.events.length === 3);
    } finally {
      await held.end();
    }
    await sleep(100);
    for (const f of followers) {
      expect(f.events.map((e) => e.data.n)).toEqual([0, 1, 2]);
    }
  });

  it('a subscription started later is caught up only once a read sent after it started found nothing more', async () => {
    const s = uniqueStream(T);
    const early = follow('early', 100);
    for (let n = 0; n < 3; n++) {
      await store.append(s, [anEvent(T, 'P', { n })], { expectedVersion: n === 0 ? 'no_stream' : n });
      await until(() => early.events.length === n + 1);
    }
    // Each of those batches was read once and kept, the first one complete when it was read.
    expect(store.logReads.nonEmptyQueries).toBe(3);
    const late = follow('late', 100);
    await late.sub.caughtUp;
    expect(late.events.map((e) => e.data.n)).toEqual([0, 1, 2]);
  });

  it('commits notified within the wake delay are read as one batch', async () => {
    const { s, f } = await followOnStore('coalesced', 'P', { wakeDelayMs: 1000 });
    await quietSpell(500);
    const wakes = store.wakeCount;
    const started = Date.now();
    for (let n = 1; n <= 3; n++) await store.append(s, [anEvent(T, 'P', { n })], { expectedVersion: n });
    const appended = Date.now() - started;
    await until(() => f.events.length === 4);
    await sleep(500);
    expect(appended).toBeLessThan(1000);
    // One wake for the three commits (a commit behind another database's running transaction may
    // still split the read, so the batches are only summed).
    expect(store.wakeCount - wakes).toBe(1);
    expect(f.batches[0]).toBe(1);
    expect(f.batches.slice(1).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('while commits keep coming, subscribers wait the longer busy delay; after a quiet spell, the short one', async () => {
    const { s, f } = await followOnStore('busy', 'B', { wakeDelayMs: 10, busyWakeDelayMs: 400 });
    // A quiet spell: 600 ms without a wake (the listener's connection and the first commit's
    // notification wake the subscribers too, later on a loaded machine).
    await quietSpell(600);
    // A commit after a quiet spell (longer than the busy delay): its wake waits the short delay.
    const quietWakes = store.wakeCount;
    const quietBusy = store.busyWakeCount;
    await store.append(s, [anEvent(T, 'B', { n: 1 })], { expectedVersion: 1 });
    await until(() => f.events.length === 2);
    expect(store.wakeCount - quietWakes).toBe(1);
    expect(store.busyWakeCount - quietBusy).toBe(0);
    // Twenty commits 25 ms apart right after it: the wakes wait the busy delay, so a few wakes read
    // them all (with the short delay alone, about one wake per commit).
    const wakes = store.wakeCount;
    const busy = store.busyWakeCount;
    for (let n = 2; n <= 21; n++) {
      await store.append(s, [anEvent(T, 'B', { n })], { expectedVersion: n });
      await sleep(25);
    }
    await until(() => f.events.length === 22);
    expect(store.busyWakeCount - busy).toBeGreaterThanOrEqual(1);
    expect(store.wakeCount - wakes).toBeLessThanOrEqual(10);
    expect(f.events.map((e) => e.data.n)).toEqual(Array.from({ length: 22 }, (_, n) => n));
  });

  it('commits within the notify interval are announced by one notification, the first at once and the rest when it ends', async () => {
    const { s, f } = await followOnStore('announced', 'N', { wakeDelayMs: 0, notifyIntervalMs: 1500 });
    await sleep(1600);
    await quietSpell(300);
    const sent = store.notificationsSent;
    const started = Date.now();
    // After a quiet spell a commit is announced at once (no polling: only a notification delivers it).
    await store.append(s, [anEvent(T, 'N', { n: 1 })], { expectedVersion: 1 });
    await until(() => f.events.length === 2);
    expect(store.notificationsSent - sent).toBe(1);
    // Four more commits within the interval: none announced yet, then all by one notification.
    for (let n = 2; n <= 5; n++) await store.append(s, [anEvent(T, 'N', { n })], { expectedVersion: n });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(store.notificationsSent - sent).toBe(1);
    await until(() => f.events.length === 6);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(store.notificationsSent - sent).toBe(2);
    expect(f.events.map((e) => e.data.n)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
