// Italian national public holidays (L. 260/1949 as amended; 2 June restored by L. 336/2000;
// 4 October, San Francesco d'Assisi, a national holiday from 2026). Sundays are holidays by rule
// and are not listed here. See docs/adr/0003-legal-calendar.md.
import { isoDate, type IsoDate, addDays, toYmd, InvalidIsoDate } from './iso-date';

export interface PublicHoliday {
  readonly date: IsoDate;
  /** Italian name, e.g. "Lunedì dell'Angelo". */
  readonly name: string;
}

/** First year from which 4 October (San Francesco d'Assisi) is a national public holiday. */
export const SAN_FRANCESCO_FROM_YEAR = 2026;

const MIN_YEAR = 1583; // first full year of the Gregorian calendar: the computus below is Gregorian
const MAX_YEAR = 9999;

function requireYear(year: number): void {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw new InvalidIsoDate(`Year out of range ${MIN_YEAR}–${MAX_YEAR}: ${year}`);
  }
}

/** Easter Sunday by the Gregorian computus (anonymous algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  requireYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(year, month, day);
}

/** Easter Monday ("Lunedì dell'Angelo", Pasquetta). */
export function easterMonday(year: number): IsoDate {
  return addDays(easterSunday(year), 1);
}

const cache = new Map<number, readonly PublicHoliday[]>();

/**
 * The national public holidays of `year`, sorted by date (Sundays excepted: every Sunday is a holiday
 * by rule). Two holidays may share a date (e.g. 25 April 2011 was also Easter Monday): both are listed.
 */
export function italianPublicHolidays(year: number): PublicHoliday[] {
  return holidaysOf(year).map((h) => ({ ...h }));
}

function holidaysOf(year: number): readonly PublicHoliday[] {
  requireYear(year);
  let list = cache.get(year);
  if (list === undefined) {
    const fixed = (month: number, day: number, name: string): PublicHoliday => ({
      date: isoDate(year, month, day),
      name,
    });
    const all: PublicHoliday[] = [
      fixed(1, 1, 'Capodanno'),
      fixed(1, 6, 'Epifania'),
      { date: easterSunday(year), name: 'Pasqua' },
      { date: easterMonday(year), name: "Lunedì dell'Angelo" },
      fixed(4, 25, 'Festa della Liberazione'),
      fixed(5, 1, 'Festa del Lavoro'),
      fixed(6, 2, 'Festa della Repubblica'),
      fixed(8, 15, 'Assunzione di Maria Vergine'),
      ...(year >= SAN_FRANCESCO_FROM_YEAR ? [fixed(10, 4, "San Francesco d'Assisi")] : []),
      fixed(11, 1, 'Ognissanti'),
      fixed(12, 8, 'Immacolata Concezione'),
      fixed(12, 25, 'Natale'),
      fixed(12, 26, 'Santo Stefano'),
    ];
    // Stable sort: on equal dates the order above is kept. ISO strings sort chronologically.
    list = Object.freeze(
      all.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0)).map((h) => Object.freeze(h)),
    );
    cache.set(year, list);
  }
  return list;
}

/** Names of the national public holidays falling on `date` (empty when none; Sundays are not named). */
export function nationalHolidayNames(date: IsoDate): string[] {
  return holidaysOf(toYmd(date).year)
    .filter((h) => h.date === date)
    .map((h) => h.name);
}
