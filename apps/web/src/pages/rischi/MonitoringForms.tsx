/** Monitoring: the plan's monitoring dates (RPCT), a dirigente's report on a measure, the RPCT's check of it. */
import { useState } from 'react';
import { formatDate, todayInRome } from '../../labels';
import { EditorForm, Field, orNull, useRegisterCommand } from './form';
import type { EditorProps } from './ItemForms';
import { STATUS_LABEL, type Measure } from './labels';

const STATUS_OPTIONS = ['attuata', 'parzialmente_attuata', 'non_attuata'].map((s) => ({
  value: s,
  label: STATUS_LABEL[s],
}));

/** The dates on which the dirigenti report on the measures (`set_monitoring_dates`). */
export function DatesForm({ reg, onDone, onCancel }: EditorProps) {
  const [dates, setDates] = useState<string[]>(reg.monitoringDates.length ? [...reg.monitoringDates] : ['']);
  const { busy, errors, general, run } = useRegisterCommand(reg.cycleId, [
    'dates',
    ...dates.map((_, i) => `dates[${i}]`),
  ]);
  return (
    <EditorForm
      title="Date di monitoraggio delle misure"
      onSubmit={() =>
        void run('set_monitoring_dates', { dates: dates.filter(Boolean) }).then(
          (ok) => ok && onDone('Date di monitoraggio salvate'),
        )
      }
      busy={busy}
      submitLabel="Salva le date"
      onCancel={onCancel}
      general={general ?? errors.dates}
      errors={errors}
    >
      <div className="row">
        {dates.map((d, i) => (
          <div className="col-md-3" key={i}>
            <Field
              label={`Data di monitoraggio ${i + 1}`}
              as="date"
              value={d}
              onChange={(v) => setDates((ds) => ds.map((x, j) => (j === i ? v : x)))}
              error={errors[`dates[${i}]`]}
            />
          </div>
        ))}
      </div>
      <button
        type="button"
        className="btn btn-outline-primary btn-sm mb-3"
        onClick={() => setDates((ds) => [...ds, ''])}
      >
        Aggiungi una data
      </button>
    </EditorForm>
  );
}

/** A dirigente reports on a measure at a monitoring date (`report_measure`). */
export function ReportForm({ reg, measure, onDone, onCancel }: EditorProps & { measure: Measure }) {
  const open = measure.monitoring.filter((m) => !m.check);
  const { busy, errors, general, run } = useRegisterCommand(reg.cycleId, [
    'monitoringDate',
    'status',
    'evidence',
    'date',
    'note',
  ]);
  const [monitoringDate, setMonitoringDate] = useState(
    open.find((m) => !m.report)?.date ?? open[0]?.date ?? '',
  );
  const [status, setStatus] = useState('attuata');
  const [evidence, setEvidence] = useState('');
  const [date, setDate] = useState(todayInRome());
  const [note, setNote] = useState('');
  const submit = () =>
    void run('report_measure', {
      measureCode: measure.code,
      monitoringDate,
      status,
      evidence: evidence.trim(),
      date,
      ...(orNull(note) ? { note: note.trim() } : {}),
    }).then(
      (ok) =>
        ok &&
        onDone(
          `Misura ${measure.code} rendicontata al ${formatDate(monitoringDate)}: ${STATUS_LABEL[status].toLowerCase()}`,
        ),
    );
  return (
    <EditorForm
      title={`Rendiconta la misura ${measure.code}`}
      onSubmit={submit}
      busy={busy}
      submitLabel="Invia la rendicontazione"
      onCancel={onCancel}
      general={general}
      errors={errors}
    >
      <div className="row">
        <div className="col-md-4">
          <Field
            label="Data di monitoraggio"
            value={monitoringDate}
            onChange={setMonitoringDate}
            error={errors.monitoringDate}
            options={open.map((m) => ({
              value: m.date,
              label: `${formatDate(m.date)}${m.report ? ' (sostituisce la rendicontazione inviata)' : ''}`,
            }))}
          />
        </div>
        <div className="col-md-4">
          <Field
            label="Stato di attuazione"
            value={status}
            onChange={setStatus}
            error={errors.status}
            options={STATUS_OPTIONS}
          />
        </div>
        <div className="col-md-4">
          <Field
            label="Data della rendicontazione"
            as="date"
            value={date}
            onChange={setDate}
            error={errors.date}
            required
          />
        </div>
      </div>
      <Field
        label="Evidenze (atti, pubblicazioni, dati)"
        value={evidence}
        onChange={setEvidence}
        error={errors.evidence}
        required
        as="textarea"
      />
      <Field label="Note" value={note} onChange={setNote} error={errors.note} as="textarea" />
    </EditorForm>
  );
}

/** The RPCT confirms a report, or corrects it with the status found and a note (`check_measure_report`). */
export function CheckForm({ reg, measure, onDone, onCancel }: EditorProps & { measure: Measure }) {
  const pending = measure.monitoring.filter((m) => m.report && !m.check);
  const { busy, errors, general, run } = useRegisterCommand(reg.cycleId, [
    'monitoringDate',
    'outcome',
    'status',
    'note',
  ]);
  const [monitoringDate, setMonitoringDate] = useState(pending[0]?.date ?? '');
  const [outcome, setOutcome] = useState('confermato');
  const [status, setStatus] = useState('attuata');
  const [note, setNote] = useState('');
  const report = pending.find((m) => m.date === monitoringDate)?.report;
  const submit = () =>
    void run('check_measure_report', {
      measureCode: measure.code,
      monitoringDate,
      outcome,
      ...(outcome === 'rettificato' ? { status } : {}),
      ...(orNull(note) ? { note: note.trim() } : {}),
    }).then(
      (ok) =>
        ok &&
        onDone(
          `Rendicontazione della misura ${measure.code} ${outcome === 'confermato' ? 'confermata' : 'rettificata'}`,
        ),
    );
  return (
    <EditorForm
      title={`Verifica la rendicontazione della misura ${measure.code}`}
      onSubmit={submit}
      busy={busy}
      submitLabel="Registra la verifica"
      onCancel={onCancel}
      general={general}
      errors={errors}
    >
      <div className="row">
        <div className="col-md-4">
          <Field
            label="Data di monitoraggio"
            value={monitoringDate}
            onChange={setMonitoringDate}
            error={errors.monitoringDate}
            options={pending.map((m) => ({ value: m.date, label: formatDate(m.date) }))}
          />
        </div>
        <div className="col-md-4">
          <Field
            label="Esito della verifica"
            value={outcome}
            onChange={setOutcome}
            error={errors.outcome}
            options={[
              { value: 'confermato', label: 'Confermata: lo stato dichiarato è corretto' },
              { value: 'rettificato', label: 'Rettificata: lo stato è diverso' },
            ]}
          />
        </div>
        {outcome === 'rettificato' ? (
          <div className="col-md-4">
            <Field
              label="Stato accertato dal RPCT"
              value={status}
              onChange={setStatus}
              error={errors.status}
              options={STATUS_OPTIONS}
            />
          </div>
        ) : null}
      </div>
      {report ? (
        <p className="small">
          Dichiarato il {formatDate(report.date)}: <strong>{STATUS_LABEL[report.status]}</strong>. Evidenze:{' '}
          {report.evidence}
        </p>
      ) : null}
      <Field
        label={outcome === 'rettificato' ? 'Nota del RPCT' : 'Nota del RPCT (facoltativa)'}
        value={note}
        onChange={setNote}
        error={errors.note}
        required={outcome === 'rettificato'}
        as="textarea"
      />
    </EditorForm>
  );
}
