import type { DataSource } from 'typeorm';
import { daysBetween, dueStatus, DUE_SOON_DAYS, isoDateAt, type TenantTimeOf } from '@ciclo/domain';

export interface CycleSummary {
  /** Cycle id (UUID) */
  id: string;
  /** Tenant id */
  tenant: string;
  /** Cycle type (definition id, e.g. `piao`) */
  type: string;
  /** First year of the period */
  year: number;
  /** Period label, e.g. `2027-2029` */
  period: string;
  /** Title of the cycle */
  title: string;
  /** Current stage id */
  stage: string;
  /** Current stage, in Italian */
  stageTitle: string;
  /** `open`, `closed` (terminal stage reached) or `cancelled` */
  status: string;
  /** Definition version the cycle is pinned to */
  definitionVersion: number;
  /** The next deadline not yet met (effective date), or null */
  nextDeadline: {
    /** Deadline id */
    id: string;
    /** Title, in Italian */
    title: string;
    /** Effective date */
    date: string;
  } | null;
  /** Roles expected to act in the current stage */
  nextActors: string[];
  /** Stream version (number of events) */
  version: number;
  /** When the cycle was opened (ISO 8601) */
  openedAt: string;
  /** When the last event was recorded (ISO 8601) */
  lastChangeAt: string;
  /** Type of the last event */
  lastEventType: string;
}

export interface InboxItem {
  /** Cycle id (UUID) */
  cycleId: string;
  /** The caller's role the item waits for */
  role: string;
  /** Cycle type (definition id) */
  cycleType: string;
  /** Title of the cycle */
  title: string;
  /** Current stage id */
  stage: string;
  /** Current stage, in Italian */
  stageTitle: string;
  /** Since when the cycle waits in this stage (ISO 8601) */
  waitingSince: string;
  /** Effective date of the deadline due next, or null */
  dueDate: string | null;
  /** Title of the deadline due next, or null */
  dueTitle: string | null;
  /** Days to the due date (negative: overdue), or null */
  daysLeft: number | null;
  /** `overdue`, `due_soon` (within 15 days) or `future`, as `GET /deadlines` says it; null without a due date */
  dueStatus: 'future' | 'due_soon' | 'overdue' | null;
  /** Commands this role may issue in the stage */
  commands: string[];
  /** The legal date of the deadline due next (`dueDate` is its effective date, past Sundays and holidays). */
  legalDate: string | null;
  /** The definition version the cycle is pinned to (for the titles of its stages and actions). */
  definitionVersion: number | null;
  /** Who brought the cycle to this stage (the latest transition, or who opened it), and the note or reason given. */
  sentBy: {
    /** Who acted */
    actorId: string;
    /** The role acted in */
    role: string;
    /** When (ISO 8601) */
    at: string;
    /** The command, or null when the cycle was just opened */
    command: string | null;
    /** The note or reason given */
    note: string | null;
  } | null;
}

/** How many items wait for each role. */
export interface InboxCounts {
  /** Items waiting for the caller */
  total: number;
  /** Items per role */
  byRole: Record<string, number>;
  /** Items whose deadline is past */
  overdue: number;
}

export type DeadlineState = 'future' | 'due_soon' | 'overdue' | 'met' | 'unscheduled' | 'closed';

export interface DeadlineItem {
  /** Cycle id (UUID) */
  cycleId: string;
  /** Cycle type (definition id) */
  cycleType: string;
  /** Title of the cycle */
  cycleTitle: string;
  /** Deadline id within the definition */
  deadlineId: string;
  /** Title of the deadline, in Italian */
  title: string;
  /** The provision that sets it, or null */
  legalReference: string | null;
  /** Date the law sets (after any recorded move), or null when not yet known */
  legalDate: string | null;
  /** Legal date rolled past Sundays and holidays, or null */
  effectiveDate: string | null;
  /** Whether the effective date differs from the legal date */
  moved: boolean;
  /** `future`, `due_soon`, `overdue`, `met`, `unscheduled` or `closed` */
  status: DeadlineState;
  /** "met on 2027-01-28", "overdue by 3 days"... */
  statusText: string;
  /** Date it was met, or null */
  metOn: string | null;
  /** Days to the effective date (negative: overdue), or null */
  daysLeft: number | null;
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : d);

