import { auditSummary, type SummaryCycle } from '@ciclo/domain';
import type { RecordedEvent } from '@ciclo/event-store';
import type { DefinitionRegistry } from '@ciclo/workflow';
import { cycleOfStream, type ProjectionContext, type Projector } from './projector';

interface CycleInfo extends SummaryCycle {
  definitionVersion: number;
}

/** The audit trail: one row per event with who, in which role, why, and an Italian summary. */
export class AuditProjector implements Projector {
  readonly name = 'audit';
  readonly tables = ['rm_audit', 'rm_audit_cycles'] as const;

  constructor(private readonly definitions: DefinitionRegistry) {}

  async apply(events: RecordedEvent[], { manager, table }: ProjectionContext): Promise<void> {
    const cycleIds = [...new Set(events.map((e) => cycleOfStream(e.streamId)?.cycleId).filter((x): x is string => !!x))];
    const known = new Map<string, CycleInfo>();
    if (cycleIds.length) {
      const rows = (await manager.query(
        `SELECT cycle_id, cycle_type, definition_version, period, title FROM ${table('rm_audit_cycles')} WHERE cycle_id = ANY($1::uuid[])`,
        [cycleIds],
      )) as { cycle_id: string; cycle_type: string; definition_version: number; period: string; title: string }[];
      for (const r of rows) {
        known.set(r.cycle_id, { cycleType: r.cycle_type, definitionVersion: r.definition_version, title: r.title, period: r.period });
      }
    }
    const changed = new Set<string>();
    const rows: unknown[][] = [];
    for (const e of events) {
      const cycleId = cycleOfStream(e.streamId)?.cycleId ?? null;
      if (cycleId && e.type === 'CycleOpened') {
        known.set(cycleId, {
          cycleType: String(e.data.cycleType),
          definitionVersion: Number(e.data.definitionVersion),
          title: String(e.data.title),
          period: String(e.data.periodLabel ?? e.data.year ?? ''),
        });
        changed.add(cycleId);
      } else if (cycleId && e.type === 'CycleMigrated' && known.has(cycleId)) {
        (known.get(cycleId) as CycleInfo).definitionVersion = Number(e.data.toVersion);
        changed.add(cycleId);
      }
      const info = cycleId ? (known.get(cycleId) ?? null) : null;
      const def = info ? this.definitions.get(info.cycleType, info.definitionVersion) : undefined;
      const fields = e.data.fields && typeof e.data.fields === 'object' ? (e.data.fields as Record<string, unknown>) : {};
      const reason = typeof e.metadata.reason === 'string' ? e.metadata.reason : typeof fields.reason === 'string' ? fields.reason : typeof e.data.reason === 'string' ? e.data.reason : null;
      rows.push([
        e.position, e.eventId, e.recordedAt, e.metadata.occurredAt, e.metadata.tenant, e.streamId, cycleId, e.version, e.type,
        e.metadata.actorId, e.metadata.actorRole, reason, e.metadata.correlationId,
        auditSummary({ type: e.type, data: e.data, actorRole: e.metadata.actorRole }, info, def), e.hash,
      ]);
    }
    if (changed.size) {
      const list = [...changed].map((id) => [id, known.get(id) as CycleInfo] as const);
      await manager.query(
        `INSERT INTO ${table('rm_audit_cycles')} (cycle_id, cycle_type, definition_version, period, title)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[])
         ON CONFLICT (cycle_id) DO UPDATE SET definition_version = EXCLUDED.definition_version`,
        [list.map(([id]) => id), list.map(([, c]) => c.cycleType), list.map(([, c]) => c.definitionVersion), list.map(([, c]) => c.period), list.map(([, c]) => c.title)],
      );
    }
    const col = (i: number) => rows.map((r) => r[i]);
    await manager.query(
      `INSERT INTO ${table('rm_audit')} (position, event_id, recorded_at, occurred_at, tenant, stream_id, cycle_id, version, type,
         actor_id, actor_role, reason, correlation_id, summary, hash)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[], $7::uuid[], $8::int[],
         $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
       ON CONFLICT (position) DO NOTHING`,
      Array.from({ length: 15 }, (_, i) => col(i)),
    );
  }
}
