/**
 * The system's processes as the benchmarks see them: the API and the worker started from the
 * `dist` build, their health, resident memory and CPU time, and the CPU of PostgreSQL (the
 * backends of one database, or the whole server's process tree). CPU and memory are read from
 * /proc (Linux).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Pool } from 'pg';
import type { AppName } from '../../scripts/app-command';
import { sleep } from './harness';

export interface Child {
  proc: ChildProcess;
  lines: string[];
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
}

/** scripts/app-command.js, from the root: the benchmarks run from dist/, where the script is not compiled. */
function appCommand(root: string): typeof import('../../scripts/app-command') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(root, 'scripts/app-command.js')) as typeof import('../../scripts/app-command');
}

/**
 * The environment variable holding further Node flags for the apps a benchmark starts: placed after
 * the apps' own, so that they win (a V8 setting to compare, e.g. `--max-semi-space-size=16` for V8's
 * default young generation, or `--cpu-prof`).
 */
type ExtraArgsVariable = 'BENCH_APP_NODE_ARGS' | 'BENCH_API_NODE_ARGS';

function benchExtraArgs(name: ExtraArgsVariable): string[] {
  return (process.env[name] ?? '').split(' ').filter(Boolean);
}

/** The Node flags `app` runs with in this benchmark (its own, then the extra ones), for the JSON line. */
export function benchAppFlags(root: string, app: AppName, extraFrom: ExtraArgsVariable = 'BENCH_APP_NODE_ARGS'): string {
  return [...appCommand(root).NODE_FLAGS[app], ...benchExtraArgs(extraFrom)].join(' ');
}

/** The command after `node` that starts `app` as the deployment does, with the extra flags of `extraFrom`. */
export function benchAppArgs(root: string, app: AppName, extraFrom: ExtraArgsVariable = 'BENCH_APP_NODE_ARGS'): string[] {
  return appCommand(root).appNodeArgs(app, benchExtraArgs(extraFrom));
}

/**
 * Starts `app` from the `dist` build as the deployment does (scripts/app-command.js: the same Node
 * flags as `npm start` and the image).
 */
export function spawnApp(app: AppName, env: NodeJS.ProcessEnv, root: string, keepStdout: boolean): Child {
  // BENCH_CPU_PROF_DIR: each app writes a V8 CPU profile there when it stops (where its time went).
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const entry = `dist/apps/${app}/src/main.js`;
  const proc = spawn(process.execPath, [...profile, ...benchAppArgs(root, app)], {
    cwd: root,
    env,
    stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'inherit'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  if (keepStdout) {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      lines.push(l);
      if (lines.length > 2000) lines.splice(0, 1000);
      for (const w of waiters) w();
    });
  }
  return {
    proc,
    lines,
    waitFor: (re, timeoutMs = 60000) =>
      new Promise<void>((res, rej) => {
        const check = () => {
          if (lines.some((l) => re.test(l))) {
            done();
            res();
          } else if (proc.exitCode !== null) {
            done();
            rej(new Error(`${entry} exited with code ${proc.exitCode}`));
          }
        };
        const t = setTimeout(() => {
          done();
          rej(new Error(`${entry}: no log line ${re} within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(t);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
}

export async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
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

export function rssMb(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Fields after the command name of /proc/<pid>/stat (field 3, `state`, is index 0), or null. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** CPU time (user + system) of a process so far, in ms, from /proc (Linux); 0 once it is gone. */
export function procCpuMs(pid: number): number {
  const fields = statFields(pid);
  return fields ? ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 : 0; // utime, stime in clock ticks (100 Hz)
}

/** CPU so far of each PostgreSQL backend connected to `db` (but those named `exceptApplication`), in ms, by pid. */
export async function backendsCpu(
  pool: Pool,
  db: string,
  exceptApplication?: string,
): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name IS DISTINCT FROM $2',
    [db, exceptApplication ?? null],
  );
  return new Map(rows.map((r) => [r.pid, procCpuMs(r.pid)]));
}

/** CPU the database's backends spent since `before` (backends that exited in between are not counted). */
export async function backendsCpuSince(
  pool: Pool,
  db: string,
  before: Map<number, number>,
  exceptApplication?: string,
): Promise<number> {
  let ms = 0;
  for (const [pid, cpu] of await backendsCpu(pool, db, exceptApplication)) ms += cpu - (before.get(pid) ?? 0);
  return ms;
}

/** CPU spent in this process, child processes and the database's backends during `fn`. */
export async function cpuDuring<T>(
  pool: Pool,
  db: string,
  childPids: number[],
  fn: () => Promise<T>,
): Promise<{ result: T; selfMs: number; childMs: number[]; pgMs: number }> {
  const self0 = process.cpuUsage();
  const child0 = childPids.map(procCpuMs);
  const pg0 = await backendsCpu(pool, db);
  const result = await fn();
  const pgMs = await backendsCpuSince(pool, db, pg0);
  const self = process.cpuUsage(self0);
  return {
    result,
    selfMs: (self.user + self.system) / 1000,
    childMs: childPids.map((pid, i) => procCpuMs(pid) - child0[i]),
    pgMs,
  };
}

export async function stopChild(c: Child | null): Promise<void> {
  if (!c || c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  const exited = new Promise((r) => c.proc.once('exit', r));
  c.proc.kill('SIGTERM');
  const t = setTimeout(() => c.proc.kill('SIGKILL'), 10000);
  await exited;
  clearTimeout(t);
}

/** The PostgreSQL server's main process: the parent of one of its backends. */
export function postmasterOf(backendPid: number): number | null {
  const f = statFields(backendPid);
  return f ? Number(f[1]) : null;
}

/**
 * CPU of the whole PostgreSQL server so far, in ms: its main process, the children it has reaped
 * (backends that ended), and every live child (backends of every database, WAL writer,
 * checkpointer, autovacuum). Differences between two readings are what the server spent between them.
 */
export function clusterCpuMs(postmasterPid: number): number {
  const main = statFields(postmasterPid);
  if (!main) return Number.NaN;
  // utime, stime, cutime, cstime: fields 14-17, in clock ticks (100 Hz).
  let ticks = Number(main[11]) + Number(main[12]) + Number(main[13]) + Number(main[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f && Number(f[1]) === postmasterPid) ticks += Number(f[11]) + Number(f[12]);
  }
  return (ticks * 1000) / 100;
}
