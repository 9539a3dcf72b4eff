/**
 * Measurements ("rilevazioni") of indicators, their corrections, and the actual value of a year.
 *
 * A measurement is never edited: a correction is a new record for the same indicator and period,
 * carrying a reason, that supersedes the earlier ones. Lists are read in recording order (the
 * order of the events they come from): the later record of a key wins.
 */
import { epochDay, isIsoDate, type IsoDate } from '../calendar';
import { parseMeasurementPeriod, type MeasurementPeriod } from './periods';
import { aggregationOf, isNumericUnit, type Indicatore, type IndicatorValue, type PlanTree } from './tree';
import { valueHasKind, valueKindOfUnit } from './validation';

export interface Measurement {
  readonly indicatorCode: string;
  /** `2027` (year), `2027-06` (month), `2027-S1` (semester) or `2027-Q2` (quarter). */
  readonly period: string;
  /** A number, an ISO date (unit `data`: the date the result was achieved) or a yes/no. */
  readonly value: IndicatorValue;
  /** Date on which the value was recorded (for a correction, the date of the correction). */
  readonly date: IsoDate;
  readonly source?: string;
  readonly note?: string;
  /** Hash of the supporting document (e.g. hex SHA-256). */
  readonly attachmentHash?: string;
  /** Set on a correction: why the earlier value for the same indicator and period is replaced. */
  readonly correctionReason?: string;
}

/** The current measurement of one indicator and period, with the records it superseded. */
export interface EffectiveMeasurement {
  readonly indicatorCode: string;
  readonly period: string;
  readonly current: Measurement;
  /** Earlier records of the same indicator and period, oldest first. */
  readonly superseded: readonly Measurement[];
}

function keyOf(measurement: Measurement): string {
  return `${measurement.indicatorCode}\u0000${measurement.period}`;
}

/**
 * The latest record per (indicator, period), in order of first appearance, keeping the history of
 * superseded records.
 */
export function effectiveMeasurements(list: readonly Measurement[]): EffectiveMeasurement[] {
  const byKey = new Map<string, Measurement[]>();
  for (const measurement of list) {
    const key = keyOf(measurement);
    const records = byKey.get(key);
    if (records) records.push(measurement);
    else byKey.set(key, [measurement]);
  }
  const result: EffectiveMeasurement[] = [];
  for (const records of byKey.values()) {
    const current = records[records.length - 1] as Measurement;
    result.push({
      indicatorCode: current.indicatorCode,
      period: current.period,
      current,
      superseded: records.slice(0, -1),
    });
  }
  return result;
}

export type MeasurementProblemCode =
  | 'INVALID_PERIOD'
  | 'INVALID_DATE'
  | 'CORRECTION_WITHOUT_REASON'
  | 'CORRECTION_WITHOUT_ORIGINAL'
  | 'UNKNOWN_INDICATOR'
  | 'VALUE_UNIT_MISMATCH';

export interface MeasurementProblem {
  readonly code: MeasurementProblemCode;
  readonly indicatorCode: string;
  readonly period: string;
  /** Position of the record in the list. */
  readonly index: number;
}

/**
 * Problems of a measurement list: bad periods or dates, a record replacing an earlier one without
 * a correction reason, a correction with nothing to correct; with a tree, also unknown indicators
 * and values of the wrong kind for the unit.
 */
export function measurementProblems(list: readonly Measurement[], tree?: PlanTree): MeasurementProblem[] {
  const problems: MeasurementProblem[] = [];
  const seen = new Set<string>();
  list.forEach((measurement, index) => {
    const at = { indicatorCode: measurement.indicatorCode, period: measurement.period, index };
    if (!parseMeasurementPeriod(measurement.period)) problems.push({ code: 'INVALID_PERIOD', ...at });
    if (!isIsoDate(measurement.date)) problems.push({ code: 'INVALID_DATE', ...at });
    const key = keyOf(measurement);
    const hasReason = (measurement.correctionReason ?? '').trim() !== '';
    if (seen.has(key) && !hasReason) problems.push({ code: 'CORRECTION_WITHOUT_REASON', ...at });
    if (!seen.has(key) && measurement.correctionReason !== undefined) {
      problems.push({ code: 'CORRECTION_WITHOUT_ORIGINAL', ...at });
    }
    seen.add(key);
    if (tree) {
      const indicator = tree.indicators.get(measurement.indicatorCode);
      if (!indicator) problems.push({ code: 'UNKNOWN_INDICATOR', ...at });
      else if (!acceptsValue(indicator, measurement.value)) {
        problems.push({ code: 'VALUE_UNIT_MISMATCH', ...at });
      }
    }
  });
  return problems;
}

/** Whether a measured value fits the indicator's unit (a date indicator also takes `false`: not achieved). */
export function acceptsValue(indicator: Indicatore, value: IndicatorValue): boolean {
  const kind = valueKindOfUnit(indicator.unit);
  if (kind === 'date' && value === false) return true;
  return valueHasKind(value, kind);
}

/** An effective measurement with its parsed period and recording order. */
export interface IndexedMeasurement {
  readonly measurement: Measurement;
  readonly period: MeasurementPeriod;
  /** Epoch day of the record's `date`. */
  readonly recordedDay: number;
  readonly order: number;
}

