import { auditSummary, type SummaryCycle } from '@ciclo/domain';
import type { RecordedEvent } from '@ciclo/event-store';
import type { DefinitionRegistry } from '@ciclo/workflow';
import { unnestInsert } from './bulk-insert';
import { cycleOfStream, type ProjectionContext, type Projector, type RebuildContext, type RebuildSink } from './projector';

interface CycleInfo extends SummaryCycle {
  definitionVersion: number;
}

const AUDIT_COLUMNS = [
  'position bigint', 'event_id uuid', 'recorded_at timestamptz', 'occurred_at timestamptz', 'tenant text', 'stream_id text', 'cycle_id uuid', 'version int',
  'type text', 'actor_id text', 'actor_role text', 'reason text', 'correlation_id text', 'summary text', 'hash text',
];
const AUDIT_CYCLE_COLUMNS = ['cycle_id uuid', 'cycle_type text', 'definition_version int', 'period text', 'title text'];

/** Audit rows per write of a rebuild: they are written as the log is read, never all held. */
const REBUILD_ROWS = 50000;
/** rm_audit_cycles rows per write at the end of a rebuild. */
const REBUILD_CYCLES = 10000;

const auditCycleRow = (id: string, c: CycleInfo): unknown[] => [id, c.cycleType, c.definitionVersion, c.period, c.title];

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
    const rows = events.map((e) => this.rowOf(e, known, changed));
    if (changed.size) {
      await manager.query(
        ...unnestInsert(
          table('rm_audit_cycles'),
          AUDIT_CYCLE_COLUMNS,
          [...changed].map((id) => auditCycleRow(id, known.get(id) as CycleInfo)),
          'ON CONFLICT (cycle_id) DO UPDATE SET definition_version = EXCLUDED.definition_version',
        ),
      );
    }
    await manager.query(...unnestInsert(table('rm_audit'), AUDIT_COLUMNS, rows, 'ON CONFLICT (position) DO NOTHING'));
  }

  /**
   * Rebuild in one pass: what each cycle is (rm_audit_cycles) is kept in memory and written at the
   * end; the audit rows, final as soon as their event is read, are written in chunks while the log
   * is read (one chunk written while the next fills).
   */
  rebuilder(ctx: RebuildContext): RebuildSink {
    const known = new Map<string, CycleInfo>();
    let rows: unknown[][] = [];
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      await writing;
      const chunk = rows;
      rows = [];
      writing = ctx.insert(ctx.table('rm_audit'), AUDIT_COLUMNS, chunk);
      writing.catch(() => undefined);
    };
    return {
      feed: async (events) => {
        for (const e of events) rows.push(this.rowOf(e, known));
        if (rows.length >= REBUILD_ROWS) await flush();
      },
      finish: async () => {
        await flush();
        await writing;
        const all = [...known].map(([id, c]) => auditCycleRow(id, c));
        known.clear();
        for (let i = 0; i < all.length; i += REBUILD_CYCLES) {
          await ctx.insert(ctx.table('rm_audit_cycles'), AUDIT_CYCLE_COLUMNS, all.slice(i, i + REBUILD_CYCLES));
        }
      },
    };
  }

  /**
   * The audit row of an event, with what `known` says of its cycle; an opening or a migration
   * updates `known` first (and is noted in `changed`). The one derivation, for `apply` and for rebuilds.
   */
  private rowOf(e: RecordedEvent, known: Map<string, CycleInfo>, changed?: Set<string>): unknown[] {
    const cycleId = cycleOfStream(e.streamId)?.cycleId ?? null;
    if (cycleId && e.type === 'CycleOpened') {
      known.set(cycleId, {
        cycleType: String(e.data.cycleType),
        definitionVersion: Number(e.data.definitionVersion),
        title: String(e.data.title),
        period: String(e.data.periodLabel ?? e.data.year ?? ''),
      });
      changed?.add(cycleId);
    } else if (cycleId && e.type === 'CycleMigrated' && known.has(cycleId)) {
      (known.get(cycleId) as CycleInfo).definitionVersion = Number(e.data.toVersion);
      changed?.add(cycleId);
    }
    const info = cycleId ? (known.get(cycleId) ?? null) : null;
    const def = info ? this.definitions.get(info.cycleType, info.definitionVersion) : undefined;
    const fields = e.data.fields && typeof e.data.fields === 'object' ? (e.data.fields as Record<string, unknown>) : {};
    const reason = typeof e.metadata.reason === 'string' ? e.metadata.reason : typeof fields.reason === 'string' ? fields.reason : typeof e.data.reason === 'string' ? e.data.reason : null;
    return [
      e.position, e.eventId, e.recordedAt, e.metadata.occurredAt, e.metadata.tenant, e.streamId, cycleId, e.version, e.type,
      e.metadata.actorId, e.metadata.actorRole, reason, e.metadata.correlationId,
      auditSummary({ type: e.type, data: e.data, actorRole: e.metadata.actorRole }, info, def), e.hash,
    ];
  }
}
