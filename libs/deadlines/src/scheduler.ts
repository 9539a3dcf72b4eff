import { applyPlanEvent, cycleClosed, deadlineState, evolve, initialCycleState, initialPlanState, measureDeadlines, planHoldsNothing, REGISTER_CYCLE_TYPES, type CycleState, type PlanState } from '@ciclo/domain';
import type { EventStore, RecordedEvent, Subscription } from '@ciclo/event-store';
import { LRUCache } from 'lru-cache';
import { cycleStream, toFoldable } from '@ciclo/workflow';
import type { Clock, DeadlinesLog } from './clock';
import type { CyclePlan, ReminderJobs } from './jobs';
import type { ReminderPlanner } from './planner';

export const SCHEDULER_SUBSCRIPTION = 'deadline-scheduler';

const CYCLE_STREAM = /^([a-z0-9][a-z0-9_.-]{0,62})\/cycle-(.+)$/;
const TENANT_STREAM = /^([a-z0-9][a-z0-9_.-]{0,62})\/tenant$/;

/** A cycle as the scheduler keeps it: its state and, for the types with a risk register, the plan content the register needs. */
export interface ScheduledCycle {
  /** Reduced to what deadlines and reminders read (`deadlineState`): the scheduler keeps thousands. */
  cycle: CycleState;
  /**
   * Folded with applyPlanEvent; the performance tree and measurements are dropped (the reminders
   * need only the register). Null also for a register type while its plan holds nothing
   * (`planHoldsNothing`).
   */
  plan: PlanState | null;
  /**
   * The digest of the reminder plan this process last made Redis hold for the cycle
   * (`ReminderJobs.reconcile`): a batch whose plan is the same sends nothing to Redis. Absent when
   * unknown: the cycle was folded from the store, or its last reconcile failed.
   */
  applied?: string;
}

/**
 * Applies events to a cycle and its register plan (the caller owns the plan): the cycle in full,
 * the plan without its performance tree and measurements (the reminders need only the register),
 * and no plan while it holds nothing.
 */
export function foldWithRegister(from: Pick<ScheduledCycle, 'cycle' | 'plan'>, events: readonly RecordedEvent[]): Pick<ScheduledCycle, 'cycle' | 'plan'> {
  let { cycle, plan } = from;
  for (const e of events) {
    if (e.version !== cycle.version + 1) continue;
    const x = toFoldable(e);
    cycle = evolve(cycle, x);
    if (REGISTER_CYCLE_TYPES.includes(cycle.cycleType)) {
      plan ??= initialPlanState();
      applyPlanEvent(plan, x);
      plan.nodes.clear();
      plan.measurements = [];
      plan.adoptedNodes = null;
      plan.variationBase = null;
    }
  }
  // A register still empty (most cycles of a long log) is not kept: the next event starts from a fresh one.
  if (plan && planHoldsNothing(plan)) plan = null;
  return { cycle, plan };
}

/** Applies events to a scheduled cycle the caller owns, and reduces what is kept (`deadlineState`). */
export function foldScheduled(f: ScheduledCycle, events: readonly RecordedEvent[]): ScheduledCycle {
  const { cycle, plan } = foldWithRegister(f, events);
  return { cycle: cycle === f.cycle ? cycle : deadlineState(cycle), plan, applied: f.applied };
}

/** The dates of a scheduled cycle's measures, for the planner. */
export const measureDatesOf = (f: ScheduledCycle) => (f.plan ? measureDeadlines(f.plan.register, !!f.plan.adopted) : []);

