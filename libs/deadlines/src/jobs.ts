import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PlannedReminder } from '@ciclo/domain';
import type { Clock } from './clock';

export const REMINDER_QUEUE = 'reminders';

/** The Redis key telling the scheduler that Redis holds every planned job (`prefix`: the BullMQ prefix). Deleting it makes the active scheduler plan every cycle again. */
export const schedulerMarkerKey = (prefix: string) => `${prefix}:deadline-scheduler:marker`;

export interface ReminderJobData {
  key: string;
  tenant: string;
  cycleId: string;
  deadlineId: string;
  legalDate: string;
  offset: number;
  kind: PlannedReminder['kind'];
  /** When the reminder is due, by the scheduler's clock. */
  dueAt: string;
}

export interface ReminderJobOptions {
  attempts?: number;
  backoffMs?: number;
  /** Completed jobs are kept this long, so that re-adding one is a no-op (default 90 days). */
  keepCompletedS?: number;
}

/** The digest of a plan without reminders (most closed cycles): one string for all of them. */
const NO_REMINDERS = 'none';

/** One cycle's plan for `reconcile`. */
export interface CyclePlan {
  tenant: string;
  cycleId: string;
  planned: PlannedReminder[];
  /** First seen at version 1: no jobs yet, its index is not read. */
  fresh?: boolean;
  /** Planned again with a changed tenant calendar: its waiting jobs are given the planned instants. */
  moved?: boolean;
  /**
   * The digest (`planDigest`) of the plan this instance last made Redis hold for the cycle, as the
   * caller keeps it with the cycle; absent when unknown (the plan goes to Redis).
   */
  applied?: string;
}

/** What identifies a plan's jobs: each reminder's key (deadline, legal date, offset), kind and instant. */
function planDigest(planned: readonly PlannedReminder[]): string {
  if (planned.length === 0) return NO_REMINDERS;
  const h = createHash('sha1');
  for (const r of planned) h.update(`${r.key}\u0000${r.kind}\u0000${r.dueAt}\n`);
  return h.digest('base64');
}

/**
 * The delayed reminder jobs, one per reminder key (deterministic job id), and an index per cycle
 * (a Redis set of its job ids) so that jobs no longer planned (deadline met, moved, cycle
 * cancelled) can be found and removed.
 */
