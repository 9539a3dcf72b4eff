import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { get, qs } from '../../api';
import { ErrorAlert, Loading, PageTitle, useLoad } from '../../components';
import { formatDateTime, roleLabel, ROLE_LABELS } from '../../labels';
import { AnchorsPanel } from './AnchorsPanel';
import { ChainPanel, type LastVerification } from './ChainPanel';
import { download } from './audit-labels';

interface AuditEntry {
  position: number;
  recordedAt: string;
  cycleId: string | null;
  type: string;
  actorId: string;
  actorRole: string;
  reason: string | null;
  summary: string;
}

interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
  scope: 'tenant' | 'own_cycles';
  lastVerification: LastVerification | null;
}

interface Facets {
  actors: { actorId: string; name: string | null }[];
  types: { type: string; label: string }[];
  cycles: { cycleId: string; title: string }[];
}

/** The filters as they sit in the address (deep links keep them). */
interface Filters {
  ciclo: string;
  persona: string;
  ruolo: string;
  tipo: string;
  dal: string;
  al: string;
  letture: boolean;
}

const PAGE_SIZE = 50;

const filtersOf = (p: URLSearchParams): Filters => ({
  ciclo: p.get('ciclo') ?? '',
  persona: p.get('persona') ?? '',
  ruolo: p.get('ruolo') ?? '',
  tipo: p.get('tipo') ?? '',
  dal: p.get('dal') ?? '',
  al: p.get('al') ?? '',
  letture: p.get('letture') === '1',
});

/** The day after a `YYYY-MM-DD` (the API's `to` is exclusive; the page's "al" includes the day). */
function dayAfter(d: string): string {
  const [y, m, day] = d.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, day + 1)).toISOString().slice(0, 10);
}

/** The API query of the filters (shared by the page, the CSV and the PDF). */
function apiQuery(f: Filters): Record<string, string | undefined> {
  return {
    cycleId: f.ciclo || undefined,
    actorId: f.persona || undefined,
    role: f.ruolo || undefined,
    type: f.tipo || undefined,
    from: f.dal || undefined,
    to: f.al ? dayAfter(f.al) : undefined,
    reads: f.letture ? undefined : 'exclude',
  };
}

