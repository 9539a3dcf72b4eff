import fc from 'fast-check';
import { addDays, daysBetween, weekday, type IsoDate } from './iso-date';
import { effectiveDeadline, isLegalHoliday, isWorkingDay, legalHolidayNames } from './legal-calendar';
import { NO_TENANT_CALENDAR, ROMA_SANTI_PIETRO_E_PAOLO, type TenantCalendar } from './tenant-calendar';

const ROMA: TenantCalendar = { patronDays: [ROMA_SANTI_PIETRO_E_PAOLO], extraClosures: [] };
const TORINO: TenantCalendar = {
  patronDays: [{ month: 6, day: 24, name: 'San Giovanni Battista', legalHoliday: false }],
  extraClosures: ['2025-12-24', '2026-01-02'],
};

describe('isLegalHoliday / isWorkingDay', () => {
  it('treats every Sunday as a holiday, and Saturday as neither holiday nor working day', () => {
    expect(isLegalHoliday('2025-06-15')).toBe(true); // Sunday
    expect(isLegalHoliday('2025-06-14')).toBe(false); // Saturday
    expect(isWorkingDay('2025-06-14')).toBe(false);
    expect(isWorkingDay('2025-06-13')).toBe(true); // Friday
  });

  it('knows the national holidays', () => {
    for (const d of ['2025-01-01', '2025-01-06', '2025-04-21', '2025-04-25', '2025-05-01', '2025-06-02']) {
      expect(isLegalHoliday(d)).toBe(true);
    }
    for (const d of ['2025-08-15', '2025-11-01', '2025-12-08', '2025-12-25', '2025-12-26', '2028-04-17']) {
      expect(isLegalHoliday(d)).toBe(true);
    }
    expect(isLegalHoliday('2025-04-22')).toBe(false);
  });

  it('makes 4 October a holiday only from 2026', () => {
    expect(weekday('2025-10-04')).toBe(6);
    expect(isLegalHoliday('2025-10-04')).toBe(false);
    expect(weekday('2026-10-04')).toBe(0); // a Sunday in 2026
    expect(legalHolidayNames('2026-10-04')).toEqual(["San Francesco d'Assisi"]);
    expect(weekday('2027-10-04')).toBe(1); // a Monday in 2027
    expect(isLegalHoliday('2027-10-04')).toBe(true);
    expect(isWorkingDay('2027-10-04')).toBe(false);
  });

  it('makes 29 June a legal holiday in Rome only; other patron days are closures', () => {
    expect(isLegalHoliday('2026-06-29', ROMA)).toBe(true);
    expect(isLegalHoliday('2026-06-29')).toBe(false);
    expect(isLegalHoliday('2025-06-24', TORINO)).toBe(false);
    expect(isWorkingDay('2025-06-24', TORINO)).toBe(false);
    expect(isWorkingDay('2025-06-24')).toBe(true);
    expect(isWorkingDay('2025-12-24', TORINO)).toBe(false); // extra closure
    expect(isLegalHoliday('2025-12-24', TORINO)).toBe(false);
  });
});

