import { useState, type FormEvent } from 'react';
import { ApiError, del, get, post } from '../../api';
import { ErrorAlert, Loading, StatusBadge, useLoad } from '../../components';
import { fieldProblemIt, formatDateTime, roleLabel, ROLE_LABELS } from '../../labels';
import { useSession } from '../../session';

interface RoleGrant {
  role: string;
  grantedBy: string;
  grantedAt: string;
  validFrom: string;
  validUntil?: string;
  revokedAt?: string;
  revokedBy?: string;
}

interface UserView {
  userId: string;
  name?: string;
  email?: string;
  roles: string[];
  grants: RoleGrant[];
}

/** Roles an administrator can grant in a body (system is the engine's own). */
const GRANTABLE = Object.keys(ROLE_LABELS).filter((r) => r !== 'system');

function grantState(g: RoleGrant, now: number): { label: string; tone: 'success' | 'secondary' | 'info' | 'danger' } {
  const end = Math.min(g.revokedAt ? Date.parse(g.revokedAt) : Infinity, g.validUntil ? Date.parse(g.validUntil) : Infinity);
  if (g.revokedAt && Date.parse(g.revokedAt) <= now) return { label: 'Revocato', tone: 'danger' };
  if (end <= now) return { label: 'Scaduto', tone: 'secondary' };
  if (Date.parse(g.validFrom) > now) return { label: 'Futuro', tone: 'info' };
  return { label: 'Attivo', tone: 'success' };
}