export interface SchedulerOptions {
  store: EventStore;
  jobs: ReminderJobs;
  planner: ReminderPlanner;
  clock: Clock;
  log: DeadlinesLog;
  batchSize?: number;
  retryDelayMs?: number;
  /** How often the active scheduler checks that Redis still holds its jobs (default 15 s). */
  checkIntervalMs?: number;
  /** Folded cycle states kept in memory (default 20,000). */
  cacheSize?: number;
  /**
   * The tenants' calendars the planner reads (`TenantCalendars` of libs/identity): brought up to the
   * log before a tenant whose profile changed (`TenantProfileUpdated`: calendar, time zone) has its
   * cycles planned again.
   */
  calendars?: { refresh(): Promise<void> };
  onActive?: () => void;
  onBatch?: (info: { events: number; cycles: number; added: number; removed: number }) => void;
}

/**
 * The deadline scheduler: a durable, exclusive subscription (`deadline-scheduler`) over the event
 * store. For every cycle touched by a batch it folds the cycle, plans its reminders and makes the
 * delayed jobs match. The checkpoint advances only when Redis took the jobs, so a Redis outage
 * fails the batch, which is retried until Redis is back. A Redis that came back empty (restart
 * without persistence, failover) is detected by a marker key: the scheduler then re-plans every cycle.
 */
export class DeadlineScheduler {
  private sub: Subscription | null = null;
  private readonly cache: LRUCache<string, ScheduledCycle>;
  private lock: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private active = false;
  private checking = false;

  constructor(private readonly o: SchedulerOptions) {
    this.cache = new LRUCache<string, ScheduledCycle>({ max: o.cacheSize ?? 20_000 });
  }

  get isActive(): boolean {
    return this.active;
  }

  get subscription(): Subscription | null {
    return this.sub;
  }

  start(): Subscription {
    this.sub = this.o.store.subscribe(SCHEDULER_SUBSCRIPTION, (events) => this.serial(() => this.onBatch(events)), {
      batchSize: this.o.batchSize ?? 1000,
      retryDelayMs: this.o.retryDelayMs ?? 1000,
      onActive: () => {
        this.active = true;
        this.o.log.log('Deadline scheduler active in this worker');
        void this.periodicCheck();
        this.o.onActive?.();
      },
      onError: (err) => this.o.log.warn(`Deadline scheduler batch failed, retrying: ${(err as Error).message}`),
    });
    const every = this.o.checkIntervalMs ?? 15_000;
    this.timer = setInterval(() => void this.periodicCheck(), every);
    this.timer.unref();
    return this.sub;
  }

  /** Runs one piece of work at a time (batches, full re-plans). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async periodicCheck(): Promise<void> {
    if (!this.active || this.checking) return;
    this.checking = true;
    try {
      await this.serial(() => this.ensureMarker());
    } catch (err) {
      this.o.log.warn(`Deadline scheduler: Redis check failed: ${(err as Error).message}`);
    } finally {
      this.checking = false;
    }
  }

  /**
   * Redis holds a marker set when its jobs were last known complete. Missing while the scheduler
   * has a checkpoint: the jobs were lost with it, so every cycle is planned again.
   */
  private async ensureMarker(): Promise<boolean> {
    const redis = this.o.jobs.redis;
    if ((await redis.exists(this.o.jobs.markerKey)) === 1) return false;
    const checkpoint = await this.o.store.checkpointOf(SCHEDULER_SUBSCRIPTION);
    if (checkpoint !== null) {
      this.o.log.warn('Deadline scheduler: Redis lost its reminder jobs (marker missing): planning every cycle again');
      await this.reconcileAll();
    }
    await redis.set(this.o.jobs.markerKey, JSON.stringify({ at: new Date().toISOString(), checkpoint }));
    return checkpoint !== null;
  }

