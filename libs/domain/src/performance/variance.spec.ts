import type { Measurement } from './measurements';
import { ambito, indicator, measure, operational, strategic } from './spec-fixtures';
import { buildPlanTree } from './tree';
import { analyseVariance, expectedFractionAt, type VarianceEntry } from './variance';

describe('expected progress', () => {
  it('given linear progress, then the fraction is days elapsed (inclusive) over days in the year', () => {
    expect(expectedFractionAt('2027-06-30')).toBe(181 / 365);
    expect(expectedFractionAt('2028-06-30')).toBe(182 / 366);
    expect(expectedFractionAt('2027-01-01')).toBe(1 / 365);
    expect(expectedFractionAt('2027-12-31')).toBe(1);
  });

  it('given per-period fractions, then the last period ended by the date sets the fraction', () => {
    const progress = { kind: 'per_period' as const, fractions: { S1: 0.4, '09': 0.7, '12': 1 } };
    expect(expectedFractionAt('2027-06-29', progress)).toBe(0);
    expect(expectedFractionAt('2027-06-30', progress)).toBe(0.4);
    expect(expectedFractionAt('2027-10-15', progress)).toBe(0.7);
    expect(expectedFractionAt('2027-12-31', progress)).toBe(1);
  });

  it('given a bad period key or fraction, then it is refused', () => {
    expect(() => expectedFractionAt('2027-06-30', { kind: 'per_period', fractions: { S3: 0.5 } })).toThrow(
      RangeError,
    );
    expect(() => expectedFractionAt('2027-06-30', { kind: 'per_period', fractions: { S1: 1.5 } })).toThrow(
      RangeError,
    );
    expect(() => expectedFractionAt('30/06/2027')).toThrow(RangeError);
  });
});

