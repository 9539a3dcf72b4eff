/** The cycle page: where it stands, what the user may do now, deadlines, documents, every event, and how it was. */
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { get, qs } from '../../api';
import { ErrorAlert, Loading, PageTitle, StatusBadge, useLoad } from '../../components';
import { formatDateTime, roleLabel } from '../../labels';
import { loadDefinition, loadPeople, personName, type CycleHistory, type CycleView } from '../cycle-data';
import { CYCLE_STATUS } from '../cycle-labels';
import { Actions } from './Actions';
import { Deadlines } from './Deadlines';
import { Links } from './Links';
import { Narratives } from './Narratives';
import { Comments, Documents } from './Documents';
import { StageSteps } from './StageSteps';
import { SurveyGrid } from './SurveyGrid';
import { Timeline } from './Timeline';
import { TimeTravel } from './TimeTravel';

export default function CyclePage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const asOf = params.get('asOf') ?? undefined;
  const version = params.get('version') ?? undefined;
  const [message, setMessage] = useState<string>();
  const data = useLoad(
    async (signal) => {
      const [view, history] = await Promise.all([
        get<CycleView>(`/cycles/${encodeURIComponent(id)}${qs({ asOf, version })}`, { signal }),
        get<CycleHistory>(`/cycles/${encodeURIComponent(id)}/history`, { signal }),
      ]);
      const [def, people] = await Promise.all([loadDefinition(view.type, view.definitionVersion), loadPeople(view.tenant)]);
      return { view, history, def, people };
    },
    [id, asOf, version],
  );

  if (!data.data) {
    return (
      <>
        <PageTitle title="Ciclo">Ciclo</PageTitle>
        {data.loading ? <Loading /> : <ErrorAlert error={data.error} />}
      </>
    );
  }
  const { view, history, def, people } = data.data;
  const travelling = !!(view.asOf || view.asOfVersion);
  const linkedPlan = view.links.find((l) => l.plan);
  const entries = history.versions.filter((v) => v.version <= view.version);
  const reached = new Set<string>([def.initialStage, ...entries.flatMap((e) => (typeof e.data.to === 'string' ? [e.data.to] : []))]);
  const status = CYCLE_STATUS[view.status];
  const done = (m: string) => {
    setMessage(m);
    // The action asked for by a link from Da fare is done: do not open its form again.
    if (params.has('azione')) {
      const p = new URLSearchParams(params);
      p.delete('azione');
      setParams(p, { replace: true });
    }
    data.reload();
  };
  const typeTitle = def.title;

  return (
    <>
      <nav aria-label="Percorso" className="breadcrumb-container">
        <ol className="breadcrumb">
          <li className="breadcrumb-item">
            <Link to="/cicli">Cicli</Link>
            <span className="separator" aria-hidden="true">
              /
            </span>
          </li>
          <li className="breadcrumb-item active" aria-current="page">
            {view.title}
          </li>
        </ol>
      </nav>
      <PageTitle title={view.title}>{view.title}</PageTitle>
      <p className="lead mb-2">
        {typeTitle} · periodo {view.period} · fase: <strong>{view.stageTitle}</strong>{' '}
        <StatusBadge tone={status?.tone ?? 'secondary'}>{status?.label ?? view.status}</StatusBadge>
      </p>
      <p className="small text-muted">
        Aperto da {personName(people, view.openedBy)} il {formatDateTime(view.openedAt)} · versione {view.version} · ultima modifica {formatDateTime(view.lastChangeAt)}
        {view.nextActors.length ? ` · ora tocca a: ${view.nextActors.map(roleLabel).join(', ')}` : ''}
      </p>
      {view.cancelledReason ? <div className="alert alert-secondary">Ciclo annullato: {view.cancelledReason}</div> : null}
      {linkedPlan ? (
        // A monitoring holds no tree of its own: the PIAO it monitors is where the variation is edited.
        linkedPlan.target ? (
          <p>
            <Link to={`/cicli/${linkedPlan.target.targetCycleId}/piano`}>Apri il piano del PIAO monitorato (obiettivi e indicatori)</Link>
          </p>
        ) : null
      ) : def.editableStages.length > 0 && def.content === 'plan' ? (
        <p>
          <Link to={`/cicli/${view.id}/piano`}>Apri il piano (obiettivi e indicatori)</Link>
        </p>
      ) : null}
      {view.type === 'ptpct' || view.type === 'piao' ? (
        <p>
          <Link to={`/cicli/${view.id}/rischi`}>Apri il registro dei rischi corruttivi</Link>
        </p>
      ) : null}
      {travelling ? (
        <div className="alert alert-info" role="status">
          Stai vedendo il ciclo com'era {view.asOfVersion ? `alla versione ${view.asOfVersion}` : `il ${formatDateTime(view.asOf)}`}.{' '}
          <button
            type="button"
            className="btn btn-link p-0 align-baseline"
            onClick={() => {
              const p = new URLSearchParams(params);
              p.delete('asOf');
              p.delete('version');
              setParams(p);
            }}
          >
            Torna allo stato attuale
          </button>
        </div>
      ) : null}
      <div aria-live="polite" role="status" className="visually-hidden-focusable-none">
        {message ? <div className="alert alert-success">{message}</div> : null}
      </div>
      {data.error ? <ErrorAlert error={data.error} /> : null}

      <section aria-labelledby="fasi" className="mb-4">
        <h2 id="fasi" className="h4">
          Fasi
        </h2>
        <StageSteps def={def} stage={view.stage} reached={reached} />
      </section>

      {!travelling ? (
        <section aria-labelledby="azioni" className="mb-4">
          <h2 id="azioni" className="h4">
            Azioni
          </h2>
          <Actions key={view.version} view={view} def={def} initial={params.get('azione')} onDone={done} />
        </section>
      ) : null}

      {view.links.length || view.linkedFrom.length ? (
        <section aria-labelledby="collegati" className="mb-4">
          <h2 id="collegati" className="h4">
            Cicli collegati
          </h2>
          <Links view={view} people={people} />
        </section>
      ) : null}

      {view.type === 'piao' || view.type === 'relazione_performance' ? (
        <section aria-labelledby="sezioni-descrittive" className="mb-4">
          <h2 id="sezioni-descrittive" className="h4">
            {view.type === 'piao' ? 'Sezioni descrittive del PIAO' : 'Sintesi e analisi degli scostamenti'}
          </h2>
          <Narratives cycleId={view.id} asOf={asOf} version={version} people={people} onDone={done} />
        </section>
      ) : null}

      {def.content === 'survey_grid' && !travelling ? (
        <section aria-labelledby="griglia" className="mb-4">
          <h2 id="griglia" className="h4">
            Griglia di rilevazione
          </h2>
          <SurveyGrid cycleId={view.id} version={view.version} people={people} onDone={done} />
        </section>
      ) : null}

      <section aria-labelledby="scadenze" className="mb-4">
        <h2 id="scadenze" className="h4">
          Scadenze
        </h2>
        <Deadlines deadlines={view.deadlines} people={people} />
      </section>

      <section aria-labelledby="documenti" className="mb-4">
        <h2 id="documenti" className="h4">
          Documenti
        </h2>
        {view.type === 'piao' ? (
          <p>
            <a className="btn btn-outline-primary btn-sm" href={`/cycles/${encodeURIComponent(view.id)}/documents/piao.pdf${qs({ asOf, version })}`} download>
              Scarica il PIAO in PDF{travelling ? ' (com’era in questa versione)' : ''}
            </a>{' '}
            {view.deliberations.length ? (
              <>
                <a className="btn btn-outline-primary btn-sm" href={`/cycles/${encodeURIComponent(view.id)}/documents/portal-pack.zip${qs({ asOf, version })}`} download>
                  Pacchetto per il portale PIAO (ZIP)
                </a>{' '}
              </>
            ) : null}
            <span className="text-body-secondary small">Generato dagli eventi del ciclo per sezioni del DM 132/2022; «BOZZA» su ogni pagina finché non è adottato.</span>
          </p>
        ) : null}
        {view.type === 'relazione_performance' ? (
          <p>
            <a className="btn btn-outline-primary btn-sm" href={`/cycles/${encodeURIComponent(view.id)}/documents/relazione.pdf${qs({ asOf, version })}`} download>
              Scarica la Relazione sulla performance in PDF{travelling ? ' (com’era in questa versione)' : ''}
            </a>{' '}
            <span className="text-body-secondary small">Risultati del PIAO collegato con grafici e fasce SMVP; «non ancora validata» su ogni pagina finché l’OIV non la valida.</span>
          </p>
        ) : null}
        <Documents view={view} people={people} canAttach={!travelling && view.availableCommands.includes('attach')} onDone={done} />
      </section>

      <section aria-labelledby="cronologia" className="mb-4">
        <h2 id="cronologia" className="h4">
          Cronologia ({entries.length} eventi)
        </h2>
        <Timeline entries={entries} def={def} people={people} attachments={view.attachments} />
      </section>

      <section aria-labelledby="commenti" className="mb-4">
        <h2 id="commenti" className="h4">
          Commenti
        </h2>
        <Comments view={view} people={people} canComment={!travelling && view.availableCommands.includes('comment')} onDone={done} />
      </section>

      <section aria-labelledby="com-era" className="mb-4">
        <h2 id="com-era" className="h4">
          Com'era e differenze tra versioni
        </h2>
        <TimeTravel cycleId={view.id} versions={history.versions} />
      </section>
    </>
  );
}
