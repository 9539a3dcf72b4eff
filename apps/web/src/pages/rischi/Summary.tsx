/** The register's roll-up: processes by rating, measures by status and late, and what stops a submission. */
import { StatusBadge } from '../../components';
import { problemIt } from '../plan/labels';
import { levelLabel, levelTone, n, STATUS_LABEL, type Register } from './labels';

export function Summary({ reg }: { reg: Register }) {
  const levels = reg.method.levels;
  return (
    <section aria-labelledby="sintesi" className="mb-4">
      <h2 id="sintesi" className="h4">
        Sintesi
      </h2>
      <div className="row g-3">
        <div className="col-md-6">
          <table className="table table-sm">
            <caption>
              Processi per livello di rischio ({n(reg.summary.processes, 'processo', 'processi')},{' '}
              {n(reg.summary.risks, 'evento rischioso', 'eventi rischiosi')})
            </caption>
            <thead>
              <tr>
                <th scope="col">Livello</th>
                <th scope="col" className="text-end">
                  Processi
                </th>
              </tr>
            </thead>
            <tbody>
              {reg.summary.byRating.map((r) => (
                <tr key={r.level}>
                  <th scope="row">
                    <StatusBadge tone={levelTone(levels, r.level === 'non_valutato' ? null : r.level)}>
                      {levelLabel(r.level)}
                    </StatusBadge>
                  </th>
                  <td className="text-end">{r.processes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="col-md-6">
          <table className="table table-sm">
            <caption>
              Stato delle misure ({n(reg.summary.measures, 'misura', 'misure')}:{' '}
              {n(reg.summary.byKind.generale, 'generale', 'generali')},{' '}
              {n(reg.summary.byKind.specifica, 'specifica', 'specifiche')})
            </caption>
            <thead>
              <tr>
                <th scope="col">Stato</th>
                <th scope="col" className="text-end">
                  Misure
                </th>
              </tr>
            </thead>
            <tbody>
              {(['attuata', 'parzialmente_attuata', 'non_attuata', 'non_rendicontata'] as const).map((s) => (
                <tr key={s}>
                  <th scope="row">{STATUS_LABEL[s]}</th>
                  <td className="text-end">{reg.summary.measuresByStatus[s]}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">In ritardo</th>
                <td className="text-end">{reg.summary.overdue}</td>
              </tr>
            </tbody>
          </table>
        </div>
      </div>
      {reg.problems.length ? (
        <div className="alert alert-warning">
          <p className="mb-1">Prima dell'invio va completato:</p>
          <ol className="mb-0">
            {reg.problems.map((p, i) => (
              <li key={i}>
                {p.nodeCode}: {problemIt(p)}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}
