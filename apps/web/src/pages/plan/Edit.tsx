/** Editing the tree in the editable stages: add, update, move, remove nodes; targets; weights. */
import { useState } from 'react';
import { FormBox, numberText, parseItNumber, parseValue, SelectField, TextField, useCommand, valueText, ValueInput } from './forms';
import { KIND_LABEL, OPERATOR_LABEL, operatorsFor, TYPE_LABEL, UNIT_LABEL, formatNumber } from './labels';
import type { TreeIndex } from './tree-model';
import type { AnyNodeView, IndicatorView, OperationalObjectiveView, PlanResponse } from './types';

export type Editor =
  | { mode: 'add'; kind: string; parentCode: string | null }
  | { mode: 'update' | 'move' | 'remove' | 'targets' | 'weights'; code: string };

const CHILD_KIND: Record<string, string> = { ambito: 'strategic_objective', strategic_objective: 'operational_objective', operational_objective: 'indicator' };
export const childKindOf = (kind: string): string | undefined => CHILD_KIND[kind];
const PARENT_FIELD: Record<string, string> = { strategic_objective: 'ambitoCode', operational_objective: 'strategicObjectiveCode', indicator: 'objectiveCode' };
const PARENT_KIND: Record<string, string> = { strategic_objective: 'ambito', operational_objective: 'strategic_objective', indicator: 'operational_objective' };

