/** The performance tree: ambiti → obiettivi strategici → obiettivi operativi → indicatori, collapsible, with achievement. */
import { createContext, useContext, useState, type ReactNode } from 'react';
import { childKindOf, MoveForm, NodeForm, RemoveForm, TargetsForm, WeightsForm, type Editor } from './Edit';
import { IndicatorCard } from './IndicatorCard';
import { formatNumber, formatTarget, formatValue, KIND_LABEL } from './labels';
import type { TreeIndex, Visible } from './tree-model';
import type { AmbitoView, AnyNodeView, IndicatorView, OperationalObjectiveView, PlanResponse, StrategicObjectiveView } from './types';
import { AchievementBar, VarianceFlag } from './widgets';

export interface TreeState {
  plan: PlanResponse;
  index: TreeIndex;
  visible: Visible;
  expanded: Set<string>;
  toggle(code: string): void;
  editing: Editor | null;
  setEditing(e: Editor | null): void;
  canEdit: boolean;
  canMeasure: boolean;
  card: string | null;
  setCard(code: string | null): void;
  onChanged(): void;
}

const Ctx = createContext<TreeState | null>(null);
const useTree = () => useContext(Ctx) as TreeState;

const shown = (t: TreeState, code: string) => !t.visible.codes || t.visible.codes.has(code);
const isOpen = (t: TreeState, code: string) => t.expanded.has(code) || t.visible.open.has(code);

export function PlanTree(props: TreeState) {
  const ambiti = props.plan.achievement.ambiti.filter((a) => shown(props, a.code));
  return (
    <Ctx.Provider value={props}>
      {props.editing?.mode === 'add' && props.editing.parentCode === null ? <EditorFor editor={props.editing} /> : null}
      {ambiti.length === 0 ? <p>Nessun elemento corrisponde ai filtri.</p> : null}
      <ul className="plan-tree" aria-label="Albero della performance">
        {ambiti.map((a) => (
          <Ambito key={a.code} a={a} />
        ))}
      </ul>
    </Ctx.Provider>
  );
}

/** The form open on this node, if any. */
function EditorFor({ editor, node }: { editor: Editor; node?: AnyNodeView }) {
  const t = useTree();
  const done = () => {
    t.setEditing(null);
    t.onChanged();
  };
  const cancel = () => t.setEditing(null);
  const p = { plan: t.plan, index: t.index, node, onDone: done, onCancel: cancel };
  switch (editor.mode) {
    case 'add':
    case 'update':
      return <NodeForm {...p} editor={editor} />;
    case 'move':
      return <MoveForm {...p} />;
    case 'remove':
      return <RemoveForm {...p} />;
    case 'targets':
      return <TargetsForm {...p} />;
    case 'weights':
      return <WeightsForm {...p} />;
  }
}

/** The node's edit actions, behind one toggle per row (hundreds of rows stay light). */
function Actions({ node }: { node: AnyNodeView }) {
  const t = useTree();
  const [open, setOpen] = useState(false);
  if (!t.canEdit) return null;
  const child = childKindOf(node.kind);
  const btn = (label: string, editor: Editor) => (
    <button
      type="button"
      className="btn btn-outline-primary"
      onClick={() => {
        setOpen(false);
        t.setEditing(editor);
      }}
    >
      {label}
    </button>
  );
  return (
    <span className="plan-actions" role="group" aria-label={`Modifiche a ${node.code}`}>
      <button type="button" className="btn btn-outline-secondary" aria-expanded={open} onClick={() => setOpen(!open)}>
        Modifica<span className="visually-hidden"> {node.code}</span>…
      </button>
      {open ? (
        <>
          {btn('Campi', { mode: 'update', code: node.code })}
          {node.kind === 'indicator' ? btn('Target', { mode: 'targets', code: node.code }) : null}
          {node.kind === 'operational_objective' ? btn('Pesi', { mode: 'weights', code: node.code }) : null}
          {child ? btn(`Aggiungi ${KIND_LABEL[child].toLowerCase()}`, { mode: 'add', kind: child, parentCode: node.code }) : null}
          {node.kind !== 'ambito' ? btn('Sposta', { mode: 'move', code: node.code }) : null}
          {btn('Rimuovi', { mode: 'remove', code: node.code })}
        </>
      ) : null}
    </span>
  );
}

