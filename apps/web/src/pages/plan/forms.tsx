/** Form pieces shared by the plan's editors: the command call, the refusal with its fields, inputs. */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError, post } from '../../api';
import { fieldLabel, planFieldProblemIt } from './labels';

/** Runs plan commands (`POST /cycles/{id}/plan/commands/{command}`), keeping busy and the last refusal. */
export function useCommand(cycleId: string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  async function run(command: string, body: unknown, path = `/cycles/${cycleId}/plan/commands/${command}`): Promise<boolean> {
    setBusy(true);
    setError(undefined);
    try {
      await post(path, body);
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run, setError };
}

/** The refusal in Italian, each refused field named. */
export function Refusal({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  return (
    <div className="alert alert-danger" role="alert">
      <p className="mb-1">{e ? e.messageIt : 'Si è verificato un errore imprevisto'}</p>
      {e && e.fields.length ? (
        <ul className="mb-0">
          {e.fields.map((f, i) => (
            <li key={i}>
              <strong>{fieldLabel(f.field)}</strong>: {f.problemIt ?? planFieldProblemIt(f.field.replace(/^body\./, ''), f.problem)}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function TextField(props: { label: string; value: string; onChange(v: string): void; required?: boolean; multiline?: boolean; hint?: string; type?: string; inputMode?: 'decimal' | 'text'; disabled?: boolean }) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  return (
    <div className="form-group">
      <label htmlFor={id}>
        {props.label}
        {props.required ? ' (obbligatorio)' : ''}
      </label>
      {props.multiline ? (
        <textarea id={id} className="form-control" rows={2} value={props.value} onChange={(e) => props.onChange(e.target.value)} aria-describedby={hintId} required={props.required} disabled={props.disabled} />
      ) : (
        <input
          id={id}
          className="form-control"
          type={props.type ?? 'text'}
          inputMode={props.inputMode}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          aria-describedby={hintId}
          required={props.required}
          disabled={props.disabled}
        />
      )}
      {props.hint ? (
        <small id={hintId} className="form-text">
          {props.hint}
        </small>
      ) : null}
    </div>
  );
}

export function SelectField(props: { label: string; value: string; onChange(v: string): void; options: { value: string; label: string; disabled?: boolean }[]; hint?: string }) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  return (
    <div className="form-group">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} className="form-select" value={props.value} onChange={(e) => props.onChange(e.target.value)} aria-describedby={hintId}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
      {props.hint ? (
        <small id={hintId} className="form-text">
          {props.hint}
        </small>
      ) : null}
    </div>
  );
}

export function FormBox({ title, children, onSubmit, busy, submitLabel, onCancel, error }: { title: string; children: ReactNode; onSubmit(): void; busy: boolean; submitLabel: string; onCancel(): void; error: unknown }) {
  const id = useId();
  const ref = useRef<HTMLFormElement>(null);
  // The form opens where the user asked for it: the keyboard focus goes to its first field.
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, []);
  return (
    <form
      ref={ref}
      className="plan-form"
      aria-labelledby={id}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <h4 id={id} className="h6">
        {title}
      </h4>
      <Refusal error={error} />
      {children}
      <div className="d-flex gap-2">
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
          {busy ? 'Invio in corso…' : submitLabel}
        </button>
        <button type="button" className="btn btn-outline-secondary btn-sm" onClick={onCancel}>
          Annulla
        </button>
      </div>
    </form>
  );
}

/** "25,5" → 25.5; "" → null; not a number → NaN (the API names the field). */
export function parseItNumber(text: string): number | null {
  const t = text.trim().replace(/\s|%|€/g, '');
  if (!t) return null;
  const normal = t.includes(',') ? t.replace(/\./g, '').replace(',', '.') : t;
  return Number(normal);
}

export const numberText = (n: number | null | undefined): string => (n === null || n === undefined ? '' : String(n).replace('.', ','));

/** A value typed for a unit: number, ISO date, or boolean from "si"/"no". */
export function parseValue(text: string, unit: string): unknown {
  if (unit === 'si_no') return text === 'si' ? true : text === 'no' ? false : text;
  if (unit === 'data') return text === 'no' ? false : text;
  const n = parseItNumber(text);
  return n === null ? text : n;
}

export function valueText(v: unknown): string {
  if (v === true) return 'si';
  if (v === false) return 'no';
  if (typeof v === 'number') return numberText(v);
  return v === null || v === undefined ? '' : String(v);
}

/** The input for a value of a unit: a date, yes/no, or a number. */
export function ValueInput({ unit, label, value, onChange, required }: { unit: string; label: string; value: string; onChange(v: string): void; required?: boolean }) {
  if (unit === 'si_no')
    return (
      <SelectField
        label={label}
        value={value}
        onChange={onChange}
        options={[
          { value: '', label: '—' },
          { value: 'si', label: 'sì' },
          { value: 'no', label: 'no' },
        ]}
      />
    );
  if (unit === 'data') return <TextField label={label} type="date" value={value} onChange={onChange} required={required} hint="La data in cui il risultato è stato raggiunto" />;
  return <TextField label={label} value={value} onChange={onChange} inputMode="decimal" required={required} hint="Un numero; la virgola per i decimali" />;
}
