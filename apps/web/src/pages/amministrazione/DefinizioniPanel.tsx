import { Link, useParams } from 'react-router';
import { get } from '../../api';
import { ErrorAlert, Loading, StatusBadge, useLoad } from '../../components';
import { roleLabel } from '../../labels';
import { StagesDiagram, type DefinitionView } from './StagesDiagram';

interface DefinitionSummary {
  id: string;
  version: number;
  title: string;
  latest: boolean;
  period: string;
  legalBasis: string[];
}

interface CycleSummary {
  id: string;
  type: string;
  title: string;
  stageTitle: string;
  definitionVersion: number;
}

const PERIODS: Record<string, string> = { annual: 'annuale', triennial: 'triennale', mandate: 'di mandato', one_off: 'una tantum' };
const MONTHS = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];

const loadCycles = (signal: AbortSignal) => get<CycleSummary[]>('/cycles?limit=500', { signal });
const roles = (rs: readonly string[]) => (rs.length ? rs.map(roleLabel).join(', ') : 'nessuno');

/** Every cycle definition and version, with how many cycles run on each. */
export function DefinizioniPanel() {
  const defs = useLoad((signal) => get<DefinitionSummary[]>('/definitions', { signal }), []);
  const cycles = useLoad(loadCycles, []);
  if (defs.loading) return <Loading />;
  const running = (id: string, v: number) => (cycles.data ?? []).filter((c) => c.type === id && c.definitionVersion === v).length;
  return (
    <section aria-labelledby="definizioni">
      <h2 id="definizioni" className="h4">Definizioni dei cicli</h2>
      <p>Ogni ciclo segue la versione della definizione con cui è stato aperto; i nuovi cicli usano l'ultima versione.</p>
      <ErrorAlert error={defs.error ?? cycles.error} />
      <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
        <table className="table table-sm">
          <caption>Definizioni caricate</caption>
          <thead>
            <tr>
              <th scope="col">Ciclo</th>
              <th scope="col">Versione</th>
              <th scope="col">Periodo</th>
              <th scope="col">Riferimenti normativi</th>
              <th scope="col">Cicli che la usano</th>
            </tr>
          </thead>
          <tbody>
            {defs.data?.map((d) => (
              <tr key={`${d.id}/${d.version}`}>
                <td>
                  <Link to={`/amministrazione/definizioni/${d.id}/${d.version}`}>{d.title}</Link>
                  <span className="d-block small font-monospace">{d.id}</span>
                </td>
                <td>
                  {d.version} {d.latest ? <StatusBadge tone="primary">ultima</StatusBadge> : null}
                </td>
                <td>{PERIODS[d.period] ?? d.period}</td>
                <td className="small">{d.legalBasis.join('; ')}</td>
                <td>{cycles.data ? running(d.id, d.version) : '…'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ruleText(d: DefinitionView['deadlines'][number], eventTitle: (e: string) => string): string {
  const r = d.rule;
  if (r.type === 'calendar') return `${r.day} ${MONTHS[r.month - 1]} ${r.yearOffset === 0 ? "dell'anno del ciclo" : r.yearOffset > 0 ? `dell'anno del ciclo + ${r.yearOffset}` : `dell'anno del ciclo − ${-r.yearOffset}`}`;
  if (r.type === 'after_event') return `${r.days} giorni dopo «${eventTitle(r.event)}»`;
  return 'nessuna data calcolata: la fissa un comando';
}

/** One definition version: stages, transitions, roles, deadlines, reminders, the cycles using it. */
export function DefinitionDetail() {
  const { id = '', version = '' } = useParams();
  const def = useLoad((signal) => get<DefinitionView>(`/definitions/${encodeURIComponent(id)}/${encodeURIComponent(version)}`, { signal }), [id, version]);
  const cycles = useLoad(loadCycles, []);
  if (def.loading) return <Loading />;
  if (!def.data) return <ErrorAlert error={def.error} />;
  const d = def.data;
  const stage = (s: string) => d.stages.find((x) => x.id === s)?.title ?? s;
  const eventTitle = (e: string) => d.transitions.find((t) => t.event === e)?.title ?? e;
  const using = (cycles.data ?? []).filter((c) => c.type === d.id && c.definitionVersion === d.version);
  return (
    <section aria-labelledby="definizione">
      <p>
        <Link to="/amministrazione/definizioni">← Tutte le definizioni</Link>
      </p>
      <h2 id="definizione" className="h4">
        {d.title} <span className="small">(versione {d.version})</span>
      </h2>
      <p className="small">Riferimenti: {d.legalBasis.join('; ')}</p>

      <h3 className="h5 mt-4">Fasi e passaggi</h3>
      <StagesDiagram def={d} />

      <h3 className="h5 mt-4">Chi può fare cosa</h3>
      <ul>
        <li>Aprire un ciclo: {roles(d.openRoles)}</li>
        <li>Annullarlo: {roles(d.cancelRoles)}</li>
        <li>Commentare: {roles(d.commentRoles)}</li>
        <li>Allegare documenti: {roles(d.attachRoles)}</li>
        <li>Modificare il piano nelle fasi: {d.editableStages.length ? d.editableStages.map(stage).join(', ') : 'nessuna'}</li>
      </ul>

      <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
        <table className="table table-sm">
          <caption>Passaggi (comandi) della definizione</caption>
          <thead>
            <tr>
              <th scope="col">Passaggio</th>
              <th scope="col">Da</th>
              <th scope="col">A</th>
              <th scope="col">Ruoli</th>
              <th scope="col">Evento</th>
            </tr>
          </thead>
          <tbody>
            {d.transitions.map((t) => (
              <tr key={`${t.command}/${t.from.join()}`}>
                <td>{t.title}</td>
                <td>{t.from.map(stage).join(', ')}</td>
                <td>{stage(t.to)}</td>
                <td>{roles(t.roles)}</td>
                <td className="small font-monospace">{t.event}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3 className="h5 mt-4">Scadenze e promemoria</h3>
      <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
        <table className="table table-sm">
          <caption>Scadenze della definizione</caption>
          <thead>
            <tr>
              <th scope="col">Scadenza</th>
              <th scope="col">Data</th>
              <th scope="col">Rispettata quando il ciclo arriva a</th>
              <th scope="col">Norma</th>
            </tr>
          </thead>
          <tbody>
            {d.deadlines.map((x) => (
              <tr key={x.id}>
                <td>{x.title}</td>
                <td>
                  {ruleText(x, eventTitle)}
                  {x.editablePerYear ? <span className="d-block small">modificabile anno per anno</span> : null}
                </td>
                <td>{stage(x.metBy)}</td>
                <td className="small">{x.legalReference ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        Promemoria {d.reminders.offsetsDays.length ? `${[...d.reminders.offsetsDays].sort((a, b) => b - a).join(', ')} giorni prima della scadenza` : 'non previsti prima della scadenza'}; dopo la scadenza
        ogni {d.reminders.overdueEveryDays} giorni, con sollecito a: {roleLabel(d.reminders.escalateTo)}.
      </p>

      <h3 className="h5 mt-4">Cicli che usano questa versione</h3>
      {cycles.loading ? <Loading /> : <ErrorAlert error={cycles.error} />}
      {cycles.data && using.length === 0 ? <p>Nessun ciclo usa questa versione.</p> : null}
      <ul>
        {using.map((c) => (
          <li key={c.id}>
            <Link to={`/cicli/${c.id}`}>{c.title}</Link> — {c.stageTitle}
          </li>
        ))}
      </ul>

      <details className="mt-4">
        <summary>Diagramma degli stati in formato Mermaid (testo)</summary>
        <pre className="bg-light p-2 small">{d.mermaid}</pre>
      </details>
    </section>
  );
}
