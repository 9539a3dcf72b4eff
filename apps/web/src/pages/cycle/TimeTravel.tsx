/** "Com'era il…": the cycle as it was on a date or at a version, and what changed between two versions. */
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { get, qs } from '../../api';
import { ErrorAlert } from '../../components';
import { formatDateTime } from '../../labels';
import type { CycleHistory, HistoryEntry } from '../cycle-data';

/** The last instant of a calendar day in Rome, as ISO 8601 (summer or winter time). */
export function romeEndOfDay(date: string): string {
  for (const off of ['+01:00', '+02:00']) {
    const d = new Date(`${date}T23:59:59.999${off}`);
    const hour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', hour: '2-digit', hourCycle: 'h23' }).format(d);
    if (hour === '23') return d.toISOString();
  }
  return new Date(`${date}T23:59:59.999+01:00`).toISOString();
}

const show = (v: unknown): string => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

export function TimeTravel({ cycleId, versions }: { cycleId: string; versions: HistoryEntry[] }) {
  const [params, setParams] = useSearchParams();
  const [date, setDate] = useState('');
  const [version, setVersion] = useState('');
  const last = versions.length ? versions[versions.length - 1].version : 1;
  const [from, setFrom] = useState(String(Math.max(1, last - 1)));
  const [to, setTo] = useState(String(last));
  const [diff, setDiff] = useState<CycleHistory['diff']>();
  const [error, setError] = useState<unknown>();

  function goAsOf(e: FormEvent) {
    e.preventDefault();
    const p = new URLSearchParams(params);
    p.delete('asOf');
    p.delete('version');
    if (version) p.set('version', version);
    else if (date) p.set('asOf', romeEndOfDay(date));
    setParams(p);
  }
  async function compare(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      setDiff((await get<CycleHistory>(`/cycles/${cycleId}/history${qs({ from, to })}`)).diff);
    } catch (err) {
      setError(err);
    }
  }
  const option = (v: HistoryEntry) => (
    <option key={v.version} value={v.version}>
      v{v.version} · {formatDateTime(v.occurredAt)}
    </option>
  );
  return (
    <div className="row g-4">
      <form className="col-lg-6" onSubmit={goAsOf} aria-labelledby="com-era-titolo">
        <h3 id="com-era-titolo" className="h6">
          Com'era il…
        </h3>
        <div className="mb-2">
          <label htmlFor="com-era-data" className="form-label">
            Data
          </label>
          <input id="com-era-data" type="date" className="form-control" value={date} onChange={(e) => setDate(e.target.value)} />
        </div>
        <div className="mb-2">
          <label htmlFor="com-era-versione" className="form-label">
            oppure versione
          </label>
          <select id="com-era-versione" className="form-select" value={version} onChange={(e) => setVersion(e.target.value)}>
            <option value="">—</option>
            {versions.map(option)}
          </select>
        </div>
        <button type="submit" className="btn btn-outline-primary" disabled={!date && !version}>
          Mostra il ciclo com'era
        </button>
      </form>
      <form className="col-lg-6" onSubmit={compare} aria-labelledby="differenze-titolo">
        <h3 id="differenze-titolo" className="h6">
          Differenze tra due versioni
        </h3>
        <div className="row g-2 mb-2">
          <div className="col">
            <label htmlFor="diff-da" className="form-label">
              Dalla versione
            </label>
            <select id="diff-da" className="form-select" value={from} onChange={(e) => setFrom(e.target.value)}>
              {versions.map(option)}
            </select>
          </div>
          <div className="col">
            <label htmlFor="diff-a" className="form-label">
              Alla versione
            </label>
            <select id="diff-a" className="form-select" value={to} onChange={(e) => setTo(e.target.value)}>
              {versions.map(option)}
            </select>
          </div>
        </div>
        <button type="submit" className="btn btn-outline-primary">
          Confronta
        </button>
      </form>
      <div className="col-12">
        <ErrorAlert error={error} />
        {diff ? (
          diff.changes.length === 0 ? (
            <p role="status">Nessuna differenza tra la versione {diff.from} e la versione {diff.to}.</p>
          ) : (
            <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
              <table className="table table-sm">
                <caption>
                  Differenze dalla versione {diff.from} alla versione {diff.to} ({diff.changes.length})
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Elemento</th>
                    <th scope="col">Prima</th>
                    <th scope="col">Dopo</th>
                  </tr>
                </thead>
                <tbody>
                  {diff.changes.map((c) => (
                    <tr key={c.path}>
                      <td>
                        <code>{c.path}</code>
                      </td>
                      <td className="diff-before">{show(c.before)}</td>
                      <td className="diff-after">{show(c.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        ) : null}
      </div>
    </div>
  );
}
