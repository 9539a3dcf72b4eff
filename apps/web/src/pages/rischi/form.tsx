/**
 * Form pieces of the register's editors: the command call with each refused field placed beside
 * its input (in Italian), the inputs, and the form frame.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError, post } from '../../api';
import { registerProblemIt } from './labels';

export type FieldErrors = Record<string, string>;

/** Refusals that carry no field but concern one input of the form. */
const CODE_FIELD: Record<string, string> = {
  REGISTER_ITEM_EXISTS: 'code',
  DATE_IN_FUTURE: 'date',
};

/** `item.owner.office` → `owner.office`; `changes.riskCodes.R9` → `riskCodes.R9`. */
const bare = (field: string): string => field.replace(/^body\./, '').replace(/^(item|changes)\./, '');

/**
 * Runs register commands (`POST /cycles/{id}/plan/commands/{command}`). A refusal is split by the
 * inputs the form shows (`fields`, their keys): each refused field that has an input gets its
 * Italian beside it (`phases[1].deadline`, `riskCodes.R9` falls back to `riskCodes`); what has no
 * input is said at the top of the form.
 */
export function useRegisterCommand(cycleId: string, fields: readonly string[]) {
  const call = useRefusalsByField(fields, bare);
  const run = (command: string, body: unknown): Promise<boolean> =>
    call.run(() => post(`/cycles/${cycleId}/plan/commands/${command}`, body)).then((r) => !!r);
  return { busy: call.busy, errors: call.errors, general: call.general, run };
}

/**
 * Runs a write of the API and splits its refusal by the form's inputs, as `useRegisterCommand`
 * does: `strip` turns the API's field path into the form's key. `run` answers `{ answer }`, the
 * API's answer, or undefined when refused.
 */
export function useRefusalsByField(fields: readonly string[], strip: (field: string) => string) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string>();
  async function run<T>(call: () => Promise<T>): Promise<{ answer: T } | undefined> {
    setBusy(true);
    setErrors({});
    setGeneral(undefined);
    try {
      return { answer: await call() };
    } catch (err) {
      if (!(err instanceof ApiError)) {
        setGeneral('Si è verificato un errore imprevisto');
        return undefined;
      }
      const byField: FieldErrors = {};
      const rest: string[] = [];
      for (const f of err.fields) {
        const key = strip(f.field);
        const target = [key, key.replace(/\.[^.[]+$/, ''), key.replace(/[.[].*$/, '')].find((k) =>
          fields.includes(k),
        );
        const it = registerProblemIt(key, f.problem, f.problemIt);
        if (target) byField[target] = byField[target] ? `${byField[target]}; ${it}` : it;
        else rest.push(`${key}: ${it}`);
      }
      const codeField = CODE_FIELD[err.code];
      if (codeField && fields.includes(codeField) && !err.fields.length) byField[codeField] = err.messageIt;
      const placed = Object.keys(byField).length > 0;
      setErrors(byField);
      // The refusal's own words at the top unless every field it names is shown beside its input.
      setGeneral(!placed ? err.messageIt : rest.length ? rest.join('; ') : undefined);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  /** A refusal the console finds itself, said at the top of the form. */
  const refuse = (message: string) => {
    setErrors({});
    setGeneral(message);
  };
  return { busy, errors, general, run, refuse };
}

interface FieldProps {
  label: string;
  /** Said to screen readers after the label (the visible context already says it, e.g. a legend). */
  labelMore?: string;
  value: string;
  onChange(v: string): void;
  error?: string;
  hint?: string;
  required?: boolean;
  /** `textarea`, `date`, or a select's options; a text input otherwise. */
  as?: 'textarea' | 'date';
  options?: { value: string; label: string }[];
  rows?: number;
}

/** A labelled input with its hint, and the refusal of its field beside it. */
export function Field({
  label,
  labelMore,
  value,
  onChange,
  error,
  hint,
  required,
  as,
  options,
  rows,
}: FieldProps) {
  const id = useId();
  const describedBy =
    [error ? `${id}-errore` : '', hint ? `${id}-aiuto` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    required,
  } as const;
  const cls = error ? ' is-invalid' : '';
  return (
    <div className="form-group register-field">
      <label htmlFor={id}>
        {label}
        {labelMore ? <span className="visually-hidden">{labelMore}</span> : null}
        {required ? ' (obbligatorio)' : ''}
      </label>
      {options ? (
        <select
          {...common}
          className={`form-select${cls}`}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : as === 'textarea' ? (
        <textarea
          {...common}
          className={`form-control${cls}`}
          rows={rows ?? 2}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          {...common}
          className={`form-control${cls}`}
          type={as === 'date' ? 'date' : 'text'}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {hint ? (
        <small id={`${id}-aiuto`} className="form-text">
          {hint}
        </small>
      ) : null}
      <FieldError id={`${id}-errore`} error={error} />
    </div>
  );
}

/** The refusal of a field, beside it. */
export function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <div id={id} className="invalid-feedback d-block" role="alert">
      {error}
    </div>
  );
}

/** The frame of an editor: its heading, the refusal that concerns no field, the buttons. */
export function EditorForm({
  title,
  children,
  onSubmit,
  busy,
  submitLabel,
  onCancel,
  general,
  errors,
}: {
  title: string;
  children: ReactNode;
  onSubmit(): void;
  busy: boolean;
  submitLabel: string;
  onCancel(): void;
  general?: string;
  errors: FieldErrors;
}) {
  const id = useId();
  const ref = useRef<HTMLFormElement>(null);
  // The form opens where it was asked for: the keyboard focus goes to its first field.
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, []);
  // After a refusal the focus goes to the first field refused.
  useEffect(() => {
    if (Object.keys(errors).length) ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);
  return (
    <form
      ref={ref}
      className="plan-form register-form"
      aria-labelledby={id}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <h3 id={id} className="h6">
        {title}
      </h3>
      {general ? (
        <div className="alert alert-danger" role="alert">
          {general}
        </div>
      ) : null}
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

/** "" → null (an optional field left empty: unset). */
export const orNull = (s: string): string | null => (s.trim() ? s.trim() : null);
/** Lines of a textarea, trimmed, empty ones dropped. */
export const lines = (s: string): string[] =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);
