// Legal holidays, working days and the rolling of deadlines (c.c. art. 2963; c.p.c. art. 155).
import { addDays, formatIsoDateIt, SATURDAY, SUNDAY, toYmd, weekday, type IsoDate } from './iso-date';
import { nationalHolidayNames } from './holidays';
import { KeptValues } from './kept-values';
import { isOfficeClosure, NO_TENANT_CALENDAR, patronDaysOn, type TenantCalendar } from './tenant-calendar';

/** How a term is counted: forward terms ("N days after", "entro il") roll off holidays; backward terms do not. */
export type TermDirection = 'forward' | 'backward';

export interface EffectiveDeadline {
  /** The date the rule yields. Reminders are scheduled against it. */
  readonly legalDate: IsoDate;
  /** The date the term actually expires: the legal date, or the next non-holiday day after it. */
  readonly effectiveDate: IsoDate;
  readonly moved: boolean;
  /** Italian explanation, present when the term moved or when a backward term falls on a holiday. */
  readonly reason?: string;
}

/** A chain of consecutive holidays longer than this would be a configuration error. */
const MAX_ROLL_DAYS = 31;

/** Names of the legal holidays on `date` (national holidays and legal patron days; Sundays are not named). */
export function legalHolidayNames(date: IsoDate, cal: TenantCalendar = NO_TENANT_CALENDAR): string[] {
  return [
    ...nationalHolidayNames(date),
    ...patronDaysOn(date, cal)
      .filter((p) => p.legalHoliday)
      .map((p) => p.name),
  ];
}

/**
 * True on Sundays, national public holidays and patron days that are legal holidays (29 June in Rome).
 * Saturday is not a holiday; office closures are not legal holidays.
 */
export function isLegalHoliday(date: IsoDate, cal: TenantCalendar = NO_TENANT_CALENDAR): boolean {
  return weekday(date) === SUNDAY || legalHolidayNames(date, cal).length > 0;
}

/** Monday to Friday, not a legal holiday and not an office closure of the chamber. */
export function isWorkingDay(date: IsoDate, cal: TenantCalendar = NO_TENANT_CALENDAR): boolean {
  const wd = weekday(date);
  return wd !== SUNDAY && wd !== SATURDAY && !isLegalHoliday(date, cal) && !isOfficeClosure(date, cal);
}

function describeHoliday(date: IsoDate, cal: TenantCalendar): string {
  const names = legalHolidayNames(date, cal);
  const list = names.length > 0 ? ` (${names.join(', ')})` : '';
  return weekday(date) === SUNDAY ? `di domenica${list}` : `in un giorno festivo${list}`;
}

/**
 * The date on which a term actually expires. A forward term ending on a Sunday or a legal holiday moves
 * to the next day that is neither (a Saturday stays; office closures do not move terms). A backward
 * term never moves.
 */
export function effectiveDeadline(
  legalDate: IsoDate,
  cal: TenantCalendar = NO_TENANT_CALENDAR,
  direction: TermDirection = 'forward',
): EffectiveDeadline {
  return computedTerms.get(termsKey(cal), direction === 'forward' ? legalDate : `${legalDate}<`, () =>
    Object.freeze(computeEffectiveDeadline(legalDate, cal, direction)),
  );
}

/**
 * Terms already computed, per calendar as far as terms depend on it: a batch of cycles asks for
 * the same few legal dates again and again.
 */
const computedTerms = new KeptValues<string, EffectiveDeadline>();

/** What of a calendar a term depends on: its patron days that are legal holidays, with the names the reason quotes. */
function termsKey(cal: TenantCalendar): string {
  let key = '';
  for (const p of cal.patronDays) if (p.legalHoliday) key += `${p.month}/${p.day}/${p.name}|`;
  return key;
}

function computeEffectiveDeadline(legalDate: IsoDate, cal: TenantCalendar, direction: TermDirection): EffectiveDeadline {
  toYmd(legalDate); // validates
  if (!isLegalHoliday(legalDate, cal)) return { legalDate, effectiveDate: legalDate, moved: false };
  const when = describeHoliday(legalDate, cal);
  if (direction === 'backward') {
    return {
      legalDate,
      effectiveDate: legalDate,
      moved: false,
      reason: `Il termine cade ${when}, ma è computato a ritroso: non slitta`,
    };
  }
  let effectiveDate = addDays(legalDate, 1);
  for (let i = 1; isLegalHoliday(effectiveDate, cal); i++) {
    if (i >= MAX_ROLL_DAYS)
      throw new RangeError(`No non-holiday day within ${MAX_ROLL_DAYS} days of ${legalDate}`);
    effectiveDate = addDays(effectiveDate, 1);
  }
  return {
    legalDate,
    effectiveDate,
    moved: true,
    reason: `Il termine cade ${when}: slitta al primo giorno non festivo, ${formatIsoDateIt(effectiveDate)}`,
  };
}
