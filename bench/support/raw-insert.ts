/**
 * The floor every write figure is compared with: one-row INSERT + commit into a plain table, the
 * payload as large as an event's data and metadata, `writers` concurrent connections. Measured by
 * `npm run bench -- eventstore` (`raw_insert_per_s`) and, in the same way, by `npm run bench -- system`.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { EventMetadata, JsonObject, NewEvent } from '@ciclo/event-store';
import { runPhase, type PhaseResult } from './harness';

export const RAW_TENANT = 'cciaa-bench';

/** Event data of about `payloadBytes` bytes of JSON. */
function benchData(seq: number, payloadBytes: number): JsonObject {
  const base = { kind: 'IndicatorValueRecorded', seq, text: '' };
  const pad = Math.max(0, payloadBytes - Buffer.byteLength(JSON.stringify(base)));
  return { ...base, text: 'x'.repeat(pad) };
}

function benchMetadata(): EventMetadata {
  return {
    tenant: RAW_TENANT,
    actorId: 'bench-user',
    actorRole: 'po',
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: null,
    schemaVersion: 1,
  };
}

/** A synthetic event whose data is about `payloadBytes` bytes of JSON. */
export function benchEvent(seq: number, payloadBytes: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'IndicatorValueRecorded',
    data: benchData(seq, payloadBytes),
    metadata: benchMetadata(),
  };
}

export interface RawInsertOptions {
  writers: number;
  warmupMs: number;
  durationMs: number;
  payloadBytes: number;
}

/**
 * Creates `bench_raw` (when missing) on `pool`'s database and loops `writers` connections on
 * `INSERT INTO bench_raw (payload) VALUES ($1)`, one transaction each: rows/s in `unitsPerSecond`.
 */
export async function measureRawInsert(pool: Pool, o: RawInsertOptions): Promise<PhaseResult> {
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_raw (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload jsonb NOT NULL)',
  );
  return runPhase(
    o.writers,
    async (_w, i) => {
      const e = benchEvent(i, o.payloadBytes);
      await pool.query('INSERT INTO bench_raw (payload) VALUES ($1)', [
        JSON.stringify({ data: e.data, metadata: e.metadata }),
      ]);
      return 1;
    },
    o.warmupMs,
    o.durationMs,
  );
}
