/**
 * Open-loop load: requests leave on a fixed schedule (`rate` per second) whether or not earlier
 * ones have been answered, so a slow system meets more concurrent requests instead of fewer
 * (as a closed loop of clients would arrange). Latency is measured from each request's scheduled
 * time, so time spent waiting behind a late sender or a full socket is counted too.
 */
import http from 'node:http';
import { percentile, sleep } from './harness';

export interface HttpAnswer {
  status: number;
  body: string;
  /** performance.now() when the whole answer had arrived. */
  at: number;
}

/** Keep-alive HTTP client without a cap on sockets (an open loop opens as many as it needs). */
export class BenchHttp {
  private agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

  constructor(
    private readonly base: URL,
    private readonly timeoutMs = 30_000,
  ) {}

  request(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<HttpAnswer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              at: performance.now(),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * Closes the idle sockets before a new phase: a socket left idle past the server's keep-alive
   * timeout may be closed by the server just as it is reused, which the client would see as a reset.
   */
  fresh(): void {
    this.agent.destroy();
    this.agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface Slot {
  index: number;
  /** performance.now() at which the request was due to leave. */
  scheduledAt: number;
  /** Inside the measured window (after the warm-up). */
  measured: boolean;
}

export interface OpenLoopOptions {
  rate: number;
  warmupMs: number;
  durationMs: number;
  /** Called synchronously when the measured window opens and when its last slot has been sent. */
  onWindow?: (edge: 'start' | 'end') => void;
  /**
   * Requests allowed in flight at once; a slot due while that many are unanswered is dropped and
   * counted (a bound on sockets and memory once the system has fallen far behind). Default 4,000.
   */
  maxInFlight?: number;
}

export interface OpenLoopRun {
  /** Slots scheduled inside the measured window. */
  measuredSlots: number;
  /** Slots not sent because `maxInFlight` requests were unanswered (all of them; of the measured window). */
  dropped: number;
  droppedMeasured: number;
  windowStart: number;
  windowEnd: number;
  /** How late the sender started requests after their scheduled time (the load generator's own delay). */
  sendLateP99Ms: number;
  sendLateMaxMs: number;
}

/**
 * Calls `send` for each slot on schedule (`warmupMs` of slots, then `durationMs` of measured ones)
 * and waits for every call to settle. `send` must handle its own failures.
 */
export async function openLoop(
  o: OpenLoopOptions,
  send: (slot: Slot) => Promise<void>,
): Promise<OpenLoopRun> {
  const interval = 1000 / o.rate;
  const warmSlots = Math.round(o.warmupMs / interval);
  const total = warmSlots + Math.round(o.durationMs / interval);
  const inflight = new Set<Promise<void>>();
  const late: number[] = [];
  const maxInFlight = o.maxInFlight ?? 4000;
  let dropped = 0;
  let droppedMeasured = 0;
  const t0 = performance.now();
  let i = 0;
  while (i < total) {
    const now = performance.now();
    while (i < total && t0 + i * interval <= now) {
      if (i === warmSlots) o.onWindow?.('start');
      const scheduledAt = t0 + i * interval;
      if (inflight.size >= maxInFlight) {
        dropped++;
        if (i >= warmSlots) droppedMeasured++;
        i++;
        continue;
      }
      late.push(now - scheduledAt);
      const p: Promise<void> = send({ index: i, scheduledAt, measured: i >= warmSlots }).finally(() =>
        inflight.delete(p),
      );
      inflight.add(p);
      i++;
    }
    if (i < total) await sleep(Math.max(0, t0 + i * interval - performance.now()));
  }
  o.onWindow?.('end');
  await Promise.all(inflight);
  return {
    measuredSlots: total - warmSlots,
    dropped,
    droppedMeasured,
    windowStart: t0 + warmSlots * interval,
    windowEnd: t0 + total * interval,
    sendLateP99Ms: percentile(late, 99),
    sendLateMaxMs: late.reduce((m, x) => Math.max(m, x), 0),
  };
}
