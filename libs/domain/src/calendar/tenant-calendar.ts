// Per-chamber (tenant) calendar: patron saint's days and other office closures.
import { daysInMonth, isIsoDate, toYmd, type IsoDate } from './iso-date';

/**
 * The patron saint's day of the chamber's city. It is an office closure that reminders respect but
 * that does NOT move deadlines, unless `legalHoliday` is true (only 29 June, Santi Pietro e Paolo, in Rome).
 */
export interface PatronDay {
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
  /** Italian name, e.g. "San Giovanni Battista". */
  readonly name: string;
  /** Whether the day is a legal holiday (deadlines roll past it) or only a closure (reminders wait) */
  readonly legalHoliday: boolean;
}

export interface TenantCalendar {
  readonly patronDays: readonly PatronDay[];
  /** One-off office closures (e.g. a bridge day): reminders respect them, deadlines do not move. */
  readonly extraClosures: readonly IsoDate[];
}

/** A chamber with no patron day and no extra closures: only the national calendar applies. */
export const NO_TENANT_CALENDAR: TenantCalendar = Object.freeze({
  patronDays: Object.freeze([]),
  extraClosures: Object.freeze([]),
});

/** Rome's patron day: the only patron day that is also a legal holiday. */
export const ROMA_SANTI_PIETRO_E_PAOLO: PatronDay = Object.freeze({
  month: 6,
  day: 29,
  name: 'Santi Pietro e Paolo',
  legalHoliday: true,
});

export class InvalidTenantCalendar extends RangeError {
  readonly code = 'INVALID_TENANT_CALENDAR';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTenantCalendar';
  }
}

/** Checks a calendar read from configuration; returns it unchanged or throws `InvalidTenantCalendar`. */
export function validateTenantCalendar(cal: TenantCalendar): TenantCalendar {
  for (const p of cal.patronDays) {
    // 29 February is accepted (leap year 2000): it simply does not occur in other years.
    const ok =
      Number.isInteger(p.month) &&
      Number.isInteger(p.day) &&
      p.month >= 1 &&
      p.month <= 12 &&
      p.day >= 1 &&
      p.day <= daysInMonth(2000, p.month);
    if (!ok) throw new InvalidTenantCalendar(`Invalid patron day: month ${p.month}, day ${p.day}`);
    if (p.name.trim() === '') throw new InvalidTenantCalendar('A patron day needs a name');
    if (typeof p.legalHoliday !== 'boolean') {
      throw new InvalidTenantCalendar(`Patron day ${p.name}: legalHoliday must be a boolean`);
    }
  }
  for (const d of cal.extraClosures) {
    if (!isIsoDate(d)) throw new InvalidTenantCalendar(`Invalid closure date: ${JSON.stringify(d)}`);
  }
  return cal;
}

/** The patron days of `cal` falling on `date`. */
export function patronDaysOn(date: IsoDate, cal: TenantCalendar = NO_TENANT_CALENDAR): PatronDay[] {
  const { month, day } = toYmd(date);
  return cal.patronDays.filter((p) => p.month === month && p.day === day);
}

/** True when the chamber's offices are closed on `date` by its own calendar (patron day or extra closure). */
export function isOfficeClosure(date: IsoDate, cal: TenantCalendar = NO_TENANT_CALENDAR): boolean {
  return patronDaysOn(date, cal).length > 0 || cal.extraClosures.includes(date);
}