interface EditorProps {
  plan: PlanResponse;
  index: TreeIndex;
  node?: AnyNodeView;
  onDone(): void;
  onCancel(): void;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const orNull = (s: string) => (s.trim() ? s.trim() : null);

/** Add a node under a parent, or update one: the fields of its kind. */
export function NodeForm({ plan, editor, node, onDone, onCancel }: EditorProps & { editor: Editor }) {
  const adding = editor.mode === 'add';
  const kind = adding ? editor.kind : (node?.kind as string);
  const n = (node ?? {}) as Record<string, unknown>;
  const { busy, error, run } = useCommand(plan.cycleId);
  const [code, setCode] = useState(adding ? '' : str(n.code));
  const [title, setTitle] = useState(str(kind === 'indicator' ? n.name : n.title));
  const [description, setDescription] = useState(str(n.description));
  const [weight, setWeight] = useState(numberText(n.weight as number | null | undefined));
  // Operational objective
  const [area, setArea] = useState(str(n.area));
  const [office, setOffice] = useState(str(n.office));
  const res = n.resources as { kind: string; amount?: number } | null | undefined;
  const [resKind, setResKind] = useState(res ? res.kind : 'none');
  const [amount, setAmount] = useState(numberText(res?.amount));
  const [section, setSection] = useState(str(n.section) || 'performance');
  // Indicator
  const [algorithm, setAlgorithm] = useState(str(n.algorithm));
  const [type, setType] = useState(str(n.type) || 'volume');
  const [unit, setUnit] = useState(str(n.unit) || 'n');
  const base = n.baseline as { value?: unknown; nd?: boolean; year?: number } | undefined;
  const [baseline, setBaseline] = useState(base && !base.nd ? valueText(base.value) : '');
  const [dataSource, setDataSource] = useState(str(n.dataSource));
  const [targets, setTargets] = useState(plan.planYears.map((year) => ({ year, operator: operatorsFor('n')[0], value: '' })));

  function submit() {
    const fields: Record<string, unknown> = {};
    if (kind === 'indicator') {
      fields.name = title.trim();
      fields.description = orNull(description);
      fields.algorithm = orNull(algorithm);
      fields.type = type;
      fields.unit = unit;
      fields.baseline = baseline.trim() ? { value: parseValue(baseline.trim(), unit), ...(base?.year ? { year: base.year } : {}) } : { nd: true, ...(base?.year ? { year: base.year } : {}) };
      fields.dataSource = orNull(dataSource);
      fields.weight = parseItNumber(weight);
    } else {
      fields.title = title.trim();
      fields.description = orNull(description);
      const w = parseItNumber(weight);
      if (w !== null || !adding) fields.weight = w;
    }
    if (kind === 'operational_objective') {
      fields.area = orNull(area);
      fields.office = orNull(office);
      fields.resources = resKind === 'euro' ? { kind: 'euro', amount: parseItNumber(amount) } : resKind === 'risorse_interne' ? { kind: 'risorse_interne' } : null;
      fields.section = section;
    }
    if (adding) {
      const body: Record<string, unknown> = { kind, code: code.trim(), ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)) };
      if (editor.mode === 'add' && editor.parentCode) body[PARENT_FIELD[kind]] = editor.parentCode;
      if (kind === 'operational_objective') body.resources = fields.resources;
      if (kind === 'indicator') {
        body.weight = fields.weight;
        body.targets = targets.filter((t) => t.value.trim() || t.operator === 'si_no').map((t) => ({ year: t.year, operator: t.operator, value: parseValue(t.value.trim(), unit) }));
      }
      void run('add_node', body).then((ok) => ok && onDone());
    } else {
      void run('update_node', { code: node?.code, changes: fields }).then((ok) => ok && onDone());
    }
  }

  const label = KIND_LABEL[kind] ?? kind;
  return (
    <FormBox title={adding ? `Nuovo: ${label.toLowerCase()}${editor.mode === 'add' && editor.parentCode ? ` in ${editor.parentCode}` : ''}` : `Modifica ${label.toLowerCase()} ${node?.code}`} onSubmit={submit} busy={busy} submitLabel={adding ? 'Aggiungi' : 'Salva le modifiche'} onCancel={onCancel} error={error}>
      <div className="row">
        {adding ? (
          <div className="col-md-3">
            <TextField label="Codice" value={code} onChange={setCode} required hint="Lettere, cifre e _ . - (es. 01_01_03)" />
          </div>
        ) : null}
        <div className={adding ? 'col-md-9' : 'col-12'}>
          <TextField label={kind === 'indicator' ? 'Nome' : 'Titolo'} value={title} onChange={setTitle} required />
        </div>
      </div>
      <TextField label="Descrizione" value={description} onChange={setDescription} multiline />
      {kind === 'operational_objective' ? (
        <div className="row">
          <div className="col-md-4">
            <TextField label="Area di responsabilità" value={area} onChange={setArea} />
          </div>
          <div className="col-md-4">
            <TextField label="Ufficio" value={office} onChange={setOffice} />
          </div>
          <div className="col-md-4">
            <SelectField
              label="Sezione del PIAO"
              value={section}
              onChange={setSection}
              options={[
                { value: 'performance', label: '2.2 Performance' },
                { value: 'rischi_corruttivi', label: '2.3 Rischi corruttivi e trasparenza' },
              ]}
            />
          </div>
          <div className="col-md-4">
            <SelectField
              label="Risorse"
              value={resKind}
              onChange={setResKind}
              options={[
                { value: 'none', label: 'Non indicate' },
                { value: 'risorse_interne', label: 'Risorse interne' },
                { value: 'euro', label: 'Importo in euro' },
              ]}
            />
          </div>
          {resKind === 'euro' ? (
            <div className="col-md-4">
              <TextField label="Importo (€)" value={amount} onChange={setAmount} inputMode="decimal" />
            </div>
          ) : null}
        </div>
      ) : null}
      {kind === 'indicator' ? (
        <>
          <TextField label="Algoritmo di calcolo" value={algorithm} onChange={setAlgorithm} />
          <div className="row">
            <div className="col-md-4">
              <SelectField label="Tipologia" value={type} onChange={setType} options={Object.entries(TYPE_LABEL).map(([value, l]) => ({ value, label: l }))} />
            </div>
            <div className="col-md-4">
              <SelectField
                label="Unità di misura"
                value={unit}
                onChange={(u) => {
                  setUnit(u);
                  setTargets((ts) => ts.map((t) => ({ ...t, operator: operatorsFor(u)[0] })));
                }}
                options={Object.entries(UNIT_LABEL).map(([value, l]) => ({ value, label: l }))}
              />
            </div>
            <div className="col-md-4">
              <ValueInput unit={unit} label="Valore di partenza (vuoto: n.d.)" value={baseline} onChange={setBaseline} />
            </div>
            <div className="col-md-8">
              <TextField label="Fonte dei dati" value={dataSource} onChange={setDataSource} />
            </div>
          </div>
          {adding ? <TargetRows unit={unit} rows={targets} setRows={setTargets} /> : null}
        </>
      ) : null}
      <div className="row">
        <div className="col-md-4">
          <TextField label={kind === 'indicator' ? 'Peso nell’obiettivo (%, vuoto: n.d.)' : 'Peso (facoltativo)'} value={weight} onChange={setWeight} inputMode="decimal" />
        </div>
      </div>
    </FormBox>
  );
}

type TargetRow = { year: number; operator: string; value: string };

function TargetRows({ unit, rows, setRows }: { unit: string; rows: TargetRow[]; setRows(f: (r: TargetRow[]) => TargetRow[]): void }) {
  return (
    <fieldset className="mb-2">
      <legend className="h6">Target per anno</legend>
      <div className="row">
        {rows.map((t, i) => (
          <div className="col-md-4" key={t.year}>
            <SelectField
              label={`Operatore ${t.year}`}
              value={t.operator}
              onChange={(op) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, operator: op } : r)))}
              options={operatorsFor(unit).map((o) => ({ value: o, label: OPERATOR_LABEL[o] ?? o }))}
            />
            <ValueInput unit={unit} label={`Target ${t.year}`} value={t.value} onChange={(v) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, value: v } : r)))} />
          </div>
        ))}
      </div>
    </fieldset>
  );
}

