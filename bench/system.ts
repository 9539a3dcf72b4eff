/**
 * `npm run bench -- system [--rates 100,200,400,600,800,1000,1200] [--max-rate N] [--step-seconds 20]
 *   [--warmup 2] [--query-rate 1000] [--query-seconds 20] [--cycles N] [--tenants 4] [--comment-share 0.5]
 *   [--lag-samples 50] [--raw-seconds 5]`
 *
 * The whole system on a throwaway database `ciclo_bench_<random>` (dropped at the end, with the
 * run's Redis keys): the API and the worker as separate processes from the `dist` build, the worker
 * running every durable subscription (sealer, projectors, deadline scheduler, in-app inbox,
 * webhook dispatcher; checked through GET /health before any load). Measured in one run:
 *   raw_insert_per_s       the event store benchmark's floor (bench/support/raw-insert.ts), first
 *   system_commands_per_s  commands through HTTP at an open-loop rate raised step by step; the
 *                          highest step whose every command answered 2xx with p99 ≤ 50 ms (from its
 *                          scheduled send time) and whose projection lag p99 ≤ 200 ms (from the
 *                          answer until rm_cycles and rm_audit show it, on a sample of commands)
 *   cpu_us_per_command     CPU of the API, the worker, PostgreSQL (and the Redis server when it runs on this machine) per command of that step
 *   query_p99_ms           an open-loop mix of reads at `--query-rate` (inbox first page of the SG,
 *                          a cycle page, an audit page of 50, the deadlines list) and the rate achieved
 *   api_rss_mb, worker_rss_mb  peak resident memory (VmHWM) of each process over the run
 * Progress goes to stderr; the last stdout line is the JSON result.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Client, Pool } from 'pg';
import { devAuthSecret, loadSettings } from '@ciclo/config';
import { SCHEDULER_SUBSCRIPTION } from '@ciclo/deadlines';
import { PostgresEventStore, SEAL_SUBSCRIPTION } from '@ciclo/event-store';
import { INBOX_SUBSCRIPTION, WEBHOOK_SUBSCRIPTION } from '@ciclo/notifications';
import { TenantCalendars } from '@ciclo/identity';
import { createReadModelDataSource, ProjectionRunner, readModelProjectors, subscriptionName } from '@ciclo/projections';
import { DefinitionRegistry } from '@ciclo/workflow';
import { migrateDatabase } from '../apps/cli/src/migrations';
import {
  createBenchDatabase,
  dropRedisPrefix,
  redisServerPid,
  log,
  numberArg,
  numberListArg,
  round,
  sleep,
} from './support/harness';
import { BenchHttp } from './support/open-loop';
import {
  clusterCpuMs,
  postmasterOf,
  rssMb,
  spawnApp,
  benchAppFlags,
  stopChild,
  waitHealthy,
  type Child,
} from './support/processes';
import { ProjectionLag } from './support/projection-lag';
import { measureRawInsert } from './support/raw-insert';
import { CpuMeter, runCommandStep, runQueryPhase, type StepResult } from './support/system-phases';
import { CommandMix, openCycles, tenantTokens } from './support/system-commands';

/** Connections of the benchmark itself carry this name; their CPU is not the system's. */
const BENCH_APPLICATION = 'ciclo-bench';

const MAX_RATE = numberArg('max-rate', Number.MAX_SAFE_INTEGER);
const RATES = numberListArg('rates', [100, 200, 400, 600, 800, 1000, 1200])
  .filter((r) => r <= MAX_RATE)
  .sort((a, b) => a - b);
const STEP_MS = numberArg('step-seconds', 20) * 1000;
const WARMUP_MS = numberArg('warmup', 2) * 1000;
const QUERY_RATE = numberArg('query-rate', 1000);
const QUERY_MS = numberArg('query-seconds', STEP_MS / 1000) * 1000;
const CYCLES = Math.round(numberArg('cycles', Math.max(400, 2 * Math.max(0, ...RATES))));
const TENANT_COUNT = Math.round(numberArg('tenants', 4));
const COMMENT_SHARE = Math.min(1, numberArg('comment-share', 0.5));
const LAG_SAMPLES_PER_S = numberArg('lag-samples', 50);
const RAW_MS = numberArg('raw-seconds', 5) * 1000;
const RAW_WRITERS = 8;
const RAW_PAYLOAD = 256;
const TARGETS = {
  system_ratio_to_raw: 0.1,
  command_p99_ms: 50,
  projection_lag_p99_ms: 200,
  query_p99_ms: 20,
  api_rss_mb: 250,
  worker_rss_mb: 250,
};

