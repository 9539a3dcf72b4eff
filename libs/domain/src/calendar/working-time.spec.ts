import fc from 'fast-check';
import { isoDateAt, isWorkingInstant, nextWorkingInstant, zonedInstant } from './working-time';
import { ROMA_SANTI_PIETRO_E_PAOLO, type TenantCalendar } from './tenant-calendar';
import { isWorkingDay } from './legal-calendar';

const at = (iso: string): Date => new Date(iso);
const next = (iso: string, ctx?: Parameters<typeof nextWorkingInstant>[1]): string =>
  nextWorkingInstant(at(iso), ctx).toISOString();

const TORINO: TenantCalendar = {
  patronDays: [{ month: 6, day: 24, name: 'San Giovanni Battista', legalHoliday: false }],
  extraClosures: ['2025-12-24'],
};
const ROMA: TenantCalendar = { patronDays: [ROMA_SANTI_PIETRO_E_PAOLO], extraClosures: [] };

describe('zonedInstant / isoDateAt', () => {
  it('converts Rome wall time in winter and summer', () => {
    expect(zonedInstant('2025-01-15', '09:00', 'Europe/Rome').toISOString()).toBe('2025-01-15T08:00:00.000Z');
    expect(zonedInstant('2025-07-15', '09:00', 'Europe/Rome').toISOString()).toBe('2025-07-15T07:00:00.000Z');
    expect(zonedInstant('2025-03-31', '09:00', 'Europe/Rome').toISOString()).toBe('2025-03-31T07:00:00.000Z');
    expect(zonedInstant('2025-10-27', '09:00', 'Europe/Rome').toISOString()).toBe('2025-10-27T08:00:00.000Z');
    expect(zonedInstant('2025-01-15', '09:00', 'Asia/Kolkata').toISOString()).toBe(
      '2025-01-15T03:30:00.000Z',
    );
    expect(zonedInstant('2025-01-15', '09:00', 'Australia/Sydney').toISOString()).toBe(
      '2025-01-14T22:00:00.000Z',
    );
  });

  it('resolves a skipped time after the gap and a repeated time to its first occurrence', () => {
    // 30 March 2025: 02:00 CET → 03:00 CEST, so 02:30 does not exist and means 03:30 CEST.
    expect(zonedInstant('2025-03-30', '02:30', 'Europe/Rome').toISOString()).toBe('2025-03-30T01:30:00.000Z');
    // 26 October 2025: 03:00 CEST → 02:00 CET, so 02:30 happens twice.
    expect(zonedInstant('2025-10-26', '02:30', 'Europe/Rome').toISOString()).toBe('2025-10-26T00:30:00.000Z');
  });

  it('gives the local date of an instant', () => {
    expect(isoDateAt(at('2025-12-31T23:30:00Z'))).toBe('2026-01-01');
    expect(isoDateAt(at('2025-12-31T23:30:00Z'), 'UTC')).toBe('2025-12-31');
  });

  it('reads every instant of a second alike and the next second afresh, wall clocks read before included', () => {
    // Readings are kept per time zone and second: the last millisecond before local midnight and
    // the first after it, in either order, in each zone, and before 1970 (negative instants).
    const pairs: [string, string, string, string][] = [
      ['2026-12-04T22:59:59.999Z', '2026-12-04', '2026-12-04T23:00:00.000Z', '2026-12-05'],
      ['1969-12-31T22:59:59.001Z', '1969-12-31', '1969-12-31T23:00:00.000Z', '1970-01-01'],
    ];
    for (const [before, dayBefore, after, dayAfter] of pairs) {
      expect(isoDateAt(at(after))).toBe(dayAfter);
      expect(isoDateAt(at(before))).toBe(dayBefore);
      expect(isoDateAt(at(after))).toBe(dayAfter);
      expect(isoDateAt(at(before), 'UTC')).toBe(before.slice(0, 10));
      expect(isoDateAt(at(after), 'America/New_York')).toBe(before.slice(0, 10));
    }
    // The same second in another zone is another reading.
    expect(isoDateAt(at('2026-12-04T23:30:00.000Z'), 'Asia/Tokyo')).toBe('2026-12-05');
    expect(isoDateAt(at('2026-12-04T23:30:00.500Z'), 'Pacific/Honolulu')).toBe('2026-12-04');
  });
});

