/** Achievement charts (by strategic objective, by operational objective, by area) with their tables. */
import { useId, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber } from './labels';
import type { TreeIndex } from './tree-model';
import type { NodeScore, PlanResponse } from './types';
import { achievementText, AchievementBar } from './widgets';

interface Row {
  key: string;
  label: string;
  a: NodeScore;
  note?: string;
}

const NEUTRAL = '#5c6f82';

function ChartWithTable({ title, rows, description }: { title: string; rows: Row[]; description?: string }) {
  const headingId = useId();
  const scored = rows.filter((r) => r.a.score !== null);
  const data = scored.map((r) => ({ name: r.key.length > 24 ? `${r.key.slice(0, 22)}…` : r.key, score: r.a.shown ?? 0, colour: r.a.band?.colour ?? NEUTRAL }));
  const summary = `${title}: ${rows.map((r) => `${r.key} ${achievementText(r.a)}`).join('; ')}`;
  const height = Math.max(160, data.length * 28 + 40);
  return (
    <section className="mb-5" aria-labelledby={headingId}>
      <h3 id={headingId} className="h5">
        {title}
      </h3>
      {description ? <p className="small">{description}</p> : null}
      {data.length ? (
        <div style={{ width: '100%', height }} role="img" aria-label={summary}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} layout="vertical" margin={{ top: 5, right: 30, bottom: 5, left: 20 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" domain={[0, (max: number) => Math.max(100, Math.ceil(max / 10) * 10)]} unit="%" />
              <YAxis type="category" dataKey="name" width={150} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? `${formatNumber(v)}%` : String(v))} />
              <Bar dataKey="score" name="Raggiungimento" isAnimationActive={false}>
                {data.map((d) => (
                  <Cell key={d.name} fill={d.colour} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      ) : (
        <p>Nessun valore rilevato: il grafico è vuoto.</p>
      )}
      <div className="table-responsive" tabIndex={0} role="region" aria-label="Tabella (scorrevole in orizzontale)">
        <table className="table table-sm">
          <caption>{title}: i dati del grafico</caption>
          <thead>
            <tr>
              <th scope="col">Codice</th>
              <th scope="col">{rows.some((r) => r.label) ? 'Descrizione' : 'Note'}</th>
              <th scope="col">Raggiungimento</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.key}</th>
                <td>
                  {r.label}
                  {r.note ? <span className="small">{r.label ? ` (${r.note})` : r.note}</span> : null}
                </td>
                <td>{achievementText(r.a)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Plain mean of the scored operational objectives of each area (a reading aid: the SMVP rolls up by the tree, not by area). */
function byArea(index: TreeIndex): Row[] {
  const groups = new Map<string, { scores: number[]; total: number }>();
  for (const oo of index.objectives) {
    const key = oo.area ?? 'Area non indicata';
    const g = groups.get(key) ?? { scores: [], total: 0 };
    g.total++;
    if (oo.achievement.score !== null) g.scores.push(oo.achievement.score);
    groups.set(key, g);
  }
  return [...groups.entries()]
    .sort(([x], [y]) => x.localeCompare(y, 'it'))
    .map(([area, g]) => {
      const score = g.scores.length ? g.scores.reduce((s, x) => s + x, 0) / g.scores.length : null;
      return {
        key: area,
        label: '',
        note: `${g.scores.length} di ${g.total} obiettivi con misure`,
        a: { score, shown: score === null ? null : Math.round(score * 10) / 10, status: score === null ? 'non_rilevato' : 'misurato', ...(score !== null && index.bands ? { band: bandOf(score, index.bands) } : {}) },
      };
    });
}

function bandOf(score: number, bands: NonNullable<TreeIndex['bands']>): NodeScore['band'] {
  let found: NodeScore['band'];
  for (const b of bands) if (b && b.from <= score) found = b;
  return found;
}

export default function PlanCharts({ plan, index }: { plan: PlanResponse; index: TreeIndex }) {
  const [level, setLevel] = useState<'strategic' | 'operational'>('strategic');
  const strategic = useMemo<Row[]>(() => plan.achievement.ambiti.flatMap((a) => a.strategicObjectives.map((so) => ({ key: so.code, label: so.title, a: so.achievement }))), [plan]);
  const operational = useMemo<Row[]>(() => index.objectives.filter((oo) => oo.achievement.score !== null).map((oo) => ({ key: oo.code, label: oo.title, a: oo.achievement })), [index]);
  const areas = useMemo(() => byArea(index), [index]);
  const ambiti = plan.achievement.ambiti.map((a) => ({ key: a.code, label: a.title, a: a.achievement }));
  return (
    <div>
      <section className="mb-4" aria-labelledby="grafico-ente">
        <h3 id="grafico-ente" className="h5">
          Raggiungimento complessivo dell’ente ({plan.achievement.year})
        </h3>
        <AchievementBar a={plan.achievement.chamber} big label="Raggiungimento dell’ente" />
      </section>
      <ChartWithTable title="Raggiungimento per ambito strategico" rows={ambiti} />
      <fieldset className="mb-3">
        <legend className="h6">Obiettivi nel grafico</legend>
        <div className="form-check form-check-inline">
          <input className="form-check-input" type="radio" id="livello-os" name="livello" checked={level === 'strategic'} onChange={() => setLevel('strategic')} />
          <label className="form-check-label" htmlFor="livello-os">
            Obiettivi strategici
          </label>
        </div>
        <div className="form-check form-check-inline">
          <input className="form-check-input" type="radio" id="livello-oo" name="livello" checked={level === 'operational'} onChange={() => setLevel('operational')} />
          <label className="form-check-label" htmlFor="livello-oo">
            Obiettivi operativi con misure
          </label>
        </div>
      </fieldset>
      {level === 'strategic' ? (
        <ChartWithTable title="Raggiungimento per obiettivo strategico" rows={strategic} />
      ) : (
        <ChartWithTable title="Raggiungimento per obiettivo operativo" rows={operational} description={`${operational.length} obiettivi operativi su ${index.objectives.length} hanno almeno un indicatore misurato nel ${plan.achievement.year}.`} />
      )}
      <ChartWithTable
        title="Raggiungimento per area di responsabilità"
        rows={areas}
        description="Media semplice degli obiettivi operativi misurati di ciascuna area: una lettura per area, non un livello del sistema di misurazione (che aggrega per obiettivi e ambiti)."
      />
    </div>
  );
}
