/** `/cicli/:id/piano`: the performance plan of a cycle (PIAO section 2, Relazione): tree, achievement, cards, charts, editing, variation, files. */
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { get, qs } from '../../api';
import { ErrorAlert, Loading, PageTitle, StatusBadge, useLoad } from '../../components';
import { ERROR_MESSAGES } from '../../labels';
import { useSession } from '../../session';
import { PlanFiles } from './Files';
import { SelectField, TextField } from './forms';
import { KIND_LABEL, problemIt } from './labels';
import { PlanTree } from './Tree';
import { ancestorsOf, applyFilter, indexTree, type Filter } from './tree-model';
import type { Editor } from './Edit';
import type { PlanResponse } from './types';
import { VariationView } from './Variation';
import { AchievementBar } from './widgets';
import './plan.css';

const PlanCharts = lazy(() => import('./Charts'));

const EDITORS = ['po', 'dirigente', 'struttura_tecnica', 'rpct'];
const MEASURERS = ['rilevatore', 'struttura_tecnica'];
type Tab = 'albero' | 'grafici' | 'variazione' | 'file';
const TABS: { key: Tab; label: string }[] = [
  { key: 'albero', label: 'Albero e misure' },
  { key: 'grafici', label: 'Grafici' },
  { key: 'variazione', label: 'Variazione' },
  { key: 'file', label: 'Importa ed esporta' },
];

