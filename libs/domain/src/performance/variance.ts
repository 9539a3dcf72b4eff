/**
 * Variance analysis for the in-year monitoring (e.g. the June check): on a monitoring date, which
 * indicators are behind the progress expected by then, and by how much.
 */
import { daysBetween, epochDay, isIsoDate, isLeapYear, isoDate, toYmd, type IsoDate } from '../calendar';
import { actualForYear, indexMeasurements, type Measurement } from './measurements';
import { parseMeasurementPeriod } from './periods';
import { resolveSmvpRules, type SmvpRules } from './smvp-rules';
import {
  progressKindOf,
  targetFor,
  type IndicatorValue,
  type PlanTree,
  type ProgressKind,
  type TargetOperator,
} from './tree';
import { operatorAllowedForUnit, valueHasKind, valueKindOfUnit } from './validation';

/**
 * Expected share of the yearly target reached by a date:
 * - `linear`: days elapsed (the monitoring day included) / days in the year;
 * - `per_period`: the cumulative fraction of the last listed period that has ended by the date
 *   (0 before the first one ends). Keys are period suffixes: `S1`, `Q3`, `06` (June), `12`.
 */
export type ExpectedProgress =
  | { readonly kind: 'linear' }
  | { readonly kind: 'per_period'; readonly fractions: Readonly<Record<string, number>> };

export interface VarianceOptions {
  /** Default linear. */
  readonly expectedProgress?: ExpectedProgress;
  /** Gaps up to this percent of the target are not flagged. Default 0. */
  readonly tolerancePercent?: number;
  /** SMVP rules: the `=` tolerances and the date grace days are taken from here. */
  readonly rules?: Partial<SmvpRules>;
}

export type VarianceStatus =
  /** At or ahead of the expected progress (or a deadline met, a yes/no achieved). */
  | 'on_track'
  /** Below the expected progress by more than the tolerance. */
  | 'behind'
  /** A date target passed without achievement, or achieved late. */
  | 'overdue'
  /** A deadline not yet due, or a yes/no not yet achieved. */
  | 'pending'
  /** No measurement known on the monitoring date. */
  | 'no_data'
  /** No usable target for the year. */
  | 'not_applicable';

export interface VarianceEntry {
  /** Indicator code */
  readonly indicatorCode: string;
  /** Its operational objective */
  readonly objectiveCode: string;
  /** Where the indicator stands against the expected progress */
  readonly status: VarianceStatus;
  /** True for `behind` and `overdue`. */
  readonly flagged: boolean;
  /** Target operator */
  readonly operator?: TargetOperator;
  /** Target of the year */
  readonly target?: IndicatorValue;
  /** How progress accrues over the year */
  readonly progress?: ProgressKind;
  /** Expected value on the monitoring date, in the target's unit (numeric targets). */
  readonly expected: number | null;
  /** Latest value measured */
  readonly actual: IndicatorValue | null;
  /** Shortfall in the target's unit: positive = behind (for lower-is-better: above the ceiling). */
  readonly gap: number | null;
  /** The gap in percent of the target (percentage points of progress); null for a zero target. */
  readonly gapPercent: number | null;
  /** For date targets: days past the target date (of the achievement, or of the monitoring date). */
  readonly daysLate?: number;
}

export interface VarianceReport {
  readonly monitoringDate: IsoDate;
  readonly year: number;
  readonly expectedFraction: number;
  readonly entries: readonly VarianceEntry[];
  /** The entries with `flagged: true`. */
  readonly flagged: readonly VarianceEntry[];
}

/** Expected fraction (0…1) of the yearly target reached on a date. */
export function expectedFractionAt(date: IsoDate, progress: ExpectedProgress = { kind: 'linear' }): number {
  if (!isIsoDate(date)) throw new RangeError(`Not an ISO date: ${date}`);
  const { year } = toYmd(date);
  if (progress.kind === 'linear') {
    const elapsed = daysBetween(isoDate(year, 1, 1), date) + 1;
    return Math.min(1, elapsed / (isLeapYear(year) ? 366 : 365));
  }
  const day = epochDay(date);
  let bestEnd = Number.NEGATIVE_INFINITY;
  let fraction = 0;
  for (const [suffix, value] of Object.entries(progress.fractions)) {
    const period = parseMeasurementPeriod(`${year}-${suffix}`);
    if (!period) throw new RangeError(`Not a period of the year: ${suffix}`);
    if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
      throw new RangeError(`Expected fraction of ${suffix} must lie in [0, 1]`);
    }
    if (period.endDay <= day && period.endDay > bestEnd) {
      bestEnd = period.endDay;
      fraction = value;
    }
  }
  return fraction;
}

