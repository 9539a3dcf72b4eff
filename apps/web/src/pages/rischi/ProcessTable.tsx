/** The processes by rating, each with its assessment, risk events and the measures treating them; the editors of each. */
import { Fragment, useState } from 'react';
import { StatusBadge } from '../../components';
import { ActionButton, EditorSlot, type Editor, type EditorSlotProps, type Powers } from './Editors';
import { levelLabel, levelTone, n, type Process, type Register } from './labels';

/** The key indicators of an assessment with their level and reason. */
function Indicators({ reg, p }: { reg: Register; p: Process }) {
  const rated = reg.method.indicators.filter((i) => p.indicators[i.key]);
  if (!rated.length) return null;
  return (
    <details className="small mt-1">
      <summary>Indicatori di rischio</summary>
      <ul className="mb-0 ps-3">
        {rated.map((i) => (
          <li key={i.key}>
            {i.title}: <strong>{levelLabel(p.indicators[i.key].level).toLowerCase()}</strong> (
            {p.indicators[i.key].reason})
          </li>
        ))}
      </ul>
    </details>
  );
}

export function ProcessTable({
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
  const [rating, setRating] = useState('');
  const levels = reg.method.levels;
  const processes = reg.processes.filter((p) => !rating || (p.rating ?? 'non_valutato') === rating);
  const measureTitle = new Map(reg.measures.map((m) => [m.code, m.title]));
  const slot = { reg, editor, onDone, onCancel: () => setEditor(null) };
  // The editor that belongs to a process's row: its own, or one of its risks'.
  const rowEditor = (p: Process): boolean =>
    !!editor &&
    ((editor.form === 'process' && editor.code === p.code) ||
      (editor.form === 'assess' && editor.code === p.code) ||
      (editor.form === 'risk' && editor.processCode === p.code) ||
      (editor.form === 'remove' &&
        (editor.kind === 'process'
          ? editor.code === p.code
          : editor.kind === 'risk' && p.risks.some((r) => r.code === editor.code))));
  const cols = powers.edit ? 5 : 4;

  return (
    <section aria-labelledby="processi" className="mb-4">
      <h2 id="processi" className="h4">
        Processi per livello di rischio
      </h2>
      {powers.edit ? (
        <p>
          <button
            type="button"
            className="btn btn-outline-primary btn-sm"
            onClick={() => setEditor({ form: 'process' })}
          >
            Aggiungi un processo
          </button>
        </p>
      ) : null}
      {editor?.form === 'process' && !editor.code ? <EditorSlot {...slot} /> : null}
      <div className="mb-2" style={{ maxWidth: '20rem' }}>
        <label htmlFor="filtro-livello" className="form-label">
          Livello di rischio
        </label>
        <select
          id="filtro-livello"
          className="form-select"
          value={rating}
          onChange={(e) => setRating(e.target.value)}
        >
          <option value="">Tutti i livelli</option>
          {[...levels].reverse().map((l) => (
            <option key={l} value={l}>
              {levelLabel(l)}
            </option>
          ))}
          <option value="non_valutato">Non valutato</option>
        </select>
      </div>
      <table className="table table-sm align-middle register-table">
        <caption>
          {processes.length === reg.processes.length
            ? `${n(processes.length, 'processo', 'processi')}, dal livello più alto`
            : `${processes.length} di ${n(reg.processes.length, 'processo', 'processi')}`}
        </caption>
        <thead>
          <tr>
            <th scope="col">Processo</th>
            <th scope="col">Area e ufficio</th>
            <th scope="col">Valutazione</th>
            <th scope="col">Eventi rischiosi e misure</th>
            {powers.edit ? <th scope="col">Azioni</th> : null}
          </tr>
        </thead>
        <tbody>
          {processes.map((p) => (
            <Fragment key={p.code}>
              <tr id={`processo-${p.code}`}>
                <th scope="row">
                  <span className="d-block">{p.code}</span>
                  <span className="fw-normal">{p.title}</span>
                  {p.note ? <span className="d-block small fw-normal">{p.note}</span> : null}
                </th>
                <td>
                  {p.area ?? '—'}
                  {p.office ? <span className="d-block small">{p.office}</span> : null}
                </td>
                <td>
                  <StatusBadge tone={levelTone(levels, p.rating)}>{levelLabel(p.rating)}</StatusBadge>
                  {p.needsReassessment ? (
                    <span className="d-block small">da rivalutare con il metodo in vigore</span>
                  ) : null}
                  {p.motivation ? <span className="d-block small">{p.motivation}</span> : null}
                  <Indicators reg={reg} p={p} />
                </td>
                <td>
                  {p.risks.length ? (
                    <ul className="mb-0 ps-3">
                      {p.risks.map((r) => (
                        <li key={r.code} id={`rischio-${r.code}`}>
                          {r.description}
                          {r.factors.length ? (
                            <span className="d-block small">Fattori abilitanti: {r.factors.join('; ')}</span>
                          ) : null}
                          <span className="d-block small">
                            {r.measureCodes.length
                              ? `Misure: ${r.measureCodes.map((c) => `${c} (${measureTitle.get(c) ?? ''})`).join('; ')}`
                              : 'Nessuna misura'}
                          </span>
                          {powers.edit ? (
                            <span className="plan-actions">
                              <ActionButton
                                label="Modifica"
                                target={`l’evento rischioso ${r.code}`}
                                onClick={() => setEditor({ form: 'risk', processCode: p.code, code: r.code })}
                              />
                              <ActionButton
                                label="Rimuovi"
                                target={`l’evento rischioso ${r.code}`}
                                danger
                                onClick={() => setEditor({ form: 'remove', kind: 'risk', code: r.code })}
                              />
                            </span>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    'Nessun evento rischioso'
                  )}
                </td>
                {powers.edit ? (
                  <td>
                    <span className="plan-actions">
                      <ActionButton
                        label="Valuta"
                        target={`il processo ${p.code}`}
                        onClick={() => setEditor({ form: 'assess', code: p.code })}
                      />
                      <ActionButton
                        label="Aggiungi evento rischioso"
                        target={`al processo ${p.code}`}
                        onClick={() => setEditor({ form: 'risk', processCode: p.code })}
                      />
                      <ActionButton
                        label="Modifica"
                        target={`il processo ${p.code}`}
                        onClick={() => setEditor({ form: 'process', code: p.code })}
                      />
                      <ActionButton
                        label="Rimuovi"
                        target={`il processo ${p.code}`}
                        danger
                        onClick={() => setEditor({ form: 'remove', kind: 'process', code: p.code })}
                      />
                    </span>
                  </td>
                ) : null}
              </tr>
              {rowEditor(p) ? (
                <tr className="register-editor-row">
                  <td colSpan={cols}>
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
