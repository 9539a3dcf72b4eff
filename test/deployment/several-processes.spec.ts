// The way users outgrow one process: two API and two worker processes (the built code) on one
// PostgreSQL and one Redis. Clients send commands and queries to both APIs (the same token works
// on either); mid-run one API and the worker holding the projectors are killed with SIGKILL.
// Afterwards every event is projected exactly once (the tables equal a rebuild), each due reminder
// went out once, and the projectors and the deadline scheduler failed over within 10 s.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReminderPlanner, SCHEDULER_SUBSCRIPTION } from '@ciclo/deadlines';
import { evolve, initialCycleState, isWorkingInstant, type Role } from '@ciclo/domain';
import { devAuthSecret, loadSettings } from '@ciclo/config';
import { signDevToken } from '@ciclo/identity';
import { REMINDER_SENT, StaticTenantDirectory, type TenantFile } from '@ciclo/notifications';
import type { ComponentStatus } from '@ciclo/platform';
import { subscriptionName } from '@ciclo/projections';
import { DefinitionRegistry, toFoldable } from '@ciclo/workflow';
import { createTestDatabase, testRedisPrefix, type TestDatabase } from '../support/database';
import { startSmtp } from '../deadlines/support';
import {
  expectRebuildEqualsLive,
  openReadModels,
  waitCaughtUp,
  type ReadModels,
} from '../projections/support';
import { LEASE_HOLDERS_SQL } from '../projections/worker';
import { build, exec, freePort, ROOT, sleep, startBuilt, type AppProcess } from './processes';

const TENANT = 'cciaa-tt';
const LEASES = [subscriptionName('cycles'), subscriptionName('audit'), SCHEDULER_SUBSCRIPTION, '$audit-seal'];

/**
 * A time zone in which now and the next hour are working time with round-the-clock working hours:
 * reminders due now go out now (outside working hours they would wait for the next working day).
 */
function workingTimeZone(now: Date): string {
  const hours = {
    start: '00:00',
    end: '23:59',
    weekdays: [0, 1, 2, 3, 4, 5, 6] as (0 | 1 | 2 | 3 | 4 | 5 | 6)[],
  };
  for (let h = -12; h <= 14; h++) {
    const timeZone = h === 0 ? 'Etc/GMT' : `Etc/GMT${h > 0 ? '-' : '+'}${Math.abs(h)}`;
    const ctx = { ...hours, timeZone };
    if (isWorkingInstant(now, ctx) && isWorkingInstant(new Date(now.getTime() + 3_600_000), ctx))
      return timeZone;
  }
  throw new Error('no time zone where the next hour is a working hour (two holidays in a row everywhere?)');
}

interface Api {
  name: string;
  url: string;
  proc: AppProcess;
}

