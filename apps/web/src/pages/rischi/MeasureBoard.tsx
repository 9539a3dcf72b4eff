/** The measure status board: each measure with its owner, phases, indicator, status from the monitoring and lateness; its editors. */
import { Fragment, useState } from 'react';
import { StatusBadge } from '../../components';
import { formatDate } from '../../labels';
import { ActionButton, EditorSlot, type Editor, type EditorSlotProps, type Powers } from './Editors';
import {
  categoryLabel,
  KIND_LABEL,
  n,
  OUTCOME_LABEL,
  STATUS_LABEL,
  STATUS_TONE,
  type Measure,
  type Register,
} from './labels';

function MeasureStatus({ m }: { m: Measure }) {
  const s = m.status ?? 'non_rendicontata';
  return (
    <>
      <StatusBadge tone={STATUS_TONE[s]}>{STATUS_LABEL[s]}</StatusBadge>
      {m.status ? (
        <span className="d-block small">
          {m.checked ? 'verificata dal RPCT' : 'dichiarata dal dirigente'}
        </span>
      ) : null}
    </>
  );
}

/** Each monitoring date with its report and the RPCT's check. */
function Monitoring({ m }: { m: Measure }) {
  const done = m.monitoring.filter((x) => x.report);
  if (!done.length) return null;
  return (
    <ul className="mb-0 ps-3 small">
      {done.map((x) => (
        <li key={x.date}>
          Al {formatDate(x.date)}: {STATUS_LABEL[x.report?.status ?? ''] ?? x.report?.status} (rendicontata il{' '}
          {formatDate(x.report?.date)}; evidenze: {x.report?.evidence})
          {x.check ? (
            <span className="d-block">
              Verifica del RPCT: {OUTCOME_LABEL[x.check.outcome]?.toLowerCase()}
              {x.check.outcome === 'rettificato' ? `, ${STATUS_LABEL[x.check.status].toLowerCase()}` : ''}
              {x.check.note ? ` (${x.check.note})` : ''}
            </span>
          ) : (
            <span className="d-block">In attesa della verifica del RPCT</span>
          )}
        </li>
      ))}
    </ul>
  );
}

