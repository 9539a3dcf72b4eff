/**
 * Degree of achievement ("grado di raggiungimento") of indicators and objectives, rolled up the
 * performance tree to the whole chamber. Pure arithmetic; the conventions come from SmvpRules.
 * Scores are percentages kept at full precision; round with `presentScore` only to show them.
 */
import { epochDay, isIsoDate } from '../calendar';
import { actualsForYear, type IndexOptions, type Measurement, type MeasurementIndex } from './measurements';
import { bandFor, resolveSmvpRules, scoreCap, type ScoreBand, type SmvpRules } from './smvp-rules';
import {
  targetFor,
  type Indicatore,
  type IndicatorUnit,
  type IndicatorValue,
  type PlanTree,
  type Target,
} from './tree';
import { operatorAllowedForUnit, valueHasKind, valueKindOfUnit } from './validation';

export type AchievementStatus = 'raggiunto' | 'parzialmente_raggiunto' | 'non_raggiunto' | 'non_rilevato';

/** Why an indicator is "non rilevato" (excluded from its objective's mean). */
export type NonRilevatoReason =
  /** No measurement for the year. */
  | 'missing_measurement'
  /** No target for the year. */
  | 'missing_target'
  /** The measured value is not of the kind the unit needs. */
  | 'invalid_measurement'
  /** The target is unusable (operator incoherent with the unit, or value of the wrong kind). */
  | 'invalid_target';

/** Which rule produced an indicator score. */
export type ScoringRule =
  | 'higher_ratio'
  | 'lower_ratio'
  | 'lower_linear'
  | 'non_positive_target'
  | 'equals_binary'
  | 'equals_proportional'
  | 'date'
  | 'yes_no';

