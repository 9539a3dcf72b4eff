import { useState } from 'react';
import { Link } from 'react-router';
import { get, post, qs } from '../../api';
import { ErrorAlert, Loading, PageTitle, StatusBadge, useLoad } from '../../components';
import { formatDateTime } from '../../labels';
import { NOTIFICATIONS_CHANGED } from './NotificationBell';

interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  cycleId: string | null;
  escalation: boolean;
  createdAt: string;
  readAt: string | null;
}

/** The person's in-app notifications (deadline reminders, escalations), newest first. */
export function NotifichePage() {
  const [onlyUnread, setOnlyUnread] = useState(false);
  const list = useLoad((signal) => get<Notification[]>(`/notifications${qs({ unread: onlyUnread ? 'true' : undefined, limit: 200 })}`, { signal }), [onlyUnread]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const [note, setNote] = useState<string>();

  async function markRead(n: Notification) {
    setBusy(n.id);
    setError(undefined);
    try {
      await post(`/notifications/${n.id}/read`);
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
      setNote(`«${n.title}» segnata come letta.`);
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  }

  const unread = list.data?.filter((n) => !n.readAt).length ?? 0;

  return (
    <>
      <PageTitle title="Notifiche">Notifiche</PageTitle>
      <p>I promemoria delle scadenze e i solleciti che ti riguardano. {list.data ? (unread === 1 ? 'Una notifica da leggere.' : `${unread} notifiche da leggere.`) : null}</p>
      <div className="form-check mb-3">
        <input id="solo-non-lette" type="checkbox" className="form-check-input" checked={onlyUnread} onChange={(e) => setOnlyUnread(e.target.checked)} />
        <label htmlFor="solo-non-lette" className="form-check-label">Solo quelle da leggere</label>
      </div>
      <p role="status" className="small">{note}</p>
      <ErrorAlert error={error} />
      {list.loading && !list.data ? <Loading /> : <ErrorAlert error={list.error} />}
      {list.data && list.data.length === 0 ? <p className="alert alert-info">Nessuna notifica.</p> : null}
      <ul className="list-group">
        {list.data?.map((n) => (
          <li key={n.id} className={`list-group-item${n.readAt ? '' : ' border-start border-4 border-primary'}`}>
            <div className="d-flex justify-content-between flex-wrap gap-2">
              <h2 className="h6 mb-1">
                {n.readAt ? null : <StatusBadge tone="primary">Da leggere</StatusBadge>}{' '}
                {n.escalation ? <StatusBadge tone="danger">Sollecito</StatusBadge> : null} {n.title}
              </h2>
              <span className="small">{formatDateTime(n.createdAt)}</span>
            </div>
            <p className="mb-2 small notification-body">{n.body}</p>
            <div className="d-flex gap-3 align-items-center flex-wrap">
              {n.cycleId ? <Link to={`/cicli/${n.cycleId}`}>Apri il ciclo</Link> : null}
              {n.readAt ? (
                <span className="small">Letta il {formatDateTime(n.readAt)}</span>
              ) : (
                <button type="button" className="btn btn-outline-primary btn-sm" disabled={busy === n.id} onClick={() => void markRead(n)} aria-label={`Segna come letta: ${n.title}`}>
                  Segna come letta
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
