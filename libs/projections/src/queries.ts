import type { DataSource } from 'typeorm';
import { daysBetween, dueStatus, DUE_SOON_DAYS, isoDateAt, type TenantTimeOf } from '@ciclo/domain';
import { DEADLINES_DEFAULT_LIMIT, encodeDeadlineCursor, type DeadlineCursor } from './deadline-pages';

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

/** Items in an inbox page when the caller does not say (`limit`). */
export const INBOX_DEFAULT_LIMIT = 50;

/** A page of deadlines and where the next one starts. */
export interface DeadlinePage {
  items: DeadlineItem[];
  /** Continue after the last deadline (`cursor`); null on the last page. */
  nextCursor: string | null;
}

/** A page of the inbox and where the next one starts. */
export interface InboxPage {
  items: InboxItem[];
  /** Continue after the last item (`cursor`); null on the last page. */
  nextCursor: string | null;
}

/** The sort key of the last item of a page: the next page starts after it. */
export interface InboxCursor {
  /** Due date, or `infinity` for items without one */
  dueKey: string;
  /** Waiting since (PostgreSQL timestamptz text, exact to the microsecond) */
  since: string;
  cycleId: string;
  role: string;
}

interface InboxRow {
  cycle_id: string;
  role: string;
  cycle_type: string;
  title: string;
  stage: string;
  stage_title: string;
  since: Date;
  due_date: string | null;
  due_title: string | null;
  commands: string[];
  sent_by: InboxItem['sentBy'];
  legal_date: string | null;
  definition_version: number | null;
  due_key: string;
  since_key: string;
}

/** The opaque `nextCursor` of an inbox page. */
export function encodeInboxCursor(c: InboxCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, d: c.dueKey, s: c.since, c: c.cycleId, r: c.role })).toString('base64url');
}