describe('analyseVariance at the June monitoring', () => {
  const tree = buildPlanTree([
    ambito('01'),
    strategic('01_01', '01'),
    operational('01_01_01', '01_01'),
    // cumulative counts, 120 events a year
    indicator('events', '01_01_01', 10, { operator: '>=', value: 120 }, { aggregation: 'sum' }),
    indicator('ahead', '01_01_01', 10, { operator: '>=', value: 120 }, { aggregation: 'sum' }),
    // a level: share of requests answered in 5 days
    indicator('share', '01_01_01', 10, { operator: '>=', value: 80 }, { unit: '%' }),
    // a ceiling on spending
    indicator('spend', '01_01_01', 10, { operator: '<=', value: 1000 }, { unit: '€', aggregation: 'sum' }),
    indicator('silent', '01_01_01', 10, { operator: '>=', value: 10 }),
    indicator('late', '01_01_01', 10, { operator: 'entro_il', value: '2027-03-31' }, { unit: 'data' }),
    indicator('due', '01_01_01', 10, { operator: 'entro_il', value: '2027-09-30' }, { unit: 'data' }),
    indicator('done_late', '01_01_01', 10, { operator: 'entro_il', value: '2027-03-31' }, { unit: 'data' }),
    indicator('flag', '01_01_01', 10, { operator: 'si_no', value: true }, { unit: 'si_no' }),
    indicator('exact', '01_01_01', 10, { operator: '=', value: 100 }, { unit: '%' }),
    indicator(
      'old',
      '01_01_01',
      0,
      { operator: '>=', value: 1 },
      { targets: [{ year: 2026, operator: '>=', value: 1 }] },
    ),
  ]);
  const months = (code: string, values: number[]): Measurement[] =>
    values.map((value, i) =>
      measure(code, `2027-${String(i + 1).padStart(2, '0')}`, value, {
        date: `2027-${String(i + 2).padStart(2, '0')}-01`,
      }),
    );
  const measurements: Measurement[] = [
    ...months('events', [8, 8, 8, 8, 8]), // 40 by 1 June
    ...months('ahead', [14, 14, 14, 14, 14]), // 70
    measure('share', '2027-S1', 75, { date: '2027-06-30' }),
    ...months('spend', [100, 100, 100, 100, 100]), // 500 by 1 June
    measure('spend', '2027-06', 100, { date: '2027-06-30' }), // 600 on 30 June
    measure('silent', '2027-06', 4, { date: '2027-07-05' }), // recorded after the monitoring date
    measure('done_late', '2027', '2027-04-10', { date: '2027-04-10' }),
    measure('flag', '2027', false, { date: '2027-05-01' }),
    measure('exact', '2027-S1', 98, { date: '2027-06-30' }),
  ];
  const byCode = (entries: readonly VarianceEntry[]) => new Map(entries.map((e) => [e.indicatorCode, e]));
  const report = analyseVariance(tree, measurements, '2027-06-30');
  const entries = byCode(report.entries);
  const f = 181 / 365;

  it('given a cumulative count behind the linear pace, then it is flagged with the gap in units and percent', () => {
    const events = entries.get('events');
    expect(events).toMatchObject({ status: 'behind', flagged: true, progress: 'cumulative', actual: 40 });
    expect(events?.expected).toBeCloseTo(120 * f, 10); // 59.51
    expect(events?.gap).toBeCloseTo(120 * f - 40, 10); // 19.51 events
    expect(events?.gapPercent).toBeCloseTo(((120 * f - 40) / 120) * 100, 10); // 16.26 points
  });

  it('given a cumulative count ahead of pace, then it is on track with a negative gap', () => {
    expect(entries.get('ahead')).toMatchObject({ status: 'on_track', flagged: false });
    expect(entries.get('ahead')?.gap).toBeCloseTo(120 * f - 70, 10);
  });

  it('given a percentage, then it is a level compared with the full target', () => {
    expect(entries.get('share')).toMatchObject({
      status: 'behind',
      progress: 'level',
      expected: 80,
      actual: 75,
      gap: 5,
      gapPercent: 6.25,
    });
  });

  it('given a spending ceiling, then spending above the pro-rata ceiling is flagged', () => {
    const spend = entries.get('spend');
    expect(spend).toMatchObject({ status: 'behind', actual: 600 });
    expect(spend?.gap).toBeCloseTo(600 - 1000 * f, 10); // 104.11 € over
  });

  it('given only a measurement recorded after the monitoring date, then there is no data (not flagged)', () => {
    expect(entries.get('silent')).toMatchObject({ status: 'no_data', flagged: false, actual: null });
  });

  it('given deadlines, then passed ones are overdue with the days late and future ones pending', () => {
    expect(entries.get('late')).toMatchObject({ status: 'overdue', flagged: true, daysLate: 91 });
    expect(entries.get('due')).toMatchObject({ status: 'pending', flagged: false });
    expect(entries.get('done_late')).toMatchObject({ status: 'overdue', daysLate: 10, actual: '2027-04-10' });
  });

  it('given a yes/no not yet achieved, then pending; once achieved, on track', () => {
    expect(entries.get('flag')?.status).toBe('pending');
    const achieved = analyseVariance(
      tree,
      [measure('flag', '2027', true, { date: '2027-06-01' })],
      '2027-06-30',
    );
    expect(byCode(achieved.entries).get('flag')?.status).toBe('on_track');
  });

  it('given an equality level outside tolerance, then behind; with the SMVP tolerance, on track', () => {
    expect(entries.get('exact')).toMatchObject({ status: 'behind', gap: 2 });
    const tolerant = analyseVariance(tree, measurements, '2027-06-30', { rules: { equalsTolerance: 2 } });
    expect(byCode(tolerant.entries).get('exact')?.status).toBe('on_track');
  });

  it('given no target for the year, then not applicable', () => {
    expect(entries.get('old')?.status).toBe('not_applicable');
  });

  it('then the flagged list holds exactly the behind and overdue entries', () => {
    expect(report.flagged.map((e) => e.indicatorCode).sort()).toEqual(
      ['done_late', 'events', 'exact', 'late', 'share', 'spend'].sort(),
    );
    expect(report).toMatchObject({ year: 2027, expectedFraction: f, monitoringDate: '2027-06-30' });
  });

  it('given a 20% tolerance, then gaps within it are no longer flagged', () => {
    const tolerant = byCode(
      analyseVariance(tree, measurements, '2027-06-30', { tolerancePercent: 20 }).entries,
    );
    expect(tolerant.get('events')?.status).toBe('on_track');
    expect(tolerant.get('share')?.status).toBe('on_track');
    expect(tolerant.get('spend')?.status).toBe('on_track');
  });

  it('given grace days, then a deadline met within the grace is on track', () => {
    const graced = byCode(
      analyseVariance(tree, measurements, '2027-06-30', { rules: { dateGraceDays: 15 } }).entries,
    );
    expect(graced.get('done_late')?.status).toBe('on_track');
  });

  it('given a per-period profile (40% by June), then the expected value follows it', () => {
    const profiled = analyseVariance(tree, measurements, '2027-06-30', {
      expectedProgress: { kind: 'per_period', fractions: { S1: 0.4, S2: 1 } },
    });
    const events = byCode(profiled.entries).get('events');
    expect(profiled.expectedFraction).toBe(0.4);
    expect(events).toMatchObject({ expected: 48, gap: 8, status: 'behind' });
    expect(events?.gapPercent).toBeCloseTo(6.6667, 4);
  });
});
