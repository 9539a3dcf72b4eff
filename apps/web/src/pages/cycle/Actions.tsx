/**
 * The actions the user may take now, as buttons with the definition's Italian titles; each opens a
 * form generated from the transition's fields. Actions held back by a rule are shown disabled with
 * the reason. Refusals are shown beside the field they concern.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, post } from '../../api';
import { formatBytes } from '../../labels';
import type { Attachment, CycleView, DefinitionView, FieldInput } from '../cycle-data';
import { enumLabel, fieldHint, fieldLabel } from '../cycle-labels';

interface ActionSpec {
  command: string;
  title: string;
  kind: string;
  inputs: FieldInput[];
  danger?: boolean;
}

const CANCEL: ActionSpec = {
  command: 'cancel',
  title: 'Annulla il ciclo',
  kind: 'cancel',
  danger: true,
  inputs: [{ name: 'reason', type: 'text', required: true, maxLength: 4000 }],
};

/** Domain refusals that concern one field of the form. */
const CODE_FIELD: Record<string, string> = {
  DELIBERATION_DATE_IN_FUTURE: 'date',
  DELIBERATION_DATE_BEFORE_SUBMISSION: 'date',
  DATE_IN_FUTURE: 'date',
  DUPLICATE_DELIBERATION_NUMBER: 'number',
};

type Values = Record<string, string | boolean>;

function toBody(inputs: FieldInput[], values: Values): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of inputs) {
    const v = values[f.name];
    if (f.type === 'boolean') {
      body[f.name] = !!v;
      continue;
    }
    const s = typeof v === 'string' ? v.trim() : '';
    if (!s) continue;
    if (f.type === 'integer' || f.type === 'number') body[f.name] = Number(s.replace(',', '.'));
    else if (f.type === 'datetime') body[f.name] = new Date(s).toISOString();
    else body[f.name] = typeof v === 'string' && (f.type === 'text' || f.type === 'string') ? v : s;
  }
  return body;
}

/** The form's own checks, in Italian, before anything is sent (the API checks again). */
function checkClient(inputs: FieldInput[], values: Values): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of inputs) {
    if (f.type === 'boolean') continue;
    const v = values[f.name];
    const s = typeof v === 'string' ? v.trim() : '';
    if (!s) {
      if (f.required) out[f.name] = `Campo obbligatorio: indicare ${fieldLabel(f).toLowerCase()}`;
      continue;
    }
    if (f.maxLength && s.length > f.maxLength) out[f.name] = `Testo troppo lungo: al massimo ${f.maxLength} caratteri (ora ${s.length})`;
    if ((f.type === 'integer' && !/^-?\d+$/.test(s)) || (f.type === 'number' && Number.isNaN(Number(s.replace(',', '.'))))) out[f.name] = 'Indicare un numero';
    if (f.type === 'url' && !/^https?:\/\/\S+$/i.test(s)) out[f.name] = 'Indicare un indirizzo web che inizi con http:// o https://';
    if (f.type === 'sha256' && !/^[0-9a-f]{64}$/i.test(s)) out[f.name] = "Scegliere l'atto tra i documenti allegati";
  }
  return out;
}

