/**
 * `npm run bench -- commands`: command round trips through HTTP against the real API process.
 *
 * - commands_per_s, command_p50_ms, command_p99_ms: 50 concurrent clients, each driving its own PIAO
 *   cycle around the review loop (approve → Giunta returns it → submit → SG requests changes →
 *   submit → ...), one command at a time, over a fixed window after a warm-up.
 * - command_p99_ms_long_stream: one client commenting on a cycle that already has 10,000 events
 *   (written straight into the store), after a warm-up; command_first_ms_long_stream is the first,
 *   cold command on it (the API folds the whole stream once).
 * - api_rss_mb: the API process's peak resident memory (VmHWM) at the end.
 * - auth_overhead_p99_ms: what verifying the credential adds to a request (OIDC RS256 token,
 *   rate-limit counters, roles from the directory), measured in-process on the API's own
 *   authentication middleware (bench/support/auth-overhead.ts; docs/performance.md), with the
 *   signature checked on every request; auth_overhead_p99_ms_remembered: the same token on later
 *   requests, its verification remembered by the access policy.
 * The API runs as its own process (dist build); the load comes from this process on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { PostgresEventStore } from '@ciclo/event-store';
import { signDevToken, type Role } from '@ciclo/identity';
import { devAuthSecret, loadSettings } from '@ciclo/config';
import { migrateDatabase } from '../apps/cli/src/migrations';
import { createBenchDatabase, log, numberArg, percentile, round, runPhase, sleep } from './support/harness';
import { measureAuthOverhead } from './support/auth-overhead';
import { benchAppArgs, benchAppFlags } from './support/processes';

const CLIENTS = numberArg('clients', 50);
const DURATION_MS = numberArg('seconds', 10) * 1000;
const WARMUP_MS = numberArg('warmup', 3) * 1000;
const LONG_EVENTS = numberArg('long-events', 10000);
const LONG_COMMANDS = numberArg('long-commands', 300);
const TENANT = 'cciaa-bench';
const ROOT = resolve(__dirname, '../..');

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`API exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  throw new Error('API did not become healthy');
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const port = 41000 + Math.floor(Math.random() * 2000);
  const url = `http://127.0.0.1:${port}`;
  let api: ChildProcess | null = null;
  try {
    log(`database ${db.name}: migrating`);
    await migrateDatabase(db.url);
    const env = { ...process.env, DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', DEV_AUTH_ENABLED: 'true', LOG_LEVEL: 'warn', NODE_ENV: 'development',
      // Every request is counted in Redis as in production, but 50 clients sharing three users never hit the limit.
      RATE_LIMIT_PER_MINUTE_USER: '10000000', RATE_LIMIT_PER_MINUTE_IP: '10000000' };
    const settings = loadSettings(env);
    // BENCH_API_NODE_ARGS: extra node flags for the API process, after its own (e.g. --cpu-prof to
    // find a bottleneck, or a V8 setting to compare); the rest as the deployment starts it.
    api = spawn(process.execPath, benchAppArgs(ROOT, 'api', 'BENCH_API_NODE_ARGS'), {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitHealthy(url, api);
    log(`API up at ${url} (pid ${api.pid})`);

    const token = (user: string, roles: Role[]) => signDevToken({ userId: user, roles, tenant: TENANT }, devAuthSecret(settings));
    const po = await token('u-po', ['po']);
    const sg = await token('u-sg', ['segretario_generale']);
    const organi = await token('u-organi', ['segreteria_organi']);
    let errors = 0;
    const post = async (path: string, tok: string, body: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) {
        errors++;
        throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
      }
      return json;
    };

    log(`opening ${CLIENTS} PIAO cycles`);
    const cycles: string[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const r = await post('/cycles', po, { type: 'piao', year: 2027, title: `Bench ${i}` });
      const id = String(r.cycleId);
      await post(`/cycles/${id}/commands/submit`, po, {});
      cycles.push(id);
    }
    const loop: [string, string, unknown][] = [
      ['approve', sg, {}],
      ['return_for_changes', organi, { reason: 'Integrare gli indicatori' }],
      ['submit', po, {}],
      ['request_changes', sg, { reason: 'Rivedere i pesi' }],
      ['submit', po, {}],
    ];
    const latencies: number[] = [];
    log(`round trips: ${CLIENTS} clients, ${WARMUP_MS / 1000} s warm-up, ${DURATION_MS / 1000} s measured`);
    const phase = await runPhase(
      CLIENTS,
      async (w, i, measuring) => {
        const [command, tok, body] = loop[i % loop.length];
        const t0 = performance.now();
        await post(`/cycles/${cycles[w]}/commands/${command}`, tok, body);
        if (measuring()) latencies.push(performance.now() - t0);
        return 1;
      },
      WARMUP_MS,
      DURATION_MS,
    );
    log(`${phase.ops} commands in ${phase.seconds.toFixed(1)} s`);

    log(`long stream: writing ${LONG_EVENTS} prior events`);
    const store = new PostgresEventStore({ connectionString: db.url, poolSize: 2 });
    const opened = await post('/cycles', po, { type: 'piao', year: 2029, title: 'Long stream' });
    const longCycle = String(opened.cycleId);
    const stream = `${TENANT}/cycle-${longCycle}`;
    let version = 1;
    while (version < LONG_EVENTS) {
      const n = Math.min(500, LONG_EVENTS - version);
      const events = Array.from({ length: n }, () => ({
        eventId: randomUUID(),
        type: 'CommentAdded',
        data: { commentId: randomUUID(), text: 'Osservazione sulla bozza', stage: 'bozza' },
        metadata: { tenant: TENANT, actorId: 'u-po', actorRole: 'po', occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null, schemaVersion: 1, definitionVersion: 1 },
      }));
      version = (await store.append(stream, events, { expectedVersion: version })).nextVersion;
    }
    await store.close();
    const t0 = performance.now();
    await post(`/cycles/${longCycle}/commands/comment`, po, { text: 'primo commento' });
    const firstMs = performance.now() - t0;
    const longLat: number[] = [];
    for (let i = 0; i < LONG_COMMANDS + 20; i++) {
      const s = performance.now();
      await post(`/cycles/${longCycle}/commands/comment`, po, { text: `commento ${i}` });
      if (i >= 20) longLat.push(performance.now() - s);
    }
    const apiRss = peakRssMb(api.pid as number);
    log('auth overhead: the authentication middleware in-process, 3 rounds of 5,000 sequential requests per credential');
    const auth = await measureAuthOverhead(db.url, settings);
    const result = {
      benchmark: 'commands',
      clients: CLIENTS,
      commands_per_s: round(phase.ops / phase.seconds, 1),
      command_p50_ms: round(percentile([...latencies], 50), 1),
      command_p99_ms: round(percentile([...latencies], 99), 1),
      long_stream_events: LONG_EVENTS,
      command_first_ms_long_stream: round(firstMs, 1),
      command_p99_ms_long_stream: round(percentile(longLat, 99), 1),
      api_rss_mb: round(apiRss, 1),
      auth_overhead_p99_ms: round(auth.oidcP99Ms, 3),
      auth_overhead_p99_ms_rounds: [round(auth.oidcP99MinMs, 3), round(auth.oidcP99MaxMs, 3)],
      auth_overhead_p50_ms: round(auth.oidcP50Ms, 3),
      auth_overhead_p99_ms_dev_token: round(auth.devTokenP99Ms, 3),
      auth_overhead_p99_ms_remembered: round(auth.rememberedP99Ms, 3),
      auth_reference_pg_roundtrip_p99_ms: round(auth.pgRoundTripP99Ms, 3),
      auth_reference_redis_roundtrip_p99_ms: round(auth.redisRoundTripP99Ms, 3),
      loadavg_1m: round(loadavg()[0], 2),
      api_node_flags: benchAppFlags(ROOT, 'api', 'BENCH_API_NODE_ARGS'),
      errors,
      targets: { commands_per_s: 1000, command_p99_ms: 50, command_p99_ms_long_stream: 50, api_rss_mb: 250, auth_overhead_p99_ms: 2 },
      pass: {
        commands_per_s: phase.ops / phase.seconds >= 1000,
        command_p99_ms: percentile([...latencies], 99) < 50,
        command_p99_ms_long_stream: percentile(longLat, 99) < 50,
        api_rss_mb: apiRss < 250,
        auth_overhead_p99_ms: auth.oidcP99Ms < 2,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    if (api && api.exitCode === null) {
      api.kill('SIGTERM');
      await new Promise((r) => api?.once('exit', r));
    }
    await db.drop();
  }
}

main().catch((err) => {
  process.stderr.write(`[bench] failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
