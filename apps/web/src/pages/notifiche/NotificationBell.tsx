import { useCallback, useEffect, useState } from 'react';
import { NavLink } from 'react-router';
import { get } from '../../api';

/** Sent on `window` when the unread count may have changed (a notification marked read). */
export const NOTIFICATIONS_CHANGED = 'ciclo:notifiche';

const POLL_MS = 60_000;

/** The bell in the header: a link to the notifications with the unread count. */
export function NotificationBell() {
  const [unread, setUnread] = useState<number | null>(null);
  const load = useCallback(() => {
    get<{ unread: number }>('/notifications/unread-count').then(
      (r) => setUnread(r.unread),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    load();
    const t = setInterval(load, POLL_MS);
    window.addEventListener(NOTIFICATIONS_CHANGED, load);
    return () => {
      clearInterval(t);
      window.removeEventListener(NOTIFICATIONS_CHANGED, load);
    };
  }, [load]);
  return (
    <NavLink to="/notifiche" className="btn btn-sm btn-outline-light d-inline-flex align-items-center gap-1 notification-bell">
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
        <path fill="currentColor" d="M8 16a2 2 0 0 0 2-2H6a2 2 0 0 0 2 2zm.995-14.901a1 1 0 1 0-1.99 0A5.002 5.002 0 0 0 3 6c0 1.098-.5 6-2 7h14c-1.5-1-2-5.902-2-7 0-2.42-1.72-4.44-4.005-4.901z" />
      </svg>
      <span>Notifiche</span>
      {unread ? (
        <span className="badge bg-danger">
          {unread > 99 ? '99+' : unread}
          <span className="visually-hidden"> da leggere</span>
        </span>
      ) : null}
    </NavLink>
  );
}