/** A node's row: the toggle (code and title), details, achievement, actions; its form and children below. */
function Node({ node, title, meta, childCount, children, extra }: { node: AnyNodeView; title: string; meta?: ReactNode; childCount: number; children?: ReactNode; extra?: ReactNode }) {
  const t = useTree();
  const indicator = node.kind === 'indicator';
  const open = indicator ? t.card === node.code : isOpen(t, node.code);
  const toggle = () => (indicator ? t.setCard(open ? null : node.code) : t.toggle(node.code));
  const editing = t.editing && ((t.editing.mode === 'add' && t.editing.parentCode === node.code) || (t.editing.mode !== 'add' && t.editing.code === node.code)) ? t.editing : null;
  return (
    <li className="plan-node" id={`nodo-${node.code}`} tabIndex={-1} data-kind={node.kind}>
      <div className="plan-row">
        <button type="button" className="plan-toggle plan-title" aria-expanded={open} onClick={toggle}>
          <span aria-hidden="true">{open ? '▾' : '▸'}</span>
          <span className="plan-code">{node.code}</span>
          <span>{title}</span>
          <span className="visually-hidden">{indicator ? ' (indicatore: scheda e misure)' : ` (${KIND_LABEL[node.kind]}, ${childCount} elementi)`}</span>
        </button>
        <AchievementBar a={node.achievement} label={`Raggiungimento ${node.code}`} />
        <Actions node={node} />
      </div>
      {meta ? <div className="plan-meta">{meta}</div> : null}
      {extra}
      {editing ? <EditorFor editor={editing} node={editing.mode === 'add' ? undefined : node} /> : null}
      {open && children ? <ul>{children}</ul> : null}
    </li>
  );
}

function Ambito({ a }: { a: AmbitoView }) {
  const t = useTree();
  const sos = a.strategicObjectives.filter((so) => shown(t, so.code));
  return (
    <Node node={a} title={a.title} childCount={a.strategicObjectives.length}>
      {sos.map((so) => (
        <Strategic key={so.code} so={so} />
      ))}
    </Node>
  );
}

function Strategic({ so }: { so: StrategicObjectiveView }) {
  const t = useTree();
  const oos = so.operationalObjectives.filter((oo) => shown(t, oo.code));
  return (
    <Node node={so} title={so.title} childCount={so.operationalObjectives.length} meta={so.weight !== undefined ? `Peso ${formatNumber(so.weight)}` : undefined}>
      {oos.map((oo) => (
        <Operational key={oo.code} oo={oo} />
      ))}
    </Node>
  );
}

function resourcesText(r: OperationalObjectiveView['resources']): string {
  if (!r) return 'non indicate';
  if (r.kind === 'euro') return `${formatNumber(r.amount)} €`;
  return 'risorse interne';
}

function Operational({ oo }: { oo: OperationalObjectiveView }) {
  const t = useTree();
  const inds = oo.indicators.filter((i) => shown(t, i.code));
  const weights = oo.indicators.reduce((s, i) => s + (i.weight ?? 0), 0);
  const meta = (
    <>
      Area: {oo.area ?? '—'} · Ufficio: {oo.office ?? '—'} · Risorse: {resourcesText(oo.resources)} · {oo.indicators.length} indicatori (pesi {formatNumber(Math.round(weights * 10) / 10)}%)
      {oo.section === 'rischi_corruttivi' ? ' · Sezione 2.3 rischi corruttivi' : ''}
    </>
  );
  return (
    <Node node={oo} title={oo.title} meta={meta} childCount={oo.indicators.length}>
      {inds.map((i) => (
        <Indicator key={i.code} i={i} />
      ))}
    </Node>
  );
}

function Indicator({ i }: { i: IndicatorView }) {
  const t = useTree();
  const year = t.plan.achievement.year;
  const target = i.targets.find((x) => x.year === year);
  const cardOpen = t.card === i.code;
  const weight = i.weight === null ? 'n.d.' : `${formatNumber(i.weight)}%`;
  const meta = (
    <>
      Target {year}: {formatTarget(target, i.unit)} · Rilevato: {i.achievement.actual !== undefined ? formatValue(i.achievement.actual, i.unit) : '—'} · Peso {weight} <VarianceFlag v={i.variance} unit={i.unit} />
    </>
  );
  return (
    <Node node={i} title={i.name} meta={meta} childCount={0} extra={cardOpen ? <IndicatorCard plan={t.plan} ind={i} canMeasure={t.canMeasure} onChanged={t.onChanged} /> : null} />
  );
}
