/**
 * The crash phase of `npm run bench -- reminders`: N reminders fall due at the same instant; the
 * worker (another process, bench/support/reminder-worker.ts) sends them through a slow SMTP server
 * (another process reporting the reminder key of each message it accepted) and is killed with
 * SIGKILL several times while it sends, then started again at once. Answers how many reminders got
 * no message (lost) and how many messages went beyond the first per reminder (doubled).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { CycleDefinition } from '@ciclo/domain';
import { PostgresEventStore } from '@ciclo/event-store';
import { fireDef, ROOT, startSmtpProcess } from './reminder-fixtures';
import { log, sleep } from './harness';

export interface CrashPhaseOptions {
  dbUrl: string;
  redisUrl: string;
  prefix: string;
  reminders: number;
  slowSmtpMs: number;
  kills: number;
  concurrency: number;
  openCycles: (store: PostgresEventStore, n: number, def: CycleDefinition, now: Date) => Promise<void>;
}

export interface CrashPhaseResult {
  kills: number;
  lost: number;
  doubled: number;
}

/** The 7-day reminder of the fire variant falls due at 09:00 in Rome on this day. */
const DUE = Date.parse('2027-12-09T08:00:00Z');
const LEASE_MS = 3000;

function startWorker(env: NodeJS.ProcessEnv, n: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['-r', './scripts/register-paths.js', resolve(__dirname, 'reminder-worker.js')], {
    cwd: ROOT,
    env: { ...env, BENCH_WORKER_NAME: `bench-worker-${n}`, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolveStarted, reject) => {
    const timer = setTimeout(() => reject(new Error('the bench worker did not start in 60 s')), 60_000);
    proc.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('STARTED')) {
        clearTimeout(timer);
        resolveStarted(proc);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bench worker exited with ${code} before starting`));
    });
  });
}

async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGKILL');
  await exited;
}

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) {
      log(`crash phase: gave up waiting for ${what}`);
      return false;
    }
    await sleep(20);
  }
  return true;
}

export async function crashPhase(o: CrashPhaseOptions): Promise<CrashPhaseResult> {
  const perKey = new Map<string, number>();
  let accepted = 0;
  const smtp = await startSmtpProcess({
    answerAfterMs: o.slowSmtpMs,
    reportKeys: true,
    onKey: (key) => {
      accepted++;
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
    },
  });
  const store = new PostgresEventStore({ connectionString: o.dbUrl, poolSize: 8 });
  let worker: ChildProcess | null = null;
  try {
    const lead = 6000; // the reminders fall due this long after the first worker starts
    log(`crash phase: ${o.reminders} reminders due at once, SMTP answering after ${o.slowSmtpMs} ms, ${o.kills} kills`);
    await o.openCycles(store, o.reminders, fireDef, new Date(DUE - lead));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      BENCH_DB_URL: o.dbUrl,
      BENCH_REDIS_URL: o.redisUrl,
      BENCH_PREFIX: o.prefix,
      BENCH_SMTP_URL: smtp.url,
      BENCH_CONCURRENCY: String(o.concurrency),
      BENCH_LEASE_MS: String(LEASE_MS),
      // The same offset for every worker started: their clocks agree, and time runs on.
      BENCH_CLOCK_OFFSET_MS: String(DUE - lead - Date.now()),
    };
    let started = 0;
    worker = await startWorker(env, ++started);
    let kills = 0;
    for (let i = 1; i <= o.kills; i++) {
      const threshold = Math.ceil((o.reminders * i) / (o.kills + 1));
      await until(`${threshold} messages before kill ${i}`, () => accepted >= threshold, lead + 120_000);
      await kill(worker);
      kills++;
      log(`crash phase: worker killed after ${accepted} messages (kill ${i})`);
      worker = await startWorker(env, ++started);
    }
    // Every reminder delivered (the killed workers' jobs stall and are taken up again, their
    // claims expire and are completed), then a grace time for late copies.
    await until('every reminder', () => perKey.size >= o.reminders, 180_000);
    await sleep(2 * LEASE_MS + 1000);
    const doubled = [...perKey.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    const lost = Math.max(0, o.reminders - [...perKey.keys()].filter((k) => k !== '-').length);
    log(`crash phase: ${accepted} messages for ${perKey.size} reminders`);
    return { kills, lost, doubled };
  } finally {
    if (worker) await kill(worker);
    smtp.proc.kill();
    await store.close();
  }
}
