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
 * - worker_rss_mb: peak resident memory of this process (scheduler, workers, SMTP server, harness).
 * Options: --reminders N (100000), --fire N (100), --concurrency N (16).
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import IORedis from 'ioredis';
import { spawn } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { decide, initialCycleState, type CycleDefinition } from '@ciclo/domain';
import { parseCheckpoint, PostgresEventStore } from '@ciclo/event-store';
import { DeadlinesRuntime, OffsetClock, REMINDER_QUEUE, SCHEDULER_SUBSCRIPTION } from '@ciclo/deadlines';
import { StaticTenantDirectory } from '@ciclo/notifications';
import { DefinitionRegistry } from '@ciclo/workflow';
import { migrateDatabase } from '../apps/cli/src/migrations';
import { createBenchDatabase, log, numberArg, percentile, round, rssSampler, sleep, type BenchDatabase } from './support/harness';

const REMINDERS = numberArg('reminders', 100_000);
const FIRE = numberArg('fire', 100);
const CONCURRENCY = numberArg('concurrency', 16);
const TENANT = 'cciaa-bench';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const definitions = DefinitionRegistry.fromDirectory(resolve(__dirname, '../../seeds/cycles'));
const rpct = definitions.latest('relazione_rpct') as CycleDefinition;

const directory = new StaticTenantDirectory([
  {
    id: TENANT,
    name: 'Camera di commercio Bench',
    timeZone: 'Europe/Rome',
    // Only 7, 1 and 0 days before in the fire phase: nothing is already due at the start.
    reminders: { byCycleType: { relazione_rpct_fire: { offsetsDays: [7, 1, 0] } } },
    users: [
      { id: 'u-rpct', name: 'RPCT Bench', email: 'rpct@bench.example.org', roles: ['rpct'] },
      { id: 'u-dir', name: 'Dirigente Bench', email: 'dirigente@bench.example.org', roles: ['dirigente'] },
      { id: 'u-sg', name: 'SG Bench', email: 'sg@bench.example.org', roles: ['segretario_generale'] },
    ],
  },
]);

/** Writes `n` opened cycles straight into the store, 16 appends at a time. */
async function openCycles(store: PostgresEventStore, n: number, def: CycleDefinition, now: Date): Promise<void> {
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

async function main(): Promise<void> {
  const rss = rssSampler(50);
  const prefix = `ciclo_bench_${randomUUID().slice(0, 8)}`;
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  const dbs: BenchDatabase[] = [];
  // The SMTP server is another process, as a relay or a catcher would be.
  const smtpProc = spawn(
    process.execPath,
    [
      '-e',
      `const { SMTPServer } = require('smtp-server');
       const s = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], disableReverseLookup: true, logger: false,
         onData(st, _x, cb) { st.on('data', () => {}); st.on('end', () => cb()); } });
       s.listen(0, '127.0.0.1', () => console.log(s.server.address().port));`,
    ],
    { cwd: resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const smtpPort = await new Promise<number>((r) => smtpProc.stdout!.once('data', (b: Buffer) => r(Number(b.toString().trim()))));
  const smtpUrl = `smtp://127.0.0.1:${smtpPort}`;
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
    const fireDef: CycleDefinition = { ...rpct, id: 'relazione_rpct_fire' };
    const fireDefs = { get: (type: string, version: number) => (type === fireDef.id && version === fireDef.version ? fireDef : definitions.get(type, version)) };
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
