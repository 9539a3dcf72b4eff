/**
 * The plan as an XLSX workbook for the offices: typed cells (numbers, percentages, euro, dates)
 * and, beside the tree, the measurements and the achievement of every node per plan year.
 * Sheets: "Indicatori" (the columns the import reads, with an operator column per year, plus the
 * value measured, the achievement and the outcome per year), "Raggiungimento" (the chamber, every
 * ambito and objective per year), "Misurazioni" (every measurement with who recorded it).
 */
import { planTreeView, type IndicatorValue, type IndicatorUnit, type NodeScore, type PlanMeasurement, type PlanNode, type PlanState, type PlanTreeView } from '@ciclo/domain';
import { dateCell, euroCell, numberCell, percentCell, typedWorkbook, type XlsxCell } from '@ciclo/documents';
import { OPERATOR_LABEL, SHEET_COLUMNS, TYPE_LABEL, UNIT_LABEL } from './spreadsheet';

export const STATUS_LABEL: Record<string, string> = {
  raggiunto: 'Raggiunto',
  parzialmente_raggiunto: 'Parzialmente raggiunto',
  non_raggiunto: 'Non raggiunto',
  non_rilevato: 'Non rilevato',
};

/** A plan value as a typed cell for its unit. */
export function valueCell(v: IndicatorValue | undefined, unit: IndicatorUnit): XlsxCell {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 'sì' : 'no';
  if (typeof v === 'string') return dateCell(v);
  if (unit === '%') return percentCell(v);
  if (unit === '€') return euroCell(v);
  return numberCell(v);
}

const outcome = (a: NodeScore): string => a.band?.label ?? STATUS_LABEL[a.status] ?? a.status;

export async function planWorkbook(nodes: readonly PlanNode[], years: readonly number[], plan: Pick<PlanState, 'measurements' | 'scoring'>): Promise<Buffer> {
  const views: PlanTreeView[] = years.map((year) => planTreeView(nodes, plan.measurements, { year, rules: plan.scoring?.rules ?? {} }));
  const indicatorScore = years.map((_, i) => {
    const m = new Map<string, NodeScore & { actual?: IndicatorValue }>();
    for (const a of views[i].ambiti) for (const so of a.strategicObjectives) for (const oo of so.operationalObjectives) for (const ind of oo.indicators) m.set(ind.code, ind.achievement);
    return m;
  });
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const label = (x: PlanNode | undefined) => (x && (x.kind === 'ambito' || x.kind === 'strategic_objective') ? `${x.code} - ${x.title}` : null);

  const indicatorRows: XlsxCell[][] = [];
  for (const n of nodes) {
    if (n.kind !== 'indicator') continue;
    const oo = byCode.get(n.objectiveCode);
    const op = oo?.kind === 'operational_objective' ? oo : undefined;
    const so = op ? byCode.get(op.strategicObjectiveCode) : undefined;
    const am = so?.kind === 'strategic_objective' ? byCode.get(so.ambitoCode) : undefined;
    const res = op?.resources ?? null;
    indicatorRows.push([
      label(am),
      label(so),
      n.objectiveCode,
      op?.title ?? null,
      op?.area ?? null,
      op?.office ?? null,
      res === null ? null : res.kind === 'euro' ? euroCell(res.amount) : 'risorse interne',
      n.code,
      n.name,
      n.algorithm ?? null,
      TYPE_LABEL[n.type],
      UNIT_LABEL[n.unit],
      'nd' in n.baseline ? 'n.d.' : valueCell(n.baseline.value, n.unit),
      ...years.flatMap((y) => {
        const t = n.targets.find((x) => x.year === y);
        return t ? [OPERATOR_LABEL[t.operator] || null, valueCell(t.value, n.unit)] : [null, null];
      }),
      n.weight === null ? 'n.d.' : percentCell(n.weight),
      n.dataSource ?? null,
      ...years.flatMap((_, i) => {
        const a = indicatorScore[i].get(n.code);
        return a ? [valueCell(a.actual, n.unit), percentCell(a.shown), outcome(a)] : [null, null, null];
      }),
    ]);
  }
  const indicatorColumns = [
    ...Object.values(SHEET_COLUMNS).slice(0, 12),
    `Stato ${years[0] - 1}`,
    ...years.flatMap((y) => [`Operatore ${y}`, `Target ${y}`]),
    SHEET_COLUMNS.weight,
    SHEET_COLUMNS.dataSource,
    ...years.flatMap((y) => [`Misurato ${y}`, `Raggiungimento ${y}`, `Esito ${y}`]),
  ].map((header) => ({ header }));

  // Achievement by node: the chamber, then each ambito, strategic and operational objective.
  const scoreCells = (pick: (v: PlanTreeView) => NodeScore | undefined): XlsxCell[] =>
    views.flatMap((v) => {
      const a = pick(v);
      return a ? [percentCell(a.shown), outcome(a)] : [null, null];
    });
  const achievementRows: XlsxCell[][] = [['Ente', '', "Intera amministrazione", ...scoreCells((v) => v.chamber)]];
  const first = views[0];
  for (const a of first.ambiti) {
    achievementRows.push(['Ambito strategico', a.code, a.title, ...scoreCells((v) => v.ambiti.find((x) => x.code === a.code)?.achievement)]);
    for (const so of a.strategicObjectives) {
      const soOf = (v: PlanTreeView) => v.ambiti.find((x) => x.code === a.code)?.strategicObjectives.find((x) => x.code === so.code);
      achievementRows.push(['Obiettivo strategico', so.code, so.title, ...scoreCells((v) => soOf(v)?.achievement)]);
      for (const oo of so.operationalObjectives) {
        achievementRows.push(['Obiettivo operativo', oo.code, oo.title, ...scoreCells((v) => soOf(v)?.operationalObjectives.find((x) => x.code === oo.code)?.achievement)]);
      }
    }
  }

  const unitOf = new Map(nodes.flatMap((n) => (n.kind === 'indicator' ? [[n.code, n.unit] as const] : [])));
  const nameOf = new Map(nodes.flatMap((n) => (n.kind === 'indicator' ? [[n.code, n.name] as const] : [])));
  const measurementRows: XlsxCell[][] = plan.measurements.map((m: PlanMeasurement) => [
    m.indicatorCode,
    nameOf.get(m.indicatorCode) ?? null,
    m.period,
    valueCell(m.value, unitOf.get(m.indicatorCode) ?? 'n'),
    dateCell(m.date),
    m.source ?? null,
    m.note ?? null,
    m.by,
    dateCell(m.at),
    m.correctionReason ?? null,
  ]);

  return typedWorkbook([
    { name: 'Indicatori', columns: indicatorColumns, rows: indicatorRows },
    {
      name: 'Raggiungimento',
      columns: [{ header: 'Livello', width: 22 }, { header: 'Codice' }, { header: 'Titolo', width: 60 }, ...years.flatMap((y) => [{ header: `Raggiungimento ${y}` }, { header: `Esito ${y}`, width: 24 }])],
      rows: achievementRows,
    },
    {
      name: 'Misurazioni',
      columns: ['Codice indicatore', 'Indicatore', 'Periodo', 'Valore', 'Data', 'Fonte dati', 'Nota', 'Registrata da', 'Registrata il', 'Motivo della correzione'].map((header) => ({ header })),
      rows: measurementRows,
    },
  ]);
}
