import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ROOT } from './support';

export interface LogLine {
  msg: string;
  /** When this process read the line (ms since epoch). */
  at: number;
  raw: string;
}

export interface WorkerProcess {
  name: string;
  proc: ChildProcess;
  lines: LogLine[];
  /** Resolves with the first log line (past or future) whose message matches. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface WorkerEnv {
  databaseUrl: string;
  redisPrefix: string;
  batchSize?: number;
}

/**
 * Starts the real worker (`apps/worker/src/main.ts` through ts-node) on the test database. Every
 * connection it opens carries `application_name=<name>` (set in the URL, which wins over the
 * pools' own names), so `pg_stat_activity` and `pg_locks` tell the workers apart.
 */
export function startWorker(name: string, env: WorkerEnv): WorkerProcess {
  const url = new URL(env.databaseUrl);
  url.searchParams.set('application_name', name);
  const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/worker/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      TS_NODE_PROJECT: 'tsconfig.json',
      DATABASE_URL: url.toString(),
      DATABASE_POOL_SIZE: '8',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: env.redisPrefix,
      LOG_LEVEL: 'info',
      SEEDS_DIR: 'seeds',
      ...(env.batchSize ? { PROJECTION_BATCH_SIZE: String(env.batchSize) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let stderr = '';
  const waiters = new Set<() => void>();
  createInterface({ input: proc.stdout! }).on('line', (raw) => {
    let msg = raw;
    try {
      msg = String((JSON.parse(raw) as { msg?: unknown }).msg ?? raw);
    } catch {
      /* not JSON */
    }
    lines.push({ msg, at: Date.now(), raw });
    for (const w of waiters) w();
  });
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    proc.on('exit', (code, signal) => {
      res({ code, signal });
      for (const w of waiters) w();
    }),
  );
  const describe = () => `worker ${name} stdout:\n${lines.map((l) => l.raw).join('\n')}\nstderr:\n${stderr}`;
  const waitForLog = (pattern: RegExp, timeoutMs = 30000) =>
    new Promise<LogLine>((res, rej) => {
      const check = () => {
        const hit = lines.find((l) => pattern.test(l.msg));
        if (hit) {
          done();
          res(hit);
        } else if (proc.exitCode !== null || proc.signalCode !== null) {
          done();
          rej(new Error(`worker exited before logging ${pattern}; ${describe()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        rej(new Error(`timed out waiting for ${pattern}; ${describe()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    name,
    proc,
    lines,
    waitForLog,
    exited,
    async stop(graceMs = 5000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Which application (worker) holds the session advisory lock of each subscription, from pg_locks. */
export const LEASE_HOLDERS_SQL = `
  SELECT s.name, a.application_name AS holder
    FROM unnest($1::text[]) AS s(name)
    CROSS JOIN LATERAL (SELECT hashtextextended('subscription:' || s.name, 991) AS key) k
    JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND l.classid::bigint = ((k.key >> 32) & 4294967295) AND l.objid::bigint = (k.key & 4294967295)
    JOIN pg_stat_activity a ON a.pid = l.pid
   ORDER BY s.name, a.application_name`;
