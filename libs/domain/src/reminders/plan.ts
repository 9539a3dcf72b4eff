// Which reminders should exist for a cycle, and when each goes out. Pure: the clock is passed in.
import type { CycleDefinition, ReminderPolicy, Role } from '../definitions';
import {
  addDays,
  deadlineDay,
  nextWorkingInstant,
  resolveWorkingHours,
  zonedInstant,
  type IsoDate,
  type TenantCalendar,
  type WorkingHours,
} from '../calendar';
import { deadlineLegalDate } from '../cycle/deadlines';
import { ownValue, type CycleState } from '../cycle/model';
import { cycleStatus } from '../cycle/status';

/** Overrides of a definition's reminder policy (per tenant, per cycle type). */
export interface ReminderPolicyOverride {
  readonly offsetsDays?: readonly number[];
  readonly overdueEveryDays?: number;
  readonly escalateTo?: Role;
}

/** The policy when a definition says nothing: 30, 15, 7 and 1 days before, the day itself, then weekly. */
export const DEFAULT_REMINDER_POLICY: ReminderPolicy = Object.freeze({
  offsetsDays: Object.freeze([30, 15, 7, 1, 0]),
  overdueEveryDays: 7,
  escalateTo: 'segretario_generale' as Role,
});

/** The definition's policy, overridden field by field by each override in turn (later wins). */
export function resolveReminderPolicy(
  def: Pick<CycleDefinition, 'reminders'> | undefined,
  ...overrides: (ReminderPolicyOverride | undefined)[]
): ReminderPolicy {
  let p: ReminderPolicy = def?.reminders ?? DEFAULT_REMINDER_POLICY;
  for (const o of overrides) {
    if (!o) continue;
    p = {
      offsetsDays: o.offsetsDays ?? p.offsetsDays,
      overdueEveryDays: o.overdueEveryDays ?? p.overdueEveryDays,
      escalateTo: o.escalateTo ?? p.escalateTo,
    };
  }
  const offsets = [...new Set(p.offsetsDays)];
  if (offsets.some((o) => !Number.isInteger(o) || o < 0 || o > 366)) throw new RangeError(`Reminder offsets must be integers 0–366: ${offsets.join(', ')}`);
  if (!Number.isInteger(p.overdueEveryDays) || p.overdueEveryDays < 1) throw new RangeError(`overdueEveryDays must be a positive integer: ${p.overdueEveryDays}`);
  return { ...p, offsetsDays: offsets.sort((a, b) => b - a) };
}

export type ReminderKind = 'before' | 'due' | 'overdue';

export interface PlannedReminder {
  /** `rem|<tenant>|<cycleId>|<deadlineId>|<legalDate>|<offset>`: the job id and the idempotency key. */
  readonly key: string;
  readonly tenant: string;
  readonly cycleId: string;
  readonly deadlineId: string;
  readonly legalDate: IsoDate;
  readonly effectiveDate: IsoDate;
  /** Days before the legal date (30, 15, 7, 1, 0), or minus the days past the effective date when overdue (-7, -14...). */
  readonly offset: number;
  readonly kind: ReminderKind;
  /** The calendar day the reminder is for (before its move to working hours). */
  readonly date: IsoDate;
  /** When it goes out: the start of working hours of `date`, or of the next working day (ISO instant). */
  readonly dueAt: string;
  /** Overdue reminders also go to the policy's `escalateTo` role. */
  readonly escalate: boolean;
}

export interface ReminderPlanOptions {
  readonly now: Date;
  readonly policy?: ReminderPolicy;
  /** The tenant's calendar: always given, since a legal patron day moves the effective date. */
  readonly calendar: TenantCalendar;
  /** Working hours of the chamber (default 09:00–17:00 Europe/Rome, Monday to Friday). */
  readonly workingHours?: Partial<WorkingHours>;
  /**
   * Memo of "first working instant of a date" (ms), for callers planning many cycles with the same
   * working hours and calendar: the caller keeps one map per (hours, calendar).
   */
  readonly dueCache?: Map<IsoDate, number>;
  /**
   * Dates that are not deadlines of the definition but follow the same policy (the phases and
   * monitoring dates of the measures of a risk register: `measureDeadlines`). Planned while the
   * cycle is not cancelled, also in a terminal stage (the measures outlive the plan's stages).
   */
  readonly extraDeadlines?: readonly { id: string; legalDate: IsoDate }[];
}

const SEP = '|';

/** The deterministic key of one reminder: job id in the queue and `ReminderSent` idempotency key. */
export function reminderKey(tenant: string, cycleId: string, deadlineId: string, legalDate: IsoDate, offset: number): string {
  return ['rem', tenant, cycleId, deadlineId, legalDate, String(offset)].join(SEP);
}

