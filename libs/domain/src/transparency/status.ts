/**
 * Whether each item of the grid is up to date (docs/transparency.md#status):
 *
 * - `mai_pubblicato`: no publication recorded;
 * - periodic items (trimestrale 3 months, semestrale 6, annuale 12): the next update is due that
 *   many months after the last publication (the same day of the month, or the month's last day),
 *   rolled forward past Sundays and legal holidays of the tenant's calendar;
 * - `tempestivo`: the item is due 30 days after the first change reported since the last
 *   publication (rolled forward the same way); with no change pending it stays up to date;
 * - `scaduto` after the due date, `in_scadenza` from 15 days before it, else `aggiornato`.
 *
 * "Today" is the tenant's day in its time zone, passed in by the caller.
 */
import { addDays, daysBetween, daysInMonth, dueStatus, effectiveDeadline, NO_TENANT_CALENDAR, toYmd, type IsoDate, type TenantCalendar } from '../calendar';
import type { TransparencyItem, TransparencyState, UpdateFrequency } from './model';

export const TRANSPARENCY_STATUSES = ['aggiornato', 'in_scadenza', 'scaduto', 'mai_pubblicato'] as const;
export type TransparencyStatus = (typeof TRANSPARENCY_STATUSES)[number];

export const TRANSPARENCY_STATUS_IT: Record<TransparencyStatus, string> = {
  aggiornato: 'Aggiornato',
  in_scadenza: 'In scadenza',
  scaduto: 'Scaduto',
  mai_pubblicato: 'Mai pubblicato',
};

/** Months between updates of the periodic frequencies. */
export const FREQUENCY_MONTHS: Record<Exclude<UpdateFrequency, 'tempestivo'>, number> = { trimestrale: 3, semestrale: 6, annuale: 12 };
/** Days within which a change of a `tempestivo` item is published. */
export const TEMPESTIVO_DAYS = 30;

/** `date` plus `months` calendar months, on the month's last day when the day does not exist (31 August + 6 = 28/29 February). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const { year, month, day } = toYmd(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  const d = Math.min(day, daysInMonth(y, m));
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Rows per status. */
export interface TransparencyStatusCounts {
  /** Up to date */
  aggiornato: number;
  /** Due within 15 days */
  in_scadenza: number;
  /** Overdue */
  scaduto: number;
  /** Never published */
  mai_pubblicato: number;
}

export interface TransparencyItemStatus {
  /** Status */
  status: TransparencyStatus;
  /** Status in Italian */
  statusIt: string;
  /** The last publication's date, null when never published */
  lastPublishedOn: IsoDate | null;
  /** Address of the last publication */
  lastUrl: string | null;
  /** The date the next update is due by the rule (null: none due) */
  dueDate: IsoDate | null;
  /** The due date rolled forward past Sundays and legal holidays (null: none due) */
  effectiveDueDate: IsoDate | null;
  /** Days from today to the effective due date: negative when overdue (null: none due) */
  daysLeft: number | null;
  /** Why the item is due, in Italian */
  reasonIt: string;
}

const it = (d: IsoDate): string => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

