// Deadlines as an iCalendar feed (RFC 5545): one all-day VEVENT per deadline on its effective date,
// with one VALARM per planned reminder at the instant the reminder goes out.
import { addDays, formatIsoDateIt, type CycleState, type PlannedReminder } from '@ciclo/domain';
import type { ReminderPlanner } from './planner';
import { cyclePageUrl } from './links';

/** Escapes a TEXT value (RFC 5545 §3.3.11). */
export function icsText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets without splitting a UTF-8 character (§3.1). */
export function foldLine(line: string): string {
  const out: string[] = [];
  let cur = '';
  let bytes = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > (out.length === 0 ? 75 : 74)) {
      out.push(cur);
      cur = '';
      bytes = 0;
    }
    cur += ch;
    bytes += n;
  }
  out.push(cur);
  return out.join('\r\n ');
}

const dateValue = (d: string) => d.replace(/-/g, '');
const utcValue = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export interface IcsOptions {
  planner: ReminderPlanner;
  now: Date;
  /** DTSTAMP of every event (default `now`): the time of the data's last change keeps the body stable between polls. */
  stamp?: Date;
  publicUrl: string;
  calendarName: string;
  /** Keep a deadline only when this says so (per-user feeds). */
  filter?: (state: CycleState, deadlineId: string) => boolean;
  /** Every reminder of the cycle's chain (default: planned here); a caller may keep them per cycle version. */
  reminders?: (state: CycleState) => PlannedReminder[];
}

/** The feed of every deadline with a date of the given cycles (cancelled cycles are left out). */
export function deadlinesCalendar(states: readonly CycleState[], o: IcsOptions): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Ciclo//Scadenze//IT',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icsText(o.calendarName)}`,
    'X-WR-TIMEZONE:Europe/Rome',
    // Subscribed calendars poll hourly (RFC 7986 REFRESH-INTERVAL; X-PUBLISHED-TTL for Outlook).
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
  ];
  const stamp = utcValue((o.stamp ?? o.now).toISOString());
  for (const state of states) {
    if (!state.exists || state.status === 'cancelled') continue;
    const def = o.planner.definitionOf(state);
    if (!def) continue;
    const deadlines = o.planner.deadlines(state, o.now);
    // Every reminder of the chain, from the start (the first overdue one included).
    const reminders = o.reminders ? o.reminders(state) : o.planner.plan(state, new Date(0));
    const link = cyclePageUrl(o.publicUrl, state.cycleId);
    for (const d of deadlines) {
      if (!d.effectiveDate || !d.legalDate) continue;
      if (o.filter && !o.filter(state, d.id)) continue;
      const desc = [
        `Ciclo: ${state.title}`,
        `Scadenza effettiva: ${formatIsoDateIt(d.effectiveDate)}`,
        ...(d.legalDate !== d.effectiveDate ? [`Data di legge: ${formatIsoDateIt(d.legalDate)}${d.movedReason ? ` (${d.movedReason})` : ''}`] : []),
        ...(d.rescheduled ? [`Spostata: ${d.rescheduled.reason} (${d.rescheduled.reference})`] : []),
        ...(d.legalReference ? [`Riferimento: ${d.legalReference}`] : []),
        d.status === 'met' ? `Rispettata il ${formatIsoDateIt(d.metOn as string)}${d.metLate ? ' (in ritardo)' : ''}` : `Fase attuale: ${def.stages.find((s) => s.id === state.stage)?.title ?? state.stage}`,
        link,
      ].join('\n');
      lines.push(
        'BEGIN:VEVENT',
        `UID:${state.cycleId}-${d.id}@ciclo`,
        `DTSTAMP:${stamp}`,
        // The cycle's version only grows: a changed deadline replaces the copy a calendar holds.
        `SEQUENCE:${state.version}`,
        `LAST-MODIFIED:${utcValue(new Date(state.lastChangeAt).toISOString())}`,
        `DTSTART;VALUE=DATE:${dateValue(d.effectiveDate)}`,
        `DTEND;VALUE=DATE:${dateValue(addDays(d.effectiveDate, 1))}`,
        `SUMMARY:${icsText(`${d.status === 'met' ? '✓ ' : ''}${d.title} – ${state.title}`)}`,
        `DESCRIPTION:${icsText(desc)}`,
        `URL:${link}`,
        `CATEGORIES:${icsText(state.cycleType)}`,
        'STATUS:CONFIRMED',
        'TRANSP:TRANSPARENT',
      );
      if (d.status !== 'met') {
        for (const r of reminders.filter((x) => x.deadlineId === d.id)) {
          lines.push(
            'BEGIN:VALARM',
            'ACTION:DISPLAY',
            `DESCRIPTION:${icsText(r.kind === 'overdue' ? `Scaduta: ${d.title}` : r.offset === 0 ? `Scade oggi: ${d.title}` : `Scade tra ${r.offset} giorni: ${d.title}`)}`,
            `TRIGGER;VALUE=DATE-TIME:${utcValue(r.dueAt)}`,
            'END:VALARM',
          );
        }
      }
      lines.push('END:VEVENT');
    }
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
