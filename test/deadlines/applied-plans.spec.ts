// The reminder jobs against a real Redis: a cycle whose plan is the one its caller says was last
// applied to it (the digest the previous reconcile answered) is left alone (no Redis command), a
// changed plan goes to Redis, and so does every plan given without that digest (Redis lost its data,
// or the caller folded the cycle afresh).
import IORedis from 'ioredis';
import { Job, Worker } from 'bullmq';
import { OffsetClock, REMINDER_QUEUE, ReminderJobs } from '@ciclo/deadlines';
import type { PlannedReminder } from '@ciclo/domain';
import { testRedisPrefix } from '../support/database';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TENANT = 'cciaa-po';
const CYCLE = '7d4f3c2a-1b2c-4d5e-8f90-0a1b2c3d4e5f';

const reminder = (deadlineId: string, offset: number, dueAt: string): PlannedReminder => ({
  key: `rem|${TENANT}|${CYCLE}|${deadlineId}|2027-06-30|${offset}`,
  tenant: TENANT,
  cycleId: CYCLE,
  deadlineId,
  legalDate: '2027-06-30',
  effectiveDate: '2027-06-30',
  offset,
  kind: offset > 0 ? 'before' : 'due',
  date: dueAt.slice(0, 10),
  dueAt,
  escalate: false,
});

