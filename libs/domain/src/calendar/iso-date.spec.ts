import fc from 'fast-check';
import {
  addDays,
  calendarDeadline,
  compareIsoDates,
  daysAfter,
  daysBefore,
  daysBetween,
  formatIsoDateIt,
  InvalidIsoDate,
  isIsoDate,
  isoDate,
  parseIsoDate,
  weekday,
} from './iso-date';

describe('IsoDate helpers', () => {
  it('validates ISO dates, leap years included', () => {
    expect(isIsoDate('2025-01-31')).toBe(true);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-04-31')).toBe(false);
    expect(isIsoDate('2025-13-01')).toBe(false);
    expect(isIsoDate('2025-1-01')).toBe(false);
    expect(isIsoDate('2025-01-01T00:00:00Z')).toBe(false);
    expect(isIsoDate('0000-01-01')).toBe(false);
    expect(isIsoDate(20250101)).toBe(false);
    expect(parseIsoDate('2027-01-31')).toBe('2027-01-31');
    expect(() => parseIsoDate('31/01/2027')).toThrow(InvalidIsoDate);
  });

  it('adds days across months, years and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2025-01-31', 0)).toBe('2025-01-31');
    expect(addDays('2025-01-01', 365)).toBe('2026-01-01');
    expect(() => addDays('2025-01-01', 1.5)).toThrow(InvalidIsoDate);
    expect(() => addDays('9999-12-31', 1)).toThrow(InvalidIsoDate);
  });

  it('compares and counts days', () => {
    expect(compareIsoDates('2025-01-01', '2025-01-02')).toBe(-1);
    expect(compareIsoDates('2025-01-02', '2025-01-02')).toBe(0);
    expect(compareIsoDates('2026-01-01', '2025-12-31')).toBe(1);
    expect(daysBetween('2025-01-01', '2026-01-01')).toBe(365);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-03-10', '2025-03-01')).toBe(-9);
  });

  it('gives the weekday (0 = Sunday)', () => {
    expect(weekday('1970-01-01')).toBe(4);
    expect(weekday('2027-01-31')).toBe(0);
    expect(weekday('2027-12-25')).toBe(6);
    expect(weekday('2027-10-04')).toBe(1);
    expect(weekday('2026-10-04')).toBe(0);
    expect(weekday('1900-01-01')).toBe(1);
  });

  it('builds legal dates and "N days after / before" terms', () => {
    expect(calendarDeadline(2027, 1, 31)).toBe('2027-01-31');
    expect(() => calendarDeadline(2027, 2, 30)).toThrow(InvalidIsoDate);
    // The day of the event is not counted: 30 days after 1 March is 31 March.
    expect(daysAfter('2025-03-01', 30)).toBe('2025-03-31');
    expect(daysAfter('2025-12-15', 30)).toBe('2026-01-14');
    expect(daysBefore('2025-04-30', 15)).toBe('2025-04-15');
    expect(() => daysAfter('2025-03-01', -1)).toThrow(InvalidIsoDate);
  });

  it('formats dates in Italian', () => {
    expect(formatIsoDateIt('2027-02-01')).toBe('lunedì 1 febbraio 2027');
    expect(formatIsoDateIt('2025-12-27')).toBe('sabato 27 dicembre 2025');
  });

  const dateArb = fc.integer({ min: 0, max: 200 * 366 }).map((n) => addDays('1950-01-01', n));

  it('agrees with Date.UTC on weekday and day arithmetic (property)', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -5000, max: 5000 }), (d, n) => {
        const ms = Date.parse(`${d}T00:00:00Z`);
        expect(weekday(d)).toBe(new Date(ms).getUTCDay());
        const shifted = addDays(d, n);
        expect(shifted).toBe(new Date(ms + n * 86_400_000).toISOString().slice(0, 10));
        expect(daysBetween(d, shifted)).toBe(n);
        expect(isoDate(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10)))).toBe(d);
      }),
    );
  });
});
