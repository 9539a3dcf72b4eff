import type { DataSource } from 'typeorm';
import { daysBetween, isoDateAt } from '@ciclo/domain';

export interface CycleSummary {
  id: string;
  tenant: string;
  type: string;
  year: number;
  period: string;
  title: string;
  stage: string;
  stageTitle: string;
  status: string;
  definitionVersion: number;
  nextDeadline: { id: string; title: string; date: string } | null;
  nextActors: string[];
  version: number;
  openedAt: string;
  lastChangeAt: string;
  lastEventType: string;
}

export interface InboxItem {
  cycleId: string;
  role: string;
  cycleType: string;
  title: string;
  stage: string;
  stageTitle: string;
  waitingSince: string;
  dueDate: string | null;
  dueTitle: string | null;
  daysLeft: number | null;
  commands: string[];
}

export type DeadlineState = 'future' | 'due_soon' | 'overdue' | 'met' | 'unscheduled' | 'closed';

export interface DeadlineItem {
  cycleId: string;
  cycleType: string;
  cycleTitle: string;
  deadlineId: string;
  title: string;
  legalReference: string | null;
  legalDate: string | null;
  effectiveDate: string | null;
  moved: boolean;
  status: DeadlineState;
  /** "met on 2027-01-28", "overdue by 3 days"... */
  statusText: string;
  metOn: string | null;
  daysLeft: number | null;
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : d);

/** Reads of the read models (always tenant-scoped by the caller's tenant). */
export class ReadModelQueries {
  constructor(private readonly ds: DataSource) {}

  async cycles(tenant: string, f: { type?: string; year?: number; stage?: string; limit: number }): Promise<CycleSummary[]> {
    const rows = (await this.ds.query(
      `SELECT * FROM rm_cycles WHERE tenant = $1 AND ($2::text IS NULL OR type = $2) AND ($3::int IS NULL OR year = $3)
         AND ($4::text IS NULL OR stage = $4) ORDER BY last_change_at DESC LIMIT $5`,
      [tenant, f.type ?? null, f.year ?? null, f.stage ?? null, f.limit],
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

  /** What waits for these roles: most urgent first (nearest due date), then oldest. */
  async inbox(tenant: string, roles: readonly string[], now: Date, limit = 200): Promise<InboxItem[]> {
    const today = isoDateAt(now);
    const rows = (await this.ds.query(
      `SELECT * FROM rm_inbox WHERE tenant = $1 AND role = ANY($2::text[]) ORDER BY due_date ASC NULLS LAST, since ASC LIMIT $3`,
      [tenant, roles, limit],
    )) as Record<string, never>[];
    return rows.map((r) => ({
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
      commands: r.commands,
    }));
  }

  /** Every deadline of the tenant's cycles with its status today. */
  async deadlines(tenant: string, now: Date, f: { status?: DeadlineState; cycleId?: string; dueSoonDays?: number } = {}): Promise<DeadlineItem[]> {
    const today = isoDateAt(now);
    const soon = f.dueSoonDays ?? 15;
    const rows = (await this.ds.query(
      `SELECT * FROM rm_deadlines WHERE tenant = $1 AND ($2::uuid IS NULL OR cycle_id = $2) ORDER BY effective_date ASC NULLS LAST, cycle_id, deadline_id`,
      [tenant, f.cycleId ?? null],
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
      } else if (daysLeft < 0) {
        status = 'overdue';
        text = `overdue by ${-daysLeft} day${daysLeft === -1 ? '' : 's'}`;
      } else if (daysLeft <= soon) {
        status = 'due_soon';
        text = daysLeft === 0 ? 'due today' : `due in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`;
      } else {
        status = 'future';
        text = `due in ${daysLeft} days`;
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
