import type { CycleDefinition, DeadlineDefinition } from '../definitions';
import { addDays, calendarDeadline, deadlineDay, DUE_SOON_DAYS, isoDateAt, type IsoDate, type TenantTime } from '../calendar';
import { ownValue, type CycleState, type TransitionRecord } from './model';

export type DeadlineStatus = 'unscheduled' | 'future' | 'due_soon' | 'overdue' | 'met';

export interface CycleDeadline {
  /** Deadline id within the definition */
  id: string;
  /** Title of the deadline, in Italian */
  title: string;
  /** The provision that sets it */
  legalReference?: string;
  /** Stage whose reaching meets the deadline. */
  metBy: string;
  /** The date the rule gives; null while it depends on an event that has not happened or is set by command. */
  legalDate: IsoDate | null;
  /** The legal date moved past Sundays and public holidays. */
  effectiveDate: IsoDate | null;
  /** Whether the effective date differs from the legal date */
  moved: boolean;
  /** Why it rolled forward (e.g. the holiday), in Italian */
  movedReason?: string;
  /** `unscheduled`, `future`, `due_soon`, `overdue` or `met` */
  status: DeadlineStatus;
  /** When met: the date the stage was reached and whether that was after the effective date. */
  metOn?: IsoDate;
  /** Whether it was met after the effective date */
  metLate?: boolean;
  /** Days from today to the effective date (negative when overdue). */
  daysLeft?: number;
  /**
   * For a `later_of` rule: the linked part (link, event, days), whether it counts this year (its
   * switch, with the reference that turned it on), and the linked event's date once recorded.
   */
  follows?: {
    /** The link naming the other cycle */
    link: string;
    /** Its event the deadline follows */
    event: string;
    /** Days after that event */
    days: number;
    /** Whether the linked part counts this year */
    active: boolean;
    /** Date of the linked cycle's act, or null while it has not happened */
    eventDate: IsoDate | null;
    /** The switch that turned the linked part on: why, on which reference, by whom, when */
    switchedOn?: {
      /** Why */
      reason: string;
      /** The act or law */
      reference: string;
      /** Who */
      by: string;
      /** When (ISO 8601) */
      at: string;
    };
  };
  /** Present when the date was moved by `move_deadline`: the rule's date gave way to `legalDate`. */
  rescheduled?: {
    /** The legal date before the move */
    fromDate: IsoDate | null;
    /** Why it was moved */
    reason: string;
    /** The act or notice that moved it */
    reference: string;
    /** Who recorded the move */
    by: string;
    /** When (ISO 8601) */
    at: string;
  };
}

/** The tenant's calendar and time zone (always given: a legal patron day moves deadlines), and the due-soon window. */
export interface DeadlineOptions extends TenantTime {
  /** A deadline within this many days is `due_soon` (default `DUE_SOON_DAYS`). */
  dueSoonDays?: number;
}

/**
 * The legal date of one deadline: the date set by the latest `DeadlineMoved`, else the rule's date
 * (null while an `after_event` rule waits for its event, or for rule `none`).
 */
export function deadlineLegalDate(state: CycleState, d: DeadlineDefinition, timeZone: string): IsoDate | null {
  const moved = ownValue(state.movedDeadlines ?? {}, d.id);
  if (moved) return moved.toDate;
  if (d.rule.type === 'calendar') return calendarDeadline(state.year + d.rule.yearOffset, d.rule.month, d.rule.day);
  if (d.rule.type === 'later_of') {
    const calendar = calendarDeadline(state.year + d.rule.yearOffset, d.rule.month, d.rule.day);
    if (d.rule.switchable && !ownValue(state.deadlineSwitches ?? {}, d.id)?.active) return calendar;
    // The linked part counts: unknown until the linked cycle's event happens.
    const followed = ownValue(state.linkedEvents ?? {}, d.rule.link);
    const linked = followed ? ownValue(followed, d.rule.event) : undefined;
    if (!linked) return null;
    const after = addDays(linked.date, d.rule.days);
    return after > calendar ? after : calendar;
  }
  if (d.rule.type === 'after_event') {
    const ruleEvent = d.rule.event;
    const last = [...state.history].reverse().find((h) => h.type === ruleEvent);
    const at = last?.at ?? (ruleEvent === 'CycleOpened' && state.openedAt ? state.openedAt : null);
    if (at) return addDays(isoDateAt(new Date(at), timeZone), d.rule.days);
  }
  return null;
}

function followsOf(state: CycleState, id: string, rule: Extract<DeadlineDefinition['rule'], { type: 'later_of' }>): NonNullable<CycleDeadline['follows']> {
  const sw = ownValue(state.deadlineSwitches ?? {}, id);
  const followed = ownValue(state.linkedEvents ?? {}, rule.link);
  const linked = followed ? ownValue(followed, rule.event) : undefined;
  return {
    link: rule.link,
    event: rule.event,
    days: rule.days,
    active: !rule.switchable || !!sw?.active,
    eventDate: linked?.date ?? null,
    ...(sw?.active ? { switchedOn: { reason: sw.reason, reference: sw.reference, by: sw.by, at: sw.at } } : {}),
  };
}

/**
 * Every deadline of a cycle, computed from its pinned definition, its events and the tenant's
 * calendar and time zone (`deadlineDay`): the one computation the cycle view, the read models, the
 * reminders and the calendar feed share.
 */
