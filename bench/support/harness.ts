/**
 * Shared pieces of the benchmarks: argument parsing, a throwaway database, fixed-duration phases
 * with warm-up, percentiles and RSS sampling. Progress goes to stderr; stdout is left for the
 * benchmark's single JSON result line.
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** The text of `--name value` or `--name=value` in argv, or undefined. */
function rawArg(name: string, argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/** `--name value` or `--name=value` from argv, as a number, or the default. */
export function numberArg(name: string, fallback: number, argv = process.argv.slice(2)): number {
  const raw = rawArg(name, argv);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return n;
}

/** `--name 100,200,400` as a list of positive numbers, or the default. */
export function numberListArg(name: string, fallback: number[], argv = process.argv.slice(2)): number[] {
  const raw = rawArg(name, argv);
  if (raw === undefined) return fallback;
  const list = raw.split(',').map(Number);
  if (list.some((n) => !Number.isFinite(n) || n <= 0)) {
    throw new Error(`--${name} must be a comma-separated list of positive numbers, got "${raw}"`);
  }
  return list;
}

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Admin connection: BENCH_ADMIN_DATABASE_URL, else the local superuser. */
export const adminUrl = () =>
  process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates `ciclo_bench_<random>`; `drop()` removes it (idempotent). */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `ciclo_bench_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A connection to REDIS_URL (else the local server) for one benchmark chore; connected by the caller. */
const choreRedis = () => new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });

/** The Redis server's process id (`INFO server`), when it runs on this machine (else null: its CPU cannot be read). */
export async function redisServerPid(): Promise<number | null> {
  const redis = choreRedis();
  try {
    await redis.connect();
    const m = /^process_id:(\d+)/m.exec(await redis.info('server'));
    const pid = m ? Number(m[1]) : null;
    return pid !== null && existsSync(`/proc/${pid}/stat`) ? pid : null;
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}

/** Removes every Redis key under `prefix:` (REDIS_URL, else the local server); failures are logged. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = choreRedis();
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch (err) {
    log(`could not remove the Redis keys ${prefix}:*: ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

export interface PhaseResult {
  /** Units (rows, events) completed inside the measured window, across all workers. */
  units: number;
  /** Operations completed inside the measured window. */
  ops: number;
  seconds: number;
  unitsPerSecond: number;
}

/**
 * Runs `workers` concurrent loops of `op` without pause: first `warmupMs` (not counted), then
 * `durationMs` during which every operation that completes is counted, then stops and waits for
 * the operations in flight (not counted). `op` returns how many units it completed and is told
 * whether the measured window is open when it starts.
 */
export async function runPhase(
  workers: number,
  op: (worker: number, iteration: number, measuring: () => boolean) => Promise<number>,
  warmupMs: number,
  durationMs: number,
): Promise<PhaseResult> {
  let measuring = false;
  let stop = false;
  let units = 0;
  let ops = 0;
  let failure: unknown = null;
  const isMeasuring = () => measuring;
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; !stop && failure === null; i++) {
      try {
        const n = await op(w, i, isMeasuring);
        if (measuring) {
          units += n;
          ops++;
        }
      } catch (err) {
        failure = err;
      }
    }
  });
  await sleep(warmupMs);
  measuring = true;
  const t0 = performance.now();
  await sleep(durationMs);
  measuring = false;
  const t1 = performance.now();
  stop = true;
  await Promise.all(loops);
  if (failure !== null) throw failure;
  const seconds = (t1 - t0) / 1000;
  return { units, ops, seconds, unitsPerSecond: units / seconds };
}

/** Nearest-rank percentile of `values` (sorted in place). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  const rank = Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1));
  return values[rank];
}

/** Samples the process RSS every `everyMs`; `peakMb()` is the highest seen so far. */
export function rssSampler(everyMs = 100): { peakMb(): number; stop(): void } {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  t.unref();
  return {
    peakMb: () => Math.max(peak, process.memoryUsage.rss()) / (1024 * 1024),
    stop: () => clearInterval(t),
  };
}

export const round = (n: number, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
