/**
 * The measured phases of `npm run bench -- system`: one step of commands at an open-loop rate, the
 * open-loop read mix, and the CPU each process spent on them (read from /proc at the edges of the
 * measured window).
 */
import { loadavg } from 'node:os';
import type { Pool } from 'pg';
import { percentile, round } from './harness';
import { openLoop, type BenchHttp, type HttpAnswer } from './open-loop';
import { backendsCpu, procCpuMs } from './processes';
import type { ProjectionLag } from './projection-lag';
import type { BenchCycle, CommandMix, TenantTokens } from './system-commands';

export interface CpuPerUnit {
  api: number;
  worker: number;
  /** The backends connected to the benchmark's database, but the benchmark's own connections. */
  postgres: number;
  /** The whole PostgreSQL server (every database, WAL writer, checkpointer...): includes other work on the server. */
  postgres_cluster: number | null;
  /** The Redis server (the queues, rate limits and locks), when it runs here: includes other work on it. */
  redis: number | null;
  /** This process: the open-loop client and the lag polling. */
  load_generator: number;
}

interface CpuReading {
  api: number;
  worker: number;
  /** Started at the reading: the backends' list is a query. */
  backends: Promise<Map<number, number>>;
  cluster: number | null;
  redis: number | null;
  self: NodeJS.CpuUsage;
}

/** CPU of the API, the worker, PostgreSQL and this process between two readings. */
export class CpuMeter {
  constructor(
    private readonly pool: Pool,
    private readonly db: string,
    private readonly exceptApplication: string,
    private readonly procs: { api: number; worker: number; redis: number | null },
    private readonly cluster: (() => number) | null,
  ) {}

  /** Reads the processes at once; the database's backends one query later. */
  read(): CpuReading {
    const backends = backendsCpu(this.pool, this.db, this.exceptApplication);
    backends.catch(() => undefined);
    return {
      api: procCpuMs(this.procs.api),
      worker: procCpuMs(this.procs.worker),
      backends,
      cluster: this.cluster ? this.cluster() : null,
      redis: this.procs.redis === null ? null : procCpuMs(this.procs.redis),
      self: process.cpuUsage(),
    };
  }

  /**
   * µs per unit between `start` and `end`. Backends that ended in between lose what they spent;
   * backends that appeared in between are counted whole (they started during the phase).
   */
  async perUnit(
    { start, end }: { start?: CpuReading; end?: CpuReading },
    units: number,
  ): Promise<CpuPerUnit> {
    if (!start || !end) throw new Error('the measured window never opened');
    const [before, after] = await Promise.all([start.backends, end.backends]);
    let pg = 0;
    for (const [pid, ms] of after) pg += Math.max(0, ms - (before.get(pid) ?? 0));
    const n = Math.max(1, units);
    const us = (ms: number) => round((ms * 1000) / n);
    const self = (end.self.user + end.self.system - start.self.user - start.self.system) / 1000;
    return {
      api: us(end.api - start.api),
      worker: us(end.worker - start.worker),
      postgres: us(pg),
      postgres_cluster:
        start.cluster === null || end.cluster === null ? null : us(end.cluster - start.cluster),
      redis: start.redis === null || end.redis === null ? null : us(end.redis - start.redis),
      load_generator: us(self),
    };
  }
}

/** Failures of a phase: how many, by HTTP status (or `network`), and the first few answers. */
class Failures {
  count = 0;
  readonly byStatus: Record<string, number> = {};
  readonly examples: string[] = [];

  add(status: string, text: string): void {
    this.count++;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    if (this.examples.length < 5) this.examples.push(text.slice(0, 300));
  }
}

const inWindow = (times: number[], from: number, to: number) =>
  times.filter((t) => t >= from && t <= to).length;
const ms = (n: number) => (Number.isFinite(n) ? round(n, 1) : null);
const is2xx = (a: HttpAnswer) => a.status >= 200 && a.status <= 299;

