import { execFile } from 'node:child_process';
import { renameSync, rmSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { advanceTransactionIds, ensureDatabase, hasEventLog, logHead, renumberTransactions } from '@ciclo/event-store';
import { migrateDatabase } from './migrations';

const run = promisify(execFile);

export { advanceTransactionIds };

/**
 * `ciclo backup` and `ciclo restore`: the whole database (event log, seals, checkpoints, read
 * models, documents, delivery records) with pg_dump's custom format, and back into a new database.
 * See docs/deployment.md, "Backups".
 */
export class BackupError extends Error {}

/** Connection for the PostgreSQL tools: the URL without its password, which goes in PGPASSWORD (never on a command line). */
function toolTarget(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password) env.PGPASSWORD = password;
  return { dbname: u.toString(), env };
}

/** Major version of a PostgreSQL client tool (`pg_dump (PostgreSQL) 15.20 (Debian ...)` → 15). */
export async function toolMajor(tool: 'pg_dump' | 'pg_restore'): Promise<{ major: number; version: string }> {
  let stdout: string;
  try {
    ({ stdout } = await run(tool, ['--version']));
  } catch {
    throw new BackupError(`${tool} was not found: install the PostgreSQL client tools (the same major version as the server or newer)`);
  }
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(stdout);
  if (!m) throw new BackupError(`Could not read the version of ${tool}: ${stdout.trim()}`);
  return { major: Number(m[1]), version: m[2] ? `${m[1]}.${m[2]}` : m[1] };
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function serverMajor(c: Client): Promise<{ major: number; version: string }> {
  const { rows } = await c.query<{ n: string; v: string }>("SELECT current_setting('server_version_num') AS n, current_setting('server_version') AS v");
  return { major: Math.floor(Number(rows[0].n) / 10000), version: rows[0].v.split(' ')[0] };
}

export interface BackupReport {
  file: string;
  bytes: number;
  events: number;
  head: number;
  server: string;
  pgDump: string;
}

/** Dumps the database at `url` to `file` (written beside it first, renamed when complete). */
export async function backupDatabase(url: string, file: string): Promise<BackupReport> {
  const dump = await toolMajor('pg_dump');
  const { server, log } = await withClient(url, async (c) => {
    const server = await serverMajor(c);
    if (!(await hasEventLog(c))) throw new BackupError(`${new URL(url).pathname.slice(1)} holds no Ciclo event log (run ciclo migrate first?)`);
    return { server, log: await logHead(c) };
  });
  if (dump.major < server.major) {
    throw new BackupError(`pg_dump ${dump.version} cannot dump a PostgreSQL ${server.version} server: install the client tools of version ${server.major} or newer`);
  }
  const partial = `${file}.partial`;
  const t = toolTarget(url);
  try {
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${partial}`, `--dbname=${t.dbname}`], { env: t.env, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    rmSync(partial, { force: true });
    throw new BackupError(`pg_dump failed: ${((err as { stderr?: string }).stderr || (err as Error).message).trim()}`);
  }
  renameSync(partial, file);
  return { file, bytes: statSync(file).size, events: log.events, head: log.head, server: server.version, pgDump: dump.version };
}

export interface RestoreReport {
  file: string;
  events: number;
  head: number;
  dumpedFrom: string;
  migrations: string[];
  /** Transaction ids renumbered (see `renumberTransactions`) and transaction ids consumed to stay above them. */
  transactions: number;
  xidsAdvanced: number;
}

/** The versions written in an archive's header (`pg_restore --list`). */
export async function archiveVersions(file: string): Promise<{ dumpedFrom: string; dumpedBy: string }> {
  let stdout: string;
  try {
    ({ stdout } = await run('pg_restore', ['--list', file], { maxBuffer: 64 * 1024 * 1024 }));
  } catch (err) {
    throw new BackupError(`${file} is not a backup pg_restore can read: ${((err as { stderr?: string }).stderr || (err as Error).message).trim()}`);
  }
  const from = /Dumped from database version:\s*(\S+)/.exec(stdout);
  const by = /Dumped by pg_dump version:\s*(\S+)/.exec(stdout);
  if (!from || !by) throw new BackupError(`${file} has no version header: not a pg_dump custom-format archive`);
  return { dumpedFrom: from[1], dumpedBy: by[1] };
}

const major = (v: string) => Number(v.split('.')[0]);

/**
 * Restores `file` into the database at `url`, created when missing and refused when it already
 * holds tables. Afterwards: the event log's transaction ids are renumbered below this server's
 * (subscriptions read in transaction-id order; a new server's ids start lower than the old
 * one's), pending migrations are applied, and the caller makes the deadline scheduler plan every
 * cycle again.
 */
export async function restoreDatabase(url: string, file: string): Promise<RestoreReport> {
  const restore = await toolMajor('pg_restore');
  const archive = await archiveVersions(file);
  if (restore.major < major(archive.dumpedBy)) {
    throw new BackupError(`pg_restore ${restore.version} cannot read an archive written by pg_dump ${archive.dumpedBy}: install the client tools of version ${major(archive.dumpedBy)} or newer`);
  }
  await ensureDatabase(url);
  await withClient(url, async (c) => {
    const server = await serverMajor(c);
    if (server.major < major(archive.dumpedFrom)) {
      throw new BackupError(`The backup comes from PostgreSQL ${archive.dumpedFrom}; this server is ${server.version}: restore into version ${major(archive.dumpedFrom)} or newer`);
    }
    const { rows } = await c.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
    if (rows[0].n > 0) throw new BackupError(`${new URL(url).pathname.slice(1)} is not empty (${rows[0].n} tables): restore into a new database`);
  });
  const t = toolTarget(url);
  try {
    await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${t.dbname}`, file], { env: t.env, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    throw new BackupError(`pg_restore failed (nothing was restored): ${((err as { stderr?: string }).stderr || (err as Error).message).trim()}`);
  }
  const renumbered = await withClient(url, (c) => renumberTransactions(c, ['projection_checkpoints']));
  const migrations = await migrateDatabase(url);
  const log = await withClient(url, (c) => logHead(c));
  return { file, events: log.events, head: log.head, dumpedFrom: archive.dumpedFrom, migrations, ...renumbered };
}
