/** A deadline as the API gives it, and its status in Italian words with a colour. */
import { StatusBadge } from '../../components';
import { daysLeftLabel, formatDate } from '../../labels';

export interface DeadlineItem {
  cycleId: string;
  cycleType: string;
  cycleTitle: string;
  deadlineId: string;
  title: string;
  legalReference: string | null;
  legalDate: string | null;
  effectiveDate: string | null;
  moved: boolean;
  status: 'future' | 'due_soon' | 'overdue' | 'met' | 'unscheduled' | 'closed';
  metOn: string | null;
  daysLeft: number | null;
}

type Tone = 'success' | 'warning' | 'danger' | 'secondary' | 'primary' | 'info';

/** Each status has its words and its colour (the colour never alone). */
export const DEADLINE_STATUS: Record<DeadlineItem['status'], { label: string; tone: Tone }> = {
  future: { label: 'Futura', tone: 'primary' },
  due_soon: { label: 'In scadenza', tone: 'warning' },
  overdue: { label: 'Scaduta', tone: 'danger' },
  met: { label: 'Rispettata', tone: 'success' },
  unscheduled: { label: 'Data da definire', tone: 'secondary' },
  closed: { label: 'Ciclo chiuso', tone: 'secondary' },
};

/** "Scaduta da 3 giorni", "Rispettata il 28/01/2027"... */
export function statusDetail(d: DeadlineItem): string {
  if (d.status === 'met') return d.metOn ? `rispettata il ${formatDate(d.metOn)}` : 'rispettata';
  if (d.status === 'unscheduled') return 'la data sarà fissata da un evento del ciclo';
  if (d.status === 'closed') return 'il ciclo è chiuso';
  return d.daysLeft === null ? '' : daysLeftLabel(d.daysLeft);
}

export function DeadlineBadge({ d }: { d: DeadlineItem }) {
  const s = DEADLINE_STATUS[d.status];
  return <StatusBadge tone={s.tone}>{s.label}</StatusBadge>;
}