export class ReminderJobs {
  readonly queue: Queue<ReminderJobData>;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
    private readonly clock: Clock,
    private readonly options: ReminderJobOptions = {},
  ) {
    this.queue = new Queue<ReminderJobData>(REMINDER_QUEUE, { connection: redis, prefix });
    this.queue.on('error', () => undefined);
  }

  indexKey(tenant: string, cycleId: string): string {
    return `${this.prefix}:deadline-scheduler:jobs:${tenant}|${cycleId}`;
  }

  get markerKey(): string {
    return schedulerMarkerKey(this.prefix);
  }

  /**
   * Makes the jobs of each cycle equal to its plan: removes the indexed jobs not planned any more
   * and adds the planned ones (adding an existing job id is a no-op). `fresh` cycles (first seen at
   * version 1) have no jobs yet: their index is not read. `moved` cycles were planned again with a
   * changed tenant calendar: a reminder keeps its key (deadline, legal date, offset) while its
   * instant moves, so each of their waiting jobs is given the planned instant. A cycle whose plan
   * is the one its `applied` digest names is left alone (`unchanged`): nothing in Redis to do.
   * `applied` answers, in the order of `all`, the digest of the plan Redis now holds for each
   * cycle, for the caller to keep with it (until this call succeeds, Redis may hold neither plan:
   * a caller clears what it kept first).
   */
  async reconcile(
    all: readonly CyclePlan[],
  ): Promise<{ added: number; removed: number; rescheduled: number; unchanged: number; applied: string[] }> {
    const applied = all.map((p) => planDigest(p.planned));
    const plans = all.filter((p, i) => p.moved || p.applied !== applied[i]);
    const unchanged = all.length - plans.length;
    if (plans.length === 0) return { added: 0, removed: 0, rescheduled: 0, unchanged, applied };
    const toRead = plans.filter((p) => !p.fresh);
    const existing = new Map<string, string[]>();
    if (toRead.length) {
      const pipe = this.redis.pipeline();
      for (const p of toRead) pipe.smembers(this.indexKey(p.tenant, p.cycleId));
      const res = (await pipe.exec()) ?? [];
      res.forEach(([err, ids], i) => {
        if (err) throw err;
        existing.set(this.indexKey(toRead[i].tenant, toRead[i].cycleId), ids as string[]);
      });
    }
    const stale: { index: string; id: string }[] = [];
    for (const p of plans) {
      const idx = this.indexKey(p.tenant, p.cycleId);
      const want = new Set(p.planned.map((r) => r.key));
      for (const id of existing.get(idx) ?? []) if (!want.has(id)) stale.push({ index: idx, id });
    }
    // A job being processed cannot be removed: it checks the plan itself before sending.
    await Promise.all(stale.map((s) => this.queue.remove(s.id)));
    const now = this.clock.now().getTime();
    const rescheduled = await this.reschedule(plans.filter((p) => p.moved).flatMap((p) => p.planned), now);
    const planned = plans.flatMap((p) => p.planned);
    // Chunks in flight together: building one overlaps Redis running the previous.
    const chunks: PlannedReminder[][] = [];
    for (let i = 0; i < planned.length; i += 1000) chunks.push(planned.slice(i, i + 1000));
    for (let i = 0; i < chunks.length; i += 2) {
      await Promise.all(chunks.slice(i, i + 2).map((c) => this.queue.addBulk(c.map((r) => this.jobOf(r, now)))));
    }
    const pipe = this.redis.pipeline();
    for (const s of stale) pipe.srem(s.index, s.id);
    for (const p of plans) if (p.planned.length) pipe.sadd(this.indexKey(p.tenant, p.cycleId), ...p.planned.map((r) => r.key));
    if (stale.length || planned.length) {
      const res = (await pipe.exec()) ?? [];
      for (const [err] of res) if (err) throw err;
    }
    return { added: planned.length, removed: stale.length, rescheduled, unchanged, applied };
  }

  /**
   * Gives each waiting job of these reminders its planned instant (the jobs asked for together, not
   * one round trip after another); a job already running or gone is left alone. A move that fails
   * while its job still waits rejects (after the other moves are settled).
   */
  private async reschedule(planned: readonly PlannedReminder[], nowMs: number): Promise<number> {
    const moves = await Promise.allSettled(
      planned.map(async (r) => {
        const job = await this.queue.getJob(r.key);
        if (!job || job.data.dueAt === r.dueAt || !(await job.isDelayed())) return false;
        try {
          // The instant first, the data after: the data's instant is what says a job was moved, so a
          // move cut between the two writes is done again by the next reconcile, not taken as done.
          await job.changeDelay(Math.max(0, Date.parse(r.dueAt) - nowMs));
          await job.updateData({ ...job.data, dueAt: r.dueAt });
          return true;
        } catch (err) {
          // Taken by a worker meanwhile: the processor checks the cycle and the calendar itself.
          if (!(await job.isDelayed())) return false;
          // Still waiting, so the write itself failed (Redis refused it): the reconcile fails and
          // its caller, which keeps no digest for these cycles, moves the job again when it retries.
          throw err;
        }
      }),
    );
    const failed = moves.find((m): m is PromiseRejectedResult => m.status === 'rejected');
    if (failed) throw failed.reason;
    return moves.filter((m) => m.status === 'fulfilled' && m.value).length;
  }

  private jobOf(r: PlannedReminder, nowMs: number) {
    const data: ReminderJobData = {
      key: r.key,
      tenant: r.tenant,
      cycleId: r.cycleId,
      deadlineId: r.deadlineId,
      legalDate: r.legalDate,
      offset: r.offset,
      kind: r.kind,
      dueAt: r.dueAt,
    };
    return {
      name: r.kind,
      data,
      opts: {
        jobId: r.key,
        delay: Math.max(0, Date.parse(r.dueAt) - nowMs),
        attempts: this.options.attempts ?? 6,
        backoff: { type: 'exponential', delay: this.options.backoffMs ?? 30_000 },
        removeOnComplete: { age: this.options.keepCompletedS ?? 90 * 86400 },
        removeOnFail: { age: 180 * 86400 },
      },
    };
  }

  /** Ids of the jobs indexed for a cycle. */
  async indexed(tenant: string, cycleId: string): Promise<string[]> {
    return (await this.redis.smembers(this.indexKey(tenant, cycleId))).sort();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