/** The audit trail for the RPCT, the OIV and administrators: filters, pages, exports, the chain. */
export function RegistroPage() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersOf(params), [params]);
  const [draft, setDraft] = useState<Filters>(filters);
  const facets = useLoad((signal) => get<Facets>('/audit/facets', { signal }), []);
  const [rows, setRows] = useState<AuditEntry[]>([]);
  const [page, setPage] = useState<AuditPage>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [exporting, setExporting] = useState<string>();
  const [exportNote, setExportNote] = useState<string>();

  useEffect(() => setDraft(filters), [filters]);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(undefined);
    get<AuditPage>(`/audit${qs({ ...apiQuery(filters), limit: PAGE_SIZE })}`, { signal: ctrl.signal }).then(
      (p) => {
        setPage(p);
        setRows(p.items);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ctrl.abort();
  }, [filters]);

  async function more() {
    if (!page?.nextCursor) return;
    setLoading(true);
    try {
      const next = await get<AuditPage>(`/audit${qs({ ...apiQuery(filters), limit: PAGE_SIZE, cursor: page.nextCursor })}`);
      setPage(next);
      setRows((r) => [...r, ...next.items]);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  function apply(e: FormEvent) {
    e.preventDefault();
    const p: Record<string, string> = {};
    for (const k of ['ciclo', 'persona', 'ruolo', 'tipo', 'dal', 'al'] as const) if (draft[k]) p[k] = draft[k];
    if (draft.letture) p.letture = '1';
    setParams(p);
  }

  async function exportAs(format: 'csv' | 'pdf') {
    setExporting(format);
    setExportNote(undefined);
    setError(undefined);
    try {
      const name = await download(`/audit/export.${format}${qs(apiQuery(filters))}`, `registro.${format}`);
      setExportNote(`File ${name} scaricato.`);
    } catch (e) {
      setError(e);
    } finally {
      setExporting(undefined);
    }
  }

  const names = new Map((facets.data?.actors ?? []).map((a) => [a.actorId, a.name]));
  const who = (id: string) => names.get(id) ?? (id === 'system' ? 'Sistema' : id);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));

  return (
    <>
      <PageTitle title="Registro delle attività">Registro delle attività</PageTitle>
      <p>
        Ogni modifica è un evento del registro, concatenato con un hash. Anche la consultazione del registro viene registrata.
        {page?.scope === 'own_cycles' ? ' Sono mostrati solo i cicli in cui hai svolto almeno un’azione.' : null}
      </p>
      <ChainPanel last={page?.lastVerification ?? null} />
      {page?.scope === 'tenant' ? <AnchorsPanel /> : null}

      <form className="card card-body mb-4 shadow-sm" onSubmit={apply} aria-labelledby="filtri-registro">
        <h2 id="filtri-registro" className="h5">Filtri</h2>
        <div className="row g-3">
          <div className="col-md-4">
            <label htmlFor="f-ciclo" className="form-label">Ciclo</label>
            <select id="f-ciclo" className="form-select" value={draft.ciclo} onChange={set('ciclo')}>
              <option value="">Tutti i cicli</option>
              {facets.data?.cycles.map((c) => (
                <option key={c.cycleId} value={c.cycleId}>{c.title}</option>
              ))}
            </select>
          </div>
          <div className="col-md-4">
            <label htmlFor="f-persona" className="form-label">Persona</label>
            <select id="f-persona" className="form-select" value={draft.persona} onChange={set('persona')}>
              <option value="">Tutte le persone</option>
              {facets.data?.actors.map((a) => (
                <option key={a.actorId} value={a.actorId}>{a.name ?? a.actorId}</option>
              ))}
            </select>
          </div>
          <div className="col-md-4">
            <label htmlFor="f-ruolo" className="form-label">Ruolo</label>
            <select id="f-ruolo" className="form-select" value={draft.ruolo} onChange={set('ruolo')}>
              <option value="">Tutti i ruoli</option>
              {Object.keys(ROLE_LABELS).map((r) => (
                <option key={r} value={r}>{roleLabel(r)}</option>
              ))}
            </select>
          </div>
          <div className="col-md-4">
            <label htmlFor="f-tipo" className="form-label">Tipo di evento</label>
            <select id="f-tipo" className="form-select" value={draft.tipo} onChange={set('tipo')}>
              <option value="">Tutti gli eventi</option>
              {facets.data?.types.map((t) => (
                <option key={t.type} value={t.type}>{t.label}</option>
              ))}
            </select>
          </div>
          <div className="col-md-4">
            <label htmlFor="f-dal" className="form-label">Dal giorno</label>
            <input id="f-dal" type="date" className="form-control" value={draft.dal} onChange={set('dal')} />
          </div>
          <div className="col-md-4">
            <label htmlFor="f-al" className="form-label">Al giorno (incluso)</label>
            <input id="f-al" type="date" className="form-control" value={draft.al} min={draft.dal || undefined} onChange={set('al')} />
          </div>
        </div>
        <div className="form-check mt-3">
          <input id="f-letture" type="checkbox" className="form-check-input" checked={draft.letture} onChange={(e) => setDraft((d) => ({ ...d, letture: e.target.checked }))} />
          <label htmlFor="f-letture" className="form-check-label">Mostra anche le consultazioni del registro (chi lo ha letto o esportato)</label>
        </div>
        <div className="d-flex gap-2 mt-3 flex-wrap">
          <button type="submit" className="btn btn-primary">Applica i filtri</button>
          <button type="button" className="btn btn-outline-secondary" onClick={() => setParams({})}>Azzera</button>
        </div>
      </form>
      <ErrorAlert error={facets.error} />

      <div className="d-flex gap-2 mb-3 flex-wrap align-items-center">
        <button type="button" className="btn btn-outline-primary" disabled={!!exporting} onClick={() => void exportAs('csv')}>
          {exporting === 'csv' ? 'Esportazione…' : 'Esporta CSV'}
        </button>
        <button type="button" className="btn btn-outline-primary" disabled={!!exporting} onClick={() => void exportAs('pdf')}>
          {exporting === 'pdf' ? 'Esportazione…' : 'Esporta PDF'}
        </button>
        <span className="small">Le esportazioni contengono tutte le righe dei filtri correnti.</span>
        <span role="status" className="small">{exportNote}</span>
      </div>
      <ErrorAlert error={error} />

      <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
        <table className="table table-sm">
          <caption>Eventi del registro, dal più recente{rows.length ? ` (${rows.length} mostrati)` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Data e ora</th>
              <th scope="col">Evento</th>
              <th scope="col">Persona</th>
              <th scope="col">Motivazione</th>
              <th scope="col" className="text-end">Posizione</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.position}>
                <td className="text-nowrap">{formatDateTime(r.recordedAt)}</td>
                <td>{r.summary}</td>
                <td>
                  {who(r.actorId)}
                  <span className="d-block small">{roleLabel(r.actorRole)}</span>
                </td>
                <td>{r.reason ?? '—'}</td>
                <td className="text-end">{r.position}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!loading && rows.length === 0 && !error ? <p className="alert alert-info">Nessun evento corrisponde ai filtri.</p> : null}
      {loading ? <Loading /> : null}
      {page?.nextCursor && !loading ? (
        <button type="button" className="btn btn-outline-primary" onClick={() => void more()}>
          Mostra altri {PAGE_SIZE} eventi
        </button>
      ) : null}
    </>
  );
}