function Field({ f, kind, id, value, error, attachments, onChange }: {
  f: FieldInput;
  kind: string;
  id: string;
  value: string | boolean | undefined;
  error?: string;
  attachments: Attachment[];
  onChange(v: string | boolean): void;
}) {
  const label = fieldLabel(f, kind);
  const hint = fieldHint(f);
  const describedBy = [error ? `${id}-errore` : '', hint ? `${id}-aiuto` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: f.name,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': f.required || undefined,
  } as const;
  const cls = `${error ? ' is-invalid' : ''}`;
  const str = typeof value === 'string' ? value : '';
  let control: React.ReactNode;
  if (f.type === 'boolean') {
    return (
      <div className="form-check mb-3">
        <input {...common} type="checkbox" className="form-check-input" checked={!!value} onChange={(e) => onChange(e.target.checked)} />
        <label className="form-check-label" htmlFor={id}>
          {label}
        </label>
      </div>
    );
  } else if (f.type === 'text') {
    control = <textarea {...common} className={`form-control${cls}`} rows={4} value={str} onChange={(e) => onChange(e.target.value)} />;
  } else if (f.type === 'enum') {
    control = (
      <select {...common} className={`form-select${cls}`} value={str} onChange={(e) => onChange(e.target.value)}>
        <option value="">Scegliere…</option>
        {(f.values ?? []).map((v) => (
          <option key={v} value={v}>
            {enumLabel(v)}
          </option>
        ))}
      </select>
    );
  } else if (f.type === 'sha256') {
    control = (
      <select {...common} className={`form-select${cls}`} value={str} onChange={(e) => onChange(e.target.value)}>
        <option value="">{attachments.length ? 'Scegliere un documento allegato…' : 'Nessun documento allegato: caricarlo nella sezione Documenti'}</option>
        {attachments.map((a) => (
          <option key={a.documentId} value={a.sha256}>
            {a.name} ({formatBytes(a.size)}) — SHA-256 {a.sha256.slice(0, 12)}…
          </option>
        ))}
      </select>
    );
  } else {
    const type = f.type === 'date' ? 'date' : f.type === 'datetime' ? 'datetime-local' : f.type === 'url' ? 'url' : f.type === 'integer' || f.type === 'number' ? 'text' : 'text';
    control = (
      <input
        {...common}
        type={type}
        inputMode={f.type === 'integer' ? 'numeric' : f.type === 'number' ? 'decimal' : undefined}
        className={`form-control${cls}`}
        value={str}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return (
    <div className="mb-3 action-field">
      <label htmlFor={id} className="form-label fw-semibold">
        {label}
        {f.required ? <span aria-hidden="true"> *</span> : <span className="fw-normal"> (facoltativo)</span>}
      </label>
      {control}
      {hint ? (
        <div id={`${id}-aiuto`} className="form-text">
          {hint}
        </div>
      ) : null}
      {f.maxLength && (f.type === 'text' || f.type === 'string') ? <div className="form-text">Al massimo {f.maxLength} caratteri.</div> : null}
      {error ? (
        <div id={`${id}-errore`} className="invalid-feedback d-block" role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

function ActionForm({ cycleId, spec, attachments, onCancel, onDone }: {
  cycleId: string;
  spec: ActionSpec;
  attachments: Attachment[];
  onCancel(): void;
  onDone(message: string): void;
}) {
  const [values, setValues] = useState<Values>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string>();
  /** Problems that concern no field of the form (e.g. the plan's, for a submission). */
  const [others, setOthers] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => heading.current?.focus(), [spec.command]);

  const focusFirstError = () => setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const own = checkClient(spec.inputs, values);
    setGeneral(undefined);
    setErrors(own);
    if (Object.keys(own).length) return focusFirstError();
    setBusy(true);
    try {
      await post(`/cycles/${cycleId}/commands/${encodeURIComponent(spec.command)}`, toBody(spec.inputs, values));
      onDone(`Fatto: ${spec.title}`);
    } catch (err) {
      setBusy(false);
      if (!(err instanceof ApiError)) {
        setGeneral('Si è verificato un errore imprevisto');
        return;
      }
      const byField: Record<string, string> = {};
      const names = new Set(spec.inputs.map((f) => f.name));
      for (const p of err.fields) {
        const name = p.field.replace(/^body\./, '');
        if (names.has(name)) byField[name] = p.problemIt ? `${fieldLabel(spec.inputs.find((f) => f.name === name) as FieldInput, spec.kind)}: ${p.problemIt}` : err.messageIt;
      }
      const mapped = CODE_FIELD[err.code];
      if (mapped && names.has(mapped)) byField[mapped] = err.messageIt;
      setErrors(byField);
      setOthers(err.fields.filter((p) => !names.has(p.field.replace(/^body\./, ''))).map((p) => `${p.field}: ${p.problemIt ?? p.problem}`));
      if (Object.keys(byField).length === 0) setGeneral(err.messageIt);
      else focusFirstError();
    }
  }

  return (
    <form ref={formRef} onSubmit={submit} noValidate className={`action-form card card-bg p-3 mb-3${spec.danger ? ' border-danger' : ''}`} aria-labelledby={`azione-${spec.command}-titolo`}>
      <h3 id={`azione-${spec.command}-titolo`} ref={heading} tabIndex={-1} className="h5">
        {spec.title}
      </h3>
      {spec.inputs.length === 0 ? <p>Confermi l'azione? Non sono richiesti altri dati.</p> : <p className="small">I campi con * sono obbligatori.</p>}
      {general ? (
        <div className="alert alert-danger" role="alert">
          {general}
          {others.length ? (
            <ul className="mb-0 mt-2">
              {others.slice(0, 50).map((o) => (
                <li key={o}>{o}</li>
              ))}
              {others.length > 50 ? <li>… e altri {others.length - 50}</li> : null}
            </ul>
          ) : null}
        </div>
      ) : null}
      {spec.inputs.map((f) => (
        <Field
          key={f.name}
          f={f}
          kind={spec.kind}
          id={`azione-${spec.command}-${f.name}`}
          value={values[f.name]}
          error={errors[f.name]}
          attachments={attachments}
          onChange={(v) => setValues((prev) => ({ ...prev, [f.name]: v }))}
        />
      ))}
      <div className="d-flex gap-2">
        <button type="submit" className={`btn ${spec.danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
          Conferma: {spec.title}
        </button>
        <button type="button" className="btn btn-outline-secondary" onClick={onCancel}>
          Chiudi senza fare nulla
        </button>
      </div>
    </form>
  );
}

export function Actions({ view, def, initial, onDone }: { view: CycleView; def: DefinitionView; initial?: string | null; onDone(message: string): void }) {
  const specs: ActionSpec[] = def.transitions
    .filter((t) => view.availableCommands.includes(t.command))
    .map((t) => ({ command: t.command, title: t.title, kind: t.kind, inputs: t.inputs }));
  if (view.availableCommands.includes('cancel')) specs.push(CANCEL);
  const [open, setOpen] = useState<string | undefined>(initial && specs.some((s) => s.command === initial) ? initial : undefined);
  const current = specs.find((s) => s.command === open);
  const blocked = view.blockedCommands.map((b) => ({ ...b, title: def.transitions.find((t) => t.command === b.command)?.title ?? b.command }));

  if (specs.length === 0 && blocked.length === 0) {
    return <p>{view.status === 'open' ? 'Nessuna azione disponibile per i tuoi ruoli in questa fase.' : 'Il ciclo è concluso: non ci sono azioni da compiere.'}</p>;
  }
  return (
    <>
      <div className="d-flex flex-wrap gap-2 mb-3" role="group" aria-label="Azioni disponibili">
        {specs.map((s) => (
          <button
            key={s.command}
            type="button"
            className={`btn ${s.danger ? 'btn-outline-danger' : open === s.command ? 'btn-primary' : 'btn-outline-primary'}`}
            aria-expanded={open === s.command}
            aria-controls={open === s.command ? `azione-${s.command}-form` : undefined}
            onClick={() => setOpen(open === s.command ? undefined : s.command)}
          >
            {s.title}
          </button>
        ))}
        {blocked.map((b) => (
          <span key={b.command} className="d-inline-flex flex-column">
            <button type="button" className="btn btn-outline-secondary" disabled aria-describedby={`bloccata-${b.command}`}>
              {b.title}
            </button>
          </span>
        ))}
      </div>
      {blocked.length ? (
        <ul className="list-unstyled small mb-3">
          {blocked.map((b) => (
            <li key={b.command} id={`bloccata-${b.command}`}>
              <strong>{b.title}</strong> non è ancora possibile: {b.messageIt}.
            </li>
          ))}
        </ul>
      ) : null}
      {current ? (
        <div id={`azione-${current.command}-form`}>
          <ActionForm
            key={current.command}
            cycleId={view.id}
            spec={current}
            attachments={view.attachments}
            onCancel={() => setOpen(undefined)}
            onDone={(m) => {
              setOpen(undefined);
              onDone(m);
            }}
          />
        </div>
      ) : null}
    </>
  );
}
