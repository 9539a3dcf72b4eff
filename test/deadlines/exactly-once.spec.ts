// Exactly once across crashes. Four reminders are due at once; a worker process (slow SMTP server)
// is killed with SIGKILL while one reminder stands before its claim, one between the claim and the
// SMTP hand-off, one after the SMTP server accepted it and before it was marked sent, and the fourth
// went through. A new worker process completes what was left: no key without its e-mail, and a
// second copy only for the key killed after the SMTP server accepted, with the same Message-ID
// (the one double docs/deadlines.md says can happen).
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
const POINTS = ['before-claim', 'claimed', 'handed', 'none'] as const;

describe('exactly once, with a worker killed at every point of a delivery', () => {
  let d: Db;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const children: ChildProcess[] = [];
  const prefix = testRedisPrefix('once').replace(/:$/, '');
  const clockStart = '2027-12-10T10:00:00Z'; // Friday: the 7-day reminder of 15 December is due

  beforeAll(async () => {
    d = await openDb('once');
    smtp = await startSmtp(undefined, { answerAfterMs: 300 });
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await smtp?.close();
    await d?.close();
  });

  function child(name: string, pause: Record<string, string>) {
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
        CHILD_PAUSE: JSON.stringify(pause),
        CHILD_LEASE_MS: '2000',
        CHILD_SWEEP_MS: '300',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(proc);
    const lines: string[] = [];
    createInterface({ input: proc.stdout! }).on('line', (l) => lines.push(l));
    const waitLine = (re: RegExp, ms = 90_000) =>
      waitFor(`a line ${re} from ${name}`, async () => lines.find((l) => re.test(l)) ?? (proc.exitCode !== null ? Promise.reject(new Error(`${name} exited: ${lines.join(' | ')}`)) : null), ms);
    return { proc, lines, waitLine };
  }
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const mailsOf = (key: string) => smtp.mails.filter((m) => m.key === key);
  const messageId = (raw: string) => /^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? null;

  it('no e-mail missing; the only double is after the SMTP accept, with the same Message-ID', async () => {
    const keys: Record<(typeof POINTS)[number], string> = {} as never;
    const ids: string[] = [];
    for (const point of POINTS) {
      const id = await openCycle(d, TENANT, 'relazione_rpct', 2027, new Date(clockStart), RPCT);
      ids.push(id);
      keys[point] = `rem|${TENANT}|${id}|pubblicazione|2027-12-15|7`;
    }
    const pause = { [keys['before-claim']]: 'before-claim', [keys.claimed]: 'claimed', [keys.handed]: 'handed' };

    // Two child processes start through ts-node: generous timeouts under a loaded `npm test`.
    const first = child('first', pause);
    for (const point of ['before-claim', 'claimed', 'handed'] as const) await first.waitLine(new RegExp(`^PAUSED ${point} ${esc(keys[point])}$`));
    await first.waitLine(new RegExp(`^DONE ${esc(keys.none)} sent sent$`));
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    // At the kill: only the reminder past the hand-off and the one that went through are out.
    expect(POINTS.map((p) => mailsOf(keys[p]).length)).toEqual([0, 0, 1, 1]);
    const { rows: before } = await d.store.pool.query<{ key: string; status: string }>(`SELECT key, status FROM ntf_deliveries WHERE key = ANY($1) ORDER BY key`, [Object.values(keys)]);
    expect(Object.fromEntries(before.map((r) => [r.key, r.status]))).toEqual({ [keys.claimed]: 'sending', [keys.handed]: 'sending', [keys.none]: 'sent' });

    const second = child('second', {});
    await second.waitLine(/^STARTED$/);
    await waitFor(
      'every delivery marked sent',
      async () => {
        const { rows } = await d.store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ntf_deliveries WHERE key = ANY($1) AND status = 'sent'`, [Object.values(keys)]);
        return rows[0].n === 4;
      },
      90_000,
    );
    // No key without its e-mail; one double, where the SMTP server had accepted before the kill.
    expect(POINTS.map((p) => mailsOf(keys[p]).length)).toEqual([1, 1, 2, 1]);
    const doubled = mailsOf(keys.handed).map((m) => messageId(m.raw));
    expect(doubled[0]).toMatch(/^<[A-Za-z0-9_-]+@ciclo\.reminders>$/);
    expect(doubled[1]).toBe(doubled[0]);
    for (const id of ids) expect(await d.store.readStream(reminderStream(TENANT, id))).toHaveLength(1);
    const { rows: after } = await d.store.pool.query<{ key: string; attempts: number }>(`SELECT key, attempts FROM ntf_deliveries WHERE key = ANY($1)`, [Object.values(keys)]);
    const attempts = Object.fromEntries(after.map((r) => [r.key, r.attempts]));
    expect([attempts[keys['before-claim']], attempts[keys.claimed], attempts[keys.handed], attempts[keys.none]]).toEqual([1, 2, 2, 1]);

    // Every job ends completed (the stalled ones were taken up by the second worker).
    const c = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    const q = new Queue(REMINDER_QUEUE, { connection: c, prefix });
    await waitFor('the jobs completed', async () => {
      const states = await Promise.all(Object.values(keys).map(async (k) => (await q.getJob(k))?.getState()));
      return states.every((s) => s === 'completed');
    }, 30_000);
    await q.close();
    c.disconnect();
    second.proc.kill('SIGTERM');
  }, 240_000);
});
