/**
 * The dates a measure's owner must meet, for the reminder machinery (libs/deadlines): once the plan
 * is adopted, each phase deadline of a measure not yet `attuata`, and each monitoring date that
 * has no report for the measure. A date met (the measure attuata, the report in) drops out, and
 * the reminders planned for it become obsolete.
 */
import type { IsoDate } from '../../calendar';
import type { RegisterState } from './model';

export interface MeasureDeadline {
  /** Deadline id in reminder keys: `misura.<code>.fase<n>` or `misura.<code>.monitoraggio` (the date is the key's legal date) */
  id: string;
  /** Italian title (the reminder's subject) */
  title: string;
  /** The date */
  legalDate: IsoDate;
  /** The measure */
  measureCode: string;
}

export const MEASURE_DEADLINE_PREFIX = 'misura.';
export const isMeasureDeadlineId = (id: string): boolean => id.startsWith(MEASURE_DEADLINE_PREFIX);

export function measureDeadlines(r: RegisterState, adopted: boolean): MeasureDeadline[] {
  if (!adopted || r.measures.size === 0) return [];
  const reported = new Set<string>();
  const status = new Map<string, { date: string; status: string }>();
  for (const x of r.reports) {
    reported.add(`${x.measureCode}\u0000${x.monitoringDate}`);
    const s = status.get(x.measureCode);
    if (!s || s.date <= x.monitoringDate)
      status.set(x.measureCode, { date: x.monitoringDate, status: x.status });
  }
  for (const c of r.checks) {
    const s = status.get(c.measureCode);
    if (!s || s.date <= c.monitoringDate)
      status.set(c.measureCode, { date: c.monitoringDate, status: c.status });
  }
  const out: MeasureDeadline[] = [];
  for (const m of r.measures.values()) {
    if (status.get(m.code)?.status !== 'attuata') {
      m.phases.forEach((p, i) =>
        out.push({
          id: `${MEASURE_DEADLINE_PREFIX}${m.code}.fase${i + 1}`,
          title: `Misura «${m.code}»: ${p.title}`,
          legalDate: p.deadline as IsoDate,
          measureCode: m.code,
        }),
      );
    }
    for (const date of r.monitoringDates) {
      if (!reported.has(`${m.code}\u0000${date}`))
        out.push({
          id: `${MEASURE_DEADLINE_PREFIX}${m.code}.monitoraggio`,
          title: `Misura «${m.code}»: rendicontazione al monitoraggio`,
          legalDate: date as IsoDate,
          measureCode: m.code,
        });
    }
  }
  return out;
}