  private async onBatch(events: RecordedEvent[]): Promise<void> {
    // The full re-plan runs outside the batch's transaction (it reads every cycle): when the
    // marker is missing, the batch is refused and retried once the re-plan has set it.
    if ((await this.o.jobs.redis.exists(this.o.jobs.markerKey)) !== 1) {
      void this.periodicCheck();
      throw new Error('Redis holds no scheduler marker yet (first start, or Redis lost its data): planning every cycle first');
    }
    const touched = new Map<string, { tenant: string; cycleId: string; events: RecordedEvent[] }>();
    // Tenants whose calendar or time zone may have changed: every cycle of theirs is planned again.
    const recalendared = new Set<string>();
    for (const e of events) {
      const ofTenant = TENANT_STREAM.exec(e.streamId);
      if (ofTenant && e.type === 'TenantProfileUpdated') recalendared.add(ofTenant[1]);
      const m = CYCLE_STREAM.exec(e.streamId);
      if (!m) continue;
      const t = touched.get(e.streamId) ?? { tenant: m[1], cycleId: m[2], events: [] };
      t.events.push(e);
      touched.set(e.streamId, t);
    }
    if (touched.size === 0 && recalendared.size === 0) return;
    if (recalendared.size > 0) await this.o.calendars?.refresh();
    const now = this.o.clock.now();
    const states = await this.foldTouched([...touched.entries()]);
    for (const tenant of recalendared) states.push(...(await this.untouchedCycles(tenant, touched)));
    const plans = states.map(({ stream, state, fresh }) => {
      const plan = this.planOf(stream, state, now);
      return { ...plan, fresh, moved: recalendared.has(plan.tenant), applied: state.applied };
    });
    const { added, removed } = await this.applyPlans(states.map((s) => s.state), plans);
    this.o.onBatch?.({ events: events.length, cycles: states.length, added, removed });
  }

  /** The reminders a cycle plans now (none before it is opened). */
  private planOf(stream: string, state: ScheduledCycle, now: Date): CyclePlan {
    const m = CYCLE_STREAM.exec(stream) as RegExpExecArray;
    return { tenant: m[1], cycleId: m[2], planned: state.cycle.exists ? this.o.planner.plan(state.cycle, now, measureDatesOf(state)) : [] };
  }

  /**
   * Reconciles the plans of these cycles (same order) and keeps with each the digest of the plan
   * Redis then holds. Until the reconcile succeeds Redis may hold neither plan, so each digest is
   * cleared first: after a failure, the retry goes to Redis.
   */
  private async applyPlans(states: readonly ScheduledCycle[], plans: readonly CyclePlan[]) {
    for (const s of states) s.applied = undefined;
    const r = await this.o.jobs.reconcile(plans);
    states.forEach((s, i) => (s.applied = r.applied[i]));
    return r;
  }

  /** The tenant's cycles the batch did not touch: from the cache when it holds their last version, else from the store. */
  private async untouchedCycles(tenant: string, touched: ReadonlyMap<string, unknown>): Promise<{ stream: string; state: ScheduledCycle; fresh: boolean }[]> {
    const out: { stream: string; state: ScheduledCycle; fresh: boolean }[] = [];
    const missing: string[] = [];
    for (const s of await this.o.store.listStreams({ tenant, kind: 'cycle' })) {
      if (touched.has(s.streamId)) continue;
      const cached = this.cache.get(s.streamId);
      if (cached && cached.cycle.version === s.version) out.push({ stream: s.streamId, state: cached, fresh: false });
      else missing.push(s.streamId);
    }
    out.push(...(await this.loadFolded(missing)));
    return out;
  }

  /** Folds each touched cycle: from the cache and the batch when they connect, else from the store. */
  private async foldTouched(entries: [string, { events: RecordedEvent[] }][]): Promise<{ stream: string; state: ScheduledCycle; fresh: boolean }[]> {
    const out: { stream: string; state: ScheduledCycle; fresh: boolean }[] = [];
    const missing: string[] = [];
    for (const [stream, { events }] of entries) {
      const cached = this.cache.get(stream);
      const first = events[0].version;
      if (first === 1 || (cached && cached.cycle.version >= first - 1)) {
        const from = first === 1 && !cached ? { cycle: initialCycleState(), plan: null } : (cached as ScheduledCycle);
        const state = foldScheduled(from, events);
        out.push({ stream, state, fresh: first === 1 && !cached });
        this.remember(stream, state);
      } else missing.push(stream);
    }
    out.push(...(await this.loadFolded(missing)));
    return out;
  }

