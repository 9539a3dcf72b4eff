import { useState, type FormEvent } from 'react';
import { del, get, post } from '../../api';
import { ErrorAlert, Loading, StatusBadge, useLoad } from '../../components';
import { formatDateTime, roleLabel, ROLE_LABELS } from '../../labels';

interface ApiKeyView {
  keyId: string;
  label: string;
  roles: string[];
  issuedBy: string;
  issuedAt: string;
  validUntil?: string;
  revokedAt?: string;
  revokedBy?: string;
  status: 'active' | 'revoked' | 'expired';
}

interface IssuedKey {
  keyId: string;
  apiKey: string;
  label: string;
}

/** API keys never act as administrator. */
const KEY_ROLES = Object.keys(ROLE_LABELS).filter((r) => r !== 'admin' && r !== 'system');
const STATUS = { active: { label: 'Attiva', tone: 'success' }, revoked: { label: 'Revocata', tone: 'danger' }, expired: { label: 'Scaduta', tone: 'secondary' } } as const;

/** Keys for integrations (protocollo, intranet): issued once with the secret shown once, revocable. */
export function ChiaviPanel({ tenant }: { tenant: string }) {
  const base = `/tenants/${encodeURIComponent(tenant)}/api-keys`;
  const keys = useLoad((signal) => get<ApiKeyView[]>(base, { signal }), [tenant]);
  const [label, setLabel] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [validUntil, setValidUntil] = useState('');
  const [issued, setIssued] = useState<IssuedKey>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function issue(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setIssued(await post<IssuedKey>(base, { label, roles, ...(validUntil ? { validUntil } : {}) }));
      setLabel('');
      setRoles([]);
      setValidUntil('');
      keys.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(k: ApiKeyView) {
    if (!window.confirm(`Revocare la chiave «${k.label}»? Le integrazioni che la usano smetteranno di funzionare.`)) return;
    setError(undefined);
    try {
      await del(`${base}/${encodeURIComponent(k.keyId)}`);
      if (issued?.keyId === k.keyId) setIssued(undefined);
      keys.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section aria-labelledby="chiavi">
      <h2 id="chiavi" className="h4">Chiavi API</h2>
      <p>Per i sistemi dell'ente che usano Ciclo (protocollo informatico, intranet): inviano la chiave nell'intestazione <code>X-Api-Key</code>. Una chiave agisce nei ruoli indicati, mai come amministratore.</p>
      {issued ? (
        <div className="alert alert-success" role="status">
          <p className="fw-bold mb-1">Chiave «{issued.label}» creata. Copiala ora: non verrà più mostrata (è conservata solo la sua impronta).</p>
          <label htmlFor="chiave-nuova" className="form-label">Chiave</label>
          <input id="chiave-nuova" type="text" className="form-control font-monospace" readOnly value={issued.apiKey} onFocus={(e) => e.target.select()} />
        </div>
      ) : null}
      <form className="card card-body mb-4 shadow-sm" onSubmit={issue} aria-labelledby="nuova-chiave">
        <h3 id="nuova-chiave" className="h5">Nuova chiave</h3>
        <div className="row g-3">
          <div className="col-md-6">
            <label htmlFor="k-etichetta" className="form-label">A cosa serve</label>
            <input id="k-etichetta" type="text" className="form-control" required maxLength={200} value={label} onChange={(e) => setLabel(e.target.value)} />
          </div>
          <div className="col-md-6">
            <label htmlFor="k-scadenza" className="form-label">Scade il (facoltativo)</label>
            <input id="k-scadenza" type="date" className="form-control" value={validUntil} onChange={(e) => setValidUntil(e.target.value)} />
          </div>
        </div>
        <fieldset className="mt-3">
          <legend className="h6">Ruoli della chiave</legend>
          <div className="d-flex flex-wrap gap-3">
            {KEY_ROLES.map((r) => (
              <div className="form-check" key={r}>
                <input
                  id={`k-ruolo-${r}`}
                  type="checkbox"
                  className="form-check-input"
                  checked={roles.includes(r)}
                  onChange={(e) => setRoles((cur) => (e.target.checked ? [...cur, r] : cur.filter((x) => x !== r)))}
                />
                <label htmlFor={`k-ruolo-${r}`} className="form-check-label">{roleLabel(r)}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <div className="mt-3">
          <button type="submit" className="btn btn-primary" disabled={busy || !label.trim() || roles.length === 0}>
            {busy ? 'Creazione…' : 'Crea la chiave'}
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      {keys.loading && !keys.data ? <Loading /> : <ErrorAlert error={keys.error} />}
      {keys.data && keys.data.length === 0 ? <p>Nessuna chiave emessa.</p> : null}
      {keys.data && keys.data.length > 0 ? (
        <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
          <table className="table table-sm">
            <caption>Chiavi emesse</caption>
            <thead>
              <tr>
                <th scope="col">Uso</th>
                <th scope="col">Ruoli</th>
                <th scope="col">Emessa</th>
                <th scope="col">Scadenza</th>
                <th scope="col">Stato</th>
                <th scope="col">
                  <span className="visually-hidden">Azioni</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.keyId}>
                  <td>
                    {k.label}
                    <span className="d-block small font-monospace">{k.keyId}</span>
                  </td>
                  <td>{k.roles.map(roleLabel).join(', ')}</td>
                  <td>
                    {formatDateTime(k.issuedAt)} da {k.issuedBy}
                  </td>
                  <td>{k.validUntil ? formatDateTime(k.validUntil) : 'nessuna'}</td>
                  <td>
                    <StatusBadge tone={STATUS[k.status].tone}>{STATUS[k.status].label}</StatusBadge>
                    {k.revokedAt ? <span className="d-block small">il {formatDateTime(k.revokedAt)} da {k.revokedBy}</span> : null}
                  </td>
                  <td className="text-end">
                    {k.status === 'active' ? (
                      <button type="button" className="btn btn-outline-danger btn-sm" onClick={() => void revoke(k)} aria-label={`Revoca la chiave ${k.label}`}>
                        Revoca
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