/** "1 indicatore", "372 indicatori". */
const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export default function PlanPage() {
  const { id = '' } = useParams();
  const { actingRole } = useSession();
  const [year, setYear] = useState<number | undefined>();
  // The variance flags on the API's automatic monitoring date: today in the current year, 31 December of a past year.
  const { data: plan, error, loading, reload } = useLoad((signal) => get<PlanResponse>(`/cycles/${id}/plan${qs({ year, monitoringDate: 'auto' })}`, { signal }), [id, year]);

  // `?scheda=variazione` opens a tab directly (the monitoring's page links to the PIAO's variation).
  const [search] = useSearchParams();
  const [tab, setTab] = useState<Tab>(() => TABS.find((t) => t.key === search.get('scheda'))?.key ?? 'albero');
  const [filter, setFilter] = useState<Filter>({ area: '', office: '', text: '' });
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<Editor | null>(null);
  const [card, setCard] = useState<string | null>(null);
  const [focusCode, setFocusCode] = useState<string | null>(null);

  const index = useMemo(() => (plan ? indexTree(plan.achievement, plan.scoring?.rules.bands as never) : null), [plan]);
  const visible = useMemo(() => (plan ? applyFilter(plan.achievement, filter) : null), [plan, filter]);

  useEffect(() => {
    if (!focusCode) return;
    const el = document.getElementById(`nodo-${focusCode}`);
    if (el) {
      el.scrollIntoView({ block: 'center' });
      el.focus();
      setFocusCode(null);
    }
  }, [focusCode, expanded, tab]);

  if (!plan || !index || !visible) {
    return (
      <>
        <PageTitle title="Piano della performance">Piano della performance</PageTitle>
        {loading ? <Loading label="Caricamento del piano…" /> : null}
        <ErrorAlert error={error} />
      </>
    );
  }

  const canEdit = plan.editable && !!actingRole && EDITORS.includes(actingRole);
  const canMeasure = !!actingRole && MEASURERS.includes(actingRole);
  const toggle = (code: string) =>
    setExpanded((s) => {
      const n = new Set(s);
      if (n.has(code)) n.delete(code);
      else n.add(code);
      return n;
    });
  const goTo = (code: string) => {
    setTab('albero');
    setFilter({ area: '', office: '', text: '' });
    setExpanded((s) => new Set([...s, ...ancestorsOf(index, code)]));
    setFocusCode(code);
  };
  const readOnlyWhy = !plan.editable
    ? `${plan.notEditableBecause ? (ERROR_MESSAGES[plan.notEditableBecause.code] ?? plan.notEditableBecause.message) : 'Il piano non è modificabile'}: fase «${plan.stageTitle}»${plan.notEditableBecause?.code === 'PLAN_NOT_EDITABLE' && plan.editableStageTitles.length ? `; l’albero si modifica nelle fasi ${plan.editableStageTitles.map((t) => `«${t}»`).join(' e ')}` : ''}. L’albero è in sola lettura.`
    : !canEdit
      ? 'La modifica dell’albero spetta a PO, dirigenti e struttura tecnica: in questo ruolo l’albero è in sola lettura.'
      : null;

  return (
    <div className="plan-page">
      <nav aria-label="Percorso" className="mb-2">
        <Link to="/cicli">Cicli</Link> › <Link to={`/cicli/${plan.cycleId}`}>{plan.title}</Link> › Piano
      </nav>
      <PageTitle title={`Piano · ${plan.title}`}>Piano della performance · {plan.title}</PageTitle>
      <div className="plan-summary mb-3">
        <div>
          <StatusBadge tone="primary">Fase: {plan.stageTitle}</StatusBadge> <StatusBadge tone={plan.editable ? 'success' : 'secondary'}>{plan.editable ? 'Albero modificabile in questa fase' : 'Albero in sola lettura in questa fase'}</StatusBadge>
        </div>
        <div>
          {n(plan.counts.ambiti, 'ambito', 'ambiti')} · {n(plan.counts.strategicObjectives, 'obiettivo strategico', 'obiettivi strategici')} · {n(plan.counts.operationalObjectives, 'obiettivo operativo', 'obiettivi operativi')} ·{' '}
          {n(plan.counts.indicators, 'indicatore', 'indicatori')} · {n(plan.counts.measurements, 'misura', 'misure')}
        </div>
      </div>
      <div className="plan-summary mb-3">
        <div style={{ minWidth: '10rem' }}>
          <SelectField label="Anno del raggiungimento" value={String(plan.achievement.year)} onChange={(v) => setYear(Number(v))} options={plan.planYears.map((y) => ({ value: String(y), label: String(y) }))} />
        </div>
        <div>
          <p className="mb-1 fw-semibold">Raggiungimento complessivo dell’ente</p>
          <AchievementBar a={plan.achievement.chamber} big label="Raggiungimento dell’ente" />
          {plan.achievement.variance ? <p className="small mb-0">Monitoraggio al {plan.achievement.variance.monitoringDate.split('-').reverse().join('/')}: {plan.achievement.variance.flagged} indicatori in ritardo o scaduti.</p> : null}
        </div>
        {loading ? <Loading label="Aggiornamento…" /> : null}
      </div>
      {readOnlyWhy ? (
        <div className="alert alert-info" role="note">
          {readOnlyWhy}
        </div>
      ) : null}
      <ErrorAlert error={error} />

      <div className="nav nav-tabs mb-3" role="tablist" aria-label="Sezioni del piano">
        {TABS.map((t) => (
          <button key={t.key} type="button" role="tab" id={`scheda-${t.key}`} aria-selected={tab === t.key} aria-controls={`pannello-${t.key}`} className={`nav-link${tab === t.key ? ' active' : ''}`} onClick={() => setTab(t.key)}>
            {t.label}
          </button>
        ))}
      </div>

      <div role="tabpanel" id={`pannello-${tab}`} aria-labelledby={`scheda-${tab}`}>
        {tab === 'albero' ? (
          <>
            {plan.problems.length ? (
              <section className="mb-4" aria-labelledby="problemi">
                <h2 id="problemi" className="h5">
                  Controlli per l’invio: {plan.problems.length} {plan.problems.length === 1 ? 'problema impedisce' : 'problemi impediscono'} l’invio del piano
                </h2>
                <ol className="plan-problems diff-col" tabIndex={0} aria-label="Problemi da correggere prima dell’invio">
                  {plan.problems.map((p, i) => (
                    <li key={`${p.code}-${p.nodeCode}-${p.year ?? ''}-${i}`}>
                      <a
                        href={`#nodo-${p.nodeCode}`}
                        onClick={(e) => {
                          e.preventDefault();
                          if (index.kind.has(p.nodeCode)) goTo(p.nodeCode);
                        }}
                      >
                        {KIND_LABEL[p.nodeKind] ?? p.nodeKind} {p.nodeCode === '*' ? '' : p.nodeCode}
                      </a>
                      : {problemIt(p)}
                    </li>
                  ))}
                </ol>
              </section>
            ) : plan.counts.indicators ? (
              <p className="alert alert-success">Controlli per l’invio superati: nessun problema.</p>
            ) : null}

            <h2 className="h5">Albero della performance</h2>
            <form className="row g-2 align-items-end mb-2" role="search" aria-label="Filtra l’albero" onSubmit={(e) => e.preventDefault()}>
              <div className="col-md-3">
                <SelectField label="Area di responsabilità" value={filter.area} onChange={(area) => setFilter((f) => ({ ...f, area }))} options={[{ value: '', label: 'Tutte le aree' }, ...index.areas.map((a) => ({ value: a, label: a }))]} />
              </div>
              <div className="col-md-3">
                <SelectField label="Ufficio" value={filter.office} onChange={(office) => setFilter((f) => ({ ...f, office }))} options={[{ value: '', label: 'Tutti gli uffici' }, ...index.offices.map((o) => ({ value: o, label: o }))]} />
              </div>
              <div className="col-md-4">
                <TextField label="Cerca per codice o titolo" type="search" value={filter.text} onChange={(text) => setFilter((f) => ({ ...f, text }))} />
              </div>
              <div className="col-md-2 d-flex gap-1 flex-wrap mb-3">
                <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => setExpanded(new Set(index.kind.keys()))}>
                  Espandi tutto
                </button>
                <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => setExpanded(new Set())}>
                  Comprimi tutto
                </button>
              </div>
            </form>
            <p role="status" aria-live="polite" className="small">
              {visible.codes ? `Filtro attivo: ${[...visible.codes].filter((c) => index.kind.get(c) === 'indicator').length} indicatori mostrati.` : ''}
            </p>
            {canEdit ? (
              <p>
                <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => setEditing({ mode: 'add', kind: 'ambito', parentCode: null })}>
                  Aggiungi ambito strategico
                </button>
              </p>
            ) : null}
            <PlanTree plan={plan} index={index} visible={visible} expanded={expanded} toggle={toggle} editing={editing} setEditing={setEditing} canEdit={canEdit} canMeasure={canMeasure} card={card} setCard={setCard} onChanged={reload} />
          </>
        ) : null}
        {tab === 'grafici' ? (
          <Suspense fallback={<Loading label="Caricamento dei grafici…" />}>
            <PlanCharts plan={plan} index={index} />
          </Suspense>
        ) : null}
        {tab === 'variazione' ? <VariationView plan={plan} /> : null}
        {tab === 'file' ? <PlanFiles plan={plan} canImport={canEdit} onChanged={reload} /> : null}
      </div>
    </div>
  );
}