  /** Reads and folds these cycles from the store, 50 streams at a time, and keeps their states. */
  private async loadFolded(streams: readonly string[]): Promise<{ stream: string; state: ScheduledCycle; fresh: boolean }[]> {
    const out: { stream: string; state: ScheduledCycle; fresh: boolean }[] = [];
    for (let i = 0; i < streams.length; i += 50) {
      const chunk = streams.slice(i, i + 50);
      const loaded = await Promise.all(chunk.map((s) => this.o.store.readStream(s)));
      chunk.forEach((stream, j) => {
        const state = foldScheduled({ cycle: initialCycleState(), plan: null }, loaded[j]);
        this.remember(stream, state);
        out.push({ stream, state, fresh: false });
      });
    }
    return out;
  }

  /**
   * Keeps a folded cycle for the next batch, unless it is closed (cancelled or in a terminal
   * stage) with no register measures: it plans no reminder, no command can change it, and the few
   * events that still reach it (another cycle's link) are folded from the store. Most cycles of a
   * long log are closed: the kept ones are those that still plan something.
   */
  private remember(stream: string, state: ScheduledCycle): void {
    const def = state.cycle.exists ? this.o.planner.definitionOf(state.cycle) : undefined;
    if (def && cycleClosed(state.cycle, def) && measureDatesOf(state).length === 0) this.cache.delete(stream);
    else this.cache.set(stream, state);
  }

  /** Whether the cycle of this stream is kept between batches (for diagnostics and tests). */
  keeps(stream: string): boolean {
    return this.cache.has(stream);
  }

  /** Plans every cycle of the store again (after Redis lost its data, or on demand). */
  async reconcileAll(): Promise<{ cycles: number; added: number; removed: number }> {
    // Redis may hold none of the plans this process applied: every cycle is folded from the store
    // with no digest kept, so every plan goes to Redis again.
    const rows = (await this.o.store.listStreams({ kind: 'cycle' })).map((s) => ({ stream_id: s.streamId }));
    const now = this.o.clock.now();
    let added = 0;
    let removed = 0;
    for (let i = 0; i < rows.length; i += 200) {
      const chunk = rows.slice(i, i + 200).map((r) => r.stream_id);
      const loaded = await Promise.all(chunk.map((s) => this.o.store.readStream(s)));
      const states = chunk.map((stream, j) => {
        const state = foldScheduled({ cycle: initialCycleState(), plan: null }, loaded[j]);
        this.remember(stream, state);
        return state;
      });
      const r = await this.applyPlans(states, chunk.map((stream, j) => this.planOf(stream, states[j], now)));
      added += r.added;
      removed += r.removed;
    }
    return { cycles: rows.length, added, removed };
  }

  /**
   * Plans one cycle now (a reminder job extending the overdue chain). One piece of work at a time
   * with the batches, and from the cycle as the store holds it then: the job folded its cycle when
   * it started, and a batch applied meanwhile (a measure reported, a stage passed) may have removed
   * jobs that a plan from that older state would add back. The state read here is not kept (the
   * scheduler's own state follows its checkpoint); the digest kept with the cycle no longer says what
   * Redis holds, so it is cleared.
   */
  async scheduleCycle(tenant: string, cycleId: string): Promise<void> {
    const stream = cycleStream(tenant, cycleId);
    await this.serial(async () => {
      const state = foldScheduled({ cycle: initialCycleState(), plan: null }, await this.o.store.readStream(stream));
      const kept = this.cache.get(stream);
      if (kept) kept.applied = undefined;
      await this.o.jobs.reconcile([this.planOf(stream, state, this.o.clock.now())]);
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.active = false;
    await this.sub?.stop();
    this.sub = null;
  }
}
