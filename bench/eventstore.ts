/**
 * Event store benchmark: `npm run bench -- eventstore [--duration 5] [--warmup 1] [--writers 8] [--payload 256]`.
 *
 * On a throwaway database `ciclo_bench_<random>` (dropped at the end), measures in one run:
 *   raw_insert_per_s          one-row INSERT + commit into a plain table (jsonb payload as large as an
 *                             event's data + metadata), `writers` concurrent connections: the floor
 *   append_single_per_s       one-event appends with an expected version, `writers` concurrent writers,
 *                             each on its own streams, while a durable subscription follows
 *   subscription_lag_p99_ms   for each event of the previous phase's measured window: time from the
 *                             append promise resolving to the subscription handler receiving it
 *   append_batch_events_per_s 100-event appends, `writers` concurrent writers on distinct streams
 *   read_all_events_per_s     one reader paging `readAll` (1000 events a page) over the whole log
 *   rss_mb                    peak resident memory of this process
 * Each phase warms up for `--warmup` seconds, then counts the operations completed across all
 * workers during `--duration` seconds. Progress goes to stderr; the last stdout line is the JSON result.
 */
import { cpus, loadavg } from 'node:os';
import { Pool } from 'pg';
import { PostgresEventStore, type NewEvent } from '@ciclo/event-store';
import {
  createBenchDatabase,
  log,
  numberArg,
  percentile,
  round,
  rssSampler,
  runPhase,
  sleep,
} from './support/harness';
import { benchEvent, measureRawInsert, RAW_TENANT as TENANT } from './support/raw-insert';

const BATCH = 100;
const PAGE = 1000;

const durationMs = numberArg('duration', 5) * 1000;
const warmupMs = numberArg('warmup', 1) * 1000;
const writers = Math.round(numberArg('writers', 8));
const payloadBytes = Math.round(numberArg('payload', 256));

const makeEvent = (seq: number): NewEvent => benchEvent(seq, payloadBytes);

