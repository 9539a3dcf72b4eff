/**
 * The plan as a nested tree with the achievement of every node for a year, the measurements of each
 * indicator (with their corrections) and, on a monitoring date, the variance flags.
 */
import type { IsoDate } from '../calendar';
import { computeAchievementFromMeasurements, type IndicatorAchievement, type NodeAchievement } from '../performance/achievement';
import { effectiveMeasurements, indexMeasurements, type Measurement } from '../performance/measurements';
import { presentScore, type ScoreBand, type SmvpRules } from '../performance/smvp-rules';
import { analyseVariance, type ExpectedProgress, type VarianceEntry } from '../performance/variance';
import type { AmbitoNode, IndicatorNode, OperationalObjectiveNode, PlanMeasurement, PlanNode, StrategicObjectiveNode } from './model';
import { toPlanTree } from './tree';

export interface NodeScore {
  /** Achievement (percent), or null when not measurable yet */
  score: number | null;
  /** The score rounded to one decimal, for display. */
  shown: number | null;
  /** Why the score is what it is (`scored`, `no_data`...) */
  status: string;
  /** The SMVP band the score falls in */
  band?: ScoreBand;
}

export interface IndicatorScoreView extends NodeScore {
  /** The year's target used */
  target?: IndicatorAchievement['target'];
  /** The value measured used */
  actual?: IndicatorAchievement['actual'];
  /** The scoring rule applied */
  rule?: string;
  /** Why the score is what it is */
  reason?: string;
  /** Whether the score was capped at the SMVP maximum */
  capped: boolean;
}

export interface MeasurementView {
  /** Period measured (`2027`, `2027-S1`, `2027-Q3`...) */
  period: string;
  /** Value measured */
  value: PlanMeasurement['value'];
  /** Date of the measurement */
  date: string;
  /** Data source */
  source?: string;
  /** Note */
  note?: string;
  /** SHA-256 of the supporting document */
  attachmentHash?: string;
  /** Who recorded it */
  recordedBy: string;
  /** When (ISO 8601) */
  recordedAt: string;
  /** Plan stream version of the record */
  version: number;
  /** Earlier records of the same period, oldest first, each with the reason it was corrected. */
  history: {
    /** Value as first recorded */
    value: PlanMeasurement['value'];
    /** Date of that measurement */
    date: string;
    /** Who recorded it */
    recordedBy: string;
    /** When (ISO 8601) */
    recordedAt: string;
    /** Why it was corrected */
    correctedBecause?: string;
  }[];
  /** Why the latest value corrected an earlier one */
  correctionReason?: string;
}

export type IndicatorView = IndicatorNode & {
  /** Achievement for the year */
  achievement: IndicatorScoreView;
  /** Measurements, every period */
  measurements: MeasurementView[];
  /** Where the indicator stands against its expected progress */
  variance?: VarianceEntry;
};
export type OperationalObjectiveView = OperationalObjectiveNode & {
  /** Achievement for the year, rolled up from the indicators */
  achievement: NodeScore;
  /** Its indicators */
  indicators: IndicatorView[];
};
export type StrategicObjectiveView = StrategicObjectiveNode & {
  /** Achievement for the year, rolled up */
  achievement: NodeScore;
  /** Its operational objectives */
  operationalObjectives: OperationalObjectiveView[];
};
export type AmbitoView = AmbitoNode & {
  /** Achievement for the year, rolled up */
  achievement: NodeScore;
  /** Its strategic objectives */
  strategicObjectives: StrategicObjectiveView[];
};

export interface PlanTreeView {
  /** Year of the achievement */
  year: number;
  /** Achievement of the whole chamber */
  chamber: NodeScore;
  /** The ambiti strategici with their objectives and indicators */
  ambiti: AmbitoView[];
  /** Nodes whose parent does not exist (never produced by the commands; kept visible). */
  orphans: PlanNode[];
  /** Indicators behind their expected progress at the monitoring date */
  variance?: {
    /** Date of the check */
    monitoringDate: IsoDate;
    /** Share of the year's target expected by then */
    expectedFraction: number;
    /** Indicators flagged */
    flagged: number;
    /** Indicators checked */
    entries: number;
  };
}

export interface PlanViewOptions {
  year: number;
  rules?: Partial<SmvpRules>;
  /** With a monitoring date, each indicator carries its variance entry (behind, overdue...). */
  monitoringDate?: IsoDate;
  expectedProgress?: ExpectedProgress;
  tolerancePercent?: number;
}

export function toMeasurement(m: PlanMeasurement): Measurement {
  return {
    indicatorCode: m.indicatorCode,
    period: m.period,
    value: m.value,
    date: m.date,
    ...(m.source !== undefined ? { source: m.source } : {}),
    ...(m.note !== undefined ? { note: m.note } : {}),
    ...(m.attachmentHash !== undefined ? { attachmentHash: m.attachmentHash } : {}),
    ...(m.correctionReason !== undefined ? { correctionReason: m.correctionReason } : {}),
  };
}

function scoreOf(a: NodeAchievement | undefined): NodeScore {
  if (!a) return { score: null, shown: null, status: 'non_rilevato' };
  return { score: a.score, shown: presentScore(a.score), status: a.status, ...(a.band ? { band: a.band } : {}) };
}

