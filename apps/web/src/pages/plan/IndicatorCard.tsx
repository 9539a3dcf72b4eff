/** The indicator's card: its definition, its measurements over time (list and line chart against the target), measurement entry. */
import { useEffect, useId, useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ApiError, post } from '../../api';
import { formatDate, formatDateTime, todayInRome } from '../../labels';
import { parseValue, Refusal, SelectField, TextField, ValueInput } from './forms';
import { closedByMonitoring, formatTarget, formatValue, periodLabel, periodsOf, periodStart, TYPE_LABEL, UNIT_LABEL, formatNumber } from './labels';
import type { IndicatorView, PlanResponse } from './types';
import { loadPeople, personName, type People } from '../cycle-data';
import { useSession } from '../../session';
import { AchievementBar, VarianceFlag } from './widgets';

const NUMERIC = new Set(['n', '%', '€', 'gg', 'ore']);

export function IndicatorCard({ plan, ind, canMeasure, onChanged }: { plan: PlanResponse; ind: IndicatorView; canMeasure: boolean; onChanged(): void }) {
  const headingId = useId();
  const baseline = ind.baseline as { value?: unknown; nd?: boolean; year?: number };
  return (
    <section className="plan-card" aria-labelledby={headingId}>
      <h4 id={headingId} className="h5">
        Scheda dell’indicatore {ind.code}
      </h4>
      <p className="mb-2">{ind.name}</p>
      <dl>
        {ind.description ? (
          <>
            <dt>Descrizione</dt>
            <dd>{ind.description}</dd>
          </>
        ) : null}
        <dt>Algoritmo di calcolo</dt>
        <dd>{ind.algorithm ?? '—'}</dd>
        <dt>Tipologia</dt>
        <dd>{TYPE_LABEL[ind.type] ?? ind.type}</dd>
        <dt>Unità di misura</dt>
        <dd>{UNIT_LABEL[ind.unit] ?? ind.unit}</dd>
        <dt>Valore di partenza</dt>
        <dd>
          {baseline.nd ? 'n.d.' : formatValue(baseline.value, ind.unit)}
          {baseline.year ? ` (${baseline.year})` : ''}
        </dd>
        <dt>Target</dt>
        <dd>
          {ind.targets.length ? (
            <ul className="list-unstyled mb-0">
              {ind.targets.map((t) => (
                <li key={t.year}>
                  {t.year}: {formatTarget(t, ind.unit)}
                </li>
              ))}
            </ul>
          ) : (
            'nessuno'
          )}
        </dd>
        <dt>Peso nell’obiettivo</dt>
        <dd>{ind.weight === null ? 'n.d.' : `${formatNumber(ind.weight)}%`}</dd>
        <dt>Fonte dei dati</dt>
        <dd>{ind.dataSource ?? '—'}</dd>
        <dt>Raggiungimento {plan.achievement.year}</dt>
        <dd>
          <AchievementBar a={ind.achievement} /> {ind.achievement.actual !== undefined ? `(rilevato ${formatValue(ind.achievement.actual, ind.unit)} su target ${formatTarget(ind.achievement.target as never, ind.unit)})` : null}{' '}
          <VarianceFlag v={ind.variance} unit={ind.unit} />
        </dd>
      </dl>
      <Measurements plan={plan} ind={ind} />
      {canMeasure ? <MeasurementForm plan={plan} ind={ind} onChanged={onChanged} /> : null}
    </section>
  );
}

