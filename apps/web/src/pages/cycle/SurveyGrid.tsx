/** The survey grid (griglia di rilevazione) of an OIV attestation cycle: its rows with ANAC's values, edited in the drafting stage. */
import { useState, type FormEvent } from 'react';
import type { components } from '../../api-schema';
import { ApiError, del, get, post } from '../../api';
import { ErrorAlert, Loading, useLoad } from '../../components';
import { formatDateTime } from '../../labels';
import { useHasRole } from '../../session';
import { personName, type People } from '../cycle-data';

type GridView = components['schemas']['AttestationGridView'];
type Obligations = components['schemas']['TransparencyGridAnswer'];

const SCORE = [0, 1, 2, 3];

function RowForm({ cycleId, obligations, onDone }: { cycleId: string; obligations: Obligations['rows']; onDone: (m: string) => void }) {
  const [obligationId, setObligationId] = useState(obligations[0]?.id ?? '');
  const [v, setV] = useState({ pubblicazione: 2, completezza: 3, aggiornamento: 3, formatoAperto: 3 });
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const problem = (name: string) => (error instanceof ApiError ? error.fields.find((f) => f.field === name || f.field === `body.${name}`) : undefined);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      await post(`/cycles/${encodeURIComponent(cycleId)}/attestation-grid/rows`, { obligationId, ...v, ...(note.trim() ? { note: note.trim() } : {}) });
      setNote('');
      onDone('Riga della griglia salvata');
    } catch (err) {
      setError(err);
    }
  }
  const score = (name: keyof typeof v, label: string, values: number[]) => {
    const p = problem(name);
    return (
      <div className="col-md-2">
        <label className="form-label" htmlFor={`griglia-${name}`}>
          {label}
        </label>
        <select
          id={`griglia-${name}`}
          className={`form-select${p ? ' is-invalid' : ''}`}
          value={v[name]}
          onChange={(e) => setV({ ...v, [name]: Number(e.target.value) })}
          aria-describedby={p ? `griglia-${name}-errore` : undefined}
        >
          {values.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        {p ? (
          <div id={`griglia-${name}-errore`} className="invalid-feedback d-block">
            {p.problemIt ?? p.problem}
          </div>
        ) : null}
      </div>
    );
  };
  return (
    <form onSubmit={submit} noValidate className="row g-3 align-items-end mt-2" aria-label="Compila una riga della griglia">
      <div className="col-md-12">
        <label className="form-label" htmlFor="griglia-obbligo">
          Obbligo
        </label>
        <select id="griglia-obbligo" className="form-select" value={obligationId} onChange={(e) => setObligationId(e.target.value)}>
          {obligations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.section} › {o.title}
            </option>
          ))}
        </select>
      </div>
      {score('pubblicazione', 'Pubblicazione', [0, 2])}
      {score('completezza', 'Completezza', SCORE)}
      {score('aggiornamento', 'Aggiornamento', SCORE)}
      {score('formatoAperto', 'Formato aperto', SCORE)}
      <div className="col-md-4">
        <label className="form-label" htmlFor="griglia-nota">
          Nota (facoltativa)
        </label>
        <input id="griglia-nota" className="form-control" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
      </div>
      <div className="col-12">
        <button type="submit" className="btn btn-primary">
          Salva la riga
        </button>
      </div>
      {error && !['pubblicazione', 'completezza', 'aggiornamento', 'formatoAperto'].some((n) => problem(n)) ? <ErrorAlert error={error} /> : null}
    </form>
  );
}

export function SurveyGrid({ cycleId, version, people, onDone }: { cycleId: string; version: number; people: People; onDone: (m: string) => void }) {
  const mayEdit = useHasRole('struttura_tecnica', 'rpct');
  const [error, setError] = useState<unknown>();
  const data = useLoad(
    async (signal) => {
      const grid = await get<GridView>(`/cycles/${encodeURIComponent(cycleId)}/attestation-grid`, { signal });
      const obligations = grid.editable && mayEdit ? (await get<Obligations>('/transparency/obligations', { signal })).rows : [];
      return { grid, obligations };
    },
    [cycleId, version, mayEdit],
  );
  if (!data.data) return data.loading ? <Loading /> : <ErrorAlert error={data.error} />;
  const { grid, obligations } = data.data;
  const editing = grid.editable && mayEdit;
  const remove = async (obligationId: string) => {
    setError(undefined);
    try {
      await del(`/cycles/${encodeURIComponent(cycleId)}/attestation-grid/rows/${encodeURIComponent(obligationId)}`);
      onDone('Riga tolta dalla griglia');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <p className="small text-muted">
        Valori della griglia ANAC: pubblicazione 0 o 2; completezza, aggiornamento e apertura del formato da 0 a 3.{' '}
        {grid.editable ? 'La griglia è modificabile in questa fase dalla struttura tecnica e dal RPCT.' : 'La griglia non è più modificabile.'}
      </p>
      {grid.rows.length === 0 ? (
        <p>Nessuna riga nella griglia.</p>
      ) : (
        <div className="table-responsive">
          <table className="table table-sm">
            <caption>Griglia di rilevazione: {grid.rows.length === 1 ? '1 obbligo' : `${grid.rows.length} obblighi`}</caption>
            <thead>
              <tr>
                <th scope="col">Obbligo</th>
                <th scope="col">Pubblicazione</th>
                <th scope="col">Completezza</th>
                <th scope="col">Aggiornamento</th>
                <th scope="col">Formato aperto</th>
                <th scope="col">Nota</th>
                <th scope="col">Compilata da</th>
                {editing ? <th scope="col">Azioni</th> : null}
              </tr>
            </thead>
            <tbody>
              {grid.rows.map((r) => (
                <tr key={r.obligationId}>
                  <th scope="row" className="fw-normal">
                    {r.title}
                    <br />
                    <small>
                      {r.section} › {r.subsection} · {r.legalReference}
                    </small>
                  </th>
                  <td>{r.pubblicazione}</td>
                  <td>{r.completezza}</td>
                  <td>{r.aggiornamento}</td>
                  <td>{r.formatoAperto}</td>
                  <td>{r.note ?? ''}</td>
                  <td>
                    <small>
                      {personName(people, r.by)}, {formatDateTime(r.at)}
                    </small>
                  </td>
                  {editing ? (
                    <td>
                      <button type="button" className="btn btn-outline-danger btn-sm" onClick={() => void remove(r.obligationId)}>
                        Togli<span className="visually-hidden">: {r.title}</span>
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorAlert error={error} />
      {editing && obligations.length ? <RowForm cycleId={cycleId} obligations={obligations} onDone={onDone} /> : null}
    </>
  );
}