export interface ReminderKeyParts {
  tenant: string;
  cycleId: string;
  deadlineId: string;
  legalDate: IsoDate;
  offset: number;
}

export function parseReminderKey(key: string): ReminderKeyParts | null {
  const p = key.split(SEP);
  if (p.length !== 6 || p[0] !== 'rem' || !/^-?\d+$/.test(p[5])) return null;
  return { tenant: p[1], cycleId: p[2], deadlineId: p[3], legalDate: p[4], offset: Number(p[5]) };
}

/** True when no further command can change the cycle: cancelled or in a terminal stage. */
export function cycleClosed(state: CycleState, def: CycleDefinition): boolean {
  return cycleStatus(state, def) !== 'open';
}

/** Longest run of overdue reminders generated while looking for the current one (about 20 years weekly). */
const MAX_OVERDUE = 1100;

/**
 * The reminders that should be scheduled for a cycle now: for every deadline not yet met of an open
 * cycle, the reminders still to come (before, on and, weekly, after the deadline, up to the first
 * one after `now`), plus the latest one already due, which may not have gone out yet (it is sent
 * at once; the `ReminderSent` record makes a second send a no-op). Offsets count back from the
 * legal date; overdue reminders count on from the effective date. Reminders falling on the same
 * instant (a Saturday "1 day before" moved to Monday, the deadline day) collapse into the later one.
 */
export function planReminders(state: CycleState, def: CycleDefinition, options: ReminderPlanOptions): PlannedReminder[] {
  if (!state.exists || (cycleClosed(state, def) && !options.extraDeadlines?.length)) return [];
  const policy = options.policy ?? resolveReminderPolicy(def);
  const hours = resolveWorkingHours(options.workingHours);
  const calendar = options.calendar;
  const ctx = { ...hours, calendar };
  const nowMs = options.now.getTime();
  const cache = options.dueCache;
  const dueOf = (date: IsoDate): number => {
    const hit = cache?.get(date);
    if (hit !== undefined) return hit;
    const ms = nextWorkingInstant(zonedInstant(date, hours.start, hours.timeZone), ctx).getTime();
    if (cache && cache.size < 50_000) cache.set(date, ms);
    return ms;
  };
  const out: PlannedReminder[] = [];
  const chainOf = (id: string, legal: IsoDate): void => {
    const d = { id };
    const effective = deadlineDay(legal, options.now, { calendar, timeZone: hours.timeZone }).effectiveDate;
    const make = (offset: number, kind: ReminderKind, date: IsoDate, dueMs: number): PlannedReminder => ({
      key: reminderKey(state.tenant, state.cycleId, d.id, legal, offset),
      tenant: state.tenant,
      cycleId: state.cycleId,
      deadlineId: d.id,
      legalDate: legal,
      effectiveDate: effective,
      offset,
      kind,
      date,
      dueAt: new Date(dueMs).toISOString(),
      escalate: kind === 'overdue',
    });
    // The chain as plain values (instants compared as numbers); only the reminders kept become objects.
    const offsets: number[] = [];
    const kinds: ReminderKind[] = [];
    const dates: IsoDate[] = [];
    const dues: number[] = [];
    const add = (offset: number, kind: ReminderKind, date: IsoDate): number => {
      const dueMs = dueOf(date);
      offsets.push(offset);
      kinds.push(kind);
      dates.push(date);
      dues.push(dueMs);
      return dueMs;
    };
    for (const o of policy.offsetsDays) add(o, o === 0 ? 'due' : 'before', addDays(legal, -o));
    // Overdue: every N days after the effective date, up to the first one after now.
    for (let n = 1; n <= MAX_OVERDUE; n++) {
      const days = n * policy.overdueEveryDays;
      if (add(-days, 'overdue', addDays(effective, days)) > nowMs) break;
    }
    // Same or earlier instant than the next reminder: only the later one goes out. Kept from the
    // latest one already due (it may not have gone out yet) on.
    const last = dues.length - 1;
    const kept: number[] = [];
    let current = 0;
    for (let i = 0; i <= last; i++) {
      if (i < last && dues[i + 1] <= dues[i]) continue;
      if (dues[i] <= nowMs) current = kept.length;
      kept.push(i);
    }
    for (let k = current; k < kept.length; k++) {
      const i = kept[k];
      out.push(make(offsets[i], kinds[i], dates[i], dues[i]));
    }
  };
  if (!cycleClosed(state, def)) {
    for (const d of def.deadlines) {
      if (ownValue(state.stageReachedAt, d.metBy)) continue;
      const legal = deadlineLegalDate(state, d, hours.timeZone);
      if (legal) chainOf(d.id, legal);
    }
  }
  if (state.status !== 'cancelled') for (const x of options.extraDeadlines ?? []) chainOf(x.id, x.legalDate);
  return out;
}