function Measurements({ plan, ind }: { plan: PlanResponse; ind: IndicatorView }) {
  const tenant = useSession().session?.user?.tenant;
  const [people, setPeople] = useState<People>();
  useEffect(() => {
    if (tenant) void loadPeople(tenant).then(setPeople);
  }, [tenant]);
  const list = useMemo(() => [...ind.measurements].sort((a, b) => periodStart(a.period).localeCompare(periodStart(b.period)) || a.period.length - b.period.length), [ind.measurements]);
  const data = useMemo(
    () =>
      list.map((m) => {
        const t = ind.targets.find((x) => x.year === Number(m.period.slice(0, 4)));
        return { periodo: periodLabel(m.period), valore: typeof m.value === 'number' ? m.value : null, target: t && typeof t.value === 'number' ? t.value : null };
      }),
    [list, ind.targets],
  );
  const captionId = useId();
  if (list.length === 0) return <p className="mb-2">Nessuna misura registrata.</p>;
  const chartable = NUMERIC.has(ind.unit) && data.some((d) => d.valore !== null);
  const summary = `Andamento delle misure di ${ind.code} rispetto al target: ${data.map((d) => `${d.periodo} ${d.valore === null ? '—' : formatNumber(d.valore)}${d.target !== null ? ` (target ${formatNumber(d.target)})` : ''}`).join('; ')}`;
  return (
    <>
      <h5 className="h6">Misure nel tempo</h5>
      {chartable ? (
        <figure className="mb-3">
          <div className="chart-box" role="img" aria-label={summary}>
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={data} margin={{ top: 10, right: 20, bottom: 10, left: 0 }} accessibilityLayer={false}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="periodo" />
                <YAxis />
                <Tooltip formatter={(v) => (typeof v === 'number' ? formatNumber(v) : String(v))} />
                <Legend />
                <Line type="monotone" dataKey="valore" name="Valore rilevato" stroke="#0066cc" strokeWidth={2} dot={{ r: 4 }} isAnimationActive={false} />
                <Line type="stepAfter" dataKey="target" name="Target" stroke="#d32f2f" strokeDasharray="6 4" dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
          <figcaption className="small">Grafico: valori rilevati (linea continua) e target dell’anno (linea tratteggiata). I dati sono nella tabella seguente.</figcaption>
        </figure>
      ) : null}
      <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
        <table className="table table-sm" aria-describedby={captionId}>
          <caption id={captionId}>Misure di {ind.code}, con le rettifiche (chi, quando, perché)</caption>
          <thead>
            <tr>
              <th scope="col">Periodo</th>
              <th scope="col">Valore</th>
              <th scope="col">Target</th>
              <th scope="col">Data di rilevazione</th>
              <th scope="col">Registrato da</th>
              <th scope="col">Fonte</th>
              <th scope="col">Rettifiche</th>
            </tr>
          </thead>
          <tbody>
            {list.map((m) => {
              const t = ind.targets.find((x) => x.year === Number(m.period.slice(0, 4)));
              return (
                <tr key={m.period}>
                  <th scope="row">{periodLabel(m.period)}</th>
                  <td>{formatValue(m.value, ind.unit)}</td>
                  <td>{formatTarget(t, ind.unit)}</td>
                  <td>{formatDate(m.date)}</td>
                  <td>
                    {personName(people, m.recordedBy)}, {formatDateTime(m.recordedAt)}
                  </td>
                  <td>{m.source ?? '—'}</td>
                  <td>
                    {m.history.length === 0 ? (
                      'nessuna'
                    ) : (
                      <ul className="list-unstyled mb-0">
                        {m.history.map((h, i) => (
                          <li key={i}>
                            Valore precedente {formatValue(h.value, ind.unit)} (registrato da {personName(people, h.recordedBy)} il {formatDateTime(h.recordedAt)}); rettificato
                            {h.correctedBecause ? ` perché: «${h.correctedBecause}»` : ''}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="visually-hidden">Il piano copre gli anni {plan.planYears.join(', ')}.</p>
    </>
  );
}

/** Record a measurement in an open period, or correct the one already there (with a reason). */
function MeasurementForm({ plan, ind, onChanged }: { plan: PlanResponse; ind: IndicatorView; onChanged(): void }) {
  const today = todayInRome();
  const [period, setPeriod] = useState(`${plan.achievement.year}-S1`);
  const [value, setValue] = useState('');
  const [date, setDate] = useState(today);
  const [source, setSource] = useState('');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const existing = ind.measurements.find((m) => m.period === period);
  const year = Number(period.slice(0, 4));
  const closed = plan.closedYears.includes(year);
  const monitored = closed ? undefined : closedByMonitoring(period, plan.monitoringPeriods);
  const notStarted = periodStart(period) > today;
  const titleId = useId();

  async function submit() {
    setBusy(true);
    setError(undefined);
    setDone('');
    try {
      if (existing && !reason.trim()) throw new ApiError(400, 'INVALID_REQUEST', 'Per rettificare una misura indicare il motivo', [{ field: 'correctionReason', problem: 'is required' }]);
      await post(`/cycles/${plan.cycleId}/measurements`, {
        indicatorCode: ind.code,
        period,
        value: parseValue(value.trim(), ind.unit),
        date,
        ...(source.trim() ? { source: source.trim() } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(existing ? { correctionReason: reason.trim() } : {}),
      });
      setDone(existing ? `Rettifica di ${periodLabel(period)} registrata.` : `Misura di ${periodLabel(period)} registrata.`);
      setValue('');
      setReason('');
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="plan-form"
      aria-labelledby={titleId}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h5 id={titleId} className="h6">
        {existing ? 'Rettifica la misura' : 'Registra una misura'} di {ind.code}
      </h5>
      <Refusal error={error} />
      <div role="status" aria-live="polite">
        {done ? <div className="alert alert-success">{done}</div> : null}
      </div>
      <div className="row">
        <div className="col-md-4">
          <SelectField
            label="Periodo"
            value={period}
            onChange={setPeriod}
            options={periodsOf(plan.planYears).map((p) => ({
              value: p,
              label: `${periodLabel(p)}${plan.closedYears.includes(Number(p.slice(0, 4))) ? ' (anno chiuso)' : closedByMonitoring(p, plan.monitoringPeriods) ? ' (chiuso dal monitoraggio)' : periodStart(p) > today ? ' (non ancora iniziato)' : ''}${ind.measurements.some((m) => m.period === p) ? ' (già rilevato)' : ''}`,
            }))}
          />
        </div>
        <div className="col-md-4">
          <ValueInput unit={ind.unit} label="Valore" value={value} onChange={setValue} required />
        </div>
        <div className="col-md-4">
          <TextField label="Data di rilevazione" type="date" value={date} onChange={setDate} required />
        </div>
      </div>
      {closed ? <p className="text-danger fw-semibold">Le rilevazioni del {year} sono chiuse: il periodo non accetta misure né rettifiche.</p> : null}
      {monitored ? (
        <p className="text-danger fw-semibold">
          Il monitoraggio intermedio ha chiuso la rilevazione di {periodLabel(monitored)}: il periodo non accetta misure né rettifiche finché il monitoraggio non la riapre.
        </p>
      ) : null}
      {notStarted && !closed && !monitored ? <p className="text-danger fw-semibold">Il periodo non è ancora iniziato: non si possono registrare misure.</p> : null}
      {existing ? (
        <>
          <p>
            Per questo periodo è già registrato il valore {formatValue(existing.value, ind.unit)} ({formatDate(existing.date)}): la nuova misura lo rettifica, e il valore precedente resta nello storico.
          </p>
          <TextField label="Motivo della rettifica" value={reason} onChange={setReason} required multiline />
        </>
      ) : null}
      <div className="row">
        <div className="col-md-6">
          <TextField label="Fonte" value={source} onChange={setSource} />
        </div>
        <div className="col-md-6">
          <TextField label="Nota" value={note} onChange={setNote} />
        </div>
      </div>
      <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
        {busy ? 'Invio in corso…' : existing ? 'Registra la rettifica' : 'Registra la misura'}
      </button>
    </form>
  );
}
