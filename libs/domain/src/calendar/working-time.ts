// Working hours in a time zone, for reminders. The clock is never read: instants are passed in.
// Time-zone rules come from Intl.DateTimeFormat (ICU tz data), so DST needs no extra library.
import { addDays, isoDate, toYmd, weekday, type IsoDate, type Weekday } from './iso-date';
import { isLegalHoliday } from './legal-calendar';
import { KeptValues } from './kept-values';
import { isOfficeClosure, NO_TENANT_CALENDAR, type TenantCalendar } from './tenant-calendar';

/** Wall-clock time `HH:MM` (24-hour). */
export type WallTime = string;

export interface WorkingHours {
  /** IANA time zone, e.g. "Europe/Rome". */
  readonly timeZone: string;
  /** Start of the working period, inclusive, `HH:MM`. */
  readonly start: WallTime;
  /** End of the working period, exclusive, `HH:MM`; must be after `start` (no overnight shifts). */
  readonly end: WallTime;
  /** Working days of the week (0 = Sunday … 6 = Saturday). Legal holidays and closures are always excluded. */
  readonly weekdays: readonly Weekday[];
}

export const DEFAULT_WORKING_HOURS: WorkingHours = Object.freeze({
  timeZone: 'Europe/Rome',
  start: '09:00',
  end: '17:00',
  weekdays: Object.freeze([1, 2, 3, 4, 5] as Weekday[]),
});

/** The time-zone context of `nextWorkingInstant`: working hours (any field may be omitted) and the chamber's calendar. */
export interface WorkingTimeContext extends Partial<WorkingHours> {
  readonly calendar?: TenantCalendar;
}

const WALL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;
/** Longest run of non-working days searched before giving up (a misconfiguration). */
const MAX_SEARCH_DAYS = 366;