describe('nextWorkingInstant (default 09:00–17:00 Europe/Rome, Monday–Friday)', () => {
  it('returns the same instant inside working hours (as a new Date)', () => {
    const inside = at('2025-06-11T10:00:00.123Z'); // Wednesday 12:00 CEST
    const r = nextWorkingInstant(inside);
    expect(r.getTime()).toBe(inside.getTime());
    expect(r).not.toBe(inside);
    expect(next('2025-06-11T07:00:00Z')).toBe('2025-06-11T07:00:00.000Z'); // 09:00 sharp
    expect(next('2025-06-11T14:59:59.999Z')).toBe('2025-06-11T14:59:59.999Z'); // 16:59:59.999
  });

  it('moves an early-morning instant to 09:00 the same day', () => {
    expect(next('2025-06-11T04:00:00Z')).toBe('2025-06-11T07:00:00.000Z');
    expect(next('2025-01-15T00:00:00Z')).toBe('2025-01-15T08:00:00.000Z');
  });

  it('moves an instant at or after 17:00 to the next working morning', () => {
    expect(next('2025-06-10T15:00:00Z')).toBe('2025-06-11T07:00:00.000Z'); // Tue 17:00 CEST
    expect(next('2025-06-10T21:30:00Z')).toBe('2025-06-11T07:00:00.000Z'); // Tue 23:30 CEST
    expect(next('2025-06-10T22:30:00Z')).toBe('2025-06-11T07:00:00.000Z'); // Wed 00:30 CEST
  });

  it('skips the weekend', () => {
    expect(next('2025-06-13T16:00:00Z')).toBe('2025-06-16T07:00:00.000Z'); // Fri 18:00 → Mon 09:00
    expect(next('2025-06-14T10:00:00Z')).toBe('2025-06-16T07:00:00.000Z'); // Saturday
    expect(next('2025-06-15T10:00:00Z')).toBe('2025-06-16T07:00:00.000Z'); // Sunday
  });

  it('crosses the spring DST change (last Sunday of March)', () => {
    // Fri 28 March 2025 18:00 CET → Mon 31 March 09:00 CEST.
    expect(next('2025-03-28T17:00:00Z')).toBe('2025-03-31T07:00:00.000Z');
    // During the change itself (Sun 30 March, 03:30 CEST).
    expect(next('2025-03-30T01:30:00Z')).toBe('2025-03-31T07:00:00.000Z');
    expect(next('2026-03-27T16:30:00Z')).toBe('2026-03-30T07:00:00.000Z');
  });

  it('crosses the autumn DST change (last Sunday of October)', () => {
    // Fri 24 October 2025 17:30 CEST → Mon 27 October 09:00 CET.
    expect(next('2025-10-24T15:30:00Z')).toBe('2025-10-27T08:00:00.000Z');
    expect(next('2025-10-26T00:30:00Z')).toBe('2025-10-27T08:00:00.000Z'); // first 02:30
    expect(next('2025-10-26T01:30:00Z')).toBe('2025-10-27T08:00:00.000Z'); // second 02:30
  });

  it('skips national holidays and chains of them', () => {
    // Wed 24 Dec 2025 18:00 → 25, 26 holidays, 27–28 weekend → Mon 29 Dec.
    expect(next('2025-12-24T17:00:00Z')).toBe('2025-12-29T08:00:00.000Z');
    expect(next('2027-10-01T16:00:00Z')).toBe('2027-10-05T07:00:00.000Z'); // 4 Oct 2027, San Francesco
    expect(next('2025-10-03T16:00:00Z')).toBe('2025-10-06T07:00:00.000Z'); // 2025: Mon 6 Oct (no special day)
  });

  it('respects closure days: patron day, extra closures, Rome 29 June', () => {
    expect(next('2025-06-24T08:00:00Z', { calendar: TORINO })).toBe('2025-06-25T07:00:00.000Z');
    expect(next('2025-06-23T16:00:00Z', { calendar: TORINO })).toBe('2025-06-25T07:00:00.000Z');
    expect(next('2025-06-24T08:00:00Z')).toBe('2025-06-24T08:00:00.000Z'); // not closed elsewhere
    expect(next('2025-12-23T17:00:00Z', { calendar: TORINO })).toBe('2025-12-29T08:00:00.000Z');
    expect(next('2026-06-26T16:00:00Z', { calendar: ROMA })).toBe('2026-06-30T07:00:00.000Z');
    expect(next('2026-06-26T16:00:00Z')).toBe('2026-06-29T07:00:00.000Z');
  });

  it('accepts configured working hours, days and time zone', () => {
    const morning = { start: '08:30', end: '13:30' };
    expect(next('2025-06-11T11:45:00Z', morning)).toBe('2025-06-12T06:30:00.000Z'); // 13:45 CEST
    expect(next('2025-06-11T11:15:00Z', morning)).toBe('2025-06-11T11:15:00.000Z');
    const saturdays = { timeZone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6] as const };
    expect(next('2025-06-14T10:00:00Z', saturdays)).toBe('2025-06-14T10:00:00.000Z');
    expect(next('2025-06-14T17:00:00Z', saturdays)).toBe('2025-06-16T09:00:00.000Z'); // Sunday always skipped
  });

  it('opens after a DST gap when the start time is skipped (Jerusalem, Friday 28 March 2025)', () => {
    const ctx = { timeZone: 'Asia/Jerusalem', start: '02:30', end: '05:00' };
    // 01:50 IST; at 02:00 the clock jumps to 03:00, so 02:30 does not exist → 03:30 IDT.
    expect(next('2025-03-27T23:50:00Z', ctx)).toBe('2025-03-28T00:30:00.000Z');
    // 03:10 IDT is already inside the period.
    expect(next('2025-03-28T00:10:00Z', ctx)).toBe('2025-03-28T00:10:00.000Z');
  });

  it('uses the repeated opening after a fall-back (Cairo, Thursday 30 October 2025, 24:00 EEST → 23:00 EET)', () => {
    const ctx = { timeZone: 'Africa/Cairo', start: '23:15', end: '23:50' };
    expect(next('2025-10-30T20:00:00Z', ctx)).toBe('2025-10-30T20:15:00.000Z'); // 23:00 EEST → first 23:15
    expect(next('2025-10-30T20:30:00Z', ctx)).toBe('2025-10-30T20:30:00.000Z'); // 23:30 EEST: inside
    expect(next('2025-10-30T21:05:00Z', ctx)).toBe('2025-10-30T21:15:00.000Z'); // 23:05 EET → second 23:15
  });

  it('rejects invalid input', () => {
    expect(() => nextWorkingInstant(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => next('2025-06-11T10:00:00Z', { start: '17:00', end: '09:00' })).toThrow(RangeError);
    expect(() => next('2025-06-11T10:00:00Z', { start: '9:00' })).toThrow(RangeError);
    expect(() => next('2025-06-11T10:00:00Z', { weekdays: [] })).toThrow(RangeError);
    expect(() => next('2025-06-11T10:00:00Z', { timeZone: 'Europe/Atlantis' })).toThrow(RangeError);
  });

  it('returns a working instant, never earlier, on a working day, idempotently (property)', () => {
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2030, 0, 1);
    fc.assert(
      fc.property(
        fc.integer({ min: from, max: to }),
        fc.constantFrom<TenantCalendar | undefined>(undefined, TORINO, ROMA),
        (ms, calendar) => {
          const r = nextWorkingInstant(new Date(ms), { calendar });
          expect(r.getTime()).toBeGreaterThanOrEqual(ms);
          expect(r.getTime() - ms).toBeLessThanOrEqual(6 * 86_400_000);
          expect(isWorkingDay(isoDateAt(r), calendar)).toBe(true);
          expect(isWorkingInstant(r, { calendar })).toBe(true);
          const hm = new Intl.DateTimeFormat('en-GB', {
            timeZone: 'Europe/Rome',
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23',
          }).format(r);
          expect(hm >= '09:00' && hm < '17:00').toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
