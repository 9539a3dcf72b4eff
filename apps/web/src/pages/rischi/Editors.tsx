/** Which editor of the register is open, and the one place that draws it. */
import { AssessForm } from './AssessForm';
import { ProcessForm, RemoveForm, RiskForm } from './ItemForms';
import type { Register } from './labels';
import { MeasureForm } from './MeasureForm';
import { CheckForm, DatesForm, ReportForm } from './MonitoringForms';

export type Editor =
  | { form: 'process'; code?: string }
  | { form: 'risk'; processCode: string; code?: string }
  | { form: 'measure'; code?: string }
  | { form: 'remove'; kind: 'process' | 'risk' | 'measure'; code: string }
  | { form: 'assess'; code: string }
  | { form: 'dates' }
  | { form: 'report'; code: string }
  | { form: 'check'; code: string };

/** Who may do what in the register (as the API decides it; the buttons follow). */
export interface Powers {
  /** Add, change, remove items and assess: RPCT and dirigenti, in the editable stages. */
  edit: boolean;
  /** The monitoring dates: the RPCT, in the editable stages. */
  dates: boolean;
  /** Report on a measure: dirigenti and PO, once the plan is adopted. */
  report: boolean;
  /** Check a report: the RPCT, once the plan is adopted. */
  check: boolean;
}

export interface EditorSlotProps {
  reg: Register;
  editor: Editor | null;
  onDone(message: string): void;
  onCancel(): void;
}

/** The open editor, drawn where its trigger is (the caller says which editors belong there). */
export function EditorSlot({ reg, editor, onDone, onCancel }: EditorSlotProps) {
  if (!editor) return null;
  const common = { reg, onDone, onCancel };
  switch (editor.form) {
    case 'process': {
      const process = editor.code ? reg.processes.find((p) => p.code === editor.code) : undefined;
      return <ProcessForm key={editor.code ?? 'nuovo'} {...common} process={process} />;
    }
    case 'risk': {
      const risk = editor.code
        ? reg.processes.flatMap((p) => p.risks).find((r) => r.code === editor.code)
        : undefined;
      return (
        <RiskForm
          key={editor.code ?? `nuovo-${editor.processCode}`}
          {...common}
          processCode={editor.processCode}
          risk={risk}
        />
      );
    }
    case 'measure': {
      const measure = editor.code ? reg.measures.find((m) => m.code === editor.code) : undefined;
      return <MeasureForm key={editor.code ?? 'nuova'} {...common} measure={measure} />;
    }
    case 'remove':
      return (
        <RemoveForm key={`${editor.kind}-${editor.code}`} {...common} kind={editor.kind} code={editor.code} />
      );
    case 'assess': {
      const process = reg.processes.find((p) => p.code === editor.code);
      return process ? <AssessForm key={process.code} {...common} process={process} /> : null;
    }
    case 'dates':
      return <DatesForm {...common} />;
    case 'report':
    case 'check': {
      const measure = reg.measures.find((m) => m.code === editor.code);
      if (!measure) return null;
      return editor.form === 'report' ? (
        <ReportForm key={measure.code} {...common} measure={measure} />
      ) : (
        <CheckForm key={measure.code} {...common} measure={measure} />
      );
    }
  }
}

/** A small action button whose name says what it acts on ("Modifica il processo C2.2.3"). */
export function ActionButton({
  label,
  target,
  onClick,
  danger,
}: {
  label: string;
  target: string;
  onClick(): void;
  danger?: boolean;
}) {
  return (
    <button
      type="button"
      className={`btn btn-sm ${danger ? 'btn-outline-danger' : 'btn-outline-primary'}`}
      onClick={onClick}
    >
      {label}
      <span className="visually-hidden"> {target}</span>
    </button>
  );
}
