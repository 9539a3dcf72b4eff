// The one computation of a deadline's day: from its legal date, with the tenant's calendar and time
// zone, the day it actually expires and how it stands today. Every reader of a deadline (cycle view,
// read models, reminders, calendar feed, transparency grid) goes through it.
import { daysBetween, type IsoDate } from './iso-date';
import { effectiveDeadline, type EffectiveDeadline } from './legal-calendar';
import { NO_TENANT_CALENDAR, type TenantCalendar } from './tenant-calendar';
import { DEFAULT_WORKING_HOURS, isoDateAt } from './working-time';

/** What a deadline needs to know of its tenant: the calendar (legal patron days) and the time zone of "today". */
export interface TenantTime {
  readonly calendar: TenantCalendar;
  /** IANA time zone, e.g. Europe/Rome */
  readonly timeZone: string;
}

/** Where each tenant's calendar and time zone come from. */
export type TenantTimeOf = (tenant: string) => TenantTime;

/** A tenant with no calendar of its own, in Rome's time zone. */
export const DEFAULT_TENANT_TIME: TenantTime = Object.freeze({ calendar: NO_TENANT_CALENDAR, timeZone: DEFAULT_WORKING_HOURS.timeZone });

/** A deadline this many days away or fewer is "due soon" (in scadenza). */
export const DUE_SOON_DAYS = 15;

export type DueStatus = 'future' | 'due_soon' | 'overdue';

/** How a deadline `daysLeft` days away stands: overdue when negative, due soon within `dueSoonDays`. */
export function dueStatus(daysLeft: number, dueSoonDays: number = DUE_SOON_DAYS): DueStatus {
  return daysLeft < 0 ? 'overdue' : daysLeft <= dueSoonDays ? 'due_soon' : 'future';
}

export interface DeadlineDay extends EffectiveDeadline {
  /** Days from the tenant's today to the effective date (negative when overdue). */
  readonly daysLeft: number;
  readonly status: DueStatus;
}

/** The day a term with this legal date expires for the tenant, and how it stands at `now`. */
export function deadlineDay(legalDate: IsoDate, now: Date, tenant: TenantTime, dueSoonDays: number = DUE_SOON_DAYS): DeadlineDay {
  const eff = effectiveDeadline(legalDate, tenant.calendar);
  const daysLeft = daysBetween(isoDateAt(now, tenant.timeZone), eff.effectiveDate);
  return { ...eff, daysLeft, status: dueStatus(daysLeft, dueSoonDays) };
}