/** Reads of the read models (always tenant-scoped by the caller's tenant). */
export class ReadModelQueries {
  constructor(
    private readonly ds: DataSource,
    /** Each tenant's time zone decides its "today"; its calendar was applied when the rows were projected. */
    private readonly tenantTime: TenantTimeOf,
  ) {}

  async cycles(
    tenant: string,
    f: { type?: string; year?: number; stage?: string; status?: string; q?: string; limit: number; offset?: number },
  ): Promise<CycleSummary[]> {
    // `q` matches the title, the period or the type, case-insensitively (LIKE wildcards in it are literal).
    const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const rows = (await this.ds.query(
      `SELECT * FROM rm_cycles WHERE tenant = $1 AND ($2::text IS NULL OR type = $2) AND ($3::int IS NULL OR year = $3)
         AND ($4::text IS NULL OR stage = $4) AND ($6::text IS NULL OR status = $6)
         AND ($7::text IS NULL OR title ILIKE $7 OR period ILIKE $7 OR type ILIKE $7)
       ORDER BY last_change_at DESC, id LIMIT $5 OFFSET $8`,
      [tenant, f.type ?? null, f.year ?? null, f.stage ?? null, f.limit, f.status ?? null, like, f.offset ?? 0],
    )) as Record<string, never>[];
    return rows.map((r) => ({
      id: r.id,
      tenant: r.tenant,
      type: r.type,
      year: r.year,
      period: r.period,
      title: r.title,
      stage: r.stage,
      stageTitle: r.stage_title,
      status: r.status,
      definitionVersion: r.definition_version,
      nextDeadline: r.next_deadline_id ? { id: r.next_deadline_id, title: r.next_deadline_title, date: r.next_deadline_date } : null,
      nextActors: r.next_actors,
      version: r.version,
      openedAt: iso(r.opened_at),
      lastChangeAt: iso(r.last_change_at),
      lastEventType: r.last_event_type,
    }));
  }

  /** What waits for these roles: most urgent first (nearest due date), then oldest; `offset` pages. */
  async inbox(tenant: string, roles: readonly string[], now: Date, limit = 200, offset = 0): Promise<InboxItem[]> {
    const today = isoDateAt(now, this.tenantTime(tenant).timeZone);
    // The sender and the note come from the folded state's latest transition (one JSON path, not the whole history).
    const rows = (await this.ds.query(
      `SELECT i.*, s.state->'history'->-1 AS last_step, s.state->>'openedBy' AS opened_by, s.state->>'openedAt' AS opened_at, (s.state->>'definitionVersion')::int AS definition_version,
              (SELECT d.legal_date FROM rm_deadlines d WHERE d.cycle_id = i.cycle_id AND d.title = i.due_title AND d.effective_date = i.due_date LIMIT 1) AS legal_date
         FROM rm_inbox i LEFT JOIN rm_cycle_state s ON s.cycle_id = i.cycle_id
        WHERE i.tenant = $1 AND i.role = ANY($2::text[])
        ORDER BY i.due_date ASC NULLS LAST, i.since ASC, i.cycle_id, i.role LIMIT $3 OFFSET $4`,
      [tenant, roles, limit, offset],
    )) as Record<string, never>[];
    return rows.map((r) => {
      const step = r.last_step as { actorId: string; actorRole: string; at: string; command: string; fields?: Record<string, unknown> } | null;
      const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
      const sentBy = step
        ? { actorId: step.actorId, role: step.actorRole, at: step.at, command: step.command, note: text(step.fields?.reason) ?? text(step.fields?.note) }
        : r.opened_by
          ? { actorId: r.opened_by as string, role: '', at: r.opened_at as string, command: null, note: null }
          : null;
      return {
        cycleId: r.cycle_id,
        role: r.role,
        cycleType: r.cycle_type,
        title: r.title,
        stage: r.stage,
        stageTitle: r.stage_title,
        waitingSince: iso(r.since),
        dueDate: r.due_date,
        dueTitle: r.due_title,
        daysLeft: r.due_date ? daysBetween(today, r.due_date) : null,
        dueStatus: r.due_date ? dueStatus(daysBetween(today, r.due_date)) : null,
        commands: r.commands,
        legalDate: r.legal_date ?? null,
        definitionVersion: r.definition_version ?? null,
        sentBy,
      };
    });
  }

