import { cycleDeadlines, cycleStatus, foldCycle, initialCycleState, type CycleState, type TenantTimeOf } from '@ciclo/domain';
import type { RecordedEvent } from '@ciclo/event-store';
import { toFoldable, type DefinitionRegistry } from '@ciclo/workflow';
import { cycleOfStream, type ProjectionContext, type Projector } from './projector';

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
    const byCycle = new Map<string, RecordedEvent[]>();
    const recalendared = new Set<string>();
    for (const e of events) {
      const tenant = CALENDAR_EVENTS.has(e.type) ? TENANT_STREAM.exec(e.streamId)?.[1] : undefined;
      if (tenant) recalendared.add(tenant);
      const c = cycleOfStream(e.streamId);
      if (!c) continue;
      const list = byCycle.get(c.cycleId) ?? [];
      list.push(e);
      byCycle.set(c.cycleId, list);
    }
    if (byCycle.size === 0 && recalendared.size === 0) return;
    const ids = [...byCycle.keys()];
    const loaded = (await manager.query(`SELECT cycle_id, state FROM ${table('rm_cycle_state')} WHERE cycle_id = ANY($1::uuid[])`, [ids])) as {
      cycle_id: string;
      state: CycleState;
    }[];
    const states = new Map(loaded.map((r) => [r.cycle_id, r.state]));
    const folded: CycleState[] = [];
    const lastEvent = new Map<string, { type: string; actorId: string }>();
    for (const [id, list] of byCycle) {
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
    await manager.query(
      `INSERT INTO ${table('rm_cycle_state')} (cycle_id, tenant, state)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])
       ON CONFLICT (cycle_id) DO UPDATE SET state = EXCLUDED.state`,
      [fids, folded.map((s) => s.tenant), folded.map((s) => JSON.stringify(s))],
    );
    await manager.query(`DELETE FROM ${table('rm_inbox')} WHERE cycle_id = ANY($1::uuid[])`, [fids]);
    await manager.query(`DELETE FROM ${table('rm_deadlines')} WHERE cycle_id = ANY($1::uuid[])`, [fids]);

    const cycles: unknown[][] = [];
    const inbox: unknown[][] = [];
    const deadlines: unknown[][] = [];
    for (const s of folded) {
      const def = this.definitions.get(s.cycleType, s.definitionVersion);
      const stage = def?.stages.find((x) => x.id === s.stage);
      const status = cycleStatus(s, def);
      const dls = def ? cycleDeadlines(s, def, new Date(s.lastChangeAt), this.tenantTime(s.tenant)) : [];
      const next = dls
        .filter((d) => d.status !== 'met' && d.effectiveDate)
        .sort((a, b) => (a.effectiveDate as string).localeCompare(b.effectiveDate as string))[0];
      const last = lastEvent.get(s.cycleId) as { type: string; actorId: string };
      const actors = status === 'open' ? [...(stage?.actors ?? [])] : [];
      cycles.push([
        s.cycleId, s.tenant, s.cycleType, s.year, s.periodLabel, s.title, s.stage, stage?.title ?? s.stage, status,
        s.definitionVersion, next?.id ?? null, next?.title ?? null, next?.effectiveDate ?? null, `{${actors.join(',')}}`,
        s.version, s.openedAt, s.lastChangeAt, last.type, last.actorId,
      ]);
      const since = s.history.length ? s.history[s.history.length - 1].at : s.openedAt;
      const sender = actors.length ? sentByOf(s) : null;
      const sentBy = sender ? JSON.stringify(sender) : null;
      for (const role of actors) {
        const commands = (def?.transitions ?? []).filter((t) => t.from.includes(s.stage) && (t.roles as string[]).includes(role)).map((t) => t.command);
        inbox.push([
          s.cycleId, role, s.tenant, s.cycleType, s.title, s.stage, stage?.title ?? s.stage, since, next?.effectiveDate ?? null, next?.title ?? null,
          `{${commands.join(',')}}`, sentBy, next?.legalDate ?? null, s.definitionVersion,
        ]);
      }
      for (const d of dls) {
        deadlines.push([s.cycleId, d.id, s.tenant, s.cycleType, s.title, status, d.title, d.legalReference ?? null, d.metBy, d.legalDate, d.effectiveDate, d.moved, d.metOn ?? null]);
      }
    }
    const col = (rows: unknown[][], i: number) => rows.map((r) => r[i]);
    // Role lists travel as array literals ('{po,dirigente}'): unnest cannot carry an array per row.
    await manager.query(
      `INSERT INTO ${table('rm_cycles')} (id, tenant, type, year, period, title, stage, stage_title, status, definition_version,
         next_deadline_id, next_deadline_title, next_deadline_date, next_actors, version, opened_at, last_change_at, last_event_type, last_actor_id)
       SELECT id, tenant, type, year, period, title, stage, stage_title, status, definition_version, next_deadline_id, next_deadline_title,
              next_deadline_date, actors::text[], version, opened_at, last_change_at, last_event_type, last_actor_id
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[],
                     $11::text[], $12::text[], $13::date[], $14::text[], $15::int[], $16::timestamptz[], $17::timestamptz[], $18::text[], $19::text[])
           AS t(id, tenant, type, year, period, title, stage, stage_title, status, definition_version, next_deadline_id, next_deadline_title,
                next_deadline_date, actors, version, opened_at, last_change_at, last_event_type, last_actor_id)
       ON CONFLICT (id) DO UPDATE SET stage = EXCLUDED.stage, stage_title = EXCLUDED.stage_title, status = EXCLUDED.status,
         title = EXCLUDED.title, definition_version = EXCLUDED.definition_version, next_deadline_id = EXCLUDED.next_deadline_id,
         next_deadline_title = EXCLUDED.next_deadline_title, next_deadline_date = EXCLUDED.next_deadline_date,
         next_actors = EXCLUDED.next_actors, version = EXCLUDED.version, last_change_at = EXCLUDED.last_change_at,
         last_event_type = EXCLUDED.last_event_type, last_actor_id = EXCLUDED.last_actor_id`,
      Array.from({ length: 19 }, (_, i) => col(cycles, i)),
    );
    if (inbox.length) {
      await manager.query(
        `INSERT INTO ${table('rm_inbox')} (cycle_id, role, tenant, cycle_type, title, stage, stage_title, since, due_date, due_title, commands,
           sent_by, legal_date, definition_version)
         SELECT c, r, tn, ct, ti, st, stt, si, dd, dt, cm::text[], sb, ld, dv FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
           $7::text[], $8::timestamptz[], $9::date[], $10::text[], $11::text[], $12::jsonb[], $13::date[], $14::int[])
           AS t(c, r, tn, ct, ti, st, stt, si, dd, dt, cm, sb, ld, dv)`,
        Array.from({ length: 14 }, (_, i) => col(inbox, i)),
      );
    }
    if (deadlines.length) {
      await manager.query(
        `INSERT INTO ${table('rm_deadlines')} (cycle_id, deadline_id, tenant, cycle_type, cycle_title, cycle_status, title, legal_reference,
           met_by, legal_date, effective_date, moved, met_on)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
           $10::date[], $11::date[], $12::boolean[], $13::date[])`,
        Array.from({ length: 13 }, (_, i) => col(deadlines, i)),
      );
    }
  }
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