async function main(): Promise<void> {
  if (RATES.length === 0) throw new Error('no step rate left under --max-rate');
  const loadBefore = loadavg()[0];
  const root = resolve(__dirname, '../..');
  const notes: string[] = [];
  const db = await createBenchDatabase();
  const redisPrefix = `ciclo_bench_${db.name.slice(-10)}`;
  const benchUrl = new URL(db.url);
  benchUrl.searchParams.set('application_name', BENCH_APPLICATION);
  const pool = new Pool({ connectionString: benchUrl.toString(), max: RAW_WRITERS });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({ connectionString: benchUrl.toString(), poolSize: 2 });
  const ds = createReadModelDataSource(benchUrl.toString(), 2);
  const poller = new Client({ connectionString: benchUrl.toString() });
  let api: Child | null = null;
  let worker: Child | null = null;
  let http: BenchHttp | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      http?.close();
      await stopChild(api);
      await stopChild(worker);
      await poller.end().catch(() => undefined);
      if (ds.isInitialized) await ds.destroy();
      await store.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await db.drop();
      await dropRedisPrefix(redisPrefix);
    })());
  process.once('SIGINT', () => {
    log('interrupted: stopping the processes, dropping the database');
    void cleanup().finally(() => process.exit(130));
  });
  try {
    log(`database ${db.name}: migrating`);
    await migrateDatabase(db.url);
    // The server's main process, from a backend that is alive while it is read.
    const { rows: pgEnv } = await pool.query<{ version: string; sync: string; pid: number }>(
      `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS sync, pg_backend_pid() AS pid`,
    );
    const postmaster = postmasterOf(pgEnv[0].pid);
    if (postmaster === null)
      notes.push('the PostgreSQL server runs elsewhere: postgres_cluster not measured');

    // 1. The floor, on the same server, just before the system starts.
    log(`raw_insert: ${RAW_WRITERS} writers, 1 s warm-up, ${RAW_MS / 1000} s measured`);
    const raw = await measureRawInsert(pool, {
      writers: RAW_WRITERS,
      warmupMs: 1000,
      durationMs: RAW_MS,
      payloadBytes: RAW_PAYLOAD,
    });
    await pool.query('DROP TABLE bench_raw');
    log(`raw_insert: ${round(raw.unitsPerSecond)} rows/s`);

    // 2. The system: API and worker from the dist build.
    const port = 41000 + Math.floor(Math.random() * 2000);
    const url = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEV_AUTH_ENABLED: 'true',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development' as const,
      REDIS_PREFIX: redisPrefix,
      // One loopback address and a few users: far above the limits, every request still counted in Redis.
      RATE_LIMIT_PER_MINUTE_IP: '100000000',
      RATE_LIMIT_PER_MINUTE_USER: '100000000',
    };
    const settings = loadSettings(env);
    api = spawnApp('api', env, root, false);
    worker = spawnApp('worker', env, root, false);
    await waitHealthy(url, api.proc);
    const apiPid = api.proc.pid as number;
    const workerPid = worker.proc.pid as number;
    log(`API up at ${url} (pid ${apiPid}); worker pid ${workerPid}`);

    /** A figure taken while the API or the worker was gone would not be the system's. */
    const alive = (during: string) => {
      for (const [name, c] of [
        ['API', api],
        ['worker', worker],
      ] as const) {
        if (c && (c.proc.exitCode !== null || c.proc.signalCode !== null)) {
          throw new Error(
            `the ${name} process ended during ${during} (${c.proc.exitCode ?? c.proc.signalCode})`,
          );
        }
      }
    };

    await ds.initialize();
    const registry = DefinitionRegistry.fromDirectory(resolve(root, 'seeds/cycles'));
    // Each tenant's calendar from the identity directory, as the worker has it.
    const calendars = TenantCalendars.of(store);
    await calendars.ready();
    const runner = new ProjectionRunner(store, ds, readModelProjectors(registry, calendars));
    const logSubscriptions = [
      SEAL_SUBSCRIPTION,
      SCHEDULER_SUBSCRIPTION,
      INBOX_SUBSCRIPTION,
      WEBHOOK_SUBSCRIPTION,
    ];
    const expected = [...runner.projectors.map((p) => subscriptionName(p.name)), ...logSubscriptions];
    const subscriptions = await waitSubscriptions(url, expected, worker);
    log(`worker holds every subscription: ${subscriptions.join(', ')}`);

    /** Subscriptions still behind the head of the log (empty when every one has caught up). */
    const behind = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const p of await runner.status())
        if (p.lagEvents > 0) out.push(`${subscriptionName(p.name)} ${p.lagEvents}`);
      for (const name of logSubscriptions) {
        const lag = await store.lagAfter(await store.checkpointOf(name));
        if (lag.events > 0) out.push(`${name} ${lag.events}`);
      }
      return out;
    };
    const waitCaughtUp = async (timeoutMs: number, when: string): Promise<number> => {
      const t0 = performance.now();
      for (;;) {
        const b = await behind();
        if (b.length === 0) return (performance.now() - t0) / 1000;
        if (performance.now() - t0 > timeoutMs) {
          notes.push(`${when}: subscriptions still behind after ${timeoutMs / 1000} s: ${b.join(', ')}`);
          return (performance.now() - t0) / 1000;
        }
        await sleep(100);
      }
    };

    // 3. Cycles to work on.
    http = new BenchHttp(new URL(url));
    const tenants = await tenantTokens(
      Array.from({ length: TENANT_COUNT }, (_, i) => `cciaa-sys${i + 1}`),
      devAuthSecret(settings),
    );
    log(`opening ${CYCLES} PIAO cycles over ${TENANT_COUNT} tenants and submitting them for review`);
    const cycles = await openCycles(http, tenants, CYCLES);
    await waitCaughtUp(120_000, 'after opening the cycles');

    // 4. Command steps.
    await poller.connect();
    const lag = new ProjectionLag(poller);
    lag.start();
    const meter = new CpuMeter(
      pool,
      db.name,
      BENCH_APPLICATION,
      { api: apiPid, worker: workerPid, redis: await redisServerPid() },
      postmaster === null ? null : () => clusterCpuMs(postmaster),
    );
    const steps: StepResult[] = [];
    const commandMix = new CommandMix(cycles, COMMENT_SHARE);
    for (const rate of RATES) {
      log(`step ${rate} commands/s: ${WARMUP_MS / 1000} s warm-up, ${STEP_MS / 1000} s measured`);
      const step = await runCommandStep({
        rate,
        warmupMs: WARMUP_MS,
        durationMs: STEP_MS,
        http,
        mix: commandMix,
        lag,
        meter,
        lagSamplesPerS: LAG_SAMPLES_PER_S,
        targets: TARGETS,
      });
      alive(`the ${rate}/s step`);
      step.drain_s = round(await waitCaughtUp(60_000, `after the ${rate}/s step`), 1);
      steps.push(step);
      log(
        `  ${step.ok} ok, ${step.errors} errors, ${step.skipped} slots without an idle cycle, ${step.dropped} dropped; p99 ${step.command_p99_ms} ms; ` +
          `lag p99 ${step.projection_lag_p99_ms} ms (${step.lag_samples} samples); CPU µs/command ${JSON.stringify(step.cpu_us_per_command)}; ` +
          (step.sustained ? 'sustained' : 'not sustained'),
      );
      if (!step.sustained) break;
    }
    await lag.stop();
    const sustained = steps.filter((s) => s.sustained).pop() ?? null;

    // 5. Reads at a fixed open-loop rate, with the system otherwise idle.
    log(`queries: ${QUERY_RATE}/s offered, ${WARMUP_MS / 1000} s warm-up, ${QUERY_MS / 1000} s measured`);
    const queries = await runQueryPhase({
      rate: QUERY_RATE,
      warmupMs: WARMUP_MS,
      durationMs: QUERY_MS,
      http,
      tenants,
      cycles,
      meter,
    });
    alive('the reads');
    log(
      `  p99 ${queries.p99_ms} ms, ${queries.achieved_per_s}/s achieved, ${queries.errors} errors, ${queries.dropped} dropped`,
    );
    await waitCaughtUp(60_000, 'after the queries');

    const apiRss = rssMb(apiPid);
    const workerRss = rssMb(workerPid);
    const systemRate = sustained?.rate ?? 0;
    const ratio = systemRate / raw.unitsPerSecond;
    const pass = {
      system_ratio_to_raw: ratio >= TARGETS.system_ratio_to_raw,
      query_p99_ms:
        queries.errors === 0 &&
        queries.dropped === 0 &&
        queries.p99_ms !== null &&
        queries.p99_ms <= TARGETS.query_p99_ms,
      api_rss_mb: apiRss < TARGETS.api_rss_mb,
      worker_rss_mb: workerRss < TARGETS.worker_rss_mb,
    };
    const reference = sustained ?? steps[0];
    const result = {
      benchmark: 'system',
      date: new Date().toISOString(),
      raw_insert_per_s: round(raw.unitsPerSecond),
      system_commands_per_s: systemRate,
      system_ratio_to_raw: round(ratio, 3),
      command_p99_ms: reference.command_p99_ms,
      projection_lag_p99_ms: reference.projection_lag_p99_ms,
      cpu_us_per_command: reference.cpu_us_per_command,
      cpu_step_rate: reference.rate,
      query_p99_ms: queries.p99_ms,
      query_rate_offered: QUERY_RATE,
      query_rate_achieved: queries.achieved_per_s,
      api_rss_mb: round(apiRss, 1),
      worker_rss_mb: round(workerRss, 1),
      command_errors: steps.reduce((n, s) => n + s.errors, 0),
      query_errors: queries.errors,
      loadavg_1m_before: round(loadBefore, 2),
      loadavg_1m_after: round(loadavg()[0], 2),
      cpus: cpus().length,
      node: process.version,
      postgres: pgEnv[0].version,
      targets: TARGETS,
      pass,
      all_pass: Object.values(pass).every(Boolean),
      context: {
        steps,
        queries,
        cycles: CYCLES,
        cycles_set_aside: commandMix.setAside,
        tenants: TENANT_COUNT,
        comment_share: COMMENT_SHARE,
        step_seconds: STEP_MS / 1000,
        warmup_s: WARMUP_MS / 1000,
        lag_samples_per_s: LAG_SAMPLES_PER_S,
        raw: { writers: RAW_WRITERS, payload_bytes: RAW_PAYLOAD, seconds: RAW_MS / 1000 },
        subscriptions,
        synchronous_commit: pgEnv[0].sync,
        database_pool_size: settings.DATABASE_POOL_SIZE,
        app_node_flags: { api: benchAppFlags(root, 'api'), worker: benchAppFlags(root, 'worker') },
        notes,
      },
    };
    await cleanup();
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await cleanup();
  }
}

/** Waits until GET /health shows a worker holding the lease of every `expected` subscription; all it lists. */
async function waitSubscriptions(
  url: string,
  expected: string[],
  worker: Child,
  timeoutMs = 120_000,
): Promise<string[]> {
  const t0 = performance.now();
  let missing = expected;
  while (performance.now() - t0 < timeoutMs) {
    if (worker.proc.exitCode !== null) throw new Error(`the worker exited with code ${worker.proc.exitCode}`);
    const res = await fetch(`${url}/health`).catch(() => null);
    if (res) {
      const report = (await res.json()) as {
        components?: { workers?: { subscriptions?: { name: string; heldBy: string | null }[] } };
      };
      const subs = report.components?.workers?.subscriptions ?? [];
      missing = expected.filter((name) => !subs.some((s) => s.name === name && s.heldBy));
      if (missing.length === 0) return subs.map((s) => s.name);
    }
    await sleep(500);
  }
  throw new Error(`no worker holds ${missing.join(', ')} after ${timeoutMs / 1000} s`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
