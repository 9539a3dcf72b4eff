/**
 * The cycles this one belongs with (docs/links.md): its links (linked, with who and when and why, or
 * missing), the cycles linking to it, and for a PIAO whether each Relazione was validated by the OIV.
 */
import { Link } from 'react-router';
import { StatusBadge } from '../../components';
import { formatDateTime } from '../../labels';
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
                </>
              ) : (
                <StatusBadge tone="secondary">Nessun ciclo collegato</StatusBadge>
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
