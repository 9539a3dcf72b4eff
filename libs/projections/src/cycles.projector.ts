import { cycleDeadlines, cycleStatus, foldCycle, initialCycleState, type CycleState, type TenantTimeOf } from '@ciclo/domain';
import type { RecordedEvent } from '@ciclo/event-store';
import { toFoldable, type DefinitionRegistry } from '@ciclo/workflow';
import { oneStatement, replaceRows, unnestInsert } from './bulk-insert';
import { cycleOfStream, type ProjectionContext, type Projector, type RebuildContext, type RebuildSink } from './projector';

/** The tenants' calendars, kept current by the directory's events the projector reads (`TenantCalendars` of libs/identity). */
export interface TenantCalendarView {
  tenantTime: TenantTimeOf;
  apply(events: readonly RecordedEvent[]): void;
}

/** A tenant's calendar is recorded by these events of its `<tenant>/tenant` stream. */
const CALENDAR_EVENTS = new Set(['TenantRegistered', 'TenantProfileUpdated']);
const TENANT_STREAM = /^([a-z0-9][a-z0-9_.-]{0,62})\/tenant$/;

/**
 * Cycles, inboxes and deadlines. Keeps each cycle's folded state (rm_cycle_state) and derives from
 * it, with the cycle's pinned definition, one row in rm_cycles, one row per role expected to act
 * in rm_inbox, and one row per deadline in rm_deadlines, its effective date computed with the
 * tenant's calendar and time zone as the reminders and the calendar feed compute it. The
 * directory's events in the log keep `calendars` current in log order; when one records a tenant's
 * calendar, every cycle of the tenant is derived again.
 */
export class CyclesProjector implements Projector {
  readonly name = 'cycles';
  readonly tables = ['rm_cycle_state', 'rm_cycles', 'rm_inbox', 'rm_deadlines'] as const;

  constructor(
    private readonly definitions: DefinitionRegistry,
    private readonly tenantTime: TenantTimeOf,
    private readonly calendars?: Pick<TenantCalendarView, 'apply'>,
  ) {}

  async apply(events: RecordedEvent[], { manager, table }: ProjectionContext): Promise<void> {
    this.calendars?.apply(events);
    const touched = byCycle(events);
    const recalendared = new Set<string>();
    for (const e of events) {
      const tenant = CALENDAR_EVENTS.has(e.type) ? TENANT_STREAM.exec(e.streamId)?.[1] : undefined;
      if (tenant) recalendared.add(tenant);
    }
    if (touched.size === 0 && recalendared.size === 0) return;
    const ids = [...touched.keys()];
    const loaded = (await manager.query(`SELECT cycle_id, state FROM ${table('rm_cycle_state')} WHERE cycle_id = ANY($1::uuid[])`, [ids])) as {
      cycle_id: string;
      state: CycleState;
    }[];
    const states = new Map(loaded.map((r) => [r.cycle_id, r.state]));
    const folded: CycleState[] = [];
    const lastEvent = new Map<string, LastEvent>();
    for (const [id, list] of touched) {
      const from = states.get(id) ?? initialCycleState();
      const state = foldCycle(list.map(toFoldable).filter((e) => e.version > from.version), from);
      if (!state.exists) continue;
      folded.push(state);
      const last = list[list.length - 1];
      lastEvent.set(id, { type: last.type, actorId: last.metadata.actorId });
    }
    if (recalendared.size) {
      // The other cycles of a tenant whose calendar changed: derived again from their stored state.
      const others = (await manager.query(
        `SELECT s.state, c.last_event_type, c.last_actor_id FROM ${table('rm_cycle_state')} s JOIN ${table('rm_cycles')} c ON c.id = s.cycle_id
          WHERE s.tenant = ANY($1::text[]) AND NOT (s.cycle_id = ANY($2::uuid[]))`,
        [[...recalendared], ids],
      )) as { state: CycleState; last_event_type: string; last_actor_id: string }[];
      for (const r of others) {
        folded.push(r.state);
        lastEvent.set(r.state.cycleId, { type: r.last_event_type, actorId: r.last_actor_id });
      }
    }
    if (folded.length === 0) return;
    const fids = folded.map((s) => s.cycleId);
    const rows = this.rowsOf(folded.map((s) => ({ state: s, last: lastEvent.get(s.cycleId) as LastEvent })));
    // Every write of the batch in one statement (one round trip); inbox and deadline rows that did
    // not change are left as they are.
    await manager.query(
      ...oneStatement([
        stateInsert(table('rm_cycle_state'), folded, 'ON CONFLICT (cycle_id) DO UPDATE SET state = EXCLUDED.state'),
        unnestInsert(
          table('rm_cycles'),
          CYCLE_COLUMNS,
          rows.cycles,
          `ON CONFLICT (id) DO UPDATE SET stage = EXCLUDED.stage, stage_title = EXCLUDED.stage_title, status = EXCLUDED.status,
           title = EXCLUDED.title, definition_version = EXCLUDED.definition_version, next_deadline_id = EXCLUDED.next_deadline_id,
           next_deadline_title = EXCLUDED.next_deadline_title, next_deadline_date = EXCLUDED.next_deadline_date,
           next_actors = EXCLUDED.next_actors, version = EXCLUDED.version, last_change_at = EXCLUDED.last_change_at,
           last_event_type = EXCLUDED.last_event_type, last_actor_id = EXCLUDED.last_actor_id`,
        ),
        ...replaceRows(table('rm_inbox'), INBOX_COLUMNS, ['cycle_id', 'role'], fids, rows.inbox),
        ...replaceRows(table('rm_deadlines'), DEADLINE_COLUMNS, ['cycle_id', 'deadline_id'], fids, rows.deadlines),
      ]),
    );
  }

