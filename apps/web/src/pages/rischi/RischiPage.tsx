/** `/cicli/:id/rischi`: the anticorruption risk register of a PTPCT or PIAO (section 2.3), for the RPCT: processes by rating, the measure status board. */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { get } from '../../api';
import type { components } from '../../api-schema';
import { ErrorAlert, Loading, PageTitle, StatusBadge, useLoad } from '../../components';
import { formatDate } from '../../labels';
import { problemIt } from '../plan/labels';

type Register = components['schemas']['RegisterResponse'];
type Measure = Register['measures'][number];

/** Italian words for the levels of the default method; a chamber's own levels are shown as written. */
const LEVEL_LABEL: Record<string, string> = {
  basso: 'Basso',
  medio: 'Medio',
  alto: 'Alto',
  non_valutato: 'Non valutato',
};
const levelLabel = (l: string | null | undefined) =>
  l ? (LEVEL_LABEL[l] ?? l.replace(/_/g, ' ')) : 'Non valutato';

const STATUS_LABEL: Record<string, string> = {
  attuata: 'Attuata',
  parzialmente_attuata: 'Parzialmente attuata',
  non_attuata: 'Non attuata',
  non_rendicontata: 'Non rendicontata',
};
const STATUS_TONE: Record<string, 'success' | 'warning' | 'danger' | 'secondary'> = {
  attuata: 'success',
  parzialmente_attuata: 'warning',
  non_attuata: 'danger',
  non_rendicontata: 'secondary',
};
const KIND_LABEL: Record<string, string> = { generale: 'Generale', specifica: 'Specifica' };
/** "1 misura generale", "2 misure generali". */
const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** The rating's tone by its rank in the method's levels (the top third danger, the middle warning). */
function levelTone(
  levels: readonly string[],
  level: string | null,
): 'danger' | 'warning' | 'success' | 'secondary' {
  if (!level) return 'secondary';
  const i = levels.indexOf(level);
  if (i < 0) return 'secondary';
  const r = (i + 1) / levels.length;
  return r > 2 / 3 ? 'danger' : r > 1 / 3 ? 'warning' : 'success';
}

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

export default function RischiPage() {
  const { id = '' } = useParams();
  const {
    data: reg,
    error,
    loading,
  } = useLoad((signal) => get<Register>(`/cycles/${id}/register`, { signal }), [id]);
  const [rating, setRating] = useState('');
  const [onlyLate, setOnlyLate] = useState(false);

  if (!reg) {
    return (
      <>
        <PageTitle title="Registro dei rischi corruttivi">Registro dei rischi corruttivi</PageTitle>
        {loading ? <Loading label="Caricamento del registro…" /> : null}
        <ErrorAlert error={error} />
      </>
    );
  }
  const levels = reg.method.levels;
  const processes = reg.processes.filter((p) => !rating || (p.rating ?? 'non_valutato') === rating);
  const measures = reg.measures.filter((m) => !onlyLate || m.overdue);
  const measureTitle = new Map(reg.measures.map((m) => [m.code, m.title]));

  return (
    <>
      <PageTitle title={`Registro dei rischi · ${reg.title}`}>Registro dei rischi corruttivi</PageTitle>
      <p className="lead mb-2">
        <Link to={`/cicli/${reg.cycleId}`}>{reg.title}</Link> · fase: <strong>{reg.stageTitle}</strong>
        {reg.adopted ? ` · adottato il ${formatDate(reg.adopted.at)}` : ''}
      </p>
      <p className="small text-muted">
        {reg.editable
          ? 'Il registro è modificabile in questa fase.'
          : `Il registro non è modificabile ora${reg.notEditableBecause ? `: ${reg.notEditableBecause.message}` : ''}.`}{' '}
        Situazione al {formatDate(reg.date)}
        {reg.monitoringDates.length
          ? `; date di monitoraggio: ${reg.monitoringDates.map(formatDate).join(', ')}`
          : ''}
        .
      </p>

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
                {(['attuata', 'parzialmente_attuata', 'non_attuata', 'non_rendicontata'] as const).map(
                  (s) => (
                    <tr key={s}>
                      <th scope="row">{STATUS_LABEL[s]}</th>
                      <td className="text-end">{reg.summary.measuresByStatus[s]}</td>
                    </tr>
                  ),
                )}
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

      <section aria-labelledby="processi" className="mb-4">
        <h2 id="processi" className="h4">
          Processi per livello di rischio
        </h2>
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
        <table className="table table-sm align-middle">
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
            </tr>
          </thead>
          <tbody>
            {processes.map((p) => (
              <tr key={p.code} id={`processo-${p.code}`}>
                <th scope="row">
                  <span className="d-block">{p.code}</span>
                  <span className="fw-normal">{p.title}</span>
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
                </td>
                <td>
                  {p.risks.length ? (
                    <ul className="mb-0 ps-3">
                      {p.risks.map((r) => (
                        <li key={r.code}>
                          {r.description}
                          <span className="d-block small">
                            {r.measureCodes.length
                              ? `Misure: ${r.measureCodes.map((c) => `${c} (${measureTitle.get(c) ?? ''})`).join('; ')}`
                              : 'Nessuna misura'}
                          </span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    'Nessun evento rischioso'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="misure" className="mb-4">
        <h2 id="misure" className="h4">
          Quadro delle misure
        </h2>
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
        <table className="table table-sm align-middle">
          <caption>{n(measures.length, 'misura', 'misure')}</caption>
          <thead>
            <tr>
              <th scope="col">Misura</th>
              <th scope="col">Responsabile</th>
              <th scope="col">Fasi e scadenze</th>
              <th scope="col">Indicatore e target</th>
              <th scope="col">Stato</th>
            </tr>
          </thead>
          <tbody>
            {measures.map((m) => (
              <tr key={m.code} id={`misura-${m.code}`}>
                <th scope="row">
                  <span className="d-block">{m.code}</span>
                  <span className="fw-normal">{m.title}</span>
                  <span className="d-block small fw-normal">
                    {KIND_LABEL[m.measureKind]} · {m.category.replace(/_/g, ' ')}
                  </span>
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
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