export interface StepOptions {
  rate: number;
  warmupMs: number;
  durationMs: number;
  http: BenchHttp;
  mix: CommandMix;
  lag: ProjectionLag;
  meter: CpuMeter;
  lagSamplesPerS: number;
  targets: { command_p99_ms: number; projection_lag_p99_ms: number };
}

export type StepResult = Awaited<ReturnType<typeof runCommandStep>>;

/**
 * One step: commands offered at `rate` per second, open loop. Every command must answer 2xx;
 * latency runs from the slot's scheduled time; one command in `rate / lagSamplesPerS` of the
 * measured window is followed until the read models show it.
 */
export async function runCommandStep(o: StepOptions) {
  o.http.fresh();
  const edges: { start?: CpuReading; end?: CpuReading } = {};
  const latencies: number[] = [];
  const answeredAt: number[] = [];
  const failures = new Failures();
  let ok = 0;
  let skipped = 0;
  const sampleEvery = Math.max(1, Math.round(o.rate / o.lagSamplesPerS));
  const run = await openLoop(
    {
      rate: o.rate,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      onWindow: (edge) => (edges[edge] = o.meter.read()),
    },
    async (slot) => {
      const c = o.mix.next();
      if (!c) {
        if (slot.measured) skipped++;
        return;
      }
      let a: HttpAnswer;
      try {
        a = await o.http.request('POST', c.path, c.token, c.body);
      } catch (err) {
        o.mix.answered(c, false);
        failures.add('network', `POST ${c.path}: ${(err as Error).message}`);
        return;
      }
      o.mix.answered(c, is2xx(a));
      if (!is2xx(a)) {
        failures.add(String(a.status), `POST ${c.path}: ${a.status} ${a.body}`);
        return;
      }
      answeredAt.push(a.at);
      if (!slot.measured) return;
      ok++;
      latencies.push(a.at - slot.scheduledAt);
      if (slot.index % sampleEvery === 0) {
        const r = JSON.parse(a.body) as { version: number; position: number };
        o.lag.add({ cycleId: c.cycle.id, version: r.version, position: r.position, answeredAt: a.at });
      }
    },
  );
  const lag = await o.lag.collect(30_000);
  const okInWindow = inWindow(answeredAt, run.windowStart, run.windowEnd);
  const cpu = await o.meter.perUnit(edges, okInWindow);
  const p99 = percentile(latencies, 99);
  const sustained =
    failures.count === 0 &&
    skipped === 0 &&
    run.dropped === 0 &&
    ok === run.measuredSlots &&
    p99 <= o.targets.command_p99_ms &&
    lag.samples > 0 &&
    lag.unresolved === 0 &&
    lag.p99Ms <= o.targets.projection_lag_p99_ms;
  return {
    rate: o.rate,
    offered: run.measuredSlots,
    ok,
    achieved_per_s: round(okInWindow / (o.durationMs / 1000), 1),
    errors: failures.count,
    errors_by_status: failures.byStatus,
    error_examples: failures.examples,
    skipped,
    dropped: run.dropped,
    command_p50_ms: ms(percentile(latencies, 50)),
    command_p99_ms: ms(p99),
    command_max_ms: ms(latencies.length ? latencies[latencies.length - 1] : Number.NaN),
    projection_lag_p50_ms: ms(lag.p50Ms),
    projection_lag_p99_ms: ms(lag.p99Ms),
    projection_lag_max_ms: ms(lag.maxMs),
    projection_lag_p99_ms_by_read_model: {
      cycles: ms(lag.byReadModel.cycles_p99_ms),
      audit: ms(lag.byReadModel.audit_p99_ms),
    },
    lag_samples: lag.samples,
    lag_unresolved: lag.unresolved,
    cpu_us_per_command: cpu,
    send_late_p99_ms: ms(run.sendLateP99Ms),
    send_late_max_ms: ms(run.sendLateMaxMs),
    loadavg_1m: round(loadavg()[0], 2),
    sustained,
    drain_s: 0,
  };
}

