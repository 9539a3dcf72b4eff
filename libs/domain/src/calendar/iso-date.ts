// Calendar dates as ISO strings `YYYY-MM-DD`, with pure integer arithmetic (no Date, no clock, no time zone).

/** A calendar date `YYYY-MM-DD` (proleptic Gregorian, years 0001–9999). Validate with `parseIsoDate`. */
export type IsoDate = string;

/** Day of the week, JavaScript convention: 0 = Sunday, 1 = Monday … 6 = Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export const SUNDAY: Weekday = 0;
export const SATURDAY: Weekday = 6;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MIN_YEAR = 1;
const MAX_YEAR = 9999;

/** Thrown for a malformed or impossible date, or arithmetic leaving years 0001–9999. */
export class InvalidIsoDate extends RangeError {
  readonly code = 'INVALID_ISO_DATE';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidIsoDate';
  }
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isValidYmd(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= MIN_YEAR &&
    year <= MAX_YEAR &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** True when `value` is a well-formed, existing calendar date `YYYY-MM-DD`. */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  return m !== null && isValidYmd(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Validates `value` and returns it as an `IsoDate`; throws `InvalidIsoDate` otherwise. */
export function parseIsoDate(value: string): IsoDate {
  if (!isIsoDate(value))
    throw new InvalidIsoDate(`Not a valid ISO date (YYYY-MM-DD): ${JSON.stringify(value)}`);
  return value;
}

export interface YearMonthDay {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
}

/** Splits a (validated) ISO date into its parts. */
export function toYmd(date: IsoDate): YearMonthDay {
  const m = ISO_DATE.exec(date);
  if (m === null || !isValidYmd(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new InvalidIsoDate(`Not a valid ISO date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  }
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** Builds an ISO date from its parts; throws `InvalidIsoDate` for an impossible date (e.g. 2025-02-29). */
export function isoDate(year: number, month: number, day: number): IsoDate {
  if (!isValidYmd(year, month, day)) {
    throw new InvalidIsoDate(`Not a valid calendar date: year ${year}, month ${month}, day ${day}`);
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// Days since 1970-01-01 (H. Hinnant, "chrono-compatible low-level date algorithms").
function toEpochDay({ year, month, day }: YearMonthDay): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromEpochDay(epochDay: number): IsoDate {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return isoDate(year, month, day);
}

/** Days since 1970-01-01 (negative before). */
export function epochDay(date: IsoDate): number {
  return toEpochDay(toYmd(date));
}

/** The date `n` calendar days after `date` (`n` may be negative). */
export function addDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isSafeInteger(n)) throw new InvalidIsoDate(`addDays: n must be an integer, got ${n}`);
  return fromEpochDay(epochDay(date) + n);
}

/** Negative when `a` is before `b`, zero when equal, positive when after (usable as a sort comparator). */
export function compareIsoDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  const d = epochDay(a) - epochDay(b);
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

export function isBefore(a: IsoDate, b: IsoDate): boolean {
  return compareIsoDates(a, b) < 0;
}

export function isAfter(a: IsoDate, b: IsoDate): boolean {
  return compareIsoDates(a, b) > 0;
}

/** Calendar days from `from` to `to`: `addDays(from, daysBetween(from, to)) === to`. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return epochDay(to) - epochDay(from);
}

/** Day of the week (0 = Sunday … 6 = Saturday). 1970-01-01 was a Thursday. */
export function weekday(date: IsoDate): Weekday {
  return ((((epochDay(date) + 4) % 7) + 7) % 7) as Weekday;
}

/** A term expiring on a fixed calendar date (e.g. "entro il 31 gennaio"): the legal date, not yet moved. */
export function calendarDeadline(year: number, month: number, day: number): IsoDate {
  return isoDate(year, month, day);
}

function requireNonNegativeInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidIsoDate(`${what}: n must be a non-negative integer, got ${n}`);
}

/**
 * A term of "N days after an event": the day of the event is not counted (dies a quo non computatur,
 * c.c. art. 2963), so the term expires on `eventDate + n`. This is the legal date; apply
 * `effectiveDeadline(..., 'forward')` to move it off a holiday.
 */
export function daysAfter(eventDate: IsoDate, n: number): IsoDate {
  requireNonNegativeInteger(n, 'daysAfter');
  return addDays(eventDate, n);
}

/**
 * A term of "N days before an event": expires on `eventDate - n`. Backward terms do not move
 * (`effectiveDeadline(..., 'backward')`).
 */
export function daysBefore(eventDate: IsoDate, n: number): IsoDate {
  requireNonNegativeInteger(n, 'daysBefore');
  return addDays(eventDate, -n);
}

const WEEKDAYS_IT = ['domenica', 'lunedì', 'martedì', 'mercoledì', 'giovedì', 'venerdì', 'sabato'] as const;
const MONTHS_IT = [
  'gennaio',
  'febbraio',
  'marzo',
  'aprile',
  'maggio',
  'giugno',
  'luglio',
  'agosto',
  'settembre',
  'ottobre',
  'novembre',
  'dicembre',
] as const;

/** Italian long form, e.g. "lunedì 1 febbraio 2027". */
export function formatIsoDateIt(date: IsoDate): string {
  const { year, month, day } = toYmd(date);
  return `${WEEKDAYS_IT[weekday(date)]} ${day} ${MONTHS_IT[month - 1]} ${year}`;
}