  /**
   * Rebuild in one pass: each cycle's state is folded in memory as the batches arrive (the same
   * fold as `apply`, from the state the previous batches left), and every row is derived once at
   * the end, with the calendars as the whole log leaves them — what incremental projection
   * converges to, since a calendar change derives the tenant's cycles again.
   */
  rebuilder(ctx: RebuildContext): RebuildSink {
    const held = new Map<string, { state: CycleState; last: LastEvent }>();
    return {
      feed: async (events) => {
        this.calendars?.apply(events);
        for (const [id, list] of byCycle(events)) {
          const from = held.get(id)?.state ?? initialCycleState();
          const state = foldCycle(list.map(toFoldable).filter((e) => e.version > from.version), from);
          if (!state.exists) continue;
          const last = list[list.length - 1];
          held.set(id, { state, last: { type: last.type, actorId: last.metadata.actorId } });
        }
      },
      finish: async () => {
        const all = [...held.values()];
        held.clear();
        // The states (kilobytes each, most of what is written) stream to the database as it takes
        // them, each serialized when its turn comes; meanwhile the rows are derived, a slice at a
        // time so that the stream keeps flowing, then copied on connections of their own.
        const writes = [ctx.insert(ctx.table('rm_cycle_state'), STATE_COLUMNS, stateRows(all))];
        writes[0].catch(() => undefined);
        const rows = { cycles: [] as unknown[][], inbox: [] as unknown[][], deadlines: [] as unknown[][] };
        let derived: Promise<void> = Promise.resolve();
        try {
          for (let i = 0; i < all.length; i += DERIVE_SLICE) {
            const slice = this.rowsOf(all.slice(i, i + DERIVE_SLICE));
            rows.cycles.push(...slice.cycles);
            rows.inbox.push(...slice.inbox);
            rows.deadlines.push(...slice.deadlines);
            await new Promise((resolve) => setImmediate(resolve));
          }
          writes.push(
            ctx.insert(ctx.table('rm_cycles'), CYCLE_COLUMNS, rows.cycles),
            ctx.insert(ctx.table('rm_inbox'), INBOX_COLUMNS, rows.inbox),
            ctx.insert(ctx.table('rm_deadlines'), DEADLINE_COLUMNS, rows.deadlines),
          );
        } catch (err) {
          derived = Promise.reject(err);
        }
        // Every write ended before a failure is reported: nothing may still write when the fresh tables are dropped.
        const settled = await Promise.allSettled([derived, ...writes]);
        for (const w of settled) if (w.status === 'rejected') throw w.reason;
      },
    };
  }