  /** How many items wait for each of these roles, and how many of them are overdue. */
  async inboxCounts(tenant: string, roles: readonly string[], now: Date): Promise<InboxCounts> {
    const rows = (await this.ds.query(
      `SELECT role, count(*)::int AS n, count(*) FILTER (WHERE due_date < $3::date)::int AS overdue
         FROM rm_inbox WHERE tenant = $1 AND role = ANY($2::text[]) GROUP BY role`,
      [tenant, roles, isoDateAt(now, this.tenantTime(tenant).timeZone)],
    )) as { role: string; n: number; overdue: number }[];
    const byRole: Record<string, number> = Object.fromEntries(roles.map((r) => [r, 0]));
    for (const r of rows) byRole[r.role] = r.n;
    return { total: rows.reduce((a, r) => a + r.n, 0), byRole, overdue: rows.reduce((a, r) => a + r.overdue, 0) };
  }

  /**
   * Every deadline of the tenant's cycles with its status on the tenant's today: the effective date
   * the projector computed (`cycleDeadlines`), classified by `dueStatus`.
   */
  async deadlines(
    tenant: string,
    now: Date,
    f: { status?: DeadlineState; cycleId?: string; dueSoonDays?: number; limit?: number; offset?: number } = {},
  ): Promise<DeadlineItem[]> {
    const today = isoDateAt(now, this.tenantTime(tenant).timeZone);
    const soon = f.dueSoonDays ?? DUE_SOON_DAYS;
    // The status filter is the same rule as below, in SQL, so that paging happens in the database.
    const STATUS_SQL: Record<DeadlineState, string> = {
      met: 'met_on IS NOT NULL',
      closed: "met_on IS NULL AND cycle_status <> 'open'",
      unscheduled: "met_on IS NULL AND cycle_status = 'open' AND effective_date IS NULL",
      overdue: "met_on IS NULL AND cycle_status = 'open' AND effective_date < $3::date",
      due_soon: "met_on IS NULL AND cycle_status = 'open' AND effective_date >= $3::date AND effective_date <= $3::date + $4::int",
      future: "met_on IS NULL AND cycle_status = 'open' AND effective_date > $3::date + $4::int",
    };
    const rows = (await this.ds.query(
      `SELECT * FROM rm_deadlines WHERE tenant = $1 AND ($2::uuid IS NULL OR cycle_id = $2)
         AND $3::date IS NOT NULL AND $4::int IS NOT NULL AND (${f.status ? STATUS_SQL[f.status] : 'true'})
       ORDER BY effective_date ASC NULLS LAST, cycle_id, deadline_id LIMIT $5 OFFSET $6`,
      [tenant, f.cycleId ?? null, today, soon, f.limit ?? null, f.offset ?? 0],
    )) as Record<string, never>[];
    const items = rows.map((r): DeadlineItem => {
      const eff: string | null = r.effective_date;
      const daysLeft = eff ? daysBetween(today, eff) : null;
      let status: DeadlineState;
      let text: string;
      if (r.met_on) {
        status = 'met';
        text = `met on ${r.met_on}${eff && r.met_on > eff ? ` (${daysBetween(eff, r.met_on)} days late)` : ''}`;
      } else if (r.cycle_status !== 'open') {
        status = 'closed';
        text = `cycle ${r.cycle_status}`;
      } else if (daysLeft === null) {
        status = 'unscheduled';
        text = 'no date yet';
      } else {
        status = dueStatus(daysLeft, soon);
        text =
          status === 'overdue'
            ? `overdue by ${-daysLeft} day${daysLeft === -1 ? '' : 's'}`
            : daysLeft === 0
              ? 'due today'
              : `due in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`;
      }
      return {
        cycleId: r.cycle_id,
        cycleType: r.cycle_type,
        cycleTitle: r.cycle_title,
        deadlineId: r.deadline_id,
        title: r.title,
        legalReference: r.legal_reference,
        legalDate: r.legal_date,
        effectiveDate: eff,
        moved: r.moved,
        status,
        statusText: text,
        metOn: r.met_on,
        daysLeft: status === 'met' ? null : daysLeft,
      };
    });
    return f.status ? items.filter((i) => i.status === f.status) : items;
  }
}
