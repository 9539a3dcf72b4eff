/**
 * Subscriptions sharing one read of the log: `npm run bench -- fanout [--rate 100] [--seconds 10]
 * [--subscriptions 6] [--wake-delays 0,10,25,10/50]`.
 *
 * For each wake delay, on a throwaway database: `D` waits D ms after every notification
 * (`wakeDelayMs` and `busyWakeDelayMs` of the store both D); `D/B`, the store's own rule, D ms after a
 * quiet spell and B ms while commits keep coming (the defaults are 10/50). One store appends
 * one-event commits open loop at `rate` per second for `seconds`; another store runs
 * `subscriptions` durable subscriptions as the worker does (batches of 1,000, one of 2,000 like the
 * sealer; their handlers do nothing, so what is measured is the reading and the checkpoint
 * transactions). Reported per wake delay (`wake_delay_ms`, `busy_wake_delay_ms`):
 *   checkpoint_tx_per_event   batches applied, all subscriptions together, per event appended
 *   db_tx_per_event           transactions committed in the database (pg_stat_database), appends included
 *   log_queries_per_event     queries of the log sent for the subscriptions (`store.logReads`)
 *   cpu_ms_per_event          this process's CPU (writer and subscribers together) per event
 *   lag_p50_ms / p99 / max    from the event's `recordedAt` to the first subscription's handler
 * Progress goes to stderr; the last stdout line is the JSON result, with the load average.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { PostgresEventStore, type Subscription } from '@ciclo/event-store';
import { adminUrl, createBenchDatabase, log, numberArg, percentile, round, sleep } from './support/harness';

const rate = numberArg('rate', 100);
const seconds = numberArg('seconds', 10);
const subscriptions = Math.max(1, Math.round(numberArg('subscriptions', 6)));
const delaysArg = process.argv.find((a, i) => process.argv[i - 1] === '--wake-delays') ?? process.argv.find((a) => a.startsWith('--wake-delays='))?.split('=')[1];
const delays = (delaysArg ?? '0,10,25,10/50').split(',').map((d) => {
  const [wake, busy = wake] = d.split('/').map(Number);
  return { wake, busy };
});
if (delays.some((d) => ![d.wake, d.busy].every((x) => Number.isInteger(x) && x >= 0) || d.busy < d.wake))
  throw new Error(`--wake-delays must list whole milliseconds D or D/B with B ≥ D, got "${delaysArg}"`);

async function committedTransactions(admin: Client, db: string): Promise<number> {
  // The statistics are flushed about once a second: read them after a pause.
  await sleep(1200);
  return Number((await admin.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1', [db])).rows[0].n);
}

async function measure(wakeDelayMs: number, busyWakeDelayMs: number): Promise<Record<string, number>> {
  const db = await createBenchDatabase();
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  const writer = new PostgresEventStore({ connectionString: db.url, poolSize: 4 });
  const store = new PostgresEventStore({ connectionString: db.url, poolSize: subscriptions + 6, wakeDelayMs, busyWakeDelayMs });
  const subs: Subscription[] = [];
  try {
    await writer.migrate();
    const lags: number[] = [];
    let batches = 0;
    for (let i = 0; i < subscriptions; i++) {
      subs.push(
        store.subscribe(
          `fanout-${i}`,
          async (events) => {
            batches++;
            if (i === 0) for (const e of events) lags.push(Date.now() - e.recordedAt.getTime());
          },
          { batchSize: i === 1 ? 2000 : 1000 },
        ),
      );
    }
    await Promise.all(subs.map((s) => s.caughtUp));
    const n = Math.round(rate * seconds);
    log(`wake delay ${wakeDelayMs} ms (${busyWakeDelayMs} ms while busy): ${n} commits at ${rate}/s, ${subscriptions} subscriptions`);
    const tx0 = await committedTransactions(admin, db.name);
    const reads0 = store.logReads;
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const appends: Promise<unknown>[] = [];
    for (let k = 0; k < n; k++) {
      const wait = t0 + (k * 1000) / rate - Date.now();
      if (wait > 0) await sleep(wait);
      const meta = { tenant: 'cciaa-po', actorId: 'bench', actorRole: 'po', occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null, schemaVersion: 1 };
      appends.push(writer.append(`cciaa-po/cycle-${randomUUID()}`, [{ eventId: randomUUID(), type: 'BenchEvent', data: { k }, metadata: meta }], { expectedVersion: 'no_stream' }));
    }
    await Promise.all(appends);
    for (let i = 0; i < 3000 && lags.length < n; i++) await sleep(10);
    const cpu = process.cpuUsage(cpu0);
    const tx1 = await committedTransactions(admin, db.name);
    const reads = store.logReads;
    return {
      wake_delay_ms: wakeDelayMs,
      busy_wake_delay_ms: busyWakeDelayMs,
      events: n,
      checkpoint_tx_per_event: round(batches / n, 2),
      db_tx_per_event: round((tx1 - tx0) / n, 2),
      log_queries_per_event: round((reads.queries - reads0.queries) / n, 2),
      cpu_ms_per_event: round((cpu.user + cpu.system) / 1000 / n, 3),
      lag_p50_ms: percentile(lags, 50),
      lag_p99_ms: percentile(lags, 99),
      lag_max_ms: percentile(lags, 100),
      lag_missing: n - lags.length,
    };
  } finally {
    await Promise.all(subs.map((s) => s.stop()));
    await store.close();
    await writer.close();
    await admin.end();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0];
  const runs = [];
  for (const d of delays) runs.push(await measure(d.wake, d.busy));
  console.log(JSON.stringify({ benchmark: 'fanout', rate, seconds, subscriptions, runs, loadavg_1m_before: round(loadBefore, 2), loadavg_1m_after: round(loadavg()[0], 2) }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