/** The targets of an indicator, one per plan year (`set_targets`; an empty year is removed). */
export function TargetsForm({ plan, node, onDone, onCancel }: EditorProps) {
  const ind = node as IndicatorView;
  const { busy, error, run } = useCommand(plan.cycleId);
  const [rows, setRows] = useState<TargetRow[]>(
    plan.planYears.map((year) => {
      const t = ind.targets.find((x) => x.year === year);
      return { year, operator: t?.operator ?? operatorsFor(ind.unit)[0], value: t ? valueText(t.value) : '' };
    }),
  );
  function submit() {
    const set = rows.filter((r) => r.value.trim() !== '');
    const clear = rows.filter((r) => r.value.trim() === '' && ind.targets.some((t) => t.year === r.year)).map((r) => r.year);
    void run('set_targets', { indicatorCode: ind.code, targets: set.map((r) => ({ year: r.year, operator: r.operator, value: parseValue(r.value.trim(), ind.unit) })), ...(clear.length ? { clearYears: clear } : {}) }).then((ok) => ok && onDone());
  }
  return (
    <FormBox title={`Target di ${ind.code}`} onSubmit={submit} busy={busy} submitLabel="Salva i target" onCancel={onCancel} error={error}>
      <TargetRows unit={ind.unit} rows={rows} setRows={setRows} />
    </FormBox>
  );
}

/** The weights of an objective's indicators (`set_weights`), with their running sum. */
export function WeightsForm({ plan, node, onDone, onCancel }: EditorProps) {
  const oo = node as OperationalObjectiveView;
  const { busy, error, run } = useCommand(plan.cycleId);
  const [weights, setWeights] = useState<Record<string, string>>(Object.fromEntries(oo.indicators.map((i) => [i.code, numberText(i.weight)])));
  const sum = Object.values(weights).reduce((s, w) => s + (parseItNumber(w) ?? 0), 0);
  function submit() {
    void run('set_weights', { objectiveCode: oo.code, weights: Object.fromEntries(Object.entries(weights).map(([c, w]) => [c, parseItNumber(w)])) }).then((ok) => ok && onDone());
  }
  return (
    <FormBox title={`Pesi degli indicatori di ${oo.code}`} onSubmit={submit} busy={busy} submitLabel="Salva i pesi" onCancel={onCancel} error={error}>
      <div className="row">
        {oo.indicators.map((i) => (
          <div className="col-md-4" key={i.code}>
            <TextField label={`Peso ${i.code} (%)`} value={weights[i.code] ?? ''} onChange={(v) => setWeights((w) => ({ ...w, [i.code]: v }))} inputMode="decimal" hint={i.name.length > 60 ? `${i.name.slice(0, 60)}…` : i.name} />
          </div>
        ))}
      </div>
      <p aria-live="polite">
        Somma dei pesi: <strong>{formatNumber(Math.round(sum * 100) / 100)}%</strong> {Math.abs(sum - 100) <= 0.1 ? '(corretta)' : '(deve essere 100%)'}
      </p>
    </FormBox>
  );
}

/** Move a node under another parent of the right kind (`move_node`). */
export function MoveForm({ plan, index, node, onDone, onCancel }: EditorProps) {
  const n = node as AnyNodeView;
  const parentKind = PARENT_KIND[n.kind];
  const current = index.parent.get(n.code) ?? '';
  const options = [...index.kind.entries()].filter(([, k]) => k === parentKind).map(([c]) => c);
  const [parent, setParent] = useState(current);
  const { busy, error, run } = useCommand(plan.cycleId);
  return (
    <FormBox title={`Sposta ${n.code}`} onSubmit={() => void run('move_node', { code: n.code, parentCode: parent }).then((ok) => ok && onDone())} busy={busy} submitLabel="Sposta" onCancel={onCancel} error={error}>
      <SelectField label={`Nuovo elemento superiore (${(KIND_LABEL[parentKind] ?? '').toLowerCase()})`} value={parent} onChange={setParent} options={options.map((c) => ({ value: c, label: c === current ? `${c} (attuale)` : c }))} />
    </FormBox>
  );
}

/** Remove a node; with nodes below it, only with the cascade confirmed (`remove_node`). */
export function RemoveForm({ plan, node, onDone, onCancel }: EditorProps) {
  const n = node as AnyNodeView;
  const below = 'strategicObjectives' in n ? n.strategicObjectives.length : 'operationalObjectives' in n ? n.operationalObjectives.length : 'indicators' in n ? n.indicators.length : 0;
  const [cascade, setCascade] = useState(false);
  const { busy, error, run } = useCommand(plan.cycleId);
  return (
    <FormBox title={`Rimuovi ${n.code}`} onSubmit={() => void run('remove_node', { code: n.code, ...(cascade ? { cascade: true } : {}) }).then((ok) => ok && onDone())} busy={busy} submitLabel="Rimuovi" onCancel={onCancel} error={error}>
      <p>
        {KIND_LABEL[n.kind]} {n.code} sarà rimosso dal piano.{below ? ` Ha ${below} ${below === 1 ? 'elemento subordinato' : 'elementi subordinati'}.` : ''}
      </p>
      {below ? (
        <div className="form-check">
          <input id={`cascade-${n.code}`} className="form-check-input" type="checkbox" checked={cascade} onChange={(e) => setCascade(e.target.checked)} />
          <label className="form-check-label" htmlFor={`cascade-${n.code}`}>
            Rimuovi anche gli elementi subordinati
          </label>
        </div>
      ) : null}
    </FormBox>
  );
}
