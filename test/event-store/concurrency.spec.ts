import {
  PostgresEventStore,
  WrongExpectedVersion,
  serializeCheckpoint,
  type RecordedEvent,
} from '@ciclo/event-store';
import { createTestStore } from '../support/database';
import { anEvent, sleep } from './fixtures';

/**
 * 8 writers append concurrently for ~4 s to shared and private streams while one durable
 * subscription follows. Checks what a race in the append or in the committed-read order would
 * break: lost, duplicated or reordered deliveries, gaps or duplicates in stream versions, and
 * acknowledged appends that are not in the log.
 */
describe('PostgreSQL event store under concurrent writers', () => {
  const T = 'cciaa-conc';
  const WRITERS = 8;
  const RUN_MS = 4000;
  const SHARED = Array.from({ length: 3 }, (_, i) => `${T}/shared-${i}`);
  const SUB = 'concurrency-follower';

  let store: PostgresEventStore;
  let dispose: () => Promise<void>;

  // 8 writers + the subscription's lease, read and batch connections.
  beforeAll(async () => ({ store, dispose } = await createTestStore('concurrency', 16)));
  afterAll(() => dispose?.());

  it('delivers every event exactly once, each stream in version order, with gap-free versions', async () => {
    // --- the follower ---
    const delivered: RecordedEvent[] = [];
    const deliveredAt: number[] = [];
    const batchTimes: number[] = [];
    const subErrors: unknown[] = [];
    const sub = store.subscribe(
      SUB,
      async (events) => {
        const now = Date.now();
        for (const e of events) {
          delivered.push(e);
          deliveredAt.push(now);
        }
        batchTimes.push(now);
      },
      { batchSize: 200, pollIntervalMs: 200, onError: (err) => subErrors.push(err) },
    );
    await sub.caughtUp;

    // --- the writers ---
    const acknowledged = new Set<string>();
    let conflicts = 0;
    let sharedAppends = 0;
    const writerErrors: unknown[] = [];
    const deadline = Date.now() + RUN_MS;
    // On a loaded machine 4 s may not produce enough traffic: go on (up to 40 s) until it has.
    const hardDeadline = Date.now() + 40000;
    const running = () => Date.now() < deadline || (acknowledged.size < 400 && Date.now() < hardDeadline);

    const writer = async (w: number) => {
      const known = new Map<string, number>(); // stream -> version this writer last read
      let seq = 0;
      let privateStream = `${T}/writer${w}-0`;
      let privateCount = 0;
      while (running()) {
        seq++;
        const shared = seq % 3 === 0;
        if (!shared && privateCount >= 25) {
          privateStream = `${T}/writer${w}-${seq}`;
          privateCount = 0;
        }
        const stream = shared ? SHARED[(seq + w) % SHARED.length] : privateStream;
        const size = seq % 2 === 0 ? 2 + ((seq >> 1) % 4) : 1; // single events and batches of 2..5
        const events = Array.from({ length: size }, (_, i) => anEvent(T, 'Written', { w, seq, i }));
        for (let attempt = 0; ; attempt++) {
          // The expected version is read from the stream (only the part not seen yet).
          const from = known.get(stream) ?? 0;
          const tail = await store.readStream(stream, { fromVersion: from + 1 });
          const version = from + tail.length;
          known.set(stream, version);
          try {
            const r = await store.append(stream, events, { expectedVersion: version });
            expect(r.nextVersion).toBe(version + size);
            known.set(stream, r.nextVersion);
            for (const e of events) acknowledged.add(e.eventId);
            if (shared) sharedAppends++;
            else privateCount += size;
            break;
          } catch (err) {
            if (!(err instanceof WrongExpectedVersion) || attempt > 200) throw err;
            expect(err.actualVersion).toBeGreaterThan(version);
            conflicts++;
          }
        }
      }
    };
    const writersStarted = Date.now();
    await Promise.all(
      Array.from({ length: WRITERS }, (_, w) => writer(w).catch((err) => writerErrors.push(err))),
    );
    const writersDone = Date.now();
    expect(writerErrors).toEqual([]);
    expect(writersDone - writersStarted).toBeGreaterThanOrEqual(RUN_MS);

    // --- wait until the follower's checkpoint is the end of the log, in commit order ---
    const pool = store.pool;
    const last = await pool.query<{ tx_id: string; position: string }>(
      'SELECT e.tx_id::text AS tx_id, e.position FROM es_events e ORDER BY e.tx_id DESC, e.position DESC LIMIT 1',
    );
    const end = serializeCheckpoint({ txId: last.rows[0].tx_id, position: Number(last.rows[0].position) });
    for (let i = 0; i < 600 && (await store.checkpointOf(SUB)) !== end; i++) await sleep(50);
    expect(await store.checkpointOf(SUB)).toBe(end);
    await sub.stop();
    expect(subErrors).toEqual([]);

    // The load really was concurrent and contended.
    const { rows: ids } = await pool.query<{ event_id: string }>('SELECT event_id FROM es_events');
    expect(ids.length).toBeGreaterThan(300);
    expect(conflicts).toBeGreaterThan(0);
    expect(sharedAppends).toBeGreaterThan(0);

    // Every acknowledged append is in the log, and nothing else is.
    const stored = new Set(ids.map((r) => r.event_id));
    expect(stored.size).toBe(ids.length);
    expect(acknowledged.size).toBe(stored.size);
    expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);

    // Exactly once: no duplicates, and the delivered set is the stored set.
    const deliveredIds = delivered.map((e) => e.eventId);
    expect(new Set(deliveredIds).size).toBe(deliveredIds.length);
    expect(deliveredIds.length).toBe(stored.size);
    expect(deliveredIds.filter((id) => !stored.has(id))).toEqual([]);

    // Each stream's events arrived in strictly increasing (in fact consecutive) version order.
    const lastVersion = new Map<string, number>();
    const outOfOrder: string[] = [];
    for (const e of delivered) {
      const prev = lastVersion.get(e.streamId) ?? 0;
      if (e.version !== prev + 1) outOfOrder.push(`${e.streamId}: v${e.version} after v${prev}`);
      lastVersion.set(e.streamId, e.version);
    }
    expect(outOfOrder).toEqual([]);

    // Every stream's versions are exactly 1..N and its recorded head is N.
    const { rows: streams } = await pool.query<{
      stream_id: string;
      n: number;
      lo: number;
      hi: number;
      distinct_v: number;
      head: number | null;
    }>(
      `SELECT e.stream_id, count(*)::int AS n, min(e.version) AS lo, max(e.version) AS hi,
              count(DISTINCT e.version)::int AS distinct_v, s.version AS head
         FROM es_events e LEFT JOIN es_streams s USING (stream_id)
        GROUP BY e.stream_id, s.version`,
    );
    expect(streams.length).toBeGreaterThan(SHARED.length);
    const bad = streams.filter((s) => s.lo !== 1 || s.hi !== s.n || s.distinct_v !== s.n || s.head !== s.n);
    expect(bad).toEqual([]);
    for (const s of streams) expect(lastVersion.get(s.stream_id)).toBe(s.n);
    for (const s of SHARED) expect(streams.find((x) => x.stream_id === s)?.n).toBeGreaterThan(10);

    // Delivery was live: events reached the follower, batch after batch, while writers ran. (Not a
    // share of them: any transaction holding an xid anywhere on the server, e.g. another test file's,
    // holds delivery back until it ends, since reads stop at the cluster-wide xmin.)
    const live = deliveredAt.filter((t) => t < writersDone).length;
    const liveBatches = batchTimes.filter((t) => t < writersDone).length;
    expect(live).toBeGreaterThan(0);
    expect(liveBatches).toBeGreaterThanOrEqual(3);
  });
});
