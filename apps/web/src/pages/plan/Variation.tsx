/** The variation: the tree as adopted and as varied, side by side, the differences highlighted in colour and in words. */
import { Link } from 'react-router';
import { get } from '../../api';
import { ErrorAlert, Loading, useLoad } from '../../components';
import { formatDate, formatDateTime } from '../../labels';
import type { DiffResponse, PlanResponse, PlanTreeView } from './types';

const CHANGE_LABEL: Record<string, string> = { added: 'aggiunto', removed: 'rimosso', changed: 'modificato', moved: 'spostato' };
const VARIATION_STATUS: Record<string, string> = { open: 'aperta', approved: 'approvata dalla Giunta', withdrawn: 'ritirata' };

const FIELD_WORDS: Record<string, string> = {
  title: 'titolo',
  name: 'nome',
  description: 'descrizione',
  targets: 'target',
  value: 'valore',
  operator: 'operatore',
  year: 'anno',
  weight: 'peso',
  area: 'area',
  office: 'ufficio',
  resources: 'risorse',
  amount: 'importo',
  kind: 'tipo',
  baseline: 'valore di partenza',
  dataSource: 'fonte dei dati',
  algorithm: 'algoritmo',
  unit: 'unità di misura',
  type: 'tipologia',
  expectedImpact: 'impatto atteso',
  section: 'sezione',
};

/** `targets[0].value` → "target n. 1, valore". */
export const diffFieldIt = (field: string): string =>
  field
    .split('.')
    .map((part) => {
      const m = /^(\w+)\[(\d+)\]$/.exec(part);
      return m ? `${FIELD_WORDS[m[1]] ?? m[1]} n. ${Number(m[2]) + 1}` : (FIELD_WORDS[part] ?? part);
    })
    .join(', ');

const show = (v: unknown): string => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

function flatten(t: PlanTreeView): { code: string; title: string; depth: number }[] {
  const out: { code: string; title: string; depth: number }[] = [];
  for (const a of t.ambiti) {
    out.push({ code: a.code, title: a.title, depth: 0 });
    for (const so of a.strategicObjectives) {
      out.push({ code: so.code, title: so.title, depth: 1 });
      for (const oo of so.operationalObjectives) {
        out.push({ code: oo.code, title: oo.title, depth: 2 });
        for (const i of oo.indicators) out.push({ code: i.code, title: i.name, depth: 3 });
      }
    }
  }
  return out;
}

function Side({ title, tree, diff, side }: { title: string; tree: PlanTreeView; diff: DiffResponse; side: 'before' | 'after' }) {
  const byCode = new Map(diff.changes.map((c) => [c.code, c]));
  const rows = flatten(tree);
  return (
    <section className="col-lg-6 mb-3" aria-label={title}>
      <h3 className="h5">{title}</h3>
      <ul className="list-unstyled diff-col" tabIndex={0} aria-label={`${title}: ${rows.length} elementi`}>
        {rows.map((r) => {
          const c = byCode.get(r.code);
          const relevant = c && !((side === 'before' && c.change === 'added') || (side === 'after' && c.change === 'removed'));
          return (
            <li key={r.code} className={relevant ? `diff-${c.change}` : undefined} style={{ paddingLeft: `${r.depth * 1.1 + 0.25}rem` }}>
              <span className="plan-code">{r.code}</span> {r.title}
              {relevant ? <strong> [{CHANGE_LABEL[c.change]}]</strong> : null}
              {relevant && side === 'after' && c.fields?.length ? (
                <ul className="small mb-0">
                  {c.fields.map((f) => (
                    <li key={f.field}>
                      {diffFieldIt(f.field)}: {show(f.before)} → {show(f.after)}
                    </li>
                  ))}
                </ul>
              ) : null}
              {relevant && side === 'after' && c.change === 'moved' ? <span className="small"> (prima sotto {c.fromParentCode ?? '—'})</span> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function VariationView({ plan }: { plan: PlanResponse }) {
  const adopted = !!plan.adopted;
  const { data, error, loading } = useLoad(
    async (signal) => {
      if (!adopted) return null;
      const [before, diff] = await Promise.all([get<PlanResponse>(`/cycles/${plan.cycleId}/plan?tree=adopted&year=${plan.achievement.year}`, { signal }), get<DiffResponse>(`/cycles/${plan.cycleId}/plan/diff?from=adopted&to=current`, { signal })]);
      return { before, diff };
    },
    [plan.cycleId, plan.version, adopted],
  );
  if (!adopted)
    return (
      <div className="alert alert-info">
        Il piano non è ancora stato adottato dalla Giunta: si modifica la bozza direttamente. Il confronto tra il piano adottato e il piano variato è disponibile dopo l’adozione.
      </div>
    );
  return (
    <div>
      <p>
        Adottato con deliberazione n. {plan.adopted?.deliberation.number} del {formatDate(plan.adopted?.deliberation.date)}.
      </p>
      {plan.variations.length ? (
        <ul>
          {plan.variations.map((v) => (
            <li key={v.variationId}>
              Variazione n. {v.number} ({VARIATION_STATUS[v.status] ?? v.status}), aperta il {formatDateTime(v.openedAt)}: {v.reason}
              {v.deliberation ? `; deliberazione n. ${v.deliberation.number} del ${formatDate(v.deliberation.date)}` : ''}
              {v.monitoringCycleId ? (
                <>
                  {' '}
                  (avviata dal <Link to={`/cicli/${v.monitoringCycleId}`}>Monitoraggio intermedio</Link>
                  {v.deliberation ? ', dove è registrata la deliberazione' : ', nella cui fase di preparazione si modifica l’albero'})
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>Nessuna variazione aperta finora.</p>
      )}
      {loading && !data ? <Loading /> : null}
      <ErrorAlert error={error} />
      {data ? (
        <>
          <p aria-live="polite">
            Differenze: {data.diff.summary.added} aggiunti, {data.diff.summary.removed} rimossi, {data.diff.summary.changed} modificati, {data.diff.summary.moved} spostati ({data.diff.summary.unchanged} invariati). Legenda: sfondo verde
            aggiunto, rosso rimosso, giallo modificato, azzurro spostato; ogni differenza è scritta anche tra parentesi quadre.
          </p>
          <div className="row">
            <Side title="Piano adottato" tree={data.before.achievement} diff={data.diff} side="before" />
            <Side title="Piano variato (attuale)" tree={plan.achievement} diff={data.diff} side="after" />
          </div>
        </>
      ) : null}
    </div>
  );
}
