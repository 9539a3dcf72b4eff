import { easterMonday, easterSunday, italianPublicHolidays, nationalHolidayNames } from './holidays';
import { weekday } from './iso-date';

describe('Easter (Gregorian computus)', () => {
  it.each([
    [2025, '2025-04-20', '2025-04-21'],
    [2026, '2026-04-05', '2026-04-06'],
    [2027, '2027-03-28', '2027-03-29'],
    [2028, '2028-04-16', '2028-04-17'],
    [2024, '2024-03-31', '2024-04-01'],
    [2019, '2019-04-21', '2019-04-22'],
    [2011, '2011-04-24', '2011-04-25'],
    [2000, '2000-04-23', '2000-04-24'],
    [2038, '2038-04-25', '2038-04-26'], // latest possible Easter
    [2285, '2285-03-22', '2285-03-23'], // earliest possible Easter
  ])('%i: Easter Sunday %s, Easter Monday %s', (year, sunday, monday) => {
    expect(easterSunday(year)).toBe(sunday);
    expect(easterMonday(year)).toBe(monday);
  });

  it('always falls on a Sunday between 22 March and 25 April', () => {
    for (let year = 1583; year <= 3000; year++) {
      const e = easterSunday(year);
      expect(weekday(e)).toBe(0);
      expect(e.slice(5) >= '03-22' && e.slice(5) <= '04-25').toBe(true);
    }
  });

  it('rejects years outside the Gregorian range', () => {
    expect(() => easterSunday(1500)).toThrow(RangeError);
    expect(() => easterSunday(2025.5)).toThrow(RangeError);
  });
});

describe('italianPublicHolidays', () => {
  it('lists the 2025 national holidays, without San Francesco', () => {
    expect(italianPublicHolidays(2025)).toEqual([
      { date: '2025-01-01', name: 'Capodanno' },
      { date: '2025-01-06', name: 'Epifania' },
      { date: '2025-04-20', name: 'Pasqua' },
      { date: '2025-04-21', name: "Lunedì dell'Angelo" },
      { date: '2025-04-25', name: 'Festa della Liberazione' },
      { date: '2025-05-01', name: 'Festa del Lavoro' },
      { date: '2025-06-02', name: 'Festa della Repubblica' },
      { date: '2025-08-15', name: 'Assunzione di Maria Vergine' },
      { date: '2025-11-01', name: 'Ognissanti' },
      { date: '2025-12-08', name: 'Immacolata Concezione' },
      { date: '2025-12-25', name: 'Natale' },
      { date: '2025-12-26', name: 'Santo Stefano' },
    ]);
  });

  it("adds 4 October (San Francesco d'Assisi) from 2026", () => {
    const h2026 = italianPublicHolidays(2026);
    expect(h2026).toHaveLength(13);
    expect(h2026).toContainEqual({ date: '2026-10-04', name: "San Francesco d'Assisi" });
    expect(italianPublicHolidays(2027)).toContainEqual({
      date: '2027-10-04',
      name: "San Francesco d'Assisi",
    });
    expect(italianPublicHolidays(2025).some((h) => h.date === '2025-10-04')).toBe(false);
  });

  it('keeps both names when two holidays share a date', () => {
    expect(nationalHolidayNames('2011-04-25')).toEqual(["Lunedì dell'Angelo", 'Festa della Liberazione']);
    expect(nationalHolidayNames('2038-04-25')).toEqual(['Pasqua', 'Festa della Liberazione']);
    expect(nationalHolidayNames('2025-04-22')).toEqual([]);
  });

  it('returns a fresh copy each time', () => {
    const a = italianPublicHolidays(2027);
    (a as { date: string }[]).pop();
    expect(italianPublicHolidays(2027)).toHaveLength(13);
  });
});
