/**
 * Projection lag as a reader sees it: for a sample of commands, the time from the command's answer
 * until the read models show it, i.e. the cycle's row in `rm_cycles` carries the command's stream
 * version and the audit trail (`rm_audit`) holds its last event. One connection polls every 5 ms
 * for every sampled command still pending (a single query), so the figure is within 5 ms plus one
 * round trip of when the worker committed.
 */
import type { Client } from 'pg';
import { percentile, sleep } from './harness';

export interface LagSample {
  cycleId: string;
  /** Stream version after the command. */
  version: number;
  /** Global position of the command's last event. */
  position: number;
  /** performance.now() when the answer arrived. */
  answeredAt: number;
}

export interface LagFigures {
  samples: number;
  /** Samples not shown by the read models when the drain gave up. */
  unresolved: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  byReadModel: { cycles_p99_ms: number; audit_p99_ms: number };
}

interface Pending extends LagSample {
  cycles?: number;
  audit?: number;
}

export class ProjectionLag {
  private readonly pending = new Map<number, Pending>();
  private cycles: number[] = [];
  private audit: number[] = [];
  private overall: number[] = [];
  private running = false;
  private loop: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(private readonly client: Client) {}

  start(): void {
    this.running = true;
    this.loop = this.poll();
  }

  add(sample: LagSample): void {
    this.pending.set(sample.position, sample);
  }

  /** Waits until every sample is shown or `timeoutMs` passes; then the figures so far, and starts afresh. */
  async collect(timeoutMs: number): Promise<LagFigures> {
    const until = performance.now() + timeoutMs;
    while (this.pending.size > 0 && performance.now() < until && !this.failure) await sleep(20);
    if (this.failure) throw this.failure;
    const figures: LagFigures = {
      samples: this.overall.length + this.pending.size,
      unresolved: this.pending.size,
      p50Ms: percentile(this.overall, 50),
      p99Ms: percentile(this.overall, 99),
      maxMs: this.overall.length ? Math.max(...this.overall) : Number.NaN,
      byReadModel: { cycles_p99_ms: percentile(this.cycles, 99), audit_p99_ms: percentile(this.audit, 99) },
    };
    this.pending.clear();
    this.cycles = [];
    this.audit = [];
    this.overall = [];
    return figures;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async poll(): Promise<void> {
    while (this.running) {
      if (this.pending.size > 0) {
        const list = [...this.pending.values()];
        try {
          const { rows } = await this.client.query<{
            position: string;
            cycles: boolean | null;
            audit: boolean;
          }>(
            `SELECT s.pos AS position, c.version >= s.v AS cycles, a.position IS NOT NULL AS audit
               FROM unnest($1::uuid[], $2::int[], $3::bigint[]) AS s(id, v, pos)
               LEFT JOIN rm_cycles c ON c.id = s.id
               LEFT JOIN rm_audit a ON a.position = s.pos`,
            [list.map((s) => s.cycleId), list.map((s) => s.version), list.map((s) => s.position)],
          );
          const now = performance.now();
          for (const r of rows) {
            const p = this.pending.get(Number(r.position));
            if (!p) continue;
            if (r.cycles && p.cycles === undefined)
              this.cycles.push((p.cycles = Math.max(0, now - p.answeredAt)));
            if (r.audit && p.audit === undefined)
              this.audit.push((p.audit = Math.max(0, now - p.answeredAt)));
            if (p.cycles !== undefined && p.audit !== undefined) {
              this.overall.push(Math.max(p.cycles, p.audit));
              this.pending.delete(p.position);
            }
          }
        } catch (err) {
          this.failure = err as Error;
          return;
        }
      }
      await sleep(5);
    }
  }
}