const EPSILON = 1e-9;

/**
 * Compares every indicator's year-to-date actual with the progress expected on the monitoring
 * date. Only measurements recorded on or before that date count. See docs/achievement.md.
 */
export function analyseVariance(
  tree: PlanTree,
  measurements: readonly Measurement[],
  monitoringDate: IsoDate,
  options: VarianceOptions = {},
): VarianceReport {
  if (!isIsoDate(monitoringDate)) throw new RangeError(`Not an ISO date: ${monitoringDate}`);
  const monitoringDay = epochDay(monitoringDate);
  const { year } = toYmd(monitoringDate);
  const rules = resolveSmvpRules(options.rules);
  const fraction = expectedFractionAt(monitoringDate, options.expectedProgress);
  const tolerancePercent = options.tolerancePercent ?? 0;
  const index = indexMeasurements(measurements, { asOf: monitoringDate });

  const entries: VarianceEntry[] = [];
  for (const indicator of tree.indicators.values()) {
    const target = targetFor(indicator, year);
    const kind = valueKindOfUnit(indicator.unit);
    const e = draft(indicator.code, indicator.objectiveCode);
    if (
      !target ||
      !operatorAllowedForUnit(target.operator, indicator.unit) ||
      !valueHasKind(target.value, kind)
    ) {
      entries.push(finish(e, 'not_applicable'));
      continue;
    }
    const actual = actualForYear(indicator, index.get(indicator.code), year);
    e.operator = target.operator;
    e.target = target.value;
    e.actual = actual ?? null;

    if (kind === 'date') {
      // The target value was checked above (valueHasKind): a real ISO date.
      const targetDay = epochDay(target.value as string);
      const deadline = targetDay + rules.dateGraceDays;
      const inTime = (d: number): boolean => (target.operator === '<' ? d < deadline : d <= deadline);
      const achievedDay = isIsoDate(actual) ? epochDay(actual) : null;
      if (achievedDay !== null) {
        if (!inTime(achievedDay)) e.daysLate = achievedDay - targetDay;
        entries.push(finish(e, inTime(achievedDay) ? 'on_track' : 'overdue'));
      } else if (!inTime(monitoringDay)) {
        e.daysLate = monitoringDay - targetDay;
        entries.push(finish(e, 'overdue'));
      } else {
        entries.push(finish(e, 'pending'));
      }
      continue;
    }

    if (kind === 'boolean') {
      const achieved = typeof actual === 'boolean' && actual === target.value;
      entries.push(finish(e, achieved ? 'on_track' : 'pending'));
      continue;
    }

    const progress = progressKindOf(indicator);
    e.progress = progress;
    if (typeof actual !== 'number' || !Number.isFinite(actual)) {
      entries.push(finish(e, 'no_data'));
      continue;
    }
    const t = target.value as number;
    const expected = (progress === 'cumulative' ? fraction : 1) * t;
    const allowance = (tolerancePercent / 100) * Math.abs(t) + EPSILON * Math.max(1, Math.abs(t));
    let gap: number;
    let behind: boolean;
    if (target.operator === '<=' || target.operator === '<') {
      gap = actual - expected;
      behind = gap > allowance;
    } else if (target.operator === '=' && progress === 'level') {
      gap = Math.abs(actual - t);
      const equalsAllowance = Math.max(
        allowance,
        rules.equalsTolerance,
        (rules.equalsTolerancePercent / 100) * Math.abs(t),
      );
      behind = gap > equalsAllowance + EPSILON;
    } else {
      gap = expected - actual;
      behind = gap > allowance;
    }
    e.expected = expected;
    e.gap = gap;
    e.gapPercent = t === 0 ? null : (gap / Math.abs(t)) * 100;
    entries.push(finish(e, behind ? 'behind' : 'on_track'));
  }

  return {
    monitoringDate,
    year,
    expectedFraction: fraction,
    entries,
    flagged: entries.filter((e) => e.flagged),
  };
}

type Draft = { -readonly [K in keyof VarianceEntry]: VarianceEntry[K] };

function draft(indicatorCode: string, objectiveCode: string): Draft {
  return {
    indicatorCode,
    objectiveCode,
    status: 'not_applicable',
    flagged: false,
    expected: null,
    actual: null,
    gap: null,
    gapPercent: null,
  };
}

function finish(e: Draft, status: VarianceStatus): VarianceEntry {
  e.status = status;
  e.flagged = status === 'behind' || status === 'overdue';
  return e;
}