describe('effectiveDeadline', () => {
  it('answers each calendar with its own terms, however often a date is asked', () => {
    // Terms are kept per calendar as far as they depend on it: its legal-holiday patron days and their names.
    const renamed: TenantCalendar = { patronDays: [{ ...ROMA_SANTI_PIETRO_E_PAOLO, name: 'Santi Patroni' }], extraClosures: [] };
    const notLegal: TenantCalendar = { patronDays: [{ ...ROMA_SANTI_PIETRO_E_PAOLO, legalHoliday: false }], extraClosures: [] };
    for (let round = 0; round < 2; round++) {
      expect(effectiveDeadline('2026-06-29', ROMA)).toMatchObject({ effectiveDate: '2026-06-30', moved: true });
      expect(effectiveDeadline('2026-06-29', ROMA).reason).toContain('Santi Pietro e Paolo');
      expect(effectiveDeadline('2026-06-29', renamed).reason).toContain('Santi Patroni');
      expect(effectiveDeadline('2026-06-29', notLegal)).toEqual({ legalDate: '2026-06-29', effectiveDate: '2026-06-29', moved: false });
      expect(effectiveDeadline('2026-06-29', TORINO)).toEqual({ legalDate: '2026-06-29', effectiveDate: '2026-06-29', moved: false });
      expect(effectiveDeadline('2026-06-29')).toEqual({ legalDate: '2026-06-29', effectiveDate: '2026-06-29', moved: false });
      // Backward terms never move: another answer for the same date and calendar.
      expect(effectiveDeadline('2026-06-29', ROMA, 'backward')).toMatchObject({ effectiveDate: '2026-06-29', moved: false });
      expect(effectiveDeadline('2026-06-29', ROMA, 'forward').effectiveDate).toBe('2026-06-30');
    }
    // A kept answer cannot be changed by whoever received it.
    const kept = effectiveDeadline('2027-01-31');
    expect(Object.isFrozen(kept)).toBe(true);
    expect(effectiveDeadline('2027-01-31').effectiveDate).toBe('2027-02-01');
    // An invalid date is refused every time, never kept.
    expect(() => effectiveDeadline('2027-02-30')).toThrow();
    expect(() => effectiveDeadline('2027-02-30')).toThrow();
  });

  it('moves a term ending on a Sunday to Monday (31 January 2027)', () => {
    expect(effectiveDeadline('2027-01-31')).toEqual({
      legalDate: '2027-01-31',
      effectiveDate: '2027-02-01',
      moved: true,
      reason: 'Il termine cade di domenica: slitta al primo giorno non festivo, lunedì 1 febbraio 2027',
    });
  });

  it('leaves a term ending on a working day or a Saturday where it is', () => {
    expect(effectiveDeadline('2025-06-13')).toEqual({
      legalDate: '2025-06-13',
      effectiveDate: '2025-06-13',
      moved: false,
    });
    expect(effectiveDeadline('2025-05-31')).toMatchObject({ effectiveDate: '2025-05-31', moved: false });
    expect(effectiveDeadline('2025-10-04')).toMatchObject({ effectiveDate: '2025-10-04', moved: false });
  });

  it.each<[IsoDate, IsoDate, string]>([
    ['2025-06-02', '2025-06-03', 'Festa della Repubblica, Monday'],
    ['2024-06-02', '2024-06-03', 'Festa della Repubblica on a Sunday'],
    ['2025-12-08', '2025-12-09', 'Immacolata, Monday'],
    ['2024-12-08', '2024-12-09', 'Immacolata on a Sunday'],
    ['2026-10-04', '2026-10-05', 'San Francesco on a Sunday'],
    ['2027-10-04', '2027-10-05', 'San Francesco on a Monday'],
    ['2027-12-25', '2027-12-27', 'Natale (Saturday) → Santo Stefano (Sunday) → Monday'],
    ['2025-12-25', '2025-12-27', 'Natale → Santo Stefano → Saturday, which stays'],
    ['2026-04-05', '2026-04-07', 'Easter Sunday → Easter Monday → Tuesday'],
    ['2027-03-29', '2027-03-30', 'Easter Monday'],
    ['2026-11-01', '2026-11-02', 'Ognissanti on a Sunday'],
    ['2026-01-01', '2026-01-02', 'Capodanno'],
  ])('%s → %s (%s)', (legal, effective) => {
    const r = effectiveDeadline(legal);
    expect(r.effectiveDate).toBe(effective);
    expect(r.moved).toBe(true);
  });

  it('names the holiday in the reason', () => {
    expect(effectiveDeadline('2027-12-25').reason).toBe(
      'Il termine cade in un giorno festivo (Natale): slitta al primo giorno non festivo, lunedì 27 dicembre 2027',
    );
    expect(effectiveDeadline('2026-10-04').reason).toBe(
      "Il termine cade di domenica (San Francesco d'Assisi): slitta al primo giorno non festivo, lunedì 5 ottobre 2026",
    );
  });

  it('does not move a backward-counted term, even on a Sunday', () => {
    const r = effectiveDeadline('2027-01-31', NO_TENANT_CALENDAR, 'backward');
    expect(r).toMatchObject({ legalDate: '2027-01-31', effectiveDate: '2027-01-31', moved: false });
    expect(r.reason).toContain('a ritroso');
    expect(effectiveDeadline('2027-12-25', ROMA, 'backward').effectiveDate).toBe('2027-12-25');
  });

  it("moves a term on Rome's 29 June for a Rome chamber only", () => {
    expect(effectiveDeadline('2026-06-29', ROMA)).toMatchObject({
      effectiveDate: '2026-06-30',
      moved: true,
      reason:
        'Il termine cade in un giorno festivo (Santi Pietro e Paolo): slitta al primo giorno non festivo, martedì 30 giugno 2026',
    });
    expect(effectiveDeadline('2026-06-29')).toMatchObject({ effectiveDate: '2026-06-29', moved: false });
  });

  it("does not move a term for a non-legal patron day (Turin's 24 June) or an office closure", () => {
    expect(effectiveDeadline('2025-06-24', TORINO)).toMatchObject({
      effectiveDate: '2025-06-24',
      moved: false,
    });
    expect(effectiveDeadline('2026-01-02', TORINO)).toMatchObject({
      effectiveDate: '2026-01-02',
      moved: false,
    });
  });

  it('rejects an invalid date', () => {
    expect(() => effectiveDeadline('2027-02-30')).toThrow(RangeError);
  });

  const dateArb = fc.integer({ min: 0, max: 100 * 366 }).map((n) => addDays('2000-01-01', n));
  const calArb = fc.constantFrom(NO_TENANT_CALENDAR, ROMA, TORINO);

  it('never moves earlier, never lands on a Sunday or legal holiday, moves at most 10 days, to the first such day (property)', () => {
    fc.assert(
      fc.property(dateArb, calArb, (legal, cal) => {
        const r = effectiveDeadline(legal, cal);
        const shift = daysBetween(legal, r.effectiveDate);
        expect(shift).toBeGreaterThanOrEqual(0);
        expect(shift).toBeLessThanOrEqual(10);
        expect(weekday(r.effectiveDate)).not.toBe(0);
        expect(isLegalHoliday(r.effectiveDate, cal)).toBe(false);
        expect(r.moved).toBe(shift > 0);
        for (let i = 0; i < shift; i++) expect(isLegalHoliday(addDays(legal, i), cal)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never moves a backward term (property)', () => {
    fc.assert(
      fc.property(dateArb, calArb, (legal, cal) => {
        const r = effectiveDeadline(legal, cal, 'backward');
        expect(r.effectiveDate).toBe(legal);
        expect(r.moved).toBe(false);
      }),
    );
  });
});
