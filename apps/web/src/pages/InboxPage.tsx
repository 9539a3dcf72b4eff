/** Da fare: what waits for the user's roles, most urgent first, with the actions it can take. */
import { Link, useSearchParams } from 'react-router';
import { get, qs } from '../api';
import { ErrorAlert, Loading, PageTitle, StatusBadge, useLoad } from '../components';
import { daysLeftLabel, formatDate, formatDateTime, roleLabel } from '../labels';
import { useSession } from '../session';
import { loadDefinition, loadDefinitions, loadPeople, personName, type DefinitionView, type InboxCounts, type InboxItem } from './cycle-data';

export const INBOX_PAGE_SIZE = 20;

/** The badge of the item's due date: overdue, due soon or later as the API classifies it (`dueStatus`). */
function DueBadge({ days, status }: { days: number | null; status: InboxItem['dueStatus'] }) {
  if (days === null || status === null) return <StatusBadge tone="secondary">senza scadenza</StatusBadge>;
  if (status === 'overdue') return <StatusBadge tone="danger">SCADUTA da {-days === 1 ? '1 giorno' : `${-days} giorni`}</StatusBadge>;
  if (status === 'due_soon') return <StatusBadge tone="warning">{daysLeftLabel(days)}</StatusBadge>;
  return <StatusBadge tone="info">{daysLeftLabel(days)}</StatusBadge>;
}