/** The status of one item on `today` (the tenant's day). */
export function transparencyItemStatus(item: TransparencyItem, today: IsoDate, cal: TenantCalendar = NO_TENANT_CALENDAR): TransparencyItemStatus {
  const last = item.publications.reduce<TransparencyItem['publications'][number] | null>((a, p) => (!a || p.date >= a.date ? p : a), null);
  if (!last) {
    return { status: 'mai_pubblicato', statusIt: TRANSPARENCY_STATUS_IT.mai_pubblicato, lastPublishedOn: null, lastUrl: null, dueDate: null, effectiveDueDate: null, daysLeft: null, reasonIt: 'Nessuna pubblicazione registrata' };
  }
  let dueDate: IsoDate | null;
  let reasonIt: string;
  if (item.obligation.frequency === 'tempestivo') {
    const pending = item.changes.filter((c) => c.date > last.date).sort((a, b) => a.date.localeCompare(b.date))[0];
    dueDate = pending ? addDays(pending.date, TEMPESTIVO_DAYS) : null;
    reasonIt = pending
      ? `Aggiornamento tempestivo: entro ${TEMPESTIVO_DAYS} giorni dalla variazione del ${it(pending.date)} (${pending.note})`
      : `Aggiornamento tempestivo: nessuna variazione segnalata dopo la pubblicazione del ${it(last.date)}`;
  } else {
    const months = FREQUENCY_MONTHS[item.obligation.frequency];
    dueDate = addMonths(last.date, months);
    reasonIt = `Aggiornamento ${item.obligation.frequency}: ${months} mesi dalla pubblicazione del ${it(last.date)}`;
  }
  const base = { lastPublishedOn: last.date, lastUrl: last.url };
  if (!dueDate) return { ...base, status: 'aggiornato', statusIt: TRANSPARENCY_STATUS_IT.aggiornato, dueDate: null, effectiveDueDate: null, daysLeft: null, reasonIt };
  const effective = effectiveDeadline(dueDate, cal);
  const daysLeft = daysBetween(today, effective.effectiveDate);
  // The same rule and the same 15 days as the cycles' deadlines (`dueStatus`).
  const status: TransparencyStatus = ({ overdue: 'scaduto', due_soon: 'in_scadenza', future: 'aggiornato' } as const)[dueStatus(daysLeft)];
  return {
    ...base,
    status,
    statusIt: TRANSPARENCY_STATUS_IT[status],
    dueDate,
    effectiveDueDate: effective.effectiveDate,
    daysLeft,
    reasonIt: effective.moved && effective.reason ? `${reasonIt}. ${effective.reason}` : reasonIt,
  };
}

export interface TransparencyGridRow extends TransparencyItemStatus {
  /** Obligation id */
  id: string;
  /** Section of Amministrazione trasparente */
  section: string;
  /** Sub-section */
  subsection: string;
  /** The obligation */
  title: string;
  /** Legal reference */
  legalReference: string;
  /** What is published */
  content: string;
  /** Update frequency */
  frequency: UpdateFrequency;
  /** Office that produces the data */
  producerOffice: string | null;
  /** Office that publishes it */
  publisherOffice: string | null;
  /** Publications recorded, newest first */
  publications: TransparencyItem['publications'];
  /** Changes reported (tempestivo), newest first */
  changes: TransparencyItem['changes'];
}

export interface TransparencyGridFilter {
  status?: TransparencyStatus;
  /** Rows where this office produces or publishes */
  office?: string;
  section?: string;
}

/** The grid in its order with each row's status, filtered; `counts` are per status over the whole grid. */
export function transparencyGrid(
  state: TransparencyState,
  today: IsoDate,
  cal: TenantCalendar = NO_TENANT_CALENDAR,
  filter: TransparencyGridFilter = {},
): { rows: TransparencyGridRow[]; counts: TransparencyStatusCounts; offices: string[]; sections: string[]; total: number } {
  const counts: TransparencyStatusCounts = { aggiornato: 0, in_scadenza: 0, scaduto: 0, mai_pubblicato: 0 };
  const offices = new Set<string>();
  const sections: string[] = [];
  const rows: TransparencyGridRow[] = [];
  const items = [...state.items.values()].sort((a, b) => a.obligation.order - b.obligation.order || a.obligation.id.localeCompare(b.obligation.id));
  for (const item of items) {
    const o = item.obligation;
    const s = transparencyItemStatus(item, today, cal);
    counts[s.status] += 1;
    if (item.producerOffice) offices.add(item.producerOffice);
    if (item.publisherOffice) offices.add(item.publisherOffice);
    if (!sections.includes(o.section)) sections.push(o.section);
    if (filter.status && s.status !== filter.status) continue;
    if (filter.office && item.producerOffice !== filter.office && item.publisherOffice !== filter.office) continue;
    if (filter.section && o.section !== filter.section) continue;
    rows.push({
      id: o.id,
      section: o.section,
      subsection: o.subsection,
      title: o.title,
      legalReference: o.legalReference,
      content: o.content,
      frequency: o.frequency,
      producerOffice: item.producerOffice,
      publisherOffice: item.publisherOffice,
      ...s,
      publications: [...item.publications].reverse(),
      changes: [...item.changes].reverse(),
    });
  }
  return { rows, counts, offices: [...offices].sort((a, b) => a.localeCompare(b, 'it')), sections, total: items.length };
}
