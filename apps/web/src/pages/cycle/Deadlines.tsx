/** The cycle's deadlines: legal and effective date, why it rolled forward, moves with reason, met or overdue. */
import { StatusBadge } from '../../components';
import { formatDate, formatDateTime } from '../../labels';
import { personName, type CycleDeadline, type People } from '../cycle-data';
import { deadlineStatusText } from '../cycle-labels';

const TONE: Record<CycleDeadline['status'], 'success' | 'warning' | 'danger' | 'secondary' | 'info'> = {
  met: 'success',
  due_soon: 'warning',
  overdue: 'danger',
  future: 'info',
  unscheduled: 'secondary',
};

export function Deadlines({ deadlines, people }: { deadlines: CycleDeadline[]; people?: People }) {
  if (deadlines.length === 0) return <p>Questo tipo di ciclo non ha scadenze di legge.</p>;
  return (
    <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
      <table className="table">
        <caption className="visually-hidden">Scadenze del ciclo</caption>
        <thead>
          <tr>
            <th scope="col">Scadenza</th>
            <th scope="col">Data di legge</th>
            <th scope="col">Data effettiva</th>
            <th scope="col">Stato</th>
          </tr>
        </thead>
        <tbody>
          {deadlines.map((d) => (
            <tr key={d.id} className={d.status === 'overdue' ? 'deadline-overdue' : undefined}>
              <td>
                {d.title}
                {d.legalReference ? <div className="small text-muted">{d.legalReference}</div> : null}
                {d.follows?.active ? (
                  <div className="small">
                    {d.follows.switchedOn ? `Differimento per legge attivo (${d.follows.switchedOn.reference}): ` : ''}
                    {d.follows.days} giorni dall'atto del ciclo collegato{d.follows.eventDate ? ` del ${formatDate(d.follows.eventDate)}` : ', non ancora registrato'}
                  </div>
                ) : null}
                {d.rescheduled ? (
                  <div className="small">
                    Spostata{d.rescheduled.fromDate ? ` dal ${formatDate(d.rescheduled.fromDate)}` : ''} da {personName(people, d.rescheduled.by)} il{' '}
                    {formatDateTime(d.rescheduled.at)}: {d.rescheduled.reason} ({d.rescheduled.reference})
                  </div>
                ) : null}
              </td>
              <td>{formatDate(d.legalDate)}</td>
              <td>
                {formatDate(d.effectiveDate)}
                {d.moved && d.movedReason ? <div className="small text-muted">{d.movedReason}</div> : null}
              </td>
              <td className={d.status === 'overdue' ? 'overdue' : undefined}>
                <StatusBadge tone={TONE[d.status]}>{deadlineStatusText(d)}</StatusBadge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