export function MeasureBoard({
  reg,
  powers,
  editor,
  setEditor,
  onDone,
}: {
  reg: Register;
  powers: Powers;
  editor: Editor | null;
  setEditor(e: Editor | null): void;
  onDone: EditorSlotProps['onDone'];
}) {
  const [onlyLate, setOnlyLate] = useState(false);
  const measures = reg.measures.filter((m) => !onlyLate || m.overdue);
  const slot = { reg, editor, onDone, onCancel: () => setEditor(null) };
  const rowEditor = (m: Measure): boolean =>
    !!editor &&
    (((editor.form === 'measure' || editor.form === 'report' || editor.form === 'check') &&
      editor.code === m.code) ||
      (editor.form === 'remove' && editor.kind === 'measure' && editor.code === m.code));
  const canReport = (m: Measure) => powers.report && m.monitoring.some((x) => !x.check);
  const canCheck = (m: Measure) => powers.check && m.monitoring.some((x) => x.report && !x.check);
  // The actions column only when some measure has an action for this person now.
  const hasActions = powers.edit || measures.some((m) => canReport(m) || canCheck(m));

  return (
    <section aria-labelledby="misure" className="mb-4">
      <h2 id="misure" className="h4">
        Quadro delle misure
      </h2>
      {powers.edit ? (
        <p>
          <button
            type="button"
            className="btn btn-outline-primary btn-sm"
            onClick={() => setEditor({ form: 'measure' })}
          >
            Aggiungi una misura
          </button>
        </p>
      ) : null}
      {editor?.form === 'measure' && !editor.code ? <EditorSlot {...slot} /> : null}
      {powers.report && !reg.monitoringDates.length ? (
        <p className="small">
          Il piano non ha date di monitoraggio: le misure si rendicontano alle date fissate dal RPCT.
        </p>
      ) : null}
      <div className="form-check mb-2">
        <input
          id="solo-ritardo"
          className="form-check-input"
          type="checkbox"
          checked={onlyLate}
          onChange={(e) => setOnlyLate(e.target.checked)}
        />
        <label htmlFor="solo-ritardo" className="form-check-label">
          Solo le misure in ritardo
        </label>
      </div>
      <table className="table table-sm align-middle register-table">
        <caption>{n(measures.length, 'misura', 'misure')}</caption>
        <thead>
          <tr>
            <th scope="col">Misura</th>
            <th scope="col">Responsabile</th>
            <th scope="col">Fasi e scadenze</th>
            <th scope="col">Indicatore e target</th>
            <th scope="col">Stato</th>
            {hasActions ? <th scope="col">Azioni</th> : null}
          </tr>
        </thead>
        <tbody>
          {measures.map((m) => (
            <Fragment key={m.code}>
              <tr id={`misura-${m.code}`}>
                <th scope="row">
                  <span className="d-block">{m.code}</span>
                  <span className="fw-normal">{m.title}</span>
                  <span className="d-block small fw-normal">
                    {KIND_LABEL[m.measureKind]} · {categoryLabel(m.category)}
                  </span>
                  {m.riskCodes.length ? (
                    <span className="d-block small fw-normal">Rischi trattati: {m.riskCodes.join(', ')}</span>
                  ) : null}
                </th>
                <td>
                  {m.owner.dirigente}
                  <span className="d-block small">{m.owner.office}</span>
                </td>
                <td>
                  <ul className="mb-0 ps-3">
                    {m.phases.map((f, i) => (
                      <li key={i}>
                        {f.title}: entro il {formatDate(f.deadline)}
                        {m.latePhases.some((l) => l.deadline === f.deadline && l.title === f.title) ? (
                          <strong> (scaduta)</strong>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  {m.indicator}
                  <span className="d-block small">Target: {m.target}</span>
                </td>
                <td>
                  <MeasureStatus m={m} />
                  {m.overdue ? (
                    <span className="d-block">
                      <StatusBadge tone="danger">In ritardo</StatusBadge>
                    </span>
                  ) : null}
                  {m.monitoring.some((x) => x.missing) ? (
                    <span className="d-block small">
                      Rendicontazione mancante al{' '}
                      {m.monitoring
                        .filter((x) => x.missing)
                        .map((x) => formatDate(x.date))
                        .join(', ')}
                    </span>
                  ) : null}
                  <Monitoring m={m} />
                </td>
                {hasActions ? (
                  <td>
                    <span className="plan-actions">
                      {canReport(m) ? (
                        <ActionButton
                          label="Rendiconta"
                          target={`la misura ${m.code}`}
                          onClick={() => setEditor({ form: 'report', code: m.code })}
                        />
                      ) : null}
                      {canCheck(m) ? (
                        <ActionButton
                          label="Verifica"
                          target={`la rendicontazione della misura ${m.code}`}
                          onClick={() => setEditor({ form: 'check', code: m.code })}
                        />
                      ) : null}
                      {powers.edit ? (
                        <>
                          <ActionButton
                            label="Modifica"
                            target={`la misura ${m.code}`}
                            onClick={() => setEditor({ form: 'measure', code: m.code })}
                          />
                          <ActionButton
                            label="Rimuovi"
                            target={`la misura ${m.code}`}
                            danger
                            onClick={() => setEditor({ form: 'remove', kind: 'measure', code: m.code })}
                          />
                        </>
                      ) : null}
                    </span>
                  </td>
                ) : null}
              </tr>
              {rowEditor(m) ? (
                <tr className="register-editor-row">
                  <td colSpan={hasActions ? 6 : 5}>
                    <EditorSlot {...slot} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
    </section>
  );
}
