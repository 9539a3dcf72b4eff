/**
 * Measurement periods: the year, semester, quarter or month a measurement refers to.
 * ISO dates and day arithmetic come from the legal calendar (`../calendar`).
 */
import { daysInMonth, epochDay, isoDate } from '../calendar';

/** Kind of a measurement period. */
export type MeasurementPeriodKind = 'year' | 'semester' | 'quarter' | 'month';

/** A parsed measurement period: whole months from `startMonth` to `endMonth` (1..12) of `year`. */
export interface MeasurementPeriod {
  readonly kind: MeasurementPeriodKind;
  readonly year: number;
  readonly startMonth: number;
  readonly endMonth: number;
  /** Epoch day (days since 1970-01-01, as `epochDay` of ../calendar) of the period's first day. */
  readonly startDay: number;
  /** Epoch day of the period's last day. */
  readonly endDay: number;
}

// 2027 | 2027-S1 | 2027-Q2 | 2027-06
const PERIOD = /^(\d{4})(?:-(?:S([12])|Q([1-4])|(\d{2})))?$/;

/**
 * Parses a measurement period: `2027` (year), `2027-06` (month), `2027-S1` (semester),
 * `2027-Q2` (quarter), for years 0001–9999. Returns `null` for anything else.
 */
export function parseMeasurementPeriod(period: string): MeasurementPeriod | null {
  const match = PERIOD.exec(period);
  if (match === null) return null;
  const [, yearText, semester, quarter, monthText] = match;
  const year = Number(yearText);
  if (year < 1) return null;
  let kind: MeasurementPeriodKind = 'year';
  let startMonth = 1;
  let endMonth = 12;
  if (semester !== undefined) {
    kind = 'semester';
    startMonth = semester === '1' ? 1 : 7;
    endMonth = startMonth + 5;
  } else if (quarter !== undefined) {
    kind = 'quarter';
    startMonth = (Number(quarter) - 1) * 3 + 1;
    endMonth = startMonth + 2;
  } else if (monthText !== undefined) {
    const month = Number(monthText);
    if (month < 1 || month > 12) return null;
    kind = 'month';
    startMonth = month;
    endMonth = month;
  }
  return {
    kind,
    year,
    startMonth,
    endMonth,
    startDay: epochDay(isoDate(year, startMonth, 1)),
    endDay: epochDay(isoDate(year, endMonth, daysInMonth(year, endMonth))),
  };
}