describe('reminder jobs: plans already applied', () => {
  const prefix = testRedisPrefix('dlap').replace(/:$/, '');
  const clock = new OffsetClock('2027-05-01T08:00:00Z');
  let redis: IORedis;
  let jobs: ReminderJobs;
  /** Redis commands sent through `redis` (the connection the jobs and their queue use) since the last reset. */
  let commands: string[] = [];

  beforeAll(() => {
    redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    // Every command of the connection, pipelined or not, goes through sendCommand.
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
      commands.push(command.name);
      return (send as (...a: unknown[]) => unknown)(command, ...rest);
    }) as typeof redis.sendCommand;
    jobs = new ReminderJobs(redis, prefix, clock);
  });
  afterAll(async () => {
    await jobs.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  /** Redis commands of one reconcile. */
  const commandsOf = async <T>(fn: () => Promise<T>): Promise<{ result: T; sent: number }> => {
    commands = [];
    const result = await fn();
    return { result, sent: commands.length };
  };

  it('sends nothing to Redis for a plan it applied last, and applies a changed one', async () => {
    const plan = [reminder('adozione', 30, '2027-05-31T07:00:00.000Z'), reminder('adozione', 7, '2027-06-23T07:00:00.000Z')];
    const first = await commandsOf(() => jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: plan }]));
    expect(first.result).toMatchObject({ added: 2, removed: 0, rescheduled: 0, unchanged: 0 });
    expect(first.sent).toBeGreaterThan(0);
    expect(await jobs.indexed(TENANT, CYCLE)).toEqual(plan.map((r) => r.key).sort());
    let applied = first.result.applied[0];
    expect(applied).toEqual(expect.any(String));

    const again = await commandsOf(() => jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: plan.map((r) => ({ ...r })), applied }]));
    expect(again).toEqual({ result: { added: 0, removed: 0, rescheduled: 0, unchanged: 1, applied: [applied] }, sent: 0 });

    // One reminder met (gone from the plan): its job and index entry are removed.
    const changed = await commandsOf(() => jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: [plan[1]], applied }]));
    expect(changed.result).toMatchObject({ added: 1, removed: 1, rescheduled: 0, unchanged: 0 });
    expect(changed.result.applied[0]).not.toBe(applied);
    applied = changed.result.applied[0];
    expect(await jobs.indexed(TENANT, CYCLE)).toEqual([plan[1].key]);
    expect(await jobs.queue.getJob(plan[0].key)).toBeUndefined();

    // The deadline met too (the plan is empty): its job goes, and an empty plan again is unchanged.
    const emptied = await commandsOf(() => jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: [], applied }]));
    expect(emptied.result).toMatchObject({ added: 0, removed: 1, rescheduled: 0, unchanged: 0 });
    applied = emptied.result.applied[0];
    expect(await jobs.indexed(TENANT, CYCLE)).toEqual([]);
    expect(await commandsOf(() => jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: [], applied }]))).toEqual({ result: { added: 0, removed: 0, rescheduled: 0, unchanged: 1, applied: [applied] }, sent: 0 });
    // And a plan again after it is applied.
    expect((await jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: [plan[1]], applied }])).added).toBe(1);
    expect(await jobs.indexed(TENANT, CYCLE)).toEqual([plan[1].key]);
  });

  it('answers one digest per cycle, in order, and leaves alone only the cycles whose digest matches', async () => {
    const other = CYCLE.replace('7d4f', '8e5a');
    const a = [reminder('adozione', 30, '2027-05-31T07:00:00.000Z')];
    const b = [{ ...a[0], key: a[0].key.replace(CYCLE, other), cycleId: other }];
    const first = await jobs.reconcile([
      { tenant: TENANT, cycleId: CYCLE, planned: a },
      { tenant: TENANT, cycleId: other, planned: b },
    ]);
    expect(first.applied).toHaveLength(2);
    // The same plans: the first cycle's digest given, the second's not (it goes to Redis again).
    const second = await jobs.reconcile([
      { tenant: TENANT, cycleId: CYCLE, planned: a, applied: first.applied[0] },
      { tenant: TENANT, cycleId: other, planned: b },
    ]);
    expect(second).toMatchObject({ unchanged: 1, applied: first.applied });
    expect(await jobs.indexed(TENANT, other)).toEqual([b[0].key]);
  });

  it('goes to Redis again for a plan given without its digest (Redis lost its jobs)', async () => {
    const plan = [reminder('relazione', 15, '2027-06-15T07:00:00.000Z')];
    const { applied } = await jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: plan }]);
    // Redis loses the cycle's jobs and index.
    await jobs.queue.remove(plan[0].key);
    await redis.del(jobs.indexKey(TENANT, CYCLE));
    expect((await jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: plan, applied: applied[0] }])).unchanged).toBe(1);
    expect(await jobs.indexed(TENANT, CYCLE)).toEqual([]);

    expect(await jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: plan }])).toMatchObject({ added: 1, unchanged: 0 });
    expect(await jobs.indexed(TENANT, CYCLE)).toEqual([plan[0].key]);
    expect((await jobs.queue.getJob(plan[0].key))?.data.dueAt).toBe(plan[0].dueAt);
  });

  it('a moved reminder (same key, new instant) is a changed plan: its waiting job gets the new instant', async () => {
    const before = [reminder('trasmissione', 7, '2027-06-21T07:00:00.000Z')];
    const { applied } = await jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: before }]);
    const after = [{ ...before[0], dueAt: '2027-06-22T07:00:00.000Z' }];
    expect(await jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: after, moved: true, applied: applied[0] }])).toMatchObject({ rescheduled: 1, unchanged: 0 });
    expect((await jobs.queue.getJob(before[0].key))?.data.dueAt).toBe('2027-06-22T07:00:00.000Z');
  });

  it('a move whose second write Redis refuses fails the reconcile; its retry finishes the move: the job fires at the new instant', async () => {
    const before = [reminder('validazione', 7, '2027-06-21T07:00:00.000Z')];
    const { applied } = await jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: before }]);
    const after = [{ ...before[0], dueAt: '2027-06-20T07:00:00.000Z' }];
    // The second write of the move (whichever it is) fails, as when Redis refuses it or the process
    // stops between the two.
    const writes = { n: 0 };
    const originals = { changeDelay: Job.prototype.changeDelay, updateData: Job.prototype.updateData };
    for (const name of ['changeDelay', 'updateData'] as const) {
      const original = originals[name] as (this: Job, ...a: unknown[]) => Promise<void>;
      (Job.prototype as unknown as Record<string, unknown>)[name] = function (this: Job, ...a: unknown[]) {
        if (++writes.n === 2) return Promise.reject(new Error('stopped between the two writes'));
        return original.apply(this, a);
      };
    }
    try {
      // The job still waits, half moved: not taken for done, nor for a job a worker took meanwhile.
      await expect(jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: after, moved: true, applied: applied[0] }])).rejects.toThrow('stopped between the two writes');
    } finally {
      Object.assign(Job.prototype, originals);
    }
    expect(writes.n).toBe(2);
    // The retry, given no digest (the scheduler clears it before a reconcile; a process started
    // again folds the cycle afresh), completes the move.
    await jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: after, moved: true }]);
    const job = await jobs.queue.getJob(before[0].key);
    expect(job?.data.dueAt).toBe('2027-06-20T07:00:00.000Z');
    // Its delay runs to the new instant (on the jobs' clock), not to the old one a day later.
    expect(Math.abs((job?.delay ?? 0) - (Date.parse('2027-06-20T07:00:00.000Z') - clock.now().getTime()))).toBeLessThan(60_000);
  });

  it('a job a worker takes while it is being moved is left to the worker: the reconcile succeeds without moving it', async () => {
    const before = [reminder('pubblicazione', 7, '2027-06-21T07:00:00.000Z')];
    const { applied } = await jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: before }]);
    const after = [{ ...before[0], dueAt: '2027-06-20T07:00:00.000Z' }];
    // Between the reconcile's look at the job (still waiting) and its first write, a worker takes it.
    const connection = redis.duplicate();
    const worker = new Worker(REMINDER_QUEUE, null, { connection, prefix });
    const original = Job.prototype.changeDelay;
    let taken: Job | undefined;
    Job.prototype.changeDelay = async function (this: Job, delay: number) {
      await this.promote();
      taken = await worker.getNextJob('test-token', { block: false });
      return original.call(this, delay);
    };
    try {
      expect(await jobs.reconcile([{ tenant: TENANT, cycleId: CYCLE, planned: after, moved: true, applied: applied[0] }])).toMatchObject({ rescheduled: 0, unchanged: 0 });
      expect(taken?.id).toBe(before[0].key);
      const job = await jobs.queue.getJob(before[0].key);
      expect(await job?.getState()).toBe('active');
      // The worker's job keeps what it was given: the processor reads the cycle and the calendar itself.
      expect(job?.data.dueAt).toBe(before[0].dueAt);
    } finally {
      Job.prototype.changeDelay = original;
      await worker.close(true);
      connection.disconnect();
    }
  });
});