export function InboxPage() {
  const { session } = useSession();
  const tenant = session?.user?.tenant ?? '';
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('pagina')) || 1);
  const role = params.get('ruolo') ?? undefined;
  const counts = useLoad((signal) => get<InboxCounts>('/inbox/counts', { signal }), []);
  const list = useLoad(
    async (signal) => {
      const items = await get<InboxItem[]>(`/inbox${qs({ role, limit: INBOX_PAGE_SIZE + 1, offset: (page - 1) * INBOX_PAGE_SIZE })}`, { signal });
      const [people, defs] = await Promise.all([loadPeople(tenant), loadDefinitions()]);
      const needed = [...new Set(items.map((i) => `${i.cycleType}:${i.definitionVersion ?? defs.find((d) => d.id === i.cycleType && d.latest)?.version ?? 1}`))];
      const byKey = new Map<string, DefinitionView>();
      await Promise.all(
        needed.map(async (k) => {
          const [id, v] = k.split(':');
          byKey.set(k, await loadDefinition(id, Number(v)).catch(() => undefined as unknown as DefinitionView));
        }),
      );
      const defOf = (i: InboxItem) => byKey.get(`${i.cycleType}:${i.definitionVersion ?? defs.find((d) => d.id === i.cycleType && d.latest)?.version ?? 1}`);
      return { items, people, defOf, typeTitle: (t: string) => defs.find((d) => d.id === t)?.title ?? t };
    },
    [role, page, tenant],
  );

  const setPage = (p: number) => setParams((prev) => {
    const n = new URLSearchParams(prev);
    if (p > 1) n.set('pagina', String(p));
    else n.delete('pagina');
    return n;
  });
  const setRole = (r: string | undefined) => setParams(() => (r ? new URLSearchParams({ ruolo: r }) : new URLSearchParams()));

  const items = list.data?.items.slice(0, INBOX_PAGE_SIZE) ?? [];
  const hasMore = (list.data?.items.length ?? 0) > INBOX_PAGE_SIZE;

  return (
    <>
      <PageTitle title="Da fare">Da fare</PageTitle>
      <p className="lead">Le attività che attendono i tuoi ruoli, dalla più urgente.</p>
      <ErrorAlert error={counts.error} />
      {counts.data ? (
        <section aria-labelledby="conteggi" className="mb-4">
          <h2 id="conteggi" className="visually-hidden">
            Conteggi per ruolo
          </h2>
          <ul className="list-inline mb-0 inbox-counts">
            <li className="list-inline-item">
              <button type="button" className={`btn btn-sm ${role ? 'btn-outline-primary' : 'btn-primary'}`} aria-pressed={!role} onClick={() => setRole(undefined)}>
                Tutti i ruoli <span className="badge bg-white text-primary ms-1">{counts.data.total}</span>
              </button>
            </li>
            {Object.entries(counts.data.byRole).map(([r, n]) => (
              <li className="list-inline-item" key={r}>
                <button type="button" className={`btn btn-sm ${role === r ? 'btn-primary' : 'btn-outline-primary'}`} aria-pressed={role === r} onClick={() => setRole(r)}>
                  {roleLabel(r)} <span className={`badge ms-1 ${role === r ? 'bg-white text-primary' : 'bg-primary'}`}>{n}</span>
                </button>
              </li>
            ))}
          </ul>
          {counts.data.overdue > 0 ? (
            <p className="overdue mt-2 mb-0" role="status">
              {counts.data.overdue === 1 ? '1 attività è oltre la scadenza' : `${counts.data.overdue} attività sono oltre la scadenza`}
            </p>
          ) : null}
        </section>
      ) : null}
      {list.loading && !list.data ? <Loading /> : <ErrorAlert error={list.error} />}
      {list.data && items.length === 0 ? <div className="alert alert-success inbox-empty">Non c'è nulla che attenda i tuoi ruoli.</div> : null}
      {items.length > 0 ? (
        <ol className="list-unstyled inbox-list" aria-label="Attività da svolgere">
          {items.map((i) => {
            const def = list.data?.defOf(i);
            const overdue = i.daysLeft !== null && i.daysLeft < 0;
            return (
              <li key={`${i.cycleId}:${i.role}`} className={`card card-bg mb-3 inbox-item${overdue ? ' inbox-overdue' : ''}`}>
                <div className="card-body">
                  <div className="d-flex flex-wrap justify-content-between gap-2">
                    <h2 className="h5 card-title mb-1">
                      <Link to={`/cicli/${i.cycleId}`}>{i.title}</Link>
                    </h2>
                    <DueBadge days={i.daysLeft} status={i.dueStatus} />
                  </div>
                  <p className="mb-2 text-muted">
                    {list.data?.typeTitle(i.cycleType)} · fase: <strong>{i.stageTitle}</strong> · per: {roleLabel(i.role)}
                  </p>
                  {i.sentBy ? (
                    <p className="mb-2">
                      {i.sentBy.command ? 'Inviato da' : 'Aperto da'} <strong>{personName(list.data?.people, i.sentBy.actorId)}</strong>
                      {i.sentBy.role ? ` (${roleLabel(i.sentBy.role)})` : ''} il {formatDateTime(i.sentBy.at)}
                      {i.sentBy.note ? (
                        <>
                          {' '}
                          con la nota: <q className="inbox-note">{i.sentBy.note}</q>
                        </>
                      ) : null}
                    </p>
                  ) : null}
                  {i.dueDate ? (
                    <p className={`mb-2${overdue ? ' overdue' : ''}`}>
                      {i.dueTitle}: data di legge {formatDate(i.legalDate ?? i.dueDate)}
                      {i.legalDate && i.legalDate !== i.dueDate ? `, effettiva ${formatDate(i.dueDate)}` : ''} — {daysLeftLabel(i.daysLeft ?? 0)}
                    </p>
                  ) : null}
                  <div className="d-flex flex-wrap gap-2">
                    {i.commands.map((c) => (
                      <Link key={c} className="btn btn-sm btn-primary" to={`/cicli/${i.cycleId}?azione=${encodeURIComponent(c)}`}>
                        {def?.transitions.find((t) => t.command === c)?.title ?? c}
                      </Link>
                    ))}
                    <Link className="btn btn-sm btn-outline-primary" to={`/cicli/${i.cycleId}`}>
                      Apri il ciclo<span className="visually-hidden"> {i.title}</span>
                    </Link>
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
      ) : null}
      {page > 1 || hasMore ? (
        <nav className="pagination-wrapper" aria-label="Pagine delle attività">
          <ul className="pagination">
            <li className={`page-item${page <= 1 ? ' disabled' : ''}`}>
              <button type="button" className="page-link" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                Pagina precedente
              </button>
            </li>
            <li className="page-item">
              <span className="page-link" aria-current="page">
                Pagina {page}
              </span>
            </li>
            <li className={`page-item${hasMore ? '' : ' disabled'}`}>
              <button type="button" className="page-link" disabled={!hasMore} onClick={() => setPage(page + 1)}>
                Pagina successiva
              </button>
            </li>
          </ul>
        </nav>
      ) : null}
    </>
  );
}
