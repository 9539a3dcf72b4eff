/**
 * The cycles this one belongs with (docs/links.md): its links (linked, with who and when and why, or
 * missing), the cycles linking to it, and for a PIAO whether each Relazione was validated by the OIV.
 */
import { Link } from 'react-router';
import { StatusBadge } from '../../components';
import { formatDate, formatDateTime } from '../../labels';
import { personName, type CycleView, type People } from '../cycle-data';

const RELATION: Record<string, string> = {
  reports_on: 'rendiconta',
  measures_and_varies: 'misura e può variare',
  follows: 'segue',
};
const RELATION_FROM: Record<string, string> = {
  reports_on: 'rendicontato da',
  measures_and_varies: 'monitorato da',
  follows: 'seguito da',
};
const TYPE: Record<string, string> = {
  piao: 'PIAO',
  relazione_performance: 'Relazione sulla performance',
  monitoraggio_intermedio: 'Monitoraggio intermedio',
  preventivo_economico: 'Preventivo economico',
};
type LinkedPlan = NonNullable<CycleView['links'][number]['plan']>;
const VARIATION_STATUS: Record<LinkedPlan['periodStatus'] | 'approved' | 'withdrawn', string> = {
  open: 'in preparazione',
  approved: 'approvata',
  withdrawn: 'ritirata',
  closed: 'chiusa',
  not_opened: 'non aperta',
};

/** A monitoring's acts on the linked PIAO: the measurement period and the variation of its tree. */
function LinkedPlanStatus({ plan, targetCycleId }: { plan: LinkedPlan; targetCycleId?: string }) {
  const v = plan.variation;
  return (
    <div className="mt-1" aria-label="Periodo e variazione del PIAO">
      <StatusBadge tone={plan.periodStatus === 'open' ? 'success' : 'secondary'}>{plan.messageIt}</StatusBadge>
      {plan.periodClosedAt ? <span className="small text-muted"> (chiuso il {formatDateTime(plan.periodClosedAt)})</span> : null}
      {v ? (
        <div className="small mt-1">
          Variazione n. {v.number} del Piano {VARIATION_STATUS[v.status]}
          {v.deliberation ? ` con deliberazione della Giunta n. ${v.deliberation.number} del ${formatDate(v.deliberation.date)}` : ''}: «{v.reason}»
          {targetCycleId ? (
            <>
              {' '}
              — <Link to={`/cicli/${targetCycleId}/piano?scheda=variazione`}>{v.status === 'approved' ? 'il Piano come variato e come adottato' : 'il Piano in variazione'}</Link>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

const typeName = (t: string): string => TYPE[t] ?? t.replace(/_/g, ' ');
const period = (year: number, p: string): string => (p === 'triennial' ? `${year}-${year + 2}` : p === 'mandate' ? `${year}-${year + 4}` : String(year));

export function Links({ view, people }: { view: CycleView; people?: People }) {
  return (
    <>
      {view.links.length ? (
        <ul className="list-unstyled" aria-label="Collegamenti di questo ciclo">
          {view.links.map((l) => (
            <li key={l.id} className="mb-2">
              <strong>{l.title}</strong> ({RELATION[l.relation] ?? l.relation}):{' '}
              {l.status === 'linked' && l.target ? (
                <>
                  <Link to={`/cicli/${l.target.targetCycleId}`}>
                    {typeName(l.target.targetType)} {period(l.target.targetYear, l.target.targetPeriod)}
                  </Link>
                  <div className="small text-muted">
                    {l.target.mode === 'command' ? 'Collegato' : 'Collegato automaticamente'} da {personName(people, l.target.by)} il {formatDateTime(l.target.at)} (versione{' '}
                    {l.target.targetVersion} del ciclo collegato){l.target.reason ? `: ${l.target.reason}` : ''}
                  </div>
                  {l.fixed ? <div className="small">Approvato sulla versione {l.fixed.targetVersion} del ciclo collegato</div> : null}
                  {l.plan ? <LinkedPlanStatus plan={l.plan} targetCycleId={l.target.targetCycleId} /> : null}
                </>
              ) : (
                <>
                  <StatusBadge tone="secondary">Nessun ciclo collegato</StatusBadge>
                  {l.plan ? <LinkedPlanStatus plan={l.plan} /> : null}
                </>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {view.linkedFrom.length ? (
        <ul className="list-unstyled" aria-label="Cicli collegati a questo">
          {view.linkedFrom.map((l) => (
            <li key={`${l.sourceCycleId}-${l.linkId}`} className="mb-1">
              {RELATION_FROM[l.relation] ?? l.relation}: <Link to={`/cicli/${l.sourceCycleId}`}>{typeName(l.sourceType)} {l.sourceYear}</Link>
            </li>
          ))}
        </ul>
      ) : null}
      {view.reports.length ? (
        <ul className="list-unstyled" aria-label="Validazione delle Relazioni">
          {view.reports.map((r) => (
            <li key={r.cycleId}>
              <StatusBadge tone={r.validated ? 'success' : 'warning'}>{r.messageIt}</StatusBadge>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