export interface QueryOptions {
  rate: number;
  warmupMs: number;
  durationMs: number;
  http: BenchHttp;
  tenants: TenantTokens[];
  cycles: BenchCycle[];
  meter: CpuMeter;
}

const QUERY_KINDS = ['inbox', 'cycle', 'audit', 'deadlines'] as const;
type QueryKind = (typeof QUERY_KINDS)[number];

/**
 * The read mix at `rate` per second, open loop, in turn: the SG's inbox (the API's first page),
 * a cycle page as its PO sees it, the audit trail's latest 50 as the RPCT sees it (each such read
 * is itself recorded in the log), the tenant's deadlines list (the API's first page).
 */
export async function runQueryPhase(o: QueryOptions) {
  o.http.fresh();
  const edges: { start?: CpuReading; end?: CpuReading } = {};
  const latencies: number[] = [];
  const answeredAt: number[] = [];
  const byKind = Object.fromEntries(
    QUERY_KINDS.map((k) => [k, { latencies: [] as number[], bytes: 0, answers: 0 }]),
  ) as Record<QueryKind, { latencies: number[]; bytes: number; answers: number }>;
  const failures = new Failures();
  const request = (i: number): [QueryKind, string, string] => {
    const kind = QUERY_KINDS[i % QUERY_KINDS.length];
    const t = o.tenants[Math.floor(i / QUERY_KINDS.length) % o.tenants.length];
    if (kind === 'inbox') return [kind, '/inbox', t.tokens.sg];
    if (kind === 'audit') return [kind, '/audit?limit=50', t.tokens.rpct];
    if (kind === 'deadlines') return [kind, '/deadlines', t.tokens.po];
    const c = o.cycles[Math.floor(i / QUERY_KINDS.length) % o.cycles.length];
    return [kind, `/cycles/${c.id}`, c.tenant.tokens.po];
  };
  const run = await openLoop(
    {
      rate: o.rate,
      warmupMs: o.warmupMs,
      durationMs: o.durationMs,
      onWindow: (edge) => (edges[edge] = o.meter.read()),
    },
    async (slot) => {
      const [kind, path, token] = request(slot.index);
      let a: HttpAnswer;
      try {
        a = await o.http.request('GET', path, token);
      } catch (err) {
        failures.add('network', `GET ${path}: ${(err as Error).message}`);
        return;
      }
      if (!is2xx(a)) {
        failures.add(String(a.status), `GET ${path}: ${a.status} ${a.body}`);
        return;
      }
      answeredAt.push(a.at);
      if (!slot.measured) return;
      const k = byKind[kind];
      latencies.push(a.at - slot.scheduledAt);
      k.latencies.push(a.at - slot.scheduledAt);
      k.bytes += Buffer.byteLength(a.body);
      k.answers++;
    },
  );
  const okInWindow = inWindow(answeredAt, run.windowStart, run.windowEnd);
  const cpu = await o.meter.perUnit(edges, okInWindow);
  return {
    offered_per_s: o.rate,
    offered: run.measuredSlots,
    achieved_per_s: round(okInWindow / (o.durationMs / 1000), 1),
    p50_ms: ms(percentile(latencies, 50)),
    p99_ms: ms(percentile(latencies, 99)),
    max_ms: ms(latencies.length ? latencies[latencies.length - 1] : Number.NaN),
    errors: failures.count,
    errors_by_status: failures.byStatus,
    error_examples: failures.examples,
    dropped: run.dropped,
    by_kind: Object.fromEntries(
      QUERY_KINDS.map((k) => {
        const x = byKind[k];
        return [
          k,
          {
            p50_ms: ms(percentile(x.latencies, 50)),
            p99_ms: ms(percentile(x.latencies, 99)),
            answers: x.answers,
            bytes_per_answer: round(x.bytes / Math.max(1, x.answers)),
          },
        ];
      }),
    ),
    cpu_us_per_query: cpu,
    send_late_p99_ms: ms(run.sendLateP99Ms),
  };
}
