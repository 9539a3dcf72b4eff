import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { qs, request } from '../../api';
import { ErrorAlert, Loading, PageTitle, StatusBadge, useLoad } from '../../components';
import { formatDate, todayInRome } from '../../labels';
import { CalendarFeeds } from './CalendarFeeds';
import { DEADLINE_STATUS, DeadlineBadge, statusDetail, type DeadlineItem } from './deadline-status';
import { MonthView } from './MonthView';

const ORDER = (a: DeadlineItem, b: DeadlineItem) => (a.effectiveDate ?? '9999').localeCompare(b.effectiveDate ?? '9999') || a.cycleTitle.localeCompare(b.cycleTitle, 'it');

const PAGE = 1000;

/** The tenant's deadlines, page after page: each page names the next in its `X-Next-Cursor` header. */
async function allDeadlines(signal: AbortSignal): Promise<DeadlineItem[]> {
  const all: DeadlineItem[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < 100; n++) {
    const res: Response = await request<Response>('GET', `/deadlines${qs({ limit: PAGE, cursor })}`, { signal, asResponse: true });
    all.push(...((await res.json()) as DeadlineItem[]));
    cursor = res.headers.get('X-Next-Cursor');
    if (!cursor) break;
  }
  return all;
}

/** Every deadline of the tenant's cycles: a list and a month calendar, and the calendar feed. */
export function ScadenzePage() {
  const { data, error, loading } = useLoad(allDeadlines, []);
  const [view, setView] = useState<'elenco' | 'mese'>('elenco');
  const [status, setStatus] = useState('');
  const items = useMemo(() => (data ?? []).filter((d) => !status || d.status === status).sort(ORDER), [data, status]);

  return (
    <>
      <PageTitle title="Scadenze">Scadenze</PageTitle>
      <p>Tutte le scadenze dei cicli dell'ente, con la data effettiva (spostata se cade in un giorno festivo). Oggi è il {formatDate(todayInRome())}.</p>
      <div className="d-flex flex-wrap gap-3 align-items-end mb-3">
        <div className="btn-group" role="group" aria-label="Vista delle scadenze">
          <button type="button" className={`btn btn-sm ${view === 'elenco' ? 'btn-primary' : 'btn-outline-primary'}`} aria-pressed={view === 'elenco'} onClick={() => setView('elenco')}>
            Elenco
          </button>
          <button type="button" className={`btn btn-sm ${view === 'mese' ? 'btn-primary' : 'btn-outline-primary'}`} aria-pressed={view === 'mese'} onClick={() => setView('mese')}>
            Mese
          </button>
        </div>
        <div>
          <label htmlFor="stato-scadenza" className="form-label mb-0 small">Stato</label>
          <select id="stato-scadenza" className="form-select form-select-sm" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Tutti gli stati</option>
            {Object.entries(DEADLINE_STATUS).map(([k, v]) => (
              <option key={k} value={k}>{v.label}</option>
            ))}
          </select>
        </div>
        <p className="small mb-0" aria-label="Legenda">
          Legenda:{' '}
          {(['future', 'due_soon', 'met', 'overdue'] as const).map((k) => (
            <span key={k} className="me-2">
              <StatusBadge tone={DEADLINE_STATUS[k].tone}>{DEADLINE_STATUS[k].label}</StatusBadge>
            </span>
          ))}
        </p>
      </div>
      {loading ? <Loading /> : <ErrorAlert error={error} />}
      {data && items.length === 0 ? <p className="alert alert-info">Nessuna scadenza da mostrare.</p> : null}
      {data && items.length > 0 && view === 'elenco' ? <DeadlineList items={items} /> : null}
      {data && items.length > 0 && view === 'mese' ? <MonthView items={items} /> : null}
      <CalendarFeeds />
    </>
  );
}

function DeadlineList({ items }: { items: DeadlineItem[] }) {
  return (
    <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
      <table className="table table-sm">
        <caption>Scadenze in ordine di data ({items.length})</caption>
        <thead>
          <tr>
            <th scope="col">Data</th>
            <th scope="col">Scadenza</th>
            <th scope="col">Ciclo</th>
            <th scope="col">Stato</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={`${d.cycleId}/${d.deadlineId}`}>
              <td className="text-nowrap">
                {formatDate(d.effectiveDate)}
                {d.moved || (d.legalDate && d.legalDate !== d.effectiveDate) ? <span className="d-block small">di legge: {formatDate(d.legalDate)}</span> : null}
              </td>
              <td>
                {d.title}
                {d.legalReference ? <span className="d-block small">{d.legalReference}</span> : null}
              </td>
              <td>
                <Link to={`/cicli/${d.cycleId}`}>{d.cycleTitle}</Link>
              </td>
              <td>
                <DeadlineBadge d={d} /> <span className={d.status === 'overdue' ? 'overdue' : undefined}>{statusDetail(d)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
