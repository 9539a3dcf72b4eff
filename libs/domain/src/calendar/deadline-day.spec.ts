import { deadlineDay, DEFAULT_TENANT_TIME, dueStatus, DUE_SOON_DAYS } from './deadline-day';
import { ROMA_SANTI_PIETRO_E_PAOLO } from './tenant-calendar';

const roma = { calendar: { patronDays: [ROMA_SANTI_PIETRO_E_PAOLO], extraClosures: [] }, timeZone: 'Europe/Rome' };

describe('deadlineDay', () => {
  it("rolls a term off the tenant's legal patron day, and only with that tenant's calendar", () => {
    // Tuesday 29 June 2027: a working day everywhere but in Rome.
    const now = new Date('2027-06-20T10:00:00Z');
    expect(deadlineDay('2027-06-29', now, DEFAULT_TENANT_TIME)).toMatchObject({ effectiveDate: '2027-06-29', moved: false, daysLeft: 9, status: 'due_soon' });
    const inRome = deadlineDay('2027-06-29', now, roma);
    expect(inRome).toMatchObject({ legalDate: '2027-06-29', effectiveDate: '2027-06-30', moved: true, daysLeft: 10, status: 'due_soon' });
    expect(inRome.reason).toContain('Santi Pietro e Paolo');
  });

  it("counts the days from the tenant's today, in its time zone", () => {
    // 23:30 UTC on 14 June is already 15 June in Rome, still 14 June in New York.
    const late = new Date('2027-06-14T23:30:00Z');
    expect(deadlineDay('2027-06-30', late, DEFAULT_TENANT_TIME).daysLeft).toBe(15);
    expect(deadlineDay('2027-06-30', late, { ...DEFAULT_TENANT_TIME, timeZone: 'America/New_York' }).daysLeft).toBe(16);
  });

  it('is due soon within DUE_SOON_DAYS, overdue after the effective date', () => {
    expect([dueStatus(-1), dueStatus(0), dueStatus(DUE_SOON_DAYS), dueStatus(DUE_SOON_DAYS + 1)]).toEqual(['overdue', 'due_soon', 'due_soon', 'future']);
    expect(dueStatus(20, 30)).toBe('due_soon');
  });
});