describe('two APIs and two workers on one PostgreSQL and Redis, with SIGKILLs', () => {
  const seeds = mkdtempSync(join(tmpdir(), 'ciclo-seeds-'));
  let db: TestDatabase;
  let rm: ReadModels;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let env: Record<string, string>;
  const apis: Api[] = [];
  const workers: AppProcess[] = [];
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    await build();
    cpSync(join(ROOT, 'seeds'), seeds, { recursive: true });
    const demo = JSON.parse(readFileSync(join(ROOT, 'seeds/tenants/demo.json'), 'utf8')) as TenantFile & {
      ipaCode: string;
    };
    const tenant = {
      ...demo,
      id: TENANT,
      name: 'Camera di commercio di prova',
      ipaCode: 'cciaa_tt',
      timeZone: workingTimeZone(new Date()),
      patronDays: [],
      workingHours: { start: '00:00', end: '23:59', weekdays: [0, 1, 2, 3, 4, 5, 6] },
      webhooks: [],
    };
    writeFileSync(join(seeds, 'tenants', `${TENANT}.json`), JSON.stringify(tenant, null, 2));
    for (const u of tenant.users ?? [])
      tokens.set(
        u.roles[0],
        await signDevToken(
          { userId: u.id, roles: u.roles as Role[], tenant: TENANT },
          devAuthSecret(loadSettings({})),
        ),
      );

    db = await createTestDatabase('several');
    smtp = await startSmtp();
    env = {
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: '12',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: testRedisPrefix('several').replace(/:$/, ''),
      SEEDS_DIR: seeds,
      SMTP_URL: smtp.url,
      DEV_AUTH_ENABLED: 'true',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: '10000',
      // The killed worker's reminder jobs are free again within about 6 s instead of 60.
      REMINDER_LOCK_MS: '5000',
      REMINDER_STALLED_INTERVAL_MS: '1000',
    };
    const cli = (...args: string[]) =>
      exec(process.execPath, ['bin/ciclo', ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env } });
    await cli('migrate');
    await cli('tenants', 'seed-demo', '--file', join(seeds, 'tenants', `${TENANT}.json`));
    rm = await openReadModels(db.url);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([...apis.map((a) => a.proc), ...workers].map((p) => p.stop()));
    await rm?.close();
    await smtp?.close();
    await db?.drop();
    rmSync(seeds, { recursive: true, force: true });
  });

  async function health(api: Api): Promise<Record<string, ComponentStatus>> {
    const res = await fetch(`${api.url}/health`);
    return ((await res.json()) as { components: Record<string, ComponentStatus> }).components;
  }

  async function leaseHolders(): Promise<Record<string, string[]>> {
    const { rows } = await rm.store.pool.query<{ name: string; holder: string }>(LEASE_HOLDERS_SQL, [LEASES]);
    return Object.fromEntries(LEASES.map((l) => [l, rows.filter((r) => r.name === l).map((r) => r.holder)]));
  }

  /** One HTTP call to the first live API of `order`; a connection failure (killed API) moves on to the next, same request, same Idempotency-Key. */
  async function call(
    order: Api[],
    method: string,
    path: string,
    role: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    let last: unknown = null;
    for (const api of order) {
      if (!api.proc.alive()) continue;
      try {
        const res = await fetch(`${api.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${tokens.get(role)}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
            ...headers,
          },
          body: body ? JSON.stringify(body) : undefined,
        });
        return { api: api.name, status: res.status, body: (await res.json()) as Record<string, unknown> };
      } catch (err) {
        last = err;
      }
    }
    throw new Error(`no API answered ${method} ${path}: ${(last as Error)?.message}`);
  }

  const opened: { cycleId: string; key: string }[] = [];
  const stats = { commands: 0, reads: 0, retried: 0, behind: 0 };

  /** A client: opens cycles whose deadlines are past (reminders due now), comments, reads its writes through the other API. */
  async function client(n: number, until: () => boolean): Promise<void> {
    for (let i = 0; !until(); i++) {
      const order = (i + n) % 2 === 0 ? [apis[0], apis[1]] : [apis[1], apis[0]];
      const [type, year, role] =
        i % 2 === 0 ? ['relazione_rpct', 2025, 'rpct'] : ['piao', 2026, 'segretario_generale'];
      const key = randomUUID();
      const open = await call(order, 'POST', '/cycles', role, { type, year }, { 'idempotency-key': key });
      expect({ status: open.status, body: open.status === 201 ? null : open.body }).toEqual({
        status: 201,
        body: null,
      });
      if (open.api !== order[0].name) stats.retried++;
      const cycleId = String(open.body.cycleId);
      opened.push({ cycleId, key });
      const comment = await call(
        [order[1], order[0]],
        'POST',
        `/cycles/${cycleId}/commands/comment`,
        role,
        { text: `Nota ${n}.${i}` },
        { 'idempotency-key': randomUUID() },
      );
      expect(comment.status).toBe(200);
      stats.commands += 2;
      // Read your own write on the other API: the read model reaches the position (or says 503 while a projector fails over).
      const position = Number(comment.body.position);
      for (let attempt = 0; ; attempt++) {
        const list = await call([order[0], order[1]], 'GET', `/cycles?minPosition=${position}`, role);
        if (list.status === 200) break;
        expect(list.body.code).toBe('PROJECTION_BEHIND');
        stats.behind++;
        if (attempt > 20) throw new Error('read model did not reach the position within 20 tries');
        await sleep(500);
      }
      const state = await call([order[1], order[0]], 'GET', `/cycles/${cycleId}`, role);
      expect(state.status).toBe(200);
      expect(state.body.version).toBeGreaterThanOrEqual(2);
      stats.reads += 2;
    }
  }

  it('keeps every event projected once, every due reminder sent once, and fails over within 10 s', async () => {
    for (const name of ['api-1', 'api-2']) {
      const port = await freePort();
      apis.push({
        name,
        url: `http://127.0.0.1:${port}`,
        proc: startBuilt('api', `ciclo-${name}`, { ...env, PORT: String(port) }),
      });
    }
    const logs = () =>
      [...apis.map((a) => a.proc), ...workers]
        .map((p) => `${p.name}:\n${p.lines.map((l) => l.msg).join('\n')}\n${p.stderr.join('')}`)
        .join('\n');
    // worker-1 starts first and takes every lease; worker-2 then stands by for all of them.
    workers.push(startBuilt('worker', 'ciclo-worker-1', env));
    for (const t = Date.now(); ; await sleep(300)) {
      const holders = await leaseHolders();
      if (LEASES.every((l) => holders[l][0] === 'ciclo-worker-1')) break;
      if (Date.now() - t > 90_000)
        throw new Error(`worker-1 did not take every lease within 90 s:\n${logs()}`);
    }
    workers.push(startBuilt('worker', 'ciclo-worker-2', env));
    const t0 = Date.now();
    for (;;) {
      const h = await health(apis[1]).catch(() => null);
      if (
        h?.workers.status === 'up' &&
        h.workers.workers?.length === 2 &&
        (await health(apis[0]).catch(() => null))
      )
        break;
      if (Date.now() - t0 > 90_000)
        throw new Error(`the processes did not all start within 90 s:\n${logs()}`);
      await sleep(500);
    }

    // Phase 1: four clients on both APIs.
    let phase = 1;
    const stopAt = { 1: Date.now() + 6000, 2: 0 };
    const clients = [0, 1, 2, 3].map((n) =>
      client(n, () => phase === 3 || (phase === 1 ? Date.now() > stopAt[1] : Date.now() > stopAt[2])),
    );
    try {
      await runAndCheck();
    } finally {
      phase = 3; // a failed check ends the clients too
      await Promise.allSettled(clients);
    }
    async function runAndCheck(): Promise<void> {
      await sleep(4000);

      // Mid-run: SIGKILL one API and the worker holding the cycles projector.
      const before = await leaseHolders();
      for (const l of LEASES)
        expect({ lease: l, holders: before[l].length }).toEqual({ lease: l, holders: 1 });
      const victim = workers.find((w) => w.name === before[subscriptionName('cycles')][0]) as AppProcess;
      const survivor = workers.find((w) => w !== victim) as AppProcess;
      const heldByVictim = LEASES.filter((l) => before[l][0] === victim.name);
      expect(heldByVictim).toEqual(
        expect.arrayContaining([subscriptionName('cycles'), SCHEDULER_SUBSCRIPTION]),
      );
      const killedAt = Date.now();
      apis[0].proc.proc.kill('SIGKILL');
      victim.proc.kill('SIGKILL');
      phase = 2;
      stopAt[2] = Date.now() + 8000;

      // Failover: the survivor takes every lease (pg_locks) and /health on the live API says so.
      let leasesAt = 0;
      let healthAt = 0;
      const survivorId = (await health(apis[1])).workers.workers?.find(
        (w) => w.pid === survivor.proc.pid,
      )?.id;
      while (!leasesAt || !healthAt) {
        const holders = await leaseHolders();
        if (!leasesAt && LEASES.every((l) => holders[l].length === 1 && holders[l][0] === survivor.name))
          leasesAt = Date.now();
        const w = (await health(apis[1])).workers;
        if (!healthAt && w.status === 'up' && w.subscriptions?.every((s) => s.heldBy === survivorId))
          healthAt = Date.now();
        if (Date.now() - killedAt > 30_000) break;
        await sleep(200);
      }
      expect({
        leasesTakenOverMs: leasesAt - killedAt < 10_000 && leasesAt > 0,
        shownInHealthMs: healthAt - killedAt < 10_000 && healthAt > 0,
      }).toEqual({
        leasesTakenOverMs: true,
        shownInHealthMs: true,
      });
      await Promise.all(clients);
      expect(await victim.exited).toMatchObject({ signal: 'SIGKILL' });

      // Exactly-once commands: one cycle per Idempotency-Key, also when a request was retried on the other API.
      expect(opened.length).toBeGreaterThanOrEqual(8);
      const streams = await rm.store.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM es_streams WHERE stream_id LIKE $1`,
        [`${TENANT}/cycle-%`],
      );
      expect(streams.rows[0].n).toBe(new Set(opened.map((o) => o.cycleId)).size);
      expect(new Set(opened.map((o) => o.cycleId)).size).toBe(opened.length);

      // Exactly-once projection: the survivor caught up with every cycle (the tables against a rebuild: below).
      await waitCaughtUp(rm.runner, 30_000);
      const projected = await rm.store.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM rm_cycles WHERE tenant = $1',
        [TENANT],
      );
      expect(projected.rows[0].n).toBe(streams.rows[0].n);

      // Every reminder due now went out once (a job active in the killed worker is taken over when its lock expires).
      const definitions = DefinitionRegistry.fromDirectory(join(seeds, 'cycles'));
      const planner = new ReminderPlanner(
        definitions,
        StaticTenantDirectory.fromDirectory(join(seeds, 'tenants')),
      );
      const due: string[] = [];
      const now = new Date();
      for (const { cycleId } of opened) {
        const state = (await rm.store.readStream(`${TENANT}/cycle-${cycleId}`)).reduce(
          (s, e) => evolve(s, toFoldable(e)),
          initialCycleState(),
        );
        due.push(
          ...planner
            .plan(state, now)
            .filter((r) => Date.parse(r.dueAt) <= now.getTime())
            .map((r) => r.key),
        );
      }
      expect(due.length).toBeGreaterThanOrEqual(opened.length);
      // Each went out once, except where the killed worker held the e-mail's claim (docs/deadlines.md,
      // "What is guaranteed"): a claim it held stays 'sending' until its lease expires, then the
      // retried job or the sweep sends it, twice when the SMTP server had accepted it before the kill.
      // The victim's claims are told by their owner (the worker's name), not by a time: a claim the
      // victim sent just before the kill can be written by PostgreSQL just after it.
      const victimOwner = `worker-${victim.proc.pid}`;
      const victimsClaims = async () => {
        const { rows } = await rm.store.pool.query<{ key: string }>(
          `SELECT key FROM ntf_deliveries WHERE channel = 'email' AND status = 'sending' AND lease_owner = $1`,
          [victimOwner],
        );
        return new Set(rows.map((r) => r.key));
      };
      const claimedByVictim = await victimsClaims(); // the victim is dead: this set only shrinks (takeovers)
      const mails = (k: string) => smtp.mails.filter((m) => m.key === k).length;
      const settled = (k: string, held: Set<string>) =>
        mails(k) === 1 || (mails(k) === 0 && held.has(k)) || (mails(k) === 2 && claimedByVictim.has(k));
      const deadline = Date.now() + 120_000;
      let held = claimedByVictim;
      while (!due.every((k) => settled(k, held)) && Date.now() < deadline) {
        await sleep(500);
        held = await victimsClaims();
      }
      const missing = due.filter((k) => !settled(k, held));
      expect({ missing, logs: missing.length ? logs() : '' }).toEqual({ missing: [], logs: '' });
      expect(claimedByVictim.size).toBeLessThanOrEqual(16); // at most the killed worker's REMINDER_CONCURRENCY
      const recorded = await rm.store.pool.query<{ key: string }>(
        `SELECT data->>'key' AS key FROM es_events WHERE type = $1`,
        [REMINDER_SENT],
      );
      expect(recorded.rows.map((r) => r.key).sort()).toEqual(
        [...new Set(recorded.rows.map((r) => r.key))].sort(),
      );
      for (const k of due) expect(recorded.rows.some((r) => r.key === k)).toBe(true);
      const perKey = new Map<string, number>();
      for (const m of smtp.mails) if (m.key) perKey.set(m.key, (perKey.get(m.key) ?? 0) + 1);
      expect(
        [...perKey.entries()].filter(([k, n]) => n > 1 && !(n === 2 && claimedByVictim.has(k))),
      ).toEqual([]);
      expect(stats.commands).toBeGreaterThan(0);

      // The tables equal a rebuild from the log. Checked once every due reminder went out: a job the
      // killed worker held is sent again when its lock expires, and its ReminderSent, appended between
      // the snapshot of the live tables and the rebuild, would be in the rebuild only.
      await waitCaughtUp(rm.runner, 30_000);
      await expectRebuildEqualsLive(rm.runner, rm.store.pool);
    }
  }, 420_000);
});
