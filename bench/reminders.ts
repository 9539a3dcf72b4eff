/**
 * `npm run bench -- reminders`: the deadline scheduler and the reminder jobs.
 *
 * - schedule_per_s: 100,000 reminders from events to delayed BullMQ jobs. The cycles (Relazione
 *   annuale RPCT 2027, 6 reminders each by the injected clock of 1 June 2027) are written into the
 *   store first; the figure is reminders / time from the scheduler's start until its checkpoint
 *   reaches the head of the log (every job in Redis, checked with ZCARD).
 * - fire_delay_p99_ms: reminders due within the run: FIRE cycles whose 7-day reminder falls due a
 *   few seconds after the start (injected clock), all at the same instant (09:00 in Rome); from the
 *   due time to the SMTP server's acceptance (the hand-off), through a real SMTP server in this
 *   process, reminder workers with concurrency 16.
 * - worker_rss_mb: peak resident memory of this process (scheduler, workers, harness; the SMTP
 *   server is another process), with the worker app's heap growth bound (HEAP_GROWTH_PERCENT) and,
 *   through `npm run bench`, the worker app's Node flags (`node_flags`, scripts/app-command.js).
 * - crash_lost, crash_doubled: CRASH reminders (200) fall due at the same instant and go through a
 *   slow SMTP server (another process answering each message --slow-smtp-ms, 300, after receiving
 *   it, and reporting the reminder key of each message it accepted); the worker is another process,
 *   killed with SIGKILL --kills times (3) while it sends (after a quarter, half and three quarters
 *   of the messages) and started again at once. Once every key arrived (or after the leases
 *   expired and a grace time passed), lost = reminders with no message, doubled = messages beyond
 *   the first per key. Targets: 0 and 0 (a kill between the SMTP server's acceptance and the mark
 *   doubles one message: see docs/deadlines.md).
 * Options: --reminders N (100000), --fire N (100), --concurrency N (16), --crash N (200),
 * --slow-smtp-ms N (300), --kills N (3).
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import IORedis from 'ioredis';
import { decide, initialCycleState, type CycleDefinition } from '@ciclo/domain';
import { parseCheckpoint, PostgresEventStore } from '@ciclo/event-store';
import { DeadlinesRuntime, OffsetClock, REMINDER_QUEUE, SCHEDULER_SUBSCRIPTION } from '@ciclo/deadlines';
import { loadSettings } from '@ciclo/config';
import { limitHeapGrowth } from '@ciclo/platform';
import { migrateDatabase } from '../apps/cli/src/migrations';
import { crashPhase } from './support/reminder-crash';
import { definitions, directory, fireDef, fireDefinitions, rpct, startSmtpProcess, TENANT } from './support/reminder-fixtures';
import { createBenchDatabase, log, numberArg, percentile, round, rssSampler, sleep, type BenchDatabase } from './support/harness';

const REMINDERS = numberArg('reminders', 100_000);
const FIRE = numberArg('fire', 100);
const CONCURRENCY = numberArg('concurrency', 16);
const CRASH = numberArg('crash', 200);
const SLOW_SMTP_MS = numberArg('slow-smtp-ms', 300);
const KILLS = numberArg('kills', 3);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Writes `n` opened cycles straight into the store, 16 appends at a time. */
export async function openCycles(store: PostgresEventStore, n: number, def: CycleDefinition, now: Date): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < n) {
        next++;
        const cycleId = randomUUID();
        const [e] = decide({ type: 'open', cycleId, year: 2027 }, initialCycleState(), {
          actor: { userId: 'u-rpct', tenant: TENANT, roles: ['rpct'] },
          now,
          definition: def,
        });
        await store.append(
          `${TENANT}/cycle-${cycleId}`,
          [
            {
              eventId: randomUUID(),
              type: e.type,
              data: e.data,
              metadata: { tenant: TENANT, actorId: e.actorId, actorRole: e.actorRole, occurredAt: e.occurredAt, correlationId: randomUUID(), causationId: null, schemaVersion: 1, definitionVersion: def.version },
            },
          ],
          { expectedVersion: 'no_stream' },
        );
      }
    }),
  );
}

async function caughtUp(store: PostgresEventStore): Promise<void> {
  const head = await store.headPosition();
  for (;;) {
    const cp = await store.checkpointOf(SCHEDULER_SUBSCRIPTION);
    if (cp && parseCheckpoint(cp).position >= head) return;
    await sleep(20);
  }
}

/** The 1-minute load average when the benchmark starts (a busy machine skews every figure). */
const LOAD_BEFORE = round(loadavg()[0], 2);

