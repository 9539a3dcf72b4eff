import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useEffect } from 'react';
import { roleLabel } from './labels';
import { useSession } from './session';
import { NotificationBell } from './pages/notifiche/NotificationBell';

interface NavEntry {
  to: string;
  label: string;
  /** Shown only to these roles (all when absent). */
  roles?: string[];
}

/** The console's sections; pages check permissions again through the API. */
export const NAV: NavEntry[] = [
  { to: '/da-fare', label: 'Da fare' },
  { to: '/cicli', label: 'Cicli' },
  { to: '/scadenze', label: 'Scadenze' },
  { to: '/trasparenza', label: 'Trasparenza' },
  { to: '/metodo-valutazione', label: 'Metodo di valutazione', roles: ['rpct', 'admin'] },
  { to: '/registro', label: 'Registro delle attività', roles: ['rpct', 'oiv', 'admin'] },
  { to: '/amministrazione', label: 'Amministrazione', roles: ['admin'] },
];

/** Header, navigation, role switch and the page; sends unauthenticated users to the login. */
export function Layout() {
  const { session, actingRole, setActingRole, logout, expired } = useSession();
  const location = useLocation();
  const navigate = useNavigate();

  useEffect(() => {
    if (session && !session.authenticated) {
      navigate(`/accesso?ritorno=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    }
  }, [session, location, navigate]);

  if (!session?.authenticated || !session.user) return null;
  const user = session.user;
  const nav = NAV.filter((n) => !n.roles || user.roles.some((r) => n.roles?.includes(r)));

  return (
    <>
      <a className="visually-hidden-focusable" href="#contenuto">
        Vai al contenuto principale
      </a>
      <header className="it-header-wrapper">
        <div className="it-header-slim-wrapper">
          <div className="container">
            <div className="it-header-slim-wrapper-content d-flex justify-content-between align-items-center">
              <span className="text-white">{user.tenant === 'cciaa-po' ? 'Camera di commercio di Pistoia-Prato' : user.tenant}</span>
              <div className="d-flex align-items-center gap-3 text-white">
                <span>
                  {user.name ?? user.userId}
                  {session.via === 'dev_token' ? <span className="badge bg-warning text-dark ms-2">demo</span> : null}
                </span>
                {user.roles.length > 1 ? (
                  <label className="d-flex align-items-center gap-2 mb-0 text-white" htmlFor="ruolo-attivo">
                    Ruolo
                    <select id="ruolo-attivo" className="form-select form-select-sm" value={actingRole} onChange={(e) => setActingRole(e.target.value)}>
                      {user.roles.map((r) => (
                        <option key={r} value={r}>
                          {roleLabel(r)}
                        </option>
                      ))}
                    </select>
                  </label>
                ) : (
                  <span>{roleLabel(user.roles[0] ?? '')}</span>
                )}
                <NotificationBell />
                <button type="button" className="btn btn-sm btn-outline-light" onClick={() => void logout()}>
                  Esci
                </button>
              </div>
            </div>
          </div>
        </div>
        <div className="it-header-center-wrapper">
          <div className="container">
            <div className="it-header-center-content-wrapper">
              <div className="it-brand-wrapper">
                <NavLink to="/da-fare">
                  <div className="it-brand-text">
                    <div className="it-brand-title">Ciclo</div>
                    <div className="it-brand-tagline d-none d-md-block">Pianificazione, performance e trasparenza dell'ente</div>
                  </div>
                </NavLink>
              </div>
            </div>
          </div>
        </div>
        <div className="it-header-navbar-wrapper">
          <div className="container">
            <nav className="navbar navbar-expand-lg has-megamenu" aria-label="Sezioni della console">
              <ul className="navbar-nav flex-row flex-wrap">
                {nav.map((n) => (
                  <li className="nav-item" key={n.to}>
                    <NavLink className={({ isActive }) => `nav-link${isActive ? ' active' : ''}`} to={n.to}>
                      <span>{n.label}</span>
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </div>
      </header>
      <main id="contenuto" className="container my-4">
        {expired ? (
          <div className="alert alert-warning" role="alert">
            La sessione è scaduta. <a href={`/accesso?ritorno=${encodeURIComponent(location.pathname)}`}>Accedi di nuovo</a>
          </div>
        ) : null}
        <Outlet />
      </main>
      <footer className="it-footer">
        <div className="it-footer-small-prints clearfix">
          <div className="container">
            <p className="text-white py-2 mb-0">Ciclo · orari e date nel fuso di Roma</p>
          </div>
        </div>
      </footer>
    </>
  );
}
