/** Add or change a prevention measure: kind and category, risks treated, owner, phases with deadlines, indicator and target. */
import { useId, useState } from 'react';
import { EditorForm, Field, FieldError, orNull, useRegisterCommand } from './form';
import type { EditorProps } from './ItemForms';
import { CATEGORY_LABEL, KIND_LABEL, type Measure } from './labels';

type Phase = { title: string; deadline: string };

const FIELDS = [
  'code',
  'measureKind',
  'category',
  'title',
  'description',
  'riskCodes',
  'owner',
  'owner.office',
  'owner.dirigente',
  'phases',
  'indicator',
  'target',
  'note',
];

export function MeasureForm({ reg, measure, onDone, onCancel }: EditorProps & { measure?: Measure }) {
  const adding = !measure;
  const [phases, setPhases] = useState<Phase[]>(
    measure?.phases.length ? measure.phases.map((p) => ({ ...p })) : [{ title: '', deadline: '' }],
  );
  const phaseKeys = phases.flatMap((_, i) => [`phases[${i}]`, `phases[${i}].title`, `phases[${i}].deadline`]);
  const { busy, errors, general, run } = useRegisterCommand(reg.cycleId, [...FIELDS, ...phaseKeys]);
  const [code, setCode] = useState(measure?.code ?? '');
  const [kind, setKind] = useState<string>(measure?.measureKind ?? 'specifica');
  const [category, setCategory] = useState<string>(measure?.category ?? 'controllo');
  const [title, setTitle] = useState(measure?.title ?? '');
  const [description, setDescription] = useState(measure?.description ?? '');
  const [risks, setRisks] = useState<Set<string>>(new Set(measure?.riskCodes ?? []));
  const [office, setOffice] = useState(measure?.owner.office ?? '');
  const [dirigente, setDirigente] = useState(measure?.owner.dirigente ?? '');
  const [indicator, setIndicator] = useState(measure?.indicator ?? '');
  const [target, setTarget] = useState(measure?.target ?? '');
  const [note, setNote] = useState(measure?.note ?? '');
  const risksId = useId();

  function submit() {
    const fields = {
      measureKind: kind,
      category,
      title: title.trim(),
      description: orNull(description),
      riskCodes: [...risks],
      owner: { office: office.trim(), dirigente: dirigente.trim() },
      // A phase row left wholly empty is not a phase.
      phases: phases
        .filter((p) => p.title.trim() || p.deadline)
        .map((p) => ({ title: p.title.trim(), deadline: p.deadline })),
      indicator: indicator.trim(),
      target: target.trim(),
      note: orNull(note),
    };
    if (adding) {
      const item = { kind: 'measure', code: code.trim(), ...fields };
      void run(
        'add_register_item',
        Object.fromEntries(Object.entries(item).filter(([, v]) => v !== null)),
      ).then((ok) => ok && onDone(`Misura ${code.trim()} aggiunta`));
    } else {
      void run('update_register_item', { kind: 'measure', code: measure.code, changes: fields }).then(
        (ok) => ok && onDone(`Misura ${measure.code} modificata`),
      );
    }
  }

  const riskError = errors.riskCodes;
  const ownerError = errors.owner;
  return (
    <EditorForm
      title={adding ? 'Nuova misura di prevenzione' : `Modifica la misura ${measure.code}`}
      onSubmit={submit}
      busy={busy}
      submitLabel={adding ? 'Aggiungi la misura' : 'Salva le modifiche'}
      onCancel={onCancel}
      general={general}
      errors={errors}
    >
      <div className="row">
        {adding ? (
          <div className="col-md-3">
            <Field
              label="Codice della misura"
              value={code}
              onChange={setCode}
              error={errors.code}
              required
              hint="Es. MS1, MG-FORM"
            />
          </div>
        ) : null}
        <div className={adding ? 'col-md-9' : 'col-12'}>
          <Field
            label="Titolo della misura"
            value={title}
            onChange={setTitle}
            error={errors.title}
            required
          />
        </div>
        <div className="col-md-4">
          <Field
            label="Tipo di misura"
            value={kind}
            onChange={setKind}
            error={errors.measureKind}
            options={Object.entries(KIND_LABEL).map(([value, label]) => ({ value, label }))}
          />
        </div>
        <div className="col-md-8">
          <Field
            label="Categoria"
            value={category}
            onChange={setCategory}
            error={errors.category}
            options={Object.entries(CATEGORY_LABEL).map(([value, label]) => ({ value, label }))}
          />
        </div>
      </div>
      <Field
        label="Descrizione"
        value={description}
        onChange={setDescription}
        error={errors.description}
        as="textarea"
      />

      <fieldset className="mb-3" aria-describedby={riskError ? `${risksId}-errore` : undefined}>
        <legend className="h6">
          Eventi rischiosi trattati{kind === 'specifica' ? ' (almeno uno per una misura specifica)' : ''}
        </legend>
        {reg.processes.every((p) => !p.risks.length) ? (
          <p className="small">Il registro non ha ancora eventi rischiosi.</p>
        ) : null}
        <div className="register-risk-choices">
          {reg.processes.flatMap((p) =>
            p.risks.map((r) => (
              <div className="form-check" key={r.code}>
                <input
                  id={`${risksId}-${r.code}`}
                  className={`form-check-input${riskError ? ' is-invalid' : ''}`}
                  type="checkbox"
                  aria-invalid={riskError ? true : undefined}
                  checked={risks.has(r.code)}
                  onChange={(e) =>
                    setRisks((s) => {
                      const next = new Set(s);
                      if (e.target.checked) next.add(r.code);
                      else next.delete(r.code);
                      return next;
                    })
                  }
                />
                <label className="form-check-label" htmlFor={`${risksId}-${r.code}`}>
                  {r.code} · {r.description}
                </label>
              </div>
            )),
          )}
        </div>
        <FieldError id={`${risksId}-errore`} error={riskError} />
      </fieldset>

      <fieldset className="mb-2">
        <legend className="h6">Responsabile</legend>
        <div className="row">
          <div className="col-md-6">
            <Field
              label="Ufficio responsabile"
              value={office}
              onChange={setOffice}
              error={errors['owner.office'] ?? ownerError}
              required
            />
          </div>
          <div className="col-md-6">
            <Field
              label="Dirigente responsabile"
              value={dirigente}
              onChange={setDirigente}
              error={errors['owner.dirigente'] ?? ownerError}
              required
            />
          </div>
        </div>
      </fieldset>

      <fieldset className="mb-2">
        <legend className="h6">Fasi di attuazione e scadenze</legend>
        <FieldError id={`${risksId}-fasi-errore`} error={errors.phases} />
        {phases.map((p, i) => (
          <div className="row align-items-end" key={i}>
            <div className="col-md-7">
              <Field
                label={`Fase ${i + 1}`}
                value={p.title}
                onChange={(v) => setPhases((ps) => ps.map((x, j) => (j === i ? { ...x, title: v } : x)))}
                error={errors[`phases[${i}].title`] ?? errors[`phases[${i}]`]}
              />
            </div>
            <div className="col-md-3">
              <Field
                label={`Scadenza della fase ${i + 1}`}
                as="date"
                value={p.deadline}
                onChange={(v) => setPhases((ps) => ps.map((x, j) => (j === i ? { ...x, deadline: v } : x)))}
                error={errors[`phases[${i}].deadline`]}
              />
            </div>
            <div className="col-md-2">
              <button
                type="button"
                className="btn btn-outline-secondary btn-sm mb-3"
                onClick={() => setPhases((ps) => ps.filter((_, j) => j !== i))}
              >
                Togli la fase {i + 1}
              </button>
            </div>
          </div>
        ))}
        <button
          type="button"
          className="btn btn-outline-primary btn-sm mb-3"
          onClick={() => setPhases((ps) => [...ps, { title: '', deadline: '' }])}
        >
          Aggiungi una fase
        </button>
      </fieldset>

      <div className="row">
        <div className="col-md-8">
          <Field
            label="Indicatore di attuazione"
            value={indicator}
            onChange={setIndicator}
            error={errors.indicator}
            required
          />
        </div>
        <div className="col-md-4">
          <Field label="Target" value={target} onChange={setTarget} error={errors.target} required />
        </div>
      </div>
      <Field label="Note" value={note} onChange={setNote} error={errors.note} as="textarea" />
    </EditorForm>
  );
}