async function main(): Promise<void> {
  // This process hosts the scheduler and the reminder workers as the worker app does: the same
  // bound on heap growth (HEAP_GROWTH_PERCENT), so that worker_rss_mb is the worker's figure.
  limitHeapGrowth(loadSettings(process.env));
  const rss = rssSampler(50);
  const prefix = `ciclo_bench_${randomUUID().slice(0, 8)}`;
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const dbs: BenchDatabase[] = [];
  // The SMTP server is another process, as a relay or a catcher would be.
  const smtp = await startSmtpProcess();
  const smtpProc = smtp.proc;
  const smtpUrl = smtp.url;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  try {
    // Phase 1: scheduling.
    const db = await createBenchDatabase();
    dbs.push(db);
    await migrateDatabase(db.url);
    const store = new PostgresEventStore({ connectionString: db.url, poolSize: 12 });
    const perCycle = 6;
    const cycles = Math.ceil(REMINDERS / perCycle);
    log(`writing ${cycles} opened cycles (${cycles * perCycle} reminders)`);
    const clock = new OffsetClock('2027-06-01T10:00:00Z');
    await openCycles(store, cycles, rpct, clock.now());
    gc();
    const rt = new DeadlinesRuntime({
      store,
      redisUrl: REDIS_URL,
      prefix,
      definitions,
      directory,
      smtpUrl,
      mailFrom: 'ciclo@bench.example.org',
      publicUrl: 'http://127.0.0.1',
      clock,
      retryDelayMs: 50,
      checkIntervalMs: 100,
      schedulerBatchSize: 1000,
      run: { scheduler: true, reminders: false, inbox: false, webhooks: false },
    });
    log('scheduling');
    const t0 = performance.now();
    await rt.start();
    await caughtUp(store);
    const seconds = (performance.now() - t0) / 1000;
    const delayed = await redis.zcard(`${prefix}:${REMINDER_QUEUE}:delayed`);
    if (delayed !== cycles * perCycle) throw new Error(`expected ${cycles * perCycle} delayed jobs, found ${delayed}`);
    log(`${delayed} delayed jobs in ${seconds.toFixed(2)} s`);
    await rt.stop();
    await store.close();

    // Phase 2: firing. A variant of the definition whose type picks the tenant's [7, 1, 0] offsets.
    const db2 = await createBenchDatabase();
    dbs.push(db2);
    await migrateDatabase(db2.url);
    const store2 = new PostgresEventStore({ connectionString: db2.url, poolSize: 24 });
    const fireDefs = fireDefinitions;
    const lead = 8_000; // the reminders fall due this long after the scheduler starts
    const clock2 = new OffsetClock(new Date(Date.parse('2027-12-09T08:00:00Z') - lead));
    await openCycles(store2, FIRE, fireDef, clock2.now());
    const offset = clock2.now().getTime() - Date.now();
    const delays: number[] = [];
    const rt2 = new DeadlinesRuntime({
      store: store2,
      redisUrl: REDIS_URL,
      prefix: `${prefix}_fire`,
      definitions: fireDefs,
      directory,
      smtpUrl,
      mailFrom: 'ciclo@bench.example.org',
      publicUrl: 'http://127.0.0.1',
      clock: clock2,
      concurrency: CONCURRENCY,
      retryDelayMs: 50,
      checkIntervalMs: 100,
      run: { scheduler: true, reminders: true, inbox: false, webhooks: false },
      onHandOff: () => {
        delays.push(Date.now() - (Date.parse('2027-12-09T08:00:00Z') - offset));
      },
    });
    clock2.set(new Date(Date.now() + offset)); // keep the same offset after the writes above
    await rt2.start();
    const starts: number[] = [];
    rt2.worker?.on('active', (job) => starts.push(Date.now() - (job.timestamp + (job.opts.delay ?? 0))));
    const deadline = Date.now() + lead + 60_000;
    while (delays.length < FIRE && Date.now() < deadline) await sleep(50);
    if (delays.length < FIRE) throw new Error(`only ${delays.length} of ${FIRE} reminders were sent`);
    if (process.env.BENCH_DEBUG) log(`job start lateness p50 ${percentile([...starts], 50)} p99 ${percentile([...starts], 99)} min ${Math.min(...starts)}`);
    await rt2.stop();
    await store2.close();

    // Phase 3: the worker killed while it sends through a slow SMTP server.
    const db3 = await createBenchDatabase();
    dbs.push(db3);
    await migrateDatabase(db3.url);
    const crash = await crashPhase({ dbUrl: db3.url, redisUrl: REDIS_URL, prefix: `${prefix}_crash`, reminders: CRASH, slowSmtpMs: SLOW_SMTP_MS, kills: KILLS, concurrency: CONCURRENCY, openCycles });

    const result = {
      benchmark: 'reminders',
      reminders: delayed,
      schedule_per_s: round(delayed / seconds, 0),
      fire_reminders: FIRE,
      fire_concurrency: CONCURRENCY,
      fire_delay_min_ms: round(Math.min(...delays), 1),
      fire_delay_p50_ms: round(percentile([...delays], 50), 1),
      fire_delay_p99_ms: round(percentile([...delays], 99), 1),
      worker_rss_mb: round(rss.peakMb(), 1),
      // The worker app's flags, given by scripts/bench.js (empty when run otherwise).
      node_flags: process.execArgv.filter((a) => a.startsWith('--')).join(' '),
      crash_reminders: CRASH,
      crash_kills: crash.kills,
      crash_lost: crash.lost,
      crash_doubled: crash.doubled,
      loadavg_1m_before: LOAD_BEFORE,
      loadavg_1m_after: round(loadavg()[0], 2),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rss.stop();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    smtpProc.kill();
    for (const db of dbs) await db.drop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