/** People of the body, their roles now and the history of their grants; grant and revoke. */
export function PersonePanel({ tenant }: { tenant: string }) {
  const { session } = useSession();
  const base = `/tenants/${encodeURIComponent(tenant)}`;
  const users = useLoad((signal) => get<UserView[]>(`${base}/users`, { signal }), [tenant]);
  const [form, setForm] = useState({ userId: '', role: '', validFrom: '', validUntil: '' });
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState<string>();
  const [busy, setBusy] = useState(false);

  const names = new Map((users.data ?? []).map((u) => [u.userId, u.name ?? u.userId]));
  const nameOf = (id: string) => names.get(id) ?? id;
  const fieldError = (f: string) => (error instanceof ApiError ? error.fields.find((x) => x.field === `body.${f}`) : undefined);

  async function grant(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setNote(undefined);
    try {
      await post(`${base}/users/${encodeURIComponent(form.userId)}/roles`, {
        role: form.role,
        ...(form.validFrom ? { validFrom: form.validFrom } : {}),
        ...(form.validUntil ? { validUntil: form.validUntil } : {}),
      });
      setNote(`Ruolo ${roleLabel(form.role)} attribuito a ${nameOf(form.userId)}.`);
      setForm({ userId: '', role: '', validFrom: '', validUntil: '' });
      users.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(u: UserView, role: string) {
    if (!window.confirm(`Revocare da adesso il ruolo ${roleLabel(role)} a ${u.name ?? u.userId}?`)) return;
    setError(undefined);
    setNote(undefined);
    try {
      await del(`${base}/users/${encodeURIComponent(u.userId)}/roles/${role}`);
      setNote(`Ruolo ${roleLabel(role)} revocato a ${u.name ?? u.userId}.`);
      users.reload();
    } catch (err) {
      setError(err);
    }
  }

  const now = Date.now();
  return (
    <section aria-labelledby="persone">
      <h2 id="persone" className="h4">Persone e ruoli</h2>
      <p>Ogni attribuzione e revoca è un evento del registro: chi l'ha fatta, quando, da quando e fino a quando vale. Nessuno può cambiare i propri ruoli.</p>

      <form className="card card-body mb-4 shadow-sm" onSubmit={grant} aria-labelledby="attribuisci" noValidate>
        <h3 id="attribuisci" className="h5">Attribuisci un ruolo</h3>
        <div className="row g-3">
          <div className="col-md-3">
            <label htmlFor="g-persona" className="form-label">Persona</label>
            <select id="g-persona" className="form-select" required value={form.userId} onChange={(e) => setForm({ ...form, userId: e.target.value })}>
              <option value="">Scegli…</option>
              {users.data?.map((u) => (
                <option key={u.userId} value={u.userId} disabled={u.userId === session?.user?.userId}>
                  {u.name ?? u.userId}
                </option>
              ))}
            </select>
          </div>
          <div className="col-md-3">
            <label htmlFor="g-ruolo" className="form-label">Ruolo</label>
            <select id="g-ruolo" className="form-select" required value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })} aria-describedby={fieldError('role') ? 'g-ruolo-err' : undefined}>
              <option value="">Scegli…</option>
              {GRANTABLE.map((r) => (
                <option key={r} value={r}>{roleLabel(r)}</option>
              ))}
            </select>
            {fieldError('role') ? <div id="g-ruolo-err" className="small text-danger">{fieldProblemIt(fieldError('role')?.problem ?? '')}</div> : null}
          </div>
          <div className="col-md-3">
            <label htmlFor="g-dal" className="form-label">Dal (facoltativo)</label>
            <input id="g-dal" type="date" className="form-control" value={form.validFrom} onChange={(e) => setForm({ ...form, validFrom: e.target.value })} aria-describedby="g-dal-help" />
            <div id="g-dal-help" className="small">Vuoto: da subito</div>
          </div>
          <div className="col-md-3">
            <label htmlFor="g-al" className="form-label">Al (facoltativo, incluso)</label>
            <input id="g-al" type="date" className="form-control" value={form.validUntil} onChange={(e) => setForm({ ...form, validUntil: e.target.value })} aria-describedby="g-al-help" />
            <div id="g-al-help" className="small">Vuoto: senza scadenza</div>
          </div>
        </div>
        <div className="mt-3">
          <button type="submit" className="btn btn-primary" disabled={busy || !form.userId || !form.role}>
            {busy ? 'Attribuzione…' : 'Attribuisci il ruolo'}
          </button>
        </div>
      </form>
      <p role="status">{note}</p>
      <ErrorAlert error={error} />
      {users.loading && !users.data ? <Loading /> : <ErrorAlert error={users.error} />}

      {users.data?.map((u) => (
        <article key={u.userId} className="card card-body mb-3 shadow-sm" aria-labelledby={`p-${u.userId}`}>
          <div className="d-flex justify-content-between flex-wrap gap-2">
            <h3 id={`p-${u.userId}`} className="h5 mb-1">
              {u.name ?? u.userId}
            </h3>
            <span className="small">
              <code>{u.userId}</code>
              {u.email ? ` · ${u.email}` : ''}
            </span>
          </div>
          <p className="mb-2">
            Ruoli attuali: {u.roles.length ? u.roles.map(roleLabel).join(', ') : 'nessuno'}
          </p>
          <table className="table table-sm mb-0">
            <caption>Storia dei ruoli di {u.name ?? u.userId}</caption>
            <thead>
              <tr>
                <th scope="col">Ruolo</th>
                <th scope="col">Stato</th>
                <th scope="col">Dal</th>
                <th scope="col">Al</th>
                <th scope="col">Attribuito</th>
                <th scope="col">Revocato</th>
                <th scope="col">
                  <span className="visually-hidden">Azioni</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {[...u.grants]
                .sort((a, b) => a.grantedAt.localeCompare(b.grantedAt))
                .map((g, i) => {
                  const st = grantState(g, now);
                  return (
                    <tr key={i}>
                      <td>{roleLabel(g.role)}</td>
                      <td>
                        <StatusBadge tone={st.tone}>{st.label}</StatusBadge>
                      </td>
                      <td>{formatDateTime(g.validFrom)}</td>
                      <td>{g.validUntil ? formatDateTime(g.validUntil) : 'senza scadenza'}</td>
                      <td>
                        {formatDateTime(g.grantedAt)} da {nameOf(g.grantedBy)}
                      </td>
                      <td>{g.revokedAt ? `${formatDateTime(g.revokedAt)} da ${nameOf(g.revokedBy ?? '')}` : '—'}</td>
                      <td className="text-end">
                        {(st.label === 'Attivo' || st.label === 'Futuro') && u.userId !== session?.user?.userId ? (
                          <button type="button" className="btn btn-outline-danger btn-sm" onClick={() => void revoke(u, g.role)} aria-label={`Revoca il ruolo ${roleLabel(g.role)} a ${u.name ?? u.userId}`}>
                            Revoca
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </article>
      ))}
    </section>
  );
}