export function cycleDeadlines(state: CycleState, def: CycleDefinition, now: Date, options: DeadlineOptions): CycleDeadline[] {
  const tz = options.timeZone;
  const dueSoon = options.dueSoonDays ?? DUE_SOON_DAYS;
  return def.deadlines.map((d) => {
    const legal = deadlineLegalDate(state, d, tz);
    const moved = ownValue(state.movedDeadlines ?? {}, d.id);
    const eff = legal ? deadlineDay(legal, now, options, dueSoon) : null;
    const reached = ownValue(state.stageReachedAt, d.metBy);
    const base: CycleDeadline = {
      id: d.id,
      title: d.title,
      ...(d.legalReference ? { legalReference: d.legalReference } : {}),
      metBy: d.metBy,
      legalDate: legal,
      effectiveDate: eff?.effectiveDate ?? null,
      moved: eff?.moved ?? false,
      ...(eff?.moved && eff.reason ? { movedReason: eff.reason } : {}),
      ...(d.rule.type === 'later_of' ? { follows: followsOf(state, d.id, d.rule) } : {}),
      ...(moved ? { rescheduled: { fromDate: moved.fromDate, reason: moved.reason, reference: moved.reference, by: moved.by, at: moved.at } } : {}),
      status: 'unscheduled',
    };
    if (reached) {
      const metOn = isoDateAt(new Date(reached), tz);
      return { ...base, status: 'met', metOn, metLate: eff ? metOn > eff.effectiveDate : false };
    }
    if (!eff) return base;
    return { ...base, status: eff.status, daysLeft: eff.daysLeft };
  });
}

/**
 * Empty collections shared by every kept state: `evolve` copies a collection before changing it,
 * and they are frozen so that a change in place would throw instead of reaching every kept cycle.
 */
const NO_RECORDS = Object.freeze([]) as unknown as never[];
const NO_ENTRIES = Object.freeze({}) as Record<string, never>;

/**
 * One string per distinct event type and cycle type: every event read from the store brings its
 * own copy, and a kept cycle would hold it for as long as it stays kept. Bounded, so that a log of
 * unexpected names cannot grow it without end (past the bound, strings are kept as they come).
 */
const vocabulary = new Map<string, string>();
function interned(s: string): string {
  const known = vocabulary.get(s);
  if (known !== undefined) return known;
  if (vocabulary.size < 4096) vocabulary.set(s, s);
  return s;
}

/** Every key of `CycleState`, optional ones included: a field added to the state must be decided on here. */
type EveryField<T> = { [K in keyof Required<T>]: T[K] };

/**
 * The cycle as its deadlines and reminders read it, for a process that keeps many cycles only to
 * plan their reminders (the deadline scheduler): without its title, period label, opener, comments,
 * attachments, deliberations, links and who last did what, and with only the latest transition of
 * each event type (an `after_event` rule counts from it), itself reduced to its version, type and
 * instant. `cycleDeadlines`, `deadlineLegalDate` and `planReminders` read none of what is dropped,
 * and `evolve` computes what they read without it, so folding later events onto this state gives
 * them what a full fold gives (deadline-state.spec.ts). Empty collections are shared frozen values.
 * The state is one literal naming every field, so that all of them are stored in the object itself
 * (a copy made by spreading carries a separate array of most of its properties).
 */
export function deadlineState(state: CycleState): CycleState {
  const seen = new Set<string>();
  const latest: TransitionRecord[] = [];
  for (let i = state.history.length - 1; i >= 0; i--) {
    const h = state.history[i];
    if (seen.has(h.type)) continue;
    seen.add(h.type);
    latest.push(h.fields === NO_ENTRIES ? h : keptRecord(h));
  }
  // An array grown by push keeps spare room (17 slots for three records): a copy is exactly as long.
  const history = latest.length ? latest.reverse().slice() : NO_RECORDS;
  const emptyOr = <T extends object>(o: T): T => (Object.keys(o).length ? o : (NO_ENTRIES as T));
  return {
    exists: state.exists,
    cycleId: state.cycleId,
    tenant: interned(state.tenant),
    cycleType: interned(state.cycleType),
    definitionVersion: state.definitionVersion,
    year: state.year,
    periodLabel: '',
    title: '',
    stage: interned(state.stage),
    status: state.status,
    openedAt: state.openedAt,
    openedBy: '',
    contentEditors: undefined,
    gridRows: undefined,
    version: state.version,
    lastChangeAt: state.lastChangeAt,
    history,
    lastActorByCommand: NO_ENTRIES,
    lastSubmissionAt: null,
    attachments: NO_RECORDS,
    comments: NO_RECORDS,
    deliberations: NO_RECORDS,
    stageReachedAt: state.stageReachedAt,
    cancelledReason: undefined,
    movedDeadlines: emptyOr(state.movedDeadlines ?? NO_ENTRIES),
    links: NO_ENTRIES,
    linkedFrom: NO_RECORDS,
    linkedEvents: emptyOr(state.linkedEvents ?? NO_ENTRIES),
    fixedLinks: NO_ENTRIES,
    deadlineSwitches: emptyOr(state.deadlineSwitches ?? NO_ENTRIES),
  } satisfies EveryField<CycleState>;
}

/**
 * A transition as a deadline reads it: when an event of its type happened, nothing else. The
 * fields it leaves empty are read from the prototype, shared by every kept record, so that each
 * record stores three fields instead of ten.
 */
class KeptRecord implements TransitionRecord {
  declare readonly command: string;
  declare readonly kind: string;
  declare readonly from: string;
  declare readonly to: string;
  declare readonly actorId: string;
  declare readonly actorRole: string;
  declare readonly fields: TransitionRecord['fields'];
  constructor(
    readonly version: number,
    readonly type: string,
    readonly at: string,
  ) {}
}
Object.assign(KeptRecord.prototype, { command: '', kind: '', from: '', to: '', actorId: '', actorRole: '', fields: NO_ENTRIES });
Object.freeze(KeptRecord.prototype);

function keptRecord(h: TransitionRecord): TransitionRecord {
  return new KeptRecord(h.version, interned(h.type), h.at);
}
