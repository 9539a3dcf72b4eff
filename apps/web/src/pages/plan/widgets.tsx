/** The achievement bar (percentage, band colour and its name in words) and the variance flag. */
import type { IndicatorView, NodeScore } from './types';
import { formatNumber, REASON_LABEL, STATUS_LABEL, VARIANCE_LABEL } from './labels';

const pct = (n: number) => `${formatNumber(n)}%`;

/** Words for a score: "64,6% · Tra soglia minima e target", or "Non rilevato (nessuna misura per l'anno)". */
export function achievementText(a: NodeScore & { reason?: string }): string {
  if (a.shown === null || a.shown === undefined) return `${STATUS_LABEL.non_rilevato}${a.reason ? ` (${REASON_LABEL[a.reason] ?? a.reason})` : ''}`;
  return `${pct(a.shown)} · ${a.band ? a.band.label : (STATUS_LABEL[a.status] ?? a.status)}`;
}

export function AchievementBar({ a, big, label }: { a: NodeScore & { reason?: string }; big?: boolean; label?: string }) {
  const width = a.score === null ? 0 : Math.max(0, Math.min(100, a.score));
  const colour = a.band?.colour ?? '#5c6f82';
  return (
    <span className={`ach${big ? ' ach-big' : ''}`} data-score={a.shown ?? ''} data-band={a.band?.key ?? ''}>
      <span className="ach-track" aria-hidden="true">
        <span className="ach-fill d-block" style={{ width: `${width}%`, background: colour }} />
      </span>
      <span className="ach-text">
        {label ? <span className="visually-hidden">{label}: </span> : null}
        <span className="ach-value">{achievementText(a)}</span>
      </span>
    </span>
  );
}

/** Behind or overdue on the monitoring date, with the gap (text, never colour alone). */
export function VarianceFlag({ v, unit }: { v: IndicatorView['variance']; unit: string }) {
  if (!v || !v.flagged) return null;
  let gap = '';
  if (v.status === 'overdue' && v.daysLate !== undefined) gap = `${v.daysLate} giorni oltre la scadenza`;
  else if (v.gap !== null) gap = `scarto ${formatNumber(Math.round(v.gap * 100) / 100)}${unit === '%' ? ' punti' : ''}${v.gapPercent !== null ? ` (${formatNumber(Math.round(v.gapPercent * 10) / 10)}% del target)` : ''}`;
  return (
    <span className="plan-flag">
      {VARIANCE_LABEL[v.status] ?? v.status}
      {gap ? `: ${gap}` : ''}
    </span>
  );
}