export interface IndicatorScore {
  /** 0…100 (up to the overachievement cap when allowed); `null` when not scorable. */
  readonly score: number | null;
  readonly rule?: ScoringRule;
  readonly reason?: NonRilevatoReason;
  /** True when the raw score was cut down to the cap. */
  readonly capped: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Tolerance of floating-point comparisons (a relative 1e-9). */
function nearlyLessOrEqual(a: number, b: number): boolean {
  return a <= b + 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function notScorable(reason: NonRilevatoReason): IndicatorScore {
  return { score: null, reason, capped: false };
}

function bounded(raw: number, rule: ScoringRule, rules: SmvpRules): IndicatorScore {
  const cap = scoreCap(rules);
  if (raw > cap) return { score: cap, rule, capped: true };
  return { score: Math.max(0, raw), rule, capped: false };
}

function binary(met: boolean, rule: ScoringRule): IndicatorScore {
  return { score: met ? 100 : 0, rule, capped: false };
}

/**
 * Scores one actual value against one target (see docs/achievement.md for every rule):
 * - `>=`, `>`: actual / target; a target ≤ 0 is met or not (100 or 0);
 * - `<=`, `<`: target / actual (`ratio`) or (2·target − actual) / target (`linear`); an actual
 *   ≤ 0 against a positive target reaches the cap; a target ≤ 0 is met or not;
 * - `=`: 100 within tolerance, else 0 (`binary`) or proportional to the distance;
 * - dates (unit `data`: `entro_il`, `<=`, `=`, `<`): 100 if achieved on or before the target
 *   date plus the grace days (strictly before for `<`), else 0; a measured `false` scores 0;
 * - yes/no: 100 if the actual equals the target, else 0.
 * Scores are floored at 0 and capped at 100, or at the overachievement cap when allowed.
 */
export function scoreAgainstTarget(
  target: Target | undefined,
  unit: IndicatorUnit,
  actual: IndicatorValue | undefined,
  rules: SmvpRules,
): IndicatorScore {
  if (!target) return notScorable('missing_target');
  const kind = valueKindOfUnit(unit);
  if (!operatorAllowedForUnit(target.operator, unit) || !valueHasKind(target.value, kind)) {
    return notScorable('invalid_target');
  }
  if (actual === undefined) return notScorable('missing_measurement');

  if (kind === 'boolean') {
    if (typeof actual !== 'boolean') return notScorable('invalid_measurement');
    return binary(actual === target.value, 'yes_no');
  }

  if (kind === 'date') {
    if (actual === false) return binary(false, 'date');
    if (!isIsoDate(actual)) return notScorable('invalid_measurement');
    const actualDay = epochDay(actual);
    // The target value was checked above (valueHasKind): a real ISO date.
    const deadline = epochDay(target.value as string) + rules.dateGraceDays;
    return binary(target.operator === '<' ? actualDay < deadline : actualDay <= deadline, 'date');
  }

  if (typeof actual !== 'number' || !Number.isFinite(actual)) return notScorable('invalid_measurement');
  const t = target.value as number;
  const a = actual;
  switch (target.operator) {
    case '>=':
    case '>': {
      if (t <= 0) return binary(target.operator === '>=' ? a >= t : a > t, 'non_positive_target');
      return bounded((a / t) * 100, 'higher_ratio', rules);
    }
    case '<=':
    case '<': {
      if (t <= 0) return binary(target.operator === '<=' ? a <= t : a < t, 'non_positive_target');
      if (rules.lowerIsBetterFormula === 'linear') {
        return bounded(((2 * t - a) / t) * 100, 'lower_linear', rules);
      }
      if (a <= 0) return bounded(Number.POSITIVE_INFINITY, 'lower_ratio', rules);
      return bounded((t / a) * 100, 'lower_ratio', rules);
    }
    default: {
      // '=' (the only numeric operator left once the unit check has passed)
      const distance = Math.abs(a - t);
      const tolerance = Math.max(rules.equalsTolerance, (rules.equalsTolerancePercent / 100) * Math.abs(t));
      if (nearlyLessOrEqual(distance, tolerance)) {
        return binary(true, rules.equalsScoring === 'binary' ? 'equals_binary' : 'equals_proportional');
      }
      if (rules.equalsScoring === 'binary' || t === 0) {
        return binary(false, rules.equalsScoring === 'binary' ? 'equals_binary' : 'equals_proportional');
      }
      return bounded(100 * (1 - distance / Math.abs(t)), 'equals_proportional', rules);
    }
  }
}

/** Status of a score: ≥ 100 raggiunto, > 0 parzialmente raggiunto, 0 non raggiunto. */
export function statusOf(score: number | null): AchievementStatus {
  if (score === null) return 'non_rilevato';
  if (score >= 100 - 1e-9) return 'raggiunto';
  if (score > 0) return 'parzialmente_raggiunto';
  return 'non_raggiunto';
}

export interface IndicatorAchievement {
  readonly kind: 'indicator';
  readonly code: string;
  readonly objectiveCode: string;
  readonly year: number;
  /** Declared weight within the objective (percent). */
  readonly weight: number;
  readonly target?: Target;
  readonly actual?: IndicatorValue;
  readonly score: number | null;
  readonly status: AchievementStatus;
  readonly rule?: ScoringRule;
  readonly reason?: NonRilevatoReason;
  readonly capped: boolean;
  readonly band?: ScoreBand;
}

export type AggregateKind = 'operational_objective' | 'strategic_objective' | 'ambito' | 'chamber';

/** What one child brings to its parent's score. */
export interface Contribution {
  readonly code: string;
  readonly kind: AggregateKind | 'indicator';
  /** Weight as declared (undefined when the child declares none). */
  readonly declaredWeight?: number;
  /** Share of the parent's score, 0…1 (0 when excluded); the shares of a parent sum to 1. */
  readonly share: number;
  readonly score: number | null;
  /** share × score: the points this child adds to the parent's score. */
  readonly points: number;
  readonly status: AchievementStatus;
  /** True when the child is non rilevato and its weight was spread over the others. */
  readonly excluded: boolean;
}

export interface NodeAchievement {
  readonly kind: AggregateKind;
  readonly code: string;
  readonly score: number | null;
  readonly status: AchievementStatus;
  readonly band?: ScoreBand;
  /** `declared`: weighted by the children's weights; `equal`: plain mean. */
  readonly weighting: 'declared' | 'equal';
  /** True when some children were excluded and the weights were renormalised over the others. */
  readonly renormalised: boolean;
  readonly children: readonly Contribution[];
}

/** Code of the chamber node (the root of the roll-up). */
export const CHAMBER_CODE = '*';

export interface PlanAchievement {
  readonly year: number;
  readonly rules: SmvpRules;
  readonly chamber: NodeAchievement;
  readonly ambiti: ReadonlyMap<string, NodeAchievement>;
  readonly strategicObjectives: ReadonlyMap<string, NodeAchievement>;
  readonly operationalObjectives: ReadonlyMap<string, NodeAchievement>;
  readonly indicators: ReadonlyMap<string, IndicatorAchievement>;
}

/** A child as seen by {@link aggregateScores}. */
export interface ScoredChild {
  readonly code: string;
  readonly kind: AggregateKind | 'indicator';
  readonly weight?: number;
  readonly score: number | null;
}

function usableWeight(weight: number | undefined): weight is number {
  return weight !== undefined && Number.isFinite(weight) && weight >= 0;
}

/**
 * Weighted mean of the scored children. Children with a `null` score are excluded and the
 * weights renormalised over the others. `weighting: 'declared'` uses the weights (every child
 * must have one, else the mean is plain); when the scored children's weights sum to 0 the mean
 * is plain. The result is clamped to [min, max] of the children's scores, which removes
 * floating-point drift (a true weighted mean always lies there).
 */
export function aggregateScores(
  kind: AggregateKind,
  code: string,
  children: readonly ScoredChild[],
  weighting: 'declared' | 'equal',
  rules: SmvpRules,
): NodeAchievement {
  let totalWeight = 0;
  let scoredCount = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const child of children) {
    if (child.score === null) continue;
    scoredCount += 1;
    if (weighting === 'declared' && usableWeight(child.weight)) totalWeight += child.weight;
    if (child.score < min) min = child.score;
    if (child.score > max) max = child.score;
  }
  const useWeights = weighting === 'declared' && totalWeight > 0;
  const shareOf = (child: ScoredChild): number => {
    if (child.score === null) return 0;
    if (useWeights) return usableWeight(child.weight) ? child.weight / totalWeight : 0;
    return 1 / scoredCount;
  };

  let weightedSum = 0;
  const contributions: Contribution[] = children.map((child) => {
    const share = shareOf(child);
    const contribution: Mutable<Contribution> = {
      code: child.code,
      kind: child.kind,
      share,
      score: child.score,
      points: child.score === null ? 0 : share * child.score,
      status: statusOf(child.score),
      excluded: child.score === null,
    };
    if (child.weight !== undefined) contribution.declaredWeight = child.weight;
    if (child.score !== null) {
      weightedSum += useWeights ? (usableWeight(child.weight) ? child.weight : 0) * child.score : child.score;
    }
    return contribution;
  });

  let score: number | null = null;
  if (scoredCount > 0) {
    const mean = useWeights ? weightedSum / totalWeight : weightedSum / scoredCount;
    score = Math.min(max, Math.max(min, mean));
  }
  return withBand(
    {
      kind,
      code,
      score,
      status: statusOf(score),
      weighting: useWeights ? 'declared' : 'equal',
      renormalised: scoredCount > 0 && scoredCount < children.length,
      children: contributions,
    },
    rules,
  );
}

function withBand<T extends { readonly score: number | null }>(result: T, rules: SmvpRules): T {
  if (!rules.bands || result.score === null) return result;
  const band = bandFor(result.score, rules.bands);
  return band ? { ...result, band } : result;
}

/** Scores one indicator of the tree for a year. */
export function scoreIndicator(
  indicator: Indicatore,
  actual: IndicatorValue | undefined,
  year: number,
  rules: SmvpRules,
): IndicatorAchievement {
  const target = targetFor(indicator, year);
  const scored = scoreAgainstTarget(target, indicator.unit, actual, rules);
  const result: Mutable<IndicatorAchievement> = {
    kind: 'indicator',
    code: indicator.code,
    objectiveCode: indicator.objectiveCode,
    year,
    weight: indicator.weight,
    score: scored.score,
    status: statusOf(scored.score),
    capped: scored.capped,
  };
  if (target) result.target = target;
  if (actual !== undefined) result.actual = actual;
  if (scored.rule) result.rule = scored.rule;
  if (scored.reason) result.reason = scored.reason;
  return withBand(result, rules);
}

function childWeighting(children: readonly { readonly weight?: number }[]): 'declared' | 'equal' {
  return children.length > 0 && children.every((child) => child.weight !== undefined) ? 'declared' : 'equal';
}

/**
 * Achievement of the whole plan for a year from the actual value of each indicator (see
 * `actualsForYear`). Indicators roll up to their operational objective by weight; operational
 * objectives to strategic objectives, strategic objectives to ambiti and ambiti to the chamber,
 * by weight when every sibling declares one, else by plain mean. Nodes whose parent is unknown
 * are scored but reach no parent.
 */
export function computeAchievement(
  tree: PlanTree,
  actuals: ReadonlyMap<string, IndicatorValue>,
  year: number,
  rules: Partial<SmvpRules> = {},
): PlanAchievement {
  const resolved = resolveSmvpRules(rules);
  const indicators = new Map<string, IndicatorAchievement>();
  for (const indicator of tree.indicators.values()) {
    indicators.set(indicator.code, scoreIndicator(indicator, actuals.get(indicator.code), year, resolved));
  }

  const operationalObjectives = new Map<string, NodeAchievement>();
  for (const objective of tree.operationalObjectives.values()) {
    const children: ScoredChild[] = [];
    for (const code of tree.indicatorsByObjective.get(objective.code) ?? []) {
      const result = indicators.get(code);
      if (result) children.push({ code, kind: 'indicator', weight: result.weight, score: result.score });
    }
    operationalObjectives.set(
      objective.code,
      aggregateScores('operational_objective', objective.code, children, 'declared', resolved),
    );
  }

  const strategicObjectives = new Map<string, NodeAchievement>();
  for (const objective of tree.strategicObjectives.values()) {
    const children: ScoredChild[] = [];
    for (const code of tree.operationalObjectivesByStrategic.get(objective.code) ?? []) {
      const node = tree.operationalObjectives.get(code);
      const result = operationalObjectives.get(code);
      if (node && result) {
        children.push({
          code,
          kind: 'operational_objective',
          weight: node.weight,
          score: result.score,
        });
      }
    }
    strategicObjectives.set(
      objective.code,
      aggregateScores('strategic_objective', objective.code, children, childWeighting(children), resolved),
    );
  }

  const ambiti = new Map<string, NodeAchievement>();
  for (const ambito of tree.ambiti.values()) {
    const children: ScoredChild[] = [];
    for (const code of tree.strategicObjectivesByAmbito.get(ambito.code) ?? []) {
      const node = tree.strategicObjectives.get(code);
      const result = strategicObjectives.get(code);
      if (node && result) {
        children.push({
          code,
          kind: 'strategic_objective',
          weight: node.weight,
          score: result.score,
        });
      }
    }
    ambiti.set(
      ambito.code,
      aggregateScores('ambito', ambito.code, children, childWeighting(children), resolved),
    );
  }

  const chamberChildren: ScoredChild[] = [];
  for (const ambito of tree.ambiti.values()) {
    const result = ambiti.get(ambito.code);
    if (result) {
      chamberChildren.push({
        code: ambito.code,
        kind: 'ambito',
        weight: ambito.weight,
        score: result.score,
      });
    }
  }
  const chamber = aggregateScores(
    'chamber',
    CHAMBER_CODE,
    chamberChildren,
    childWeighting(chamberChildren),
    resolved,
  );

  return { year, rules: resolved, chamber, ambiti, strategicObjectives, operationalObjectives, indicators };
}

/**
 * `computeAchievement` from raw measurements (or an index built once with `indexMeasurements`):
 * corrections are resolved and each indicator's actual for the year is taken per its aggregation.
 * `options.asOf` applies only when a raw list is given.
 */
export function computeAchievementFromMeasurements(
  tree: PlanTree,
  measurements: readonly Measurement[] | MeasurementIndex,
  year: number,
  rules: Partial<SmvpRules> = {},
  options: IndexOptions = {},
): PlanAchievement {
  return computeAchievement(tree, actualsForYear(tree, measurements, year, options), year, rules);
}
