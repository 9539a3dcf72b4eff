import { useState } from 'react';
import { del, get, post } from '../../api';
import { ErrorAlert, Loading, useLoad } from '../../components';
import { formatDateTime } from '../../labels';

type Scope = 'mine' | 'all';

interface Feed {
  id: string;
  scope: Scope;
  createdAt: string;
}

const SCOPE_LABEL: Record<Scope, string> = {
  mine: 'Le mie scadenze (le fasi in cui devo agire)',
  all: "Tutte le scadenze dell'ente",
};

interface CreatedFeed extends Feed {
  /** The secret address: shown once. */
  url: string;
}

/**
 * The personal calendar feed: a secret address that calendar applications subscribe to (they send
 * no credentials), shown once when created, revocable.
 */
export function CalendarFeeds() {
  const feeds = useLoad((signal) => get<Feed[]>('/calendar/feeds', { signal }), []);
  const [created, setCreated] = useState<CreatedFeed>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [copied, setCopied] = useState(false);
  const [scope, setScope] = useState<Scope>('mine');

  async function create() {
    setBusy(true);
    setError(undefined);
    setCopied(false);
    try {
      setCreated(await post<CreatedFeed>('/calendar/feeds', { scope }));
      feeds.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string) {
    if (!window.confirm('Revocare questo indirizzo? I calendari che lo usano smetteranno di aggiornarsi.')) return;
    setError(undefined);
    try {
      await del(`/calendar/feeds/${encodeURIComponent(id)}`);
      if (created?.id === id) setCreated(undefined);
      feeds.reload();
    } catch (e) {
      setError(e);
    }
  }

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <section className="card card-body mt-5 shadow-sm" aria-labelledby="feed-calendario">
      <h2 id="feed-calendario" className="h4">Le scadenze nel tuo calendario</h2>
      <p>
        Puoi vedere queste scadenze nel calendario che usi ogni giorno (Google Calendar, Outlook, Thunderbird): crea un indirizzo personale e
        segreto e aggiungilo come calendario in abbonamento. Il calendario si aggiorna da solo quando una scadenza cambia.
      </p>
      {
        <>
          {feeds.loading ? <Loading /> : <ErrorAlert error={feeds.error} />}
          <ErrorAlert error={error} />
          {created ? (
            <div className="alert alert-success" role="status">
              <p className="fw-bold mb-1">Indirizzo creato. Copialo ora: per sicurezza non verrà più mostrato.</p>
              <label htmlFor="indirizzo-feed" className="form-label">Indirizzo del calendario</label>
              <div className="d-flex gap-2 flex-wrap">
                <input id="indirizzo-feed" type="text" className="form-control font-monospace" readOnly value={created.url} onFocus={(e) => e.target.select()} />
                <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => void copy()}>
                  Copia
                </button>
              </div>
              {copied ? <p className="small mb-0 mt-1">Copiato negli appunti.</p> : null}
              <p className="small mt-2 mb-0">Chi conosce questo indirizzo vede le scadenze: non condividerlo. Se lo hai perso o diffuso, revocalo e creane uno nuovo.</p>
            </div>
          ) : null}
          <h3 className="h6 mt-2">Come aggiungerlo</h3>
          <ul>
            <li>
              <strong>Google Calendar</strong> (dal sito web): «Altri calendari» → «+» → «Da URL», incolla l'indirizzo e scegli «Aggiungi calendario».
            </li>
            <li>
              <strong>Outlook</strong>: «Aggiungi calendario» → «Sottoscrivi dal Web» (in Outlook classico: «Apri calendario» → «Da Internet»), incolla l'indirizzo e conferma.
            </li>
            <li>
              <strong>Thunderbird</strong>: «Nuovo calendario» → «In rete», incolla l'indirizzo come posizione e scegli il formato iCalendar (ICS).
            </li>
          </ul>
          <fieldset className="mb-2">
            <legend className="h6">Quali scadenze</legend>
            {(Object.keys(SCOPE_LABEL) as Scope[]).map((s) => (
              <div className="form-check" key={s}>
                <input className="form-check-input" type="radio" name="ambito-feed" id={`ambito-feed-${s}`} checked={scope === s} onChange={() => setScope(s)} />
                <label className="form-check-label" htmlFor={`ambito-feed-${s}`}>
                  {SCOPE_LABEL[s]}
                </label>
              </div>
            ))}
          </fieldset>
          <div className="mb-3">
            <button type="button" className="btn btn-primary btn-sm" disabled={busy} onClick={() => void create()}>
              {busy ? 'Creazione…' : 'Crea un nuovo indirizzo'}
            </button>
          </div>
          {feeds.data && feeds.data.length > 0 ? (
            <table className="table table-sm">
              <caption>I tuoi indirizzi attivi</caption>
              <thead>
                <tr>
                  <th scope="col">Creato il</th>
                  <th scope="col">Scadenze</th>
                  <th scope="col">
                    <span className="visually-hidden">Azioni</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {feeds.data.map((f) => (
                  <tr key={f.id}>
                    <td>{formatDateTime(f.createdAt)}</td>
                    <td>{SCOPE_LABEL[f.scope]}</td>
                    <td className="text-end">
                      <button type="button" className="btn btn-outline-danger btn-sm" onClick={() => void revoke(f.id)} aria-label={`Revoca l'indirizzo creato il ${formatDateTime(f.createdAt)}`}>
                        Revoca
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : feeds.data ? (
            <p className="small">Non hai ancora indirizzi attivi.</p>
          ) : null}
        </>
      }
    </section>
  );
}