  /** The rows of rm_cycles, rm_inbox and rm_deadlines of folded cycles: the one derivation, for `apply` and for rebuilds. */
  private rowsOf(cycles: readonly { state: CycleState; last: LastEvent }[]): { cycles: unknown[][]; inbox: unknown[][]; deadlines: unknown[][] } {
    const out = { cycles: [] as unknown[][], inbox: [] as unknown[][], deadlines: [] as unknown[][] };
    for (const { state: s, last } of cycles) {
      const def = this.definitions.get(s.cycleType, s.definitionVersion);
      const stage = def?.stages.find((x) => x.id === s.stage);
      const status = cycleStatus(s, def);
      const dls = def ? cycleDeadlines(s, def, new Date(s.lastChangeAt), this.tenantTime(s.tenant)) : [];
      const next = dls
        .filter((d) => d.status !== 'met' && d.effectiveDate)
        .sort((a, b) => (a.effectiveDate as string).localeCompare(b.effectiveDate as string))[0];
      const actors = status === 'open' ? [...(stage?.actors ?? [])] : [];
      // Role lists travel as array literals ('{po,dirigente}'): unnest cannot carry an array per row.
      out.cycles.push([
        s.cycleId, s.tenant, s.cycleType, s.year, s.periodLabel, s.title, s.stage, stage?.title ?? s.stage, status,
        s.definitionVersion, next?.id ?? null, next?.title ?? null, next?.effectiveDate ?? null, `{${actors.join(',')}}`,
        s.version, s.openedAt, s.lastChangeAt, last.type, last.actorId,
      ]);
      const since = s.history.length ? s.history[s.history.length - 1].at : s.openedAt;
      const sender = actors.length ? sentByOf(s) : null;
      const sentBy = sender ? JSON.stringify(sender) : null;
      for (const role of actors) {
        const commands = (def?.transitions ?? []).filter((t) => t.from.includes(s.stage) && (t.roles as string[]).includes(role)).map((t) => t.command);
        out.inbox.push([
          s.cycleId, role, s.tenant, s.cycleType, s.title, s.stage, stage?.title ?? s.stage, since, next?.effectiveDate ?? null, next?.title ?? null,
          `{${commands.join(',')}}`, sentBy, next?.legalDate ?? null, s.definitionVersion,
        ]);
      }
      for (const d of dls) {
        out.deadlines.push([s.cycleId, d.id, s.tenant, s.cycleType, s.title, status, d.title, d.legalReference ?? null, d.metBy, d.legalDate, d.effectiveDate, d.moved, d.metOn ?? null]);
      }
    }
    return out;
  }
}

/** Cycles whose rows a rebuild derives before letting the writes go on. */
const DERIVE_SLICE = 500;

/** A folded state as the row of rm_cycle_state, serialized only when the write reaches it. */
function* stateRows(cycles: readonly { state: CycleState }[]): Generator<unknown[]> {
  for (const { state } of cycles) yield [state.cycleId, state.tenant, JSON.stringify(state)];
}

interface LastEvent {
  type: string;
  actorId: string;
}

const STATE_COLUMNS = ['cycle_id uuid', 'tenant text', 'state jsonb'];
const CYCLE_COLUMNS = [
  'id uuid', 'tenant text', 'type text', 'year int', 'period text', 'title text', 'stage text', 'stage_title text', 'status text', 'definition_version int',
  'next_deadline_id text', 'next_deadline_title text', 'next_deadline_date date', 'next_actors text[]', 'version int', 'opened_at timestamptz',
  'last_change_at timestamptz', 'last_event_type text', 'last_actor_id text',
];
const INBOX_COLUMNS = [
  'cycle_id uuid', 'role text', 'tenant text', 'cycle_type text', 'title text', 'stage text', 'stage_title text', 'since timestamptz', 'due_date date',
  'due_title text', 'commands text[]', 'sent_by jsonb', 'legal_date date', 'definition_version int',
];
const DEADLINE_COLUMNS = [
  'cycle_id uuid', 'deadline_id text', 'tenant text', 'cycle_type text', 'cycle_title text', 'cycle_status text', 'title text', 'legal_reference text',
  'met_by text', 'legal_date date', 'effective_date date', 'moved boolean', 'met_on date',
];

/**
 * Folded states into rm_cycle_state. They travel as one JSON array, not as an array of JSON texts:
 * kilobytes of quotes each, escaped into an array literal, take the server longer to parse than
 * the rows take to write.
 */
function stateInsert(table: string, states: readonly CycleState[], tail = ''): [string, unknown[]] {
  return [
    `INSERT INTO ${table} (cycle_id, tenant, state) SELECT (s->>'cycleId')::uuid, s->>'tenant', s FROM jsonb_array_elements($1::jsonb) AS s ${tail}`,
    [JSON.stringify(states)],
  ];
}

/** A batch's events of each cycle stream, in order. */
function byCycle(events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> {
  const out = new Map<string, RecordedEvent[]>();
  for (const e of events) {
    const c = cycleOfStream(e.streamId);
    if (!c) continue;
    const list = out.get(c.cycleId);
    if (list) list.push(e);
    else out.set(c.cycleId, [e]);
  }
  return out;
}

/** The note or reason of a step, when it is non-blank text. */
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/**
 * Who brought the cycle to its stage, as the inbox shows it: the latest transition with its note or
 * reason, or who opened the cycle. Kept on the inbox row, so that reading a page does not open the
 * folded state.
 */
function sentByOf(s: CycleState): { actorId: string; role: string; at: string; command: string | null; note: string | null } | null {
  const step = s.history[s.history.length - 1];
  if (step) {
    const fields = (step.fields ?? {}) as Record<string, unknown>;
    return { actorId: step.actorId, role: step.actorRole, at: step.at, command: step.command, note: text(fields.reason) ?? text(fields.note) };
  }
  return s.openedBy ? { actorId: s.openedBy, role: '', at: s.openedAt, command: null, note: null } : null;
}
