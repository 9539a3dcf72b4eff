/**
 * `/metodo-valutazione`: the chamber's risk rating method (`GET /rating-method`): the key risk
 * indicators, the levels, the version in force and the versions set before. The RPCT (and the
 * administrator) edit it (`PUT /rating-method`) or go back to ANAC's (`POST /rating-method/reset`),
 * each refused field said beside its input; the other roles read it.
 */
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { get } from '../../api';
import { ErrorAlert, Loading, PageTitle, StatusBadge, useLoad } from '../../components';
import { formatDateTime } from '../../labels';
import { useSession } from '../../session';
import { loadPeople, personName } from '../cycle-data';
import { levelLabel, type RatingMethodView } from './labels';
import { MethodForm, ResetForm } from './MethodForms';
import '../plan/plan.css';
import './rischi.css';

/** Same indicators and levels, in the same order. */
const sameMethod = (a: RatingMethodView['method'], b: RatingMethodView['method']): boolean =>
  JSON.stringify([a.indicators, a.levels]) === JSON.stringify([b.indicators, b.levels]);

/** Who may set the chamber's method (as the API decides it). */
const SETTERS = ['rpct', 'admin'];

export default function MetodoPage() {
  const { actingRole, session } = useSession();
  const tenant = session?.user?.tenant;
  const { data, error, loading, reload } = useLoad(
    (signal) => get<RatingMethodView>('/rating-method', { signal }),
    [],
  );
  // Who set each version, by name (the id stays shown when the name is unknown).
  const people = useLoad(() => (tenant ? loadPeople(tenant) : Promise.resolve(undefined)), [tenant]).data;
  const [form, setForm] = useState<'edit' | 'reset' | null>(null);
  const [done, setDone] = useState<string>();
  const doneRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  const title = 'Metodo di valutazione del rischio';
  if (!data) {
    return (
      <>
        <PageTitle title={title}>{title}</PageTitle>
        {loading ? <Loading label="Caricamento del metodo…" /> : null}
        <ErrorAlert error={error} />
      </>
    );
  }
  const canSet = SETTERS.includes(actingRole ?? '');
  const onDone = (message: string) => {
    setForm(null);
    setDone(message);
    reload();
  };
  const open = (f: 'edit' | 'reset') => {
    setDone(undefined);
    setForm(f);
  };
  // ANAC's method in force: never changed (version 0), or restored as a version of the chamber's.
  const anac = sameMethod(data.method, data.pna2019);

  return (
    <div className="plan-page register-page">
      <PageTitle title={title}>{title}</PageTitle>
      <p className="lead mb-2">
        Gli indicatori di rischio e i livelli con cui si valutano i processi del registro dei rischi
        corruttivi.
      </p>
      <p className="mb-2">
        <StatusBadge tone={anac ? 'secondary' : 'primary'}>
          {anac ? 'Metodo ANAC (PNA 2019, Allegato 1)' : 'Metodo dell’ente'}
          {data.version ? `, versione ${data.version}` : ''}
        </StatusBadge>
      </p>
      <p>
        {data.source === 'pna2019'
          ? 'L’ente non ha adottato un metodo proprio: si applica il metodo qualitativo dell’ANAC.'
          : `In vigore dal ${formatDateTime(data.at)}, impostato da ${data.by ? personName(people, data.by) : '—'}. Motivazione: ${data.reason ?? '—'}.`}{' '}
        Ogni registro applica la versione con cui è stata fatta la sua prima valutazione; i registri adottati
        restano valutati con il metodo di allora.
      </p>
      {!canSet ? (
        <div className="alert alert-info" role="note">
          La modifica del metodo di valutazione spetta al RPCT e all’amministratore: in questo ruolo il metodo
          è in sola lettura.
        </div>
      ) : form === null ? (
        <p className="d-flex gap-2">
          <button type="button" className="btn btn-primary btn-sm" onClick={() => open('edit')}>
            Modifica il metodo
          </button>
          {!anac ? (
            <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => open('reset')}>
              Ripristina il metodo ANAC
            </button>
          ) : null}
        </p>
      ) : null}
      <p
        ref={doneRef}
        tabIndex={-1}
        role="status"
        aria-live="polite"
        className={done ? 'alert alert-success' : 'visually-hidden'}
      >
        {done ? `Fatto: ${done}` : ''}
      </p>
      {form === 'edit' ? (
        <MethodForm current={data} onDone={onDone} onCancel={() => setForm(null)} />
      ) : form === 'reset' ? (
        <ResetForm current={data} onDone={onDone} onCancel={() => setForm(null)} />
      ) : null}
      {loading ? <Loading label="Aggiornamento del metodo…" /> : null}
      <ErrorAlert error={error} />

      <h2 className="h4 mt-4">Indicatori di rischio</h2>
      <table className="table table-sm register-table">
        <caption className="visually-hidden">Indicatori di rischio del metodo in vigore</caption>
        <thead>
          <tr>
            <th scope="col">Indicatore</th>
            <th scope="col">Chiave</th>
          </tr>
        </thead>
        <tbody>
          {data.method.indicators.map((i) => (
            <tr key={i.key}>
              <th scope="row">{i.title}</th>
              <td>
                <code>{i.key}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 className="h4 mt-4">Livelli di valutazione</h2>
      <p className="small text-muted mb-1">Dal più basso al più alto.</p>
      <ol>
        {data.method.levels.map((l) => (
          <li key={l}>{levelLabel(l)}</li>
        ))}
      </ol>
      {data.history.length ? (
        <>
          <h2 className="h4 mt-4">Versioni impostate dall’ente</h2>
          <table className="table table-sm">
            <caption className="visually-hidden">
              Versioni del metodo impostate dall’ente, dalla più recente
            </caption>
            <thead>
              <tr>
                <th scope="col">Versione</th>
                <th scope="col">Data</th>
                <th scope="col">Impostata da</th>
                <th scope="col">Indicatori</th>
                <th scope="col">Livelli</th>
                <th scope="col">Motivazione</th>
              </tr>
            </thead>
            <tbody>
              {[...data.history].reverse().map((h) => (
                <tr key={h.version}>
                  <th scope="row">{h.version}</th>
                  <td>{formatDateTime(h.at)}</td>
                  <td>{personName(people, h.by)}</td>
                  <td>{h.indicators.length}</td>
                  <td>{h.levels.map(levelLabel).join(', ')}</td>
                  <td>{h.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <p className="mt-4">
        <Link to="/cicli">Torna ai cicli</Link> per aprire il registro dei rischi di un PTPCT o di un PIAO.
      </p>
    </div>
  );
}