async function main(): Promise<void> {
  const rss = rssSampler();
  const db = await createBenchDatabase();
  let store: PostgresEventStore | null = null;
  let rawPool: Pool | null = null;
  const cleanup = async () => {
    await store?.close().catch(() => undefined);
    await rawPool?.end().catch(() => undefined);
    await db.drop();
  };
  process.once('SIGINT', () => {
    log('interrupted: dropping the database');
    void cleanup().finally(() => process.exit(130));
  });

  const loadBefore = loadavg()[0];
  try {
    log(
      `database ${db.name}; ${writers} writers, ${durationMs / 1000} s measured after ${warmupMs / 1000} s warm-up per phase`,
    );
    // Writers + the subscription's lease, read and batch connections.
    store = new PostgresEventStore({ connectionString: db.url, poolSize: writers + 4 });
    await store.migrate();
    rawPool = new Pool({ connectionString: db.url, max: writers, application_name: 'ciclo-bench-raw' });
    // pool.end() may resolve before every socket is closed; DROP ... WITH (FORCE) then ends them.
    rawPool.on('error', () => undefined);
    const { rows: env } = await rawPool.query<{ version: string; sync: string }>(
      `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS sync`,
    );
    const sample = makeEvent(0);
    const eventBytes =
      Buffer.byteLength(JSON.stringify(sample.data)) + Buffer.byteLength(JSON.stringify(sample.metadata));

    // 1. The floor: plain one-row inserts, one transaction each, same payload size.
    log('phase raw_insert');
    const raw = await measureRawInsert(rawPool, { writers, warmupMs, durationMs, payloadBytes });
    log(`raw_insert: ${round(raw.unitsPerSecond)} rows/s`);

    // 2. Single-event appends with a subscription following; lag measured per event.
    log('phase append_single (+ subscription lag)');
    const resolvedAt = new Map<string, number>();
    const receivedAt = new Map<string, number>();
    let lagBatches = 0;
    const sub = store.subscribe('bench-lag', async (events) => {
      const now = performance.now();
      for (const e of events) receivedAt.set(e.eventId, now);
      lagBatches++;
    });
    await sub.caughtUp;
    // Subscriptions read below the cluster-wide xmin: a transaction holding an xid in ANY database
    // of the server delays delivery. Record the oldest such transaction seen outside this database.
    let foreignXidTxMaxMs = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await rawPool!
          .query<{ ms: number | null }>(
            `SELECT max(extract(epoch FROM clock_timestamp() - xact_start)) * 1000 AS ms
               FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()`,
          )
          .catch(() => ({ rows: [{ ms: null }] }));
        foreignXidTxMaxMs = Math.max(foreignXidTxMaxMs, Number(rows[0].ms ?? 0));
        await sleep(50);
      }
    })();
    const versions = new Map<string, number>();
    // Commit notifications sent during the phase (warm-up included), per second of the phase.
    const notified = { count: store.notificationsSent, at: performance.now() };
    const single = await runPhase(
      writers,
      async (w, i, measuring) => {
        const stream = `${TENANT}/single-${w}-${Math.floor(i / 50)}`;
        const e = makeEvent(i);
        const r = await store!.append(stream, [e], { expectedVersion: versions.get(stream) ?? 0 });
        const now = performance.now();
        versions.set(stream, r.nextVersion);
        if (measuring()) resolvedAt.set(e.eventId, now);
        return 1;
      },
      warmupMs,
      durationMs,
    );
    const notificationsPerS = (store.notificationsSent - notified.count) / ((performance.now() - notified.at) / 1000);
    log(`append_single: ${round(single.unitsPerSecond)} events/s, ${round(notificationsPerS)} commit notifications/s`);
    const waitUntil = Date.now() + 15000;
    const allReceived = () => [...resolvedAt.keys()].every((id) => receivedAt.has(id));
    while (!allReceived() && Date.now() < waitUntil) await sleep(50);
    await sub.stop();
    sampling = false;
    await sampler;
    const lags: number[] = [];
    let undelivered = 0;
    for (const [id, t] of resolvedAt) {
      const r = receivedAt.get(id);
      if (r === undefined) undelivered++;
      else lags.push(r - t);
    }
    const lagP50 = percentile(lags, 50);
    const lagP99 = undelivered > 0 ? null : percentile(lags, 99);
    const lagMax = lags.length ? lags[lags.length - 1] : Number.NaN;
    const deliveredBeforeResolve = lags.filter((l) => l < 0).length;
    log(
      `subscription lag: p50 ${round(lagP50, 1)} ms, p99 ${lagP99 === null ? 'n/a' : round(lagP99, 1)} ms, max ${round(lagMax, 1)} ms ` +
        `over ${lags.length} events (${undelivered} undelivered, ${deliveredBeforeResolve} delivered before their append resolved), ${lagBatches} batches`,
    );

    // 3. 100-event appends on distinct streams.
    log('phase append_batch');
    const batch = await runPhase(
      writers,
      async (w, i) => {
        const stream = `${TENANT}/batch-${w}-${Math.floor(i / 10)}`;
        const events = Array.from({ length: BATCH }, (_, k) => makeEvent(i * BATCH + k));
        const r = await store!.append(stream, events, { expectedVersion: versions.get(stream) ?? 0 });
        versions.set(stream, r.nextVersion);
        return BATCH;
      },
      warmupMs,
      durationMs,
    );
    log(`append_batch: ${round(batch.unitsPerSecond)} events/s`);

    // 4. One reader paging the whole log.
    const head = await store.headPosition();
    const { rows: countRows } = await rawPool.query<{ n: string }>('SELECT count(*) AS n FROM es_events');
    log(`phase read_all over ${countRows[0].n} events (head position ${head})`);
    let from = 0;
    const read = await runPhase(
      1,
      async () => {
        const page = await store!.readAll({ from, limit: PAGE });
        from = page.length < PAGE ? 0 : page[page.length - 1].position + 1;
        return page.length;
      },
      warmupMs,
      durationMs,
    );
    log(`read_all: ${round(read.unitsPerSecond)} events/s`);

    const rssMb = rss.peakMb();
    rss.stop();
    const targets = {
      append_single_per_s: round(0.5 * raw.unitsPerSecond),
      append_batch_events_per_s: 30000,
      read_all_events_per_s: 50000,
      subscription_lag_p99_ms: 100,
    };
    const pass = {
      append_single_per_s: single.unitsPerSecond >= targets.append_single_per_s,
      append_batch_events_per_s: batch.unitsPerSecond >= targets.append_batch_events_per_s,
      read_all_events_per_s: read.unitsPerSecond >= targets.read_all_events_per_s,
      subscription_lag_p99_ms: lagP99 !== null && lagP99 <= targets.subscription_lag_p99_ms,
    };
    const result = {
      benchmark: 'eventstore',
      date: new Date().toISOString(),
      raw_insert_per_s: round(raw.unitsPerSecond),
      append_single_per_s: round(single.unitsPerSecond),
      append_batch_events_per_s: round(batch.unitsPerSecond),
      read_all_events_per_s: round(read.unitsPerSecond),
      subscription_lag_p99_ms: lagP99 === null ? null : round(lagP99, 1),
      rss_mb: round(rssMb, 1),
      targets,
      pass,
      all_pass: Object.values(pass).every(Boolean),
      context: {
        subscription_lag_p50_ms: round(lagP50, 1),
        subscription_lag_max_ms: round(lagMax, 1),
        subscription_lag_events: lags.length,
        subscription_undelivered: undelivered,
        append_single_notifications_per_s: round(notificationsPerS),
        other_db_xid_tx_max_ms: round(foreignXidTxMaxMs),
        writers,
        duration_s: durationMs / 1000,
        warmup_s: warmupMs / 1000,
        event_json_bytes: eventBytes,
        read_page: PAGE,
        log_events: Number(countRows[0].n),
        cpus: cpus().length,
        loadavg_1m_before: round(loadBefore, 2),
        loadavg_1m_after: round(loadavg()[0], 2),
        node: process.version,
        postgres: env[0].version,
        synchronous_commit: env[0].sync,
      },
    };
    await cleanup();
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