function measurementViews(list: readonly PlanMeasurement[]): Map<string, MeasurementView[]> {
  const byCode = new Map<string, MeasurementView[]>();
  // Effective measurements keep their history; PlanMeasurement carries who and when.
  const records = new Map<Measurement, PlanMeasurement>();
  const measurements = list.map((m) => {
    const x = toMeasurement(m);
    records.set(x, m);
    return x;
  });
  for (const e of effectiveMeasurements(measurements)) {
    const cur = records.get(e.current) as PlanMeasurement;
    const chain = [...e.superseded, e.current];
    const view: MeasurementView = {
      period: e.period,
      value: cur.value,
      date: cur.date,
      ...(cur.source ? { source: cur.source } : {}),
      ...(cur.note ? { note: cur.note } : {}),
      ...(cur.attachmentHash ? { attachmentHash: cur.attachmentHash } : {}),
      ...(cur.correctionReason ? { correctionReason: cur.correctionReason } : {}),
      recordedBy: cur.by,
      recordedAt: cur.at,
      version: cur.version,
      history: e.superseded.map((s, i) => {
        const r = records.get(s) as PlanMeasurement;
        const next = chain[i + 1];
        return { value: r.value, date: r.date, recordedBy: r.by, recordedAt: r.at, ...(next?.correctionReason ? { correctedBecause: next.correctionReason } : {}) };
      }),
    };
    const arr = byCode.get(e.indicatorCode);
    if (arr) arr.push(view);
    else byCode.set(e.indicatorCode, [view]);
  }
  return byCode;
}

/** The nested tree with achievement for `options.year` (and variance on `options.monitoringDate`). */
export function planTreeView(nodes: readonly PlanNode[], measurementList: readonly PlanMeasurement[], options: PlanViewOptions): PlanTreeView {
  const tree = toPlanTree(nodes);
  const measurements = measurementList.map(toMeasurement);
  const achievement = computeAchievementFromMeasurements(tree, indexMeasurements(measurements), options.year, options.rules ?? {});
  const variance = options.monitoringDate
    ? analyseVariance(tree, measurements, options.monitoringDate, {
        ...(options.expectedProgress ? { expectedProgress: options.expectedProgress } : {}),
        ...(options.tolerancePercent !== undefined ? { tolerancePercent: options.tolerancePercent } : {}),
        ...(options.rules ? { rules: options.rules } : {}),
      })
    : undefined;
  const varianceByCode = new Map((variance?.entries ?? []).map((e) => [e.indicatorCode, e]));
  const measured = measurementViews(measurementList);

  const children = new Map<string, PlanNode[]>();
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const orphans: PlanNode[] = [];
  for (const n of nodes) {
    const parent = n.kind === 'strategic_objective' ? n.ambitoCode : n.kind === 'operational_objective' ? n.strategicObjectiveCode : n.kind === 'indicator' ? n.objectiveCode : null;
    if (parent === null) continue;
    if (!byCode.has(parent)) {
      orphans.push(n);
      continue;
    }
    const list = children.get(parent);
    if (list) list.push(n);
    else children.set(parent, [n]);
  }
  const kids = <K extends PlanNode['kind']>(code: string, kind: K) => (children.get(code) ?? []).filter((n): n is Extract<PlanNode, { kind: K }> => n.kind === kind);

  const indicatorView = (n: IndicatorNode): IndicatorView => {
    const a = achievement.indicators.get(n.code);
    const v = varianceByCode.get(n.code);
    return {
      ...n,
      achievement: {
        score: a?.score ?? null,
        shown: presentScore(a?.score ?? null),
        status: a?.status ?? 'non_rilevato',
        ...(a?.band ? { band: a.band } : {}),
        ...(a?.target ? { target: a.target } : {}),
        ...(a?.actual !== undefined ? { actual: a.actual } : {}),
        ...(a?.rule ? { rule: a.rule } : {}),
        ...(a?.reason ? { reason: a.reason } : {}),
        capped: a?.capped ?? false,
      },
      measurements: measured.get(n.code) ?? [],
      ...(v ? { variance: v } : {}),
    };
  };
  const ambiti = nodes
    .filter((n): n is AmbitoNode => n.kind === 'ambito')
    .map((amb) => ({
      ...amb,
      achievement: scoreOf(achievement.ambiti.get(amb.code)),
      strategicObjectives: kids(amb.code, 'strategic_objective').map((so) => ({
        ...so,
        achievement: scoreOf(achievement.strategicObjectives.get(so.code)),
        operationalObjectives: kids(so.code, 'operational_objective').map((oo) => ({
          ...oo,
          achievement: scoreOf(achievement.operationalObjectives.get(oo.code)),
          indicators: kids(oo.code, 'indicator').map(indicatorView),
        })),
      })),
    }));
  return {
    year: options.year,
    chamber: scoreOf(achievement.chamber),
    ambiti,
    orphans,
    ...(variance
      ? { variance: { monitoringDate: variance.monitoringDate, expectedFraction: variance.expectedFraction, flagged: variance.flagged.length, entries: variance.entries.length } }
      : {}),
  };
}
