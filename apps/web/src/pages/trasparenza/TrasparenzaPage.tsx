/** Trasparenza: the grid of Amministrazione trasparente with each obligation's status, filters by status and office, recording a publication. */
import { Fragment, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import type { components } from '../../api-schema';
import { ApiError, get, post, qs } from '../../api';
import { ErrorAlert, Loading, PageTitle, StatusBadge, useLoad } from '../../components';
import { formatDate } from '../../labels';

type Grid = components['schemas']['TransparencyGridAnswer'];
type Row = Grid['rows'][number];

const STATUS: Record<string, { label: string; tone: 'success' | 'warning' | 'danger' | 'secondary' }> = {
  aggiornato: { label: 'Aggiornato', tone: 'success' },
  in_scadenza: { label: 'In scadenza', tone: 'warning' },
  scaduto: { label: 'Scaduto', tone: 'danger' },
  mai_pubblicato: { label: 'Mai pubblicato', tone: 'secondary' },
};
const FREQUENCY: Record<string, string> = {
  tempestivo: 'Tempestivo',
  trimestrale: 'Trimestrale',
  semestrale: 'Semestrale',
  annuale: 'Annuale',
};

function PublicationForm({ row, onDone }: { row: Row; onDone: () => void }) {
  const [date, setDate] = useState(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date()),
  );
  const [url, setUrl] = useState(row.lastUrl ?? 'https://');
  const [error, setError] = useState<unknown>();
  const problem = (name: string) =>
    error instanceof ApiError
      ? error.fields.find((f) => f.field === name || f.field === `body.${name}`)
      : undefined;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      await post(`/transparency/obligations/${encodeURIComponent(row.id)}/publications`, { date, url });
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  const d = problem('date');
  const u = problem('url');
  return (
    <form
      onSubmit={submit}
      noValidate
      className="row g-2 align-items-end mt-2"
      aria-label={`Registra pubblicazione: ${row.title}`}
    >
      <div className="col-md-3">
        <label className="form-label" htmlFor={`data-${row.id}`}>
          Data di pubblicazione
        </label>
        <input
          id={`data-${row.id}`}
          type="date"
          className={`form-control${d ? ' is-invalid' : ''}`}
          value={date}
          onChange={(e) => setDate(e.target.value)}
          aria-describedby={d ? `data-${row.id}-errore` : undefined}
        />
        {d ? (
          <div id={`data-${row.id}-errore`} className="invalid-feedback d-block">
            {d.problemIt ?? d.problem}
          </div>
        ) : null}
      </div>
      <div className="col-md-6">
        <label className="form-label" htmlFor={`url-${row.id}`}>
          Indirizzo (https)
        </label>
        <input
          id={`url-${row.id}`}
          type="url"
          className={`form-control${u ? ' is-invalid' : ''}`}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          aria-describedby={u ? `url-${row.id}-errore` : undefined}
        />
        {u ? (
          <div id={`url-${row.id}-errore`} className="invalid-feedback d-block">
            {u.problemIt ?? u.problem}
          </div>
        ) : null}
      </div>
      <div className="col-md-3">
        <button type="submit" className="btn btn-primary">
          Registra la pubblicazione
        </button>
      </div>
      {error && !d && !u ? <ErrorAlert error={error} /> : null}
    </form>
  );
}

export function TrasparenzaPage() {
  const [params, setParams] = useSearchParams();
  const status = params.get('stato') ?? '';
  const office = params.get('ufficio') ?? '';
  const [open, setOpen] = useState<string | null>(null);
  const grid = useLoad(
    (signal) =>
      get<Grid>(
        `/transparency/obligations${qs({ status: status || undefined, office: office || undefined })}`,
        { signal },
      ),
    [status, office],
  );
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next);
  };
  return (
    <>
      <PageTitle title="Amministrazione trasparente">Amministrazione trasparente</PageTitle>
      <p>
        Gli obblighi di pubblicazione (d.lgs. 33/2013) con l&apos;ufficio che produce e quello che pubblica
        ciascun dato e lo stato dell&apos;aggiornamento.
      </p>
      {grid.data ? (
        <p>
          {Object.entries(STATUS).map(([k, s]) => (
            <span key={k} className="me-3">
              <StatusBadge tone={s.tone}>{s.label}</StatusBadge>{' '}
              {grid.data?.counts[k as keyof Grid['counts']]}
            </span>
          ))}
        </p>
      ) : null}
      <form className="row g-3 mb-3" aria-label="Filtri" onSubmit={(e) => e.preventDefault()}>
        <div className="col-md-4">
          <label htmlFor="filtro-stato" className="form-label">
            Stato
          </label>
          <select
            id="filtro-stato"
            className="form-select"
            value={status}
            onChange={(e) => set('stato', e.target.value)}
          >
            <option value="">Tutti</option>
            {Object.entries(STATUS).map(([k, s]) => (
              <option key={k} value={k}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className="col-md-4">
          <label htmlFor="filtro-ufficio" className="form-label">
            Ufficio
          </label>
          <select
            id="filtro-ufficio"
            className="form-select"
            value={office}
            onChange={(e) => set('ufficio', e.target.value)}
          >
            <option value="">Tutti</option>
            {(grid.data?.offices ?? []).map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </div>
      </form>
      {grid.loading && !grid.data ? <Loading /> : null}
      <ErrorAlert error={grid.error} />
      {grid.data ? (
        <div className="table-responsive">
          <table className="table">
            <caption>
              {grid.data.rows.length === 1 ? '1 obbligo' : `${grid.data.rows.length} obblighi`} su{' '}
              {grid.data.total}
            </caption>
            <thead>
              <tr>
                <th scope="col">Sezione</th>
                <th scope="col">Obbligo</th>
                <th scope="col">Aggiornamento</th>
                <th scope="col">Uffici</th>
                <th scope="col">Stato</th>
              </tr>
            </thead>
            <tbody>
              {grid.data.rows.map((r) => (
                <Fragment key={r.id}>
                  <tr>
                    <td>
                      {r.section}
                      <br />
                      <small>{r.subsection}</small>
                    </td>
                    <td>
                      {r.title}
                      <br />
                      <small>{r.legalReference}</small>
                      {open === r.id ? null : (
                        <div>
                          <button type="button" className="btn btn-link p-0" onClick={() => setOpen(r.id)}>
                            Registra una pubblicazione<span className="visually-hidden">: {r.title}</span>
                          </button>
                        </div>
                      )}
                    </td>
                    <td>{FREQUENCY[r.frequency] ?? r.frequency}</td>
                    <td>
                      <small>
                        Produce: {r.producerOffice ?? '—'}
                        <br />
                        Pubblica: {r.publisherOffice ?? '—'}
                      </small>
                    </td>
                    <td>
                      <StatusBadge tone={STATUS[r.status].tone}>{STATUS[r.status].label}</StatusBadge>
                      {r.lastPublishedOn ? (
                        <div>
                          <small>Pubblicato il {formatDate(r.lastPublishedOn)}</small>
                        </div>
                      ) : null}
                      {r.effectiveDueDate ? (
                        <div>
                          <small className={r.status === 'scaduto' ? 'text-danger' : undefined}>
                            Entro il {formatDate(r.effectiveDueDate)}
                          </small>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                  {open === r.id ? (
                    <tr>
                      <td colSpan={5}>
                        <PublicationForm
                          row={r}
                          onDone={() => {
                            setOpen(null);
                            grid.reload();
                          }}
                        />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
