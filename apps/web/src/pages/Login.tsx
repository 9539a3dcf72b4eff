import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { get, post } from '../api';
import { ErrorAlert, Loading, PageTitle, useLoad } from '../components';
import { roleLabel } from '../labels';
import { useSession, type SessionView } from '../session';

interface DemoTenant {
  tenant: string;
  name: string;
  users: { userId: string; name?: string; roles: string[] }[];
}

/** Only same-origin console paths are followed after login (no open redirect). */
export function safeReturnPath(v: string | null): string {
  return v && /^\/(?!\/)[^\\]*$/.test(v) && !v.startsWith('/accesso') ? v : '/da-fare';
}

/** Login: the identity provider (OpenID Connect) and, in the demo, the demo chamber's users. */
export function LoginPage() {
  const { session, refresh, unavailable } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const returnTo = safeReturnPath(params.get('ritorno'));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const demo = useLoad(() => (session?.demo ? get<{ tenants: DemoTenant[] }>('/auth/demo-users') : Promise.resolve({ tenants: [] })), [session?.demo]);

  if (!session) return <Loading />;

  async function loginAs(tenant: string, userId: string) {
    setBusy(userId);
    setError(undefined);
    try {
      await post<SessionView>('/auth/demo-login', { tenant, userId });
      await refresh();
      navigate(returnTo, { replace: true });
    } catch (e) {
      setError(e);
      setBusy(undefined);
    }
  }

  return (
    <main id="contenuto" className="container my-5" style={{ maxWidth: 960 }}>
      <PageTitle title="Accesso">Accesso a Ciclo</PageTitle>
      {params.get('errore') ? (
        <div className="alert alert-danger" role="alert">
          Accesso non riuscito: {params.get('errore')}
        </div>
      ) : null}
      {session.authenticated ? (
        <div className="alert alert-info">
          Sei già collegato come {session.user?.name ?? session.user?.userId}. <a href={returnTo}>Continua</a>
        </div>
      ) : null}
      <ErrorAlert error={error} />
      {session.oidc ? (
        <section className="mb-5" aria-labelledby="accesso-idp">
          <h2 id="accesso-idp" className="h4">Accesso con identità digitale</h2>
          <p>Accedi con le credenziali dell'ente (SPID, CIE o account istituzionale, secondo la configurazione).</p>
          <a className="btn btn-primary" href={`/auth/login?returnTo=${encodeURIComponent(returnTo)}`}>
            Entra con il fornitore di identità
          </a>
        </section>
      ) : null}
      {session.demo ? (
        <section aria-labelledby="accesso-demo">
          <h2 id="accesso-demo" className="h4">
            Accesso dimostrativo <span className="badge bg-warning text-dark">DEMO</span>
          </h2>
          <div className="callout warning">
            <div className="callout-title">Ambiente dimostrativo</div>
            <p>Questo accesso senza password esiste solo nell'ambiente dimostrativo e non è disponibile in produzione. Scegli una persona della Camera demo.</p>
          </div>
          {demo.loading ? <Loading /> : <ErrorAlert error={demo.error} />}
          {demo.data?.tenants.map((t) => (
            <div key={t.tenant} className="mb-4">
              <h3 className="h5">{t.name}</h3>
              <ul className="list-group">
                {t.users.map((u) => (
                  <li key={u.userId} className="list-group-item d-flex justify-content-between align-items-center flex-wrap gap-2">
                    <span>
                      <strong>{u.name ?? u.userId}</strong>
                      <span className="d-block small">{u.roles.map(roleLabel).join(', ')}</span>
                    </span>
                    <button type="button" className="btn btn-outline-primary btn-sm" disabled={!!busy} onClick={() => void loginAs(t.tenant, u.userId)} aria-label={`Entra come ${u.name ?? u.userId}`}>
                      {busy === u.userId ? 'Accesso…' : 'Entra'}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ) : null}
      {unavailable ? (
        <div className="alert alert-danger" role="alert">
          Il server non risponde: non è possibile sapere come accedere.{' '}
          <button type="button" className="btn btn-link p-0 align-baseline" onClick={() => void refresh().catch(() => undefined)}>
            Riprova
          </button>
        </div>
      ) : null}
      {!unavailable && !session.demo && !session.oidc ? (
        <div className="alert alert-warning">Nessun metodo di accesso è configurato: l'amministratore deve impostare il fornitore di identità (OIDC).</div>
      ) : null}
    </main>
  );
}
