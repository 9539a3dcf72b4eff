/** Cicli: the tenant's cycles with filters and search; opening a new cycle of a type the user may open. */
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, get, post, qs } from '../api';
import { ErrorAlert, Loading, PageTitle, StatusBadge, useLoad } from '../components';
import { formatDate, formatDateTime } from '../labels';
import { useSession } from '../session';
import { loadDefinitions, loadLatestDefinition, type CycleSummary } from './cycle-data';
import { CYCLE_STATUS } from './cycle-labels';

const PAGE = 50;

function NewCycleForm() {
  const { session } = useSession();
  const navigate = useNavigate();
  const roles = session?.user?.roles ?? [];
  const defs = useLoad(() => loadDefinitions(), []);
  const types = (defs.data ?? []).filter((d) => d.latest && d.openRoles.some((r) => roles.includes(r)));
  const [type, setType] = useState('');
  const [year, setYear] = useState(String(new Date().getFullYear() + 1));
  const [title, setTitle] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (defs.loading) return <Loading />;
  if (types.length === 0) return <p className="text-muted">I tuoi ruoli non consentono di aprire nuovi cicli.</p>;
  const fieldError = (name: string) =>
    error instanceof ApiError ? error.fields.find((f) => f.field === name || f.field === `body.${name}`) : undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await post<{ cycleId: string }>('/cycles', { type: type || types[0].id, year: Number(year), ...(title.trim() ? { title: title.trim() } : {}) });
      navigate(`/cicli/${r.cycleId}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  const yearProblem = fieldError('year');
  return (
    <form onSubmit={submit} noValidate className="row g-3 align-items-end" aria-labelledby="nuovo-ciclo">
      <div className="col-md-4">
        <label htmlFor="nuovo-tipo" className="form-label">
          Tipo di ciclo
        </label>
        <select id="nuovo-tipo" className="form-select" value={type || types[0].id} onChange={(e) => setType(e.target.value)}>
          {types.map((d) => (
            <option key={d.id} value={d.id}>
              {d.title}
            </option>
          ))}
        </select>
      </div>
      <div className="col-md-2">
        <label htmlFor="nuovo-anno" className="form-label">
          Anno
        </label>
        <input
          id="nuovo-anno"
          type="number"
          min={2000}
          max={2100}
          className={`form-control${yearProblem ? ' is-invalid' : ''}`}
          value={year}
          onChange={(e) => setYear(e.target.value)}
          aria-describedby={yearProblem ? 'nuovo-anno-errore' : undefined}
          required
        />
        {yearProblem ? (
          <div id="nuovo-anno-errore" className="invalid-feedback d-block">
            Anno non valido: indicare un anno tra 2000 e 2100
          </div>
        ) : null}
      </div>
      <div className="col-md-4">
        <label htmlFor="nuovo-titolo" className="form-label">
          Titolo (facoltativo)
        </label>
        <input id="nuovo-titolo" className="form-control" maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="col-md-2">
        <button type="submit" className="btn btn-primary w-100" disabled={busy}>
          Apri il ciclo
        </button>
      </div>
      <div className="col-12">
        <ErrorAlert error={error} />
      </div>
    </form>
  );
}

export function CyclesPage() {
  const [params, setParams] = useSearchParams();
  const [showNew, setShowNew] = useState(false);
  const filters = {
    type: params.get('tipo') ?? '',
    year: params.get('anno') ?? '',
    stage: params.get('fase') ?? '',
    status: params.get('stato') ?? '',
    q: params.get('cerca') ?? '',
  };
  const page = Math.max(1, Number(params.get('pagina')) || 1);
  const [draft, setDraft] = useState(filters);
  const defs = useLoad(() => loadDefinitions(), []);
  const typeDef = useLoad(() => (draft.type ? loadLatestDefinition(draft.type) : Promise.resolve(undefined)), [draft.type]);
  const list = useLoad(
    (signal) =>
      get<CycleSummary[]>(
        `/cycles${qs({ type: filters.type, year: filters.year, stage: filters.stage, status: filters.status, q: filters.q, limit: PAGE + 1, offset: (page - 1) * PAGE })}`,
        { signal },
      ),
    [params.toString()],
  );
  const typeTitle = (t: string) => defs.data?.find((d) => d.id === t)?.title ?? t;

  function apply(e: FormEvent) {
    e.preventDefault();
    const p = new URLSearchParams();
    if (draft.type) p.set('tipo', draft.type);
    if (draft.year) p.set('anno', draft.year);
    if (draft.stage) p.set('fase', draft.stage);
    if (draft.status) p.set('stato', draft.status);
    if (draft.q.trim()) p.set('cerca', draft.q.trim());
    setParams(p);
  }
  const setPage = (n: number) =>
    setParams((prev) => {
      const p = new URLSearchParams(prev);
      if (n > 1) p.set('pagina', String(n));
      else p.delete('pagina');
      return p;
    });
  const rows = list.data?.slice(0, PAGE) ?? [];
  const hasMore = (list.data?.length ?? 0) > PAGE;

  return (
    <>
      <PageTitle title="Cicli">Cicli</PageTitle>
      <section className="mb-4" aria-labelledby="nuovo-ciclo">
        <div className="d-flex align-items-center gap-3 mb-2">
          <h2 id="nuovo-ciclo" className="h4 mb-0">
            Nuovo ciclo
          </h2>
          <button type="button" className="btn btn-sm btn-outline-primary" aria-expanded={showNew} aria-controls="nuovo-ciclo-form" onClick={() => setShowNew(!showNew)}>
            {showNew ? 'Chiudi' : 'Apri un nuovo ciclo'}
          </button>
        </div>
        <div id="nuovo-ciclo-form" hidden={!showNew}>
          {showNew ? <NewCycleForm /> : null}
        </div>
      </section>

      <section aria-labelledby="filtri">
        <h2 id="filtri" className="h4">
          Cerca e filtra
        </h2>
        <form onSubmit={apply} className="row g-3 align-items-end mb-4" role="search" aria-label="Filtri dei cicli">
          <div className="col-md-3">
            <label htmlFor="f-cerca" className="form-label">
              Cerca nel titolo
            </label>
            <input id="f-cerca" type="search" className="form-control" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
          </div>
          <div className="col-md-3">
            <label htmlFor="f-tipo" className="form-label">
              Tipo
            </label>
            <select id="f-tipo" className="form-select" value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value, stage: '' })}>
              <option value="">Tutti i tipi</option>
              {(defs.data ?? [])
                .filter((d) => d.latest)
                .map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.title}
                  </option>
                ))}
            </select>
          </div>
          <div className="col-md-1">
            <label htmlFor="f-anno" className="form-label">
              Anno
            </label>
            <input id="f-anno" type="number" min={2000} max={2100} className="form-control" value={draft.year} onChange={(e) => setDraft({ ...draft, year: e.target.value })} />
          </div>
          <div className="col-md-2">
            <label htmlFor="f-fase" className="form-label">
              Fase
            </label>
            <select id="f-fase" className="form-select" value={draft.stage} disabled={!draft.type} onChange={(e) => setDraft({ ...draft, stage: e.target.value })}>
              <option value="">{draft.type ? 'Tutte le fasi' : 'Scegliere prima il tipo'}</option>
              {(typeDef.data?.stages ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title}
                </option>
              ))}
            </select>
          </div>
          <div className="col-md-2">
            <label htmlFor="f-stato" className="form-label">
              Stato
            </label>
            <select id="f-stato" className="form-select" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
              <option value="">Tutti</option>
              <option value="open">In corso</option>
              <option value="closed">Concluso</option>
              <option value="cancelled">Annullato</option>
            </select>
          </div>
          <div className="col-md-1">
            <button type="submit" className="btn btn-primary w-100">
              Cerca
            </button>
          </div>
        </form>
      </section>

      <section aria-labelledby="elenco">
        <h2 id="elenco" className="h4">
          Elenco {list.data ? <span className="fs-6 text-muted">({rows.length}{hasMore ? '+' : ''} {rows.length === 1 && !hasMore ? 'ciclo' : 'cicli'})</span> : null}
        </h2>
        {list.loading && !list.data ? <Loading /> : <ErrorAlert error={list.error} />}
        {list.data && rows.length === 0 ? <p>Nessun ciclo corrisponde ai filtri.</p> : null}
        {rows.length > 0 ? (
          <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
            <table className="table table-hover">
              <caption className="visually-hidden">Cicli dell'ente, dal più recente</caption>
              <thead>
                <tr>
                  <th scope="col">Ciclo</th>
                  <th scope="col">Tipo</th>
                  <th scope="col">Periodo</th>
                  <th scope="col">Fase</th>
                  <th scope="col">Stato</th>
                  <th scope="col">Prossima scadenza</th>
                  <th scope="col">Ultima modifica</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/cicli/${c.id}`}>{c.title}</Link>
                    </td>
                    <td>{typeTitle(c.type)}</td>
                    <td>{c.period}</td>
                    <td>{c.stageTitle}</td>
                    <td>
                      <StatusBadge tone={CYCLE_STATUS[c.status]?.tone ?? 'secondary'}>{CYCLE_STATUS[c.status]?.label ?? c.status}</StatusBadge>
                    </td>
                    <td>{c.nextDeadline ? `${formatDate(c.nextDeadline.date)} · ${c.nextDeadline.title}` : '—'}</td>
                    <td>{formatDateTime(c.lastChangeAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {page > 1 || hasMore ? (
          <nav aria-label="Pagine dei cicli">
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
      </section>
    </>
  );
}