/** Effective measurements grouped by indicator code (built once, then looked up per indicator). */
export type MeasurementIndex = ReadonlyMap<string, readonly IndexedMeasurement[]>;

export interface IndexOptions {
  /** Only records with `date` on or before this day count (what was known on that day). */
  readonly asOf?: IsoDate;
}

/**
 * Groups the effective measurements by indicator. Records with an invalid period or date are left
 * out (`measurementProblems` reports them). With `asOf`, later records are ignored before the
 * corrections are resolved, so a correction made after that day does not count.
 */
export function indexMeasurements(
  list: readonly Measurement[],
  options: IndexOptions = {},
): MeasurementIndex {
  const asOf = options.asOf;
  if (asOf !== undefined && !isIsoDate(asOf)) {
    throw new RangeError(`asOf is not an ISO date: ${asOf}`);
  }
  // indicator → period → position of the latest valid record known on the as-of day.
  const latest = new Map<string, Map<string, number>>();
  const recordedDays: number[] = new Array<number>(list.length);
  // The same few recording dates recur (values are entered in batches): convert each once.
  const days = new Map<string, number | null>();
  for (let i = 0; i < list.length; i++) {
    const measurement = list[i] as Measurement;
    let day = days.get(measurement.date);
    if (day === undefined) {
      day = isIsoDate(measurement.date) ? epochDay(measurement.date) : null;
      days.set(measurement.date, day);
    }
    // Valid ISO dates order as strings, so the as-of filter needs no further parsing.
    if (day === null || (asOf !== undefined && measurement.date > asOf)) continue;
    recordedDays[i] = day;
    let periods = latest.get(measurement.indicatorCode);
    if (!periods) {
      periods = new Map<string, number>();
      latest.set(measurement.indicatorCode, periods);
    }
    periods.set(measurement.period, i);
  }
  const index = new Map<string, IndexedMeasurement[]>();
  // The same few period strings recur across indicators: parse each once.
  const parsed = new Map<string, MeasurementPeriod | null>();
  for (const [indicatorCode, periods] of latest) {
    const entries: IndexedMeasurement[] = [];
    for (const i of periods.values()) {
      const measurement = list[i] as Measurement;
      let period = parsed.get(measurement.period);
      if (period === undefined) {
        period = parseMeasurementPeriod(measurement.period);
        parsed.set(measurement.period, period);
      }
      if (period) entries.push({ measurement, period, recordedDay: recordedDays[i] as number, order: i });
    }
    if (entries.length > 0) index.set(indicatorCode, entries);
  }
  return index;
}

function isLater(a: IndexedMeasurement, b: IndexedMeasurement): boolean {
  if (a.period.endDay !== b.period.endDay) return a.period.endDay > b.period.endDay;
  if (a.recordedDay !== b.recordedDay) return a.recordedDay > b.recordedDay;
  return a.order > b.order;
}

/**
 * The actual value of an indicator for a year, from its effective measurements of that year:
 * - `last` (default): the measurement whose period ends latest (ties: latest recording date,
 *   then latest in the list);
 * - `sum` / `average`: sum / mean of the numeric values of the year. Only for numeric units; a
 *   date or yes/no indicator always uses `last`. If a value is not a number, that value is
 *   returned so scoring reports it as invalid.
 * `undefined` when the year has no measurement.
 */
export function actualForYear(
  indicator: Indicatore,
  entries: readonly IndexedMeasurement[] | undefined,
  year: number,
): IndicatorValue | undefined {
  if (!entries || entries.length === 0) return undefined;
  const aggregation = isNumericUnit(indicator.unit) ? aggregationOf(indicator) : 'last';
  let latest: IndexedMeasurement | undefined;
  let sum = 0;
  let count = 0;
  let invalid: IndicatorValue | undefined;
  for (const entry of entries) {
    if (entry.period.year !== year) continue;
    if (!latest || isLater(entry, latest)) latest = entry;
    const value = entry.measurement.value;
    if (typeof value === 'number' && Number.isFinite(value)) {
      sum += value;
      count += 1;
    } else if (invalid === undefined) {
      invalid = value;
    }
  }
  if (!latest) return undefined;
  if (aggregation === 'last') return latest.measurement.value;
  if (invalid !== undefined) return invalid;
  return aggregation === 'sum' ? sum : sum / count;
}

/** Actual values of every indicator of the tree for a year (indicators without data are absent). */
export function actualsForYear(
  tree: PlanTree,
  measurements: readonly Measurement[] | MeasurementIndex,
  year: number,
  options: IndexOptions = {},
): Map<string, IndicatorValue> {
  const index = isIndex(measurements) ? measurements : indexMeasurements(measurements, options);
  const actuals = new Map<string, IndicatorValue>();
  for (const indicator of tree.indicators.values()) {
    const actual = actualForYear(indicator, index.get(indicator.code), year);
    if (actual !== undefined) actuals.set(indicator.code, actual);
  }
  return actuals;
}

function isIndex(value: readonly Measurement[] | MeasurementIndex): value is MeasurementIndex {
  return !Array.isArray(value);
}
