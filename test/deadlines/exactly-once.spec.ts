// Exactly once per key: a worker process is killed right after the SMTP server accepted a
// reminder e-mail and before the job completed; a new worker process picks the stalled job up,
// finds ReminderSent recorded and the e-mail claimed, and sends nothing more: one e-mail per key.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { REMINDER_QUEUE } from '@ciclo/deadlines';
import { reminderStream } from '@ciclo/notifications';
import { testRedisPrefix } from '../support/database';
import { openCycle, openDb, RPCT, startSmtp, TENANT, waitFor, type Db } from './support';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('exactly once, with a worker killed after the SMTP hand-off', () => {
  let d: Db;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const children: ChildProcess[] = [];
  const prefix = testRedisPrefix('once').replace(/:$/, '');
  const clockStart = '2027-12-10T10:00:00Z'; // Friday: the 7-day reminder of 15 December is due

  beforeAll(async () => {
    d = await openDb('once');
    smtp = await startSmtp();
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await smtp?.close();
    await d?.close();
  });

  function child(name: string, pause: boolean): { proc: ChildProcess; lines: string[]; waitLine: (re: RegExp, ms?: number) => Promise<string> } {
    const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'test/deadlines/worker-child.ts'], {
      cwd: resolve(__dirname, '../..'),
      env: {
        ...process.env,
        CHILD_DB_URL: d.db.url,
        CHILD_REDIS_URL: REDIS_URL,
        CHILD_PREFIX: prefix,
        CHILD_SMTP_URL: smtp.url,
        CHILD_CLOCK: clockStart,
        CHILD_NAME: name,
        CHILD_PAUSE_AFTER_HANDOFF: pause ? '1' : '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(proc);
    const lines: string[] = [];
    createInterface({ input: proc.stdout! }).on('line', (l) => lines.push(l));
    return {
      proc,
      lines,
      waitLine: (re, ms = 90_000) => waitFor(`a line ${re} from ${name}`, async () => lines.find((l) => re.test(l)) ?? (proc.exitCode !== null ? Promise.reject(new Error(`${name} exited: ${lines.join(' | ')}`)) : null), ms),
    };
  }

  it('one e-mail per key after kill -9 between hand-off and completion', async () => {
    // Two child processes start through ts-node: generous under a loaded `npm test`.
    const first = child('first', true);
    await first.waitLine(/^STARTED$/);
    const id = await openCycle(d, TENANT, 'relazione_rpct', 2027, new Date(clockStart), RPCT);
    const key = `rem|${TENANT}|${id}|pubblicazione|2027-12-15|7`;
    await first.waitLine(new RegExp(`^HANDED ${key.replace(/\|/g, '\\|')}$`));
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    expect(smtp.mails.filter((m) => m.key === key)).toHaveLength(1);

    const second = child('second', false);
    const done = await second.waitLine(new RegExp(`^DONE ${key.replace(/\|/g, '\\|')} `));
    expect(done).toBe(`DONE ${key} already_sent already`);
    expect(smtp.mails.filter((m) => m.key === key)).toHaveLength(1);
    expect(await d.store.readStream(reminderStream(TENANT, id))).toHaveLength(1);
    const { rows } = await d.store.pool.query(`SELECT status FROM ntf_deliveries WHERE key = $1`, [key]);
    expect(rows).toEqual([{ status: 'sending' }]); // claimed before the hand-off; the outcome of the kill is not guessed
    const c = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    const q = new Queue(REMINDER_QUEUE, { connection: c, prefix });
    expect(await (await q.getJob(key))?.getState()).toBe('completed');
    await q.close();
    c.disconnect();
    second.proc.kill('SIGTERM');
  }, 240_000);
});