const SINCE_KEY = /^(\d{4}-\d{2}-\d{2}) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?[+-]\d{2}(:[0-5]\d){0,2}$/;
/** A real calendar day written YYYY-MM-DD. */
const isDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(d)) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The position a cursor continues after, or null when it is not one `encodeInboxCursor` made. */
export function decodeInboxCursor(cursor: string): InboxCursor | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { v, d, s, c: cycleId, r } = c;
    if (v !== 1 || typeof d !== 'string' || typeof s !== 'string' || typeof cycleId !== 'string' || typeof r !== 'string') return null;
    if (d !== 'infinity' && !isDay(d)) return null;
    const since = SINCE_KEY.exec(s);
    if (!since || !isDay(since[1])) return null;
    if (!UUID.test(cycleId) || !/^[a-z_]{1,40}$/.test(r)) return null;
    return { dueKey: d, since: s, cycleId, role: r };
  } catch {
    return null;
  }
}

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

  /**
   * What waits for these roles: most urgent first (nearest due date, none last), then the oldest,
   * then by cycle and role. A page continues after `cursor` (the `nextCursor` of the previous one:
   * items added or moved meanwhile never repeat or shift the rest) or skips `offset` items. One
   * ordered index scan per role, each stopping after the page's rows, merged by one small sort.
   */
  async inbox(tenant: string, roles: readonly string[], now: Date, o: { limit?: number; offset?: number; cursor?: InboxCursor } = {}): Promise<InboxPage> {
    const limit = o.limit ?? INBOX_DEFAULT_LIMIT;
    const offset = o.offset ?? 0;
    const today = isoDateAt(now, this.tenantTime(tenant).timeZone);
    const c = o.cursor;
    const params: unknown[] = [tenant, [...new Set(roles)], limit + offset + 1, offset];
    if (c) params.push(c.dueKey, c.since, c.cycleId, c.role);
    const rows = (await this.ds.query(
      `SELECT i.cycle_id, i.role, i.cycle_type, i.title, i.stage, i.stage_title, i.since, i.due_date, i.due_title, i.commands,
              i.sent_by, i.legal_date, i.definition_version, i.due_key::text AS due_key, i.since::text AS since_key
         FROM unnest($2::text[]) AS r(role)
        CROSS JOIN LATERAL (
          SELECT * FROM rm_inbox x WHERE x.tenant = $1 AND x.role = r.role
            ${c ? 'AND (x.due_key, x.since, x.cycle_id, x.role) > ($5::date, $6::timestamptz, $7::uuid, $8::text)' : ''}
          ORDER BY x.due_key, x.since, x.cycle_id LIMIT $3) i
        ORDER BY i.due_key, i.since, i.cycle_id, i.role LIMIT $3 OFFSET $4`,
      params,
    )) as InboxRow[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
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
        legalDate: r.legal_date,
        definitionVersion: r.definition_version,
        sentBy: r.sent_by,
      })),
      nextCursor: more ? encodeInboxCursor({ dueKey: last.due_key, since: last.since_key, cycleId: last.cycle_id, role: last.role }) : null,
    };
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
   * The deadlines of the tenant's cycles with their status on the tenant's today: the effective
   * date the projector computed (`cycleDeadlines`), classified by `dueStatus`. Nearest effective
   * date first (none last), then by cycle and deadline; a page of `limit` continues after `cursor`
   * (the `nextCursor` of the previous one: deadlines added or moved meanwhile never repeat or shift
   * the rest) or skips `offset`. One scan of `rm_deadlines_tenant_pages`, stopping after the page.
   */
  async deadlines(
    tenant: string,
    now: Date,
    f: { status?: DeadlineState; cycleId?: string; dueSoonDays?: number; limit?: number; offset?: number; cursor?: DeadlineCursor } = {},
  ): Promise<DeadlinePage> {
    const today = isoDateAt(now, this.tenantTime(tenant).timeZone);
    const soon = f.dueSoonDays ?? DUE_SOON_DAYS;
    const limit = f.limit ?? DEADLINES_DEFAULT_LIMIT;
    const offset = f.offset ?? 0;
    // The status filter is the same rule as below, in SQL, so that paging happens in the database.
    const STATUS_SQL: Record<DeadlineState, string> = {
      met: 'met_on IS NOT NULL',
      closed: "met_on IS NULL AND cycle_status <> 'open'",
      unscheduled: "met_on IS NULL AND cycle_status = 'open' AND effective_date IS NULL",
      overdue: "met_on IS NULL AND cycle_status = 'open' AND effective_date < $3::date",
      due_soon: "met_on IS NULL AND cycle_status = 'open' AND effective_date >= $3::date AND effective_date <= $3::date + $4::int",
      future: "met_on IS NULL AND cycle_status = 'open' AND effective_date > $3::date + $4::int",
    };
    const c = f.cursor;
    const params: unknown[] = [tenant, f.cycleId ?? null, today, soon, limit + 1, offset];
    if (c) params.push(c.dateKey, c.cycleId, c.deadlineId);
    const rows = (await this.ds.query(
      `SELECT *, date_key::text AS date_key_text FROM rm_deadlines WHERE tenant = $1 AND ($2::uuid IS NULL OR cycle_id = $2)
         AND $3::date IS NOT NULL AND $4::int IS NOT NULL AND (${f.status ? STATUS_SQL[f.status] : 'true'})
         ${c ? 'AND (date_key, cycle_id, deadline_id) > ($7::date, $8::uuid, $9::text)' : ''}
       ORDER BY date_key, cycle_id, deadline_id LIMIT $5 OFFSET $6`,
      params,
    )) as Record<string, never>[];
    const more = rows.length > limit;
    const shown = more ? rows.slice(0, limit) : rows;
    const last = shown[shown.length - 1];
    const nextCursor = more ? encodeDeadlineCursor({ dateKey: last.date_key_text, cycleId: last.cycle_id, deadlineId: last.deadline_id }) : null;
    const items = shown.map((r): DeadlineItem => {
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
    return { items, nextCursor };
  }
}