function minutesOf(t: WallTime, what: string): number {
  const m = WALL_TIME.exec(t);
  if (m === null) throw new RangeError(`${what} must be HH:MM (00:00–23:59), got ${JSON.stringify(t)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  readonly date: IsoDate;
  /** Minutes since local midnight. */
  readonly minutes: number;
}

interface WallClockParts {
  readonly y: number;
  readonly mo: number;
  readonly d: number;
  readonly h: number;
  readonly mi: number;
  readonly s: number;
}

/**
 * Wall clocks already read, per time zone and second (what `formatToParts` resolves): each reading
 * through Intl costs microseconds, and a batch reads "today" and the same few dates again and again.
 */
const readClocks = new KeptValues<number, WallClockParts>();

function wallClockParts(epochMs: number, timeZone: string): WallClockParts {
  return readClocks.get(timeZone, Math.floor(epochMs / 1000), () => readWallClock(epochMs, timeZone));
}

function readWallClock(epochMs: number, timeZone: string): WallClockParts {
  const parts = formatterFor(timeZone).formatToParts(epochMs);
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const p = parts.find((x) => x.type === type);
    if (p === undefined) throw new RangeError(`Intl.DateTimeFormat gave no ${type} for ${timeZone}`);
    return Number(p.value);
  };
  return {
    y: get('year'),
    mo: get('month'),
    d: get('day'),
    h: get('hour') % 24,
    mi: get('minute'),
    s: get('second'),
  };
}

/** Offset of `timeZone` from UTC at `epochMs`, in milliseconds (e.g. +3_600_000 for CET). */
function offsetMs(epochMs: number, timeZone: string): number {
  const p = wallClockParts(epochMs, timeZone);
  // Date.UTC maps years 0–99 to 1900–1999: instants are kept within 1000–9998 (requireValidInstant).
  const wallAsUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return wallAsUtc - Math.floor(epochMs / 1000) * 1000;
}

function wallClock(instant: Date, timeZone: string): WallClock {
  const ms = instant.getTime();
  const p = wallClockParts(ms, timeZone);
  return { date: isoDate(p.y, p.mo, p.d), minutes: p.h * 60 + p.mi };
}

/** The calendar date at `instant` in `timeZone` (default Europe/Rome): "today" for a clock reading passed in. */
export function isoDateAt(instant: Date, timeZone: string = DEFAULT_WORKING_HOURS.timeZone): IsoDate {
  requireValidInstant(instant);
  return wallClock(instant, timeZone).date;
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` `time`. A time skipped by a DST change
 * (spring forward) resolves to the instant after the gap (02:30 → 03:30); a repeated time (fall back)
 * resolves to its first occurrence.
 */
export function zonedInstant(date: IsoDate, time: WallTime, timeZone: string): Date {
  return new Date(zonedCandidates(date, time, timeZone)[0]);
}

/** Every instant showing `date` `time` (two in a fall-back overlap), or the post-gap instant; ascending. */
function zonedCandidates(date: IsoDate, time: WallTime, timeZone: string): number[] {
  const { year, month, day } = toYmd(date);
  if (year < 1000 || year > 9998) throw new RangeError(`zonedInstant: year out of range 1000–9998: ${date}`);
  const minutes = minutesOf(time, 'time');
  const wallAsUtc = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  const before = offsetMs(wallAsUtc - DAY_MS, timeZone);
  const after = offsetMs(wallAsUtc + DAY_MS, timeZone);
  const valid = [...new Set([before, after])]
    .map((o) => wallAsUtc - o)
    .filter((t) => offsetMs(t, timeZone) === wallAsUtc - t)
    .sort((a, b) => a - b);
  // In a gap no offset fits: keep the pre-transition offset, which lands after the gap.
  return valid.length > 0 ? valid : [wallAsUtc - before];
}

function requireValidInstant(instant: Date): void {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
  // Keep clear of Date.UTC's two-digit-year mapping and of IsoDate's year range.
  if (ms < Date.UTC(1000, 0, 1) || ms >= Date.UTC(9999, 0, 1))
    throw new RangeError(`Instant out of range: ${ms}`);
}

/** Resolves a context against the defaults and validates it. */
export function resolveWorkingHours(ctx: WorkingTimeContext = {}): WorkingHours {
  const hours: WorkingHours = {
    timeZone: ctx.timeZone ?? DEFAULT_WORKING_HOURS.timeZone,
    start: ctx.start ?? DEFAULT_WORKING_HOURS.start,
    end: ctx.end ?? DEFAULT_WORKING_HOURS.end,
    weekdays: ctx.weekdays ?? DEFAULT_WORKING_HOURS.weekdays,
  };
  if (minutesOf(hours.start, 'start') >= minutesOf(hours.end, 'end')) {
    throw new RangeError(`Working hours: start ${hours.start} must be before end ${hours.end}`);
  }
  if (hours.weekdays.length === 0 || hours.weekdays.some((w) => !Number.isInteger(w) || w < 0 || w > 6)) {
    throw new RangeError(`Working hours: weekdays must be a non-empty list of 0–6`);
  }
  formatterFor(hours.timeZone); // throws RangeError on an unknown time zone
  return hours;
}

function isWorkingDate(date: IsoDate, hours: WorkingHours, cal: TenantCalendar): boolean {
  return hours.weekdays.includes(weekday(date)) && !isLegalHoliday(date, cal) && !isOfficeClosure(date, cal);
}

/**
 * For reminders: `instant` itself (as a new Date) when it falls inside working hours, otherwise the start
 * of the next working period. Working hours default to 09:00–17:00 Europe/Rome, Monday to Friday; legal
 * holidays (including Sundays) and the chamber's office closures are never working days.
 */
export function nextWorkingInstant(instant: Date, ctx: WorkingTimeContext = {}): Date {
  requireValidInstant(instant);
  const hours = resolveWorkingHours(ctx);
  const cal = ctx.calendar ?? NO_TENANT_CALENDAR;
  const start = minutesOf(hours.start, 'start');
  const end = minutesOf(hours.end, 'end');
  const now = wallClock(instant, hours.timeZone);

  if (isWorkingDate(now.date, hours, cal)) {
    if (now.minutes >= start && now.minutes < end) return new Date(instant.getTime());
    if (now.minutes < start) {
      // After a fall-back the wall clock may read before `start` once the first opening has passed:
      // the opening is then the repeated occurrence of `start`.
      const opening = zonedCandidates(now.date, hours.start, hours.timeZone).find(
        (t) => t >= instant.getTime(),
      );
      if (opening !== undefined) return new Date(opening);
    }
  }
  let date = addDays(now.date, 1);
  for (let i = 0; !isWorkingDate(date, hours, cal); i++) {
    if (i >= MAX_SEARCH_DAYS)
      throw new RangeError(`No working day within ${MAX_SEARCH_DAYS} days of ${now.date}`);
    date = addDays(date, 1);
  }
  return zonedInstant(date, hours.start, hours.timeZone);
}

/** True when `instant` falls inside working hours (see `nextWorkingInstant`). */
export function isWorkingInstant(instant: Date, ctx: WorkingTimeContext = {}): boolean {
  return nextWorkingInstant(instant, ctx).getTime() === instant.getTime();
}
