import { parseMeasurementPeriod } from './periods';
import {
  actualForYear,
  actualsForYear,
  effectiveMeasurements,
  indexMeasurements,
  measurementProblems,
  type Measurement,
} from './measurements';
import { ambito, indicator, measure, operational, strategic } from './spec-fixtures';
import { buildPlanTree, type Aggregation, type Indicatore, type IndicatorUnit } from './tree';

function ind(aggregation?: Aggregation, unit: IndicatorUnit = 'n'): Indicatore {
  return {
    code: 'k',
    objectiveCode: 'o',
    name: 'k',
    type: 'volume',
    unit,
    baseline: { nd: true },
    targets: [],
    weight: 100,
    ...(aggregation ? { aggregation } : {}),
  };
}

const actual = (list: Measurement[], aggregation?: Aggregation, year = 2027, unit: IndicatorUnit = 'n') =>
  actualForYear(ind(aggregation, unit), indexMeasurements(list).get('k'), year);

describe('periods', () => {
  it('then year, month, semester and quarter parse to their months; anything else is refused', () => {
    expect(parseMeasurementPeriod('2027')).toMatchObject({ kind: 'year', startMonth: 1, endMonth: 12 });
    expect(parseMeasurementPeriod('2027-06')).toMatchObject({ kind: 'month', startMonth: 6, endMonth: 6 });
    expect(parseMeasurementPeriod('2027-S2')).toMatchObject({
      kind: 'semester',
      startMonth: 7,
      endMonth: 12,
    });
    expect(parseMeasurementPeriod('2027-Q2')).toMatchObject({ kind: 'quarter', startMonth: 4, endMonth: 6 });
    for (const bad of ['2027-13', '2027-S3', '2027-Q5', '27', '2027-6', ''])
      expect(parseMeasurementPeriod(bad)).toBeNull();
  });
});

describe('corrections', () => {
  const original = measure('k', '2027-06', 40, { date: '2027-07-05' });
  const correction = measure('k', '2027-06', 42, {
    date: '2027-07-20',
    correctionReason: 'double count removed',
  });
  const other = measure('k', '2027-05', 30, { date: '2027-06-05' });

  it('given a correction, when resolved, then it supersedes the original and keeps it in the history', () => {
    const effective = effectiveMeasurements([original, other, correction]);
    expect(effective).toEqual([
      { indicatorCode: 'k', period: '2027-06', current: correction, superseded: [original] },
      { indicatorCode: 'k', period: '2027-05', current: other, superseded: [] },
    ]);
  });

  it('given two corrections, then the last one wins and the history is oldest first', () => {
    const second = measure('k', '2027-06', 41, { date: '2027-08-01', correctionReason: 'audit' });
    const [entry] = effectiveMeasurements([original, correction, second]);
    expect(entry?.current).toBe(second);
    expect(entry?.superseded).toEqual([original, correction]);
  });

  it('given a correction, then the actual of the year uses the corrected value', () => {
    expect(actual([original, correction])).toBe(42);
    expect(actual([other, original, correction], 'sum')).toBe(72);
  });

  it('given a correction recorded after the as-of date, then the original still counts on that date', () => {
    const index = indexMeasurements([original, correction], { asOf: '2027-07-10' });
    expect(actualForYear(ind(), index.get('k'), 2027)).toBe(40);
  });

  it('then problems list a re-entry without reason, a correction of nothing, bad periods and dates', () => {
    const problems = measurementProblems([
      original,
      measure('k', '2027-06', 43, { date: '2027-07-21' }),
      measure('k', '2027-07', 1, { correctionReason: 'typo' }),
      measure('k', '2027-13', 1),
      measure('k', '2027-08', 1, { date: '2027-02-30' }),
    ]);
    expect(problems.map((p) => `${p.code}@${p.index}`)).toEqual([
      'CORRECTION_WITHOUT_REASON@1',
      'CORRECTION_WITHOUT_ORIGINAL@2',
      'INVALID_PERIOD@3',
      'INVALID_DATE@4',
    ]);
  });

  it('given a tree, then problems also list unknown indicators and values of the wrong kind', () => {
    const tree = buildPlanTree([
      ambito('01'),
      strategic('01_01', '01'),
      operational('01_01_01', '01_01'),
      indicator('d', '01_01_01', 50, { operator: 'entro_il', value: '2027-06-30' }, { unit: 'data' }),
      indicator('n', '01_01_01', 50, { operator: '>=', value: 3 }),
    ]);
    const problems = measurementProblems(
      [
        measure('d', '2027', false),
        measure('d', '2027-S1', 5),
        measure('n', '2027', 'tre'),
        measure('ghost', '2027', 1),
      ],
      tree,
    );
    expect(problems.map((p) => `${p.code}:${p.indicatorCode}`)).toEqual([
      'VALUE_UNIT_MISMATCH:d',
      'VALUE_UNIT_MISMATCH:n',
      'UNKNOWN_INDICATOR:ghost',
    ]);
  });
});

describe('the actual value of a year', () => {
  const monthly = (values: number[]): Measurement[] =>
    values.map((value, i) => measure('k', `2027-${String(i + 1).padStart(2, '0')}`, value));

  it('given no aggregation, then the measurement whose period ends last counts, whatever the list order', () => {
    const list = [measure('k', '2027-12', 9), measure('k', '2027-06', 5), measure('k', '2026-12', 99)];
    expect(actual(list)).toBe(9);
  });

  it('given a yearly and a December value ending the same day, then the later recording wins', () => {
    const list = [
      measure('k', '2027', 100, { date: '2028-01-20' }),
      measure('k', '2027-12', 90, { date: '2028-01-10' }),
    ];
    expect(actual(list)).toBe(100);
  });

  it('given aggregation sum, then the months of the year are added', () => {
    expect(actual(monthly([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 'sum')).toBe(78);
  });

  it('given aggregation average, then the months of the year are averaged', () => {
    expect(actual(monthly([7.0, 7.5, 8.0]), 'average')).toBe(7.5);
  });

  it('given measurements of another year only, then there is no actual', () => {
    expect(actual([measure('k', '2026-05', 3)], 'sum')).toBeUndefined();
    expect(actual([], 'last')).toBeUndefined();
  });

  it('given a non-numeric value in a sum, then that value is returned so scoring flags it', () => {
    expect(actual([measure('k', '2027-01', 3), measure('k', '2027-02', 'tre')], 'sum')).toBe('tre');
  });

  it('given a date indicator declared as sum, then it still takes the last value', () => {
    const list = [measure('k', '2027-03', '2027-03-10'), measure('k', '2027-06', '2027-06-01')];
    expect(actual(list, 'sum', 2027, 'data')).toBe('2027-06-01');
  });

  it('then actualsForYear returns one value per measured indicator of the tree', () => {
    const tree = buildPlanTree([
      ambito('01'),
      strategic('01_01', '01'),
      operational('01_01_01', '01_01'),
      indicator('a', '01_01_01', 50, { operator: '>=', value: 3 }, { aggregation: 'sum' }),
      indicator('b', '01_01_01', 50, { operator: '>=', value: 3 }),
    ]);
    const actuals = actualsForYear(tree, [measure('a', '2027-01', 2), measure('a', '2027-02', 2)], 2027);
    expect([...actuals]).toEqual([['a', 4]]);
  });
});
