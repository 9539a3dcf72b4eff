// The `ReminderSent` event: what a reminder said, to whom. Written by the deadline scheduler's
// reminder jobs (libs/deadlines) on the stream `<tenant>/reminders-<cycleId>`, with an event id
// derived from the reminder key; read by the in-app inbox and the webhook dispatcher.
import { createHash } from 'node:crypto';
import { formatIsoDateIt, type ReminderKind } from '@ciclo/domain';

export const REMINDER_SENT = 'ReminderSent';

export interface ReminderRecipient {
  userId: string;
  name: string;
  email: string | null;
  /** `actor`: acts next on the stage; `escalation`: told because the deadline is overdue. */
  reason: 'actor' | 'escalation';
}

export interface ReminderSentData {
  [key: string]: unknown;
  key: string;
  cycleId: string;
  cycleType: string;
  cycleTitle: string;
  periodLabel: string;
  deadlineId: string;
  deadlineTitle: string;
  legalReference: string | null;
  legalDate: string;
  effectiveDate: string;
  /** Why the effective date differs from the legal one (holiday roll), when it does. */
  effectiveReason: string | null;
  offset: number;
  kind: ReminderKind;
  /** Days from the sending day to the effective date (negative: days overdue). */
  daysLeft: number;
  escalation: boolean;
  stage: string;
  stageTitle: string;
  /** When the reminder was due (working hours); the event's occurredAt is when it went out. */
  dueAt: string;
  link: string;
  recipients: ReminderRecipient[];
}

export const reminderStream = (tenant: string, cycleId: string) => `${tenant}/reminders-${cycleId}`;

/** A UUID (v5 layout) derived from a string: the same key always gives the same event id. */
export function uuidFromKey(namespace: string, key: string): string {
  const h = createHash('sha256').update(`${namespace}|${key}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The id of the `ReminderSent` event of a reminder key. */
export const reminderEventId = (key: string) => uuidFromKey('ciclo-reminder-sent', key);

const days = (n: number) => (Math.abs(n) === 1 ? '1 giorno' : `${Math.abs(n)} giorni`);

/** "Scade tra 7 giorni", "Scade oggi", "Scaduta da 7 giorni". */
export function whenText(daysLeft: number): string {
  if (daysLeft > 1) return `Scade tra ${days(daysLeft)}`;
  if (daysLeft === 1) return 'Scade domani';
  if (daysLeft === 0) return 'Scade oggi';
  return `Scaduta da ${days(daysLeft)}`;
}

export interface RenderedReminder {
  subject: string;
  text: string;
  html: string;
  /** One-line summary for the in-app list. */
  title: string;
  body: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The reminder in Italian: subject, plain text and HTML for e-mail, title and body for the in-app list. */
export function renderReminder(d: ReminderSentData): RenderedReminder {
  const when = whenText(d.daysLeft);
  const prefix = d.escalation ? '[Ciclo] SOLLECITO' : '[Ciclo] Promemoria';
  const subject = `${prefix} – ${when}: ${d.deadlineTitle} (${d.cycleTitle})`;
  const lines = [
    d.escalation
      ? `La scadenza indicata è superata e non risulta ancora rispettata. Il sollecito è inviato anche al Segretario Generale.`
      : `Promemoria di scadenza.`,
    '',
    `Ciclo: ${d.cycleTitle}`,
    `Scadenza: ${d.deadlineTitle}`,
    ...(d.legalReference ? [`Riferimento normativo: ${d.legalReference}`] : []),
    `Data effettiva di scadenza: ${formatIsoDateIt(d.effectiveDate)}`,
    ...(d.legalDate !== d.effectiveDate ? [`Data di legge: ${formatIsoDateIt(d.legalDate)}${d.effectiveReason ? ` (${d.effectiveReason})` : ''}`] : []),
    d.daysLeft >= 0 ? `Giorni rimanenti: ${d.daysLeft}` : `Giorni di ritardo: ${-d.daysLeft}`,
    `Fase attuale: ${d.stageTitle}`,
    '',
    `Apri il ciclo: ${d.link}`,
    '',
    '—',
    'Messaggio automatico di Ciclo: non rispondere a questo indirizzo.',
  ];
  const text = lines.join('\n');
  const html = `<!doctype html><html lang="it"><body><p>${lines
    .map((l) => (l === '' ? '</p><p>' : escapeHtml(l).replace(escapeHtml(d.link), `<a href="${escapeHtml(d.link)}">${escapeHtml(d.link)}</a>`) + '<br>'))
    .join('')}</p></body></html>`;
  return {
    subject,
    text,
    html,
    title: `${when}: ${d.deadlineTitle}`,
    body: `${d.cycleTitle} – scadenza effettiva ${formatIsoDateIt(d.effectiveDate)}${d.escalation ? ' (sollecito)' : ''}`,
  };
}
