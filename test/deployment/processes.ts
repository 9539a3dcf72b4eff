import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { appNodeArgs } from '../../scripts/app-command';

export const ROOT = resolve(__dirname, '../..');
export const exec = promisify(execFile);
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Compiles the project into dist/ (incremental: quick when nothing changed). */
export async function build(): Promise<void> {
  await exec('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
}

export interface AppProcess {
  name: string;
  proc: ChildProcess;
  /** Parsed JSON log lines (and non-JSON lines as { msg }). */
  lines: { msg: string; at: number }[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a built app (`dist/apps/<app>/src/main.js`) as a child process. Its PostgreSQL connections
 * carry `application_name=<name>` (in the URL), so `pg_locks` tells the processes apart.
 */
export function startBuilt(app: 'api' | 'worker', name: string, env: Record<string, string>): AppProcess {
  const url = new URL(env.DATABASE_URL);
  url.searchParams.set('application_name', name);
  const proc = spawn(process.execPath, appNodeArgs(app), {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, DATABASE_URL: url.toString(), LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: AppProcess['lines'] = [];
  const stderr: string[] = [];
  createInterface({ input: proc.stdout! }).on('line', (raw) => {
    let msg = raw;
    try {
      msg = String((JSON.parse(raw) as { msg?: unknown }).msg ?? raw);
    } catch {
      /* not JSON */
    }
    lines.push({ msg, at: Date.now() });
  });
  proc.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  return {
    name,
    proc,
    lines,
    stderr,
    exited,
    alive,
    async stop(graceMs = 10_000) {
      if (!alive()) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
  };
}
