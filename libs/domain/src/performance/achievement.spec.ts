import {
  aggregateScores,
  computeAchievement,
  computeAchievementFromMeasurements,
  scoreAgainstTarget,
  statusOf,
} from './achievement';
import { actualsForYear } from './measurements';
import {
  bandFor,
  DEFAULT_SMVP_RULES,
  presentScore,
  resolveSmvpRules,
  SmvpRulesError,
  standardBands,
  type SmvpRules,
} from './smvp-rules';
import { indicator, measure, operational, strategic, ambito, workedPlan } from './spec-fixtures';
import {
  buildPlanTree,
  type IndicatorUnit,
  type IndicatorValue,
  type Target,
  type TargetOperator,
} from './tree';

const rules = (partial: Partial<SmvpRules> = {}): SmvpRules => resolveSmvpRules(partial);
const t = (operator: TargetOperator, value: IndicatorValue): Target => ({ year: 2027, operator, value });
const score = (
  target: Target,
  actual: IndicatorValue | undefined,
  unit: IndicatorUnit = 'n',
  partial: Partial<SmvpRules> = {},
): number | null => scoreAgainstTarget(target, unit, actual, rules(partial)).score;

describe('scoring one indicator against its target', () => {
  describe('given a higher-is-better target (>= and >)', () => {
    it('when the actual falls short, then the score is actual / target', () => {
      expect(score(t('>=', 60), 45)).toBe(75);
      expect(score(t('>', 60), 45)).toBe(75);
    });

    it('when the actual exceeds the target, then the score is capped at 100 and marked capped', () => {
      const result = scoreAgainstTarget(t('>=', 60), 'n', 90, rules());
      expect(result).toEqual({ score: 100, rule: 'higher_ratio', capped: true });
    });

    it('when overachievement is allowed, then the score goes above 100 up to the cap', () => {
      expect(score(t('>=', 60), 66, 'n', { allowOverachievement: true })).toBeCloseTo(110, 10);
      expect(score(t('>=', 60), 90, 'n', { allowOverachievement: true })).toBe(120);
      expect(score(t('>=', 60), 90, 'n', { allowOverachievement: true, overachievementCap: 150 })).toBe(150);
    });

    it('when the actual is negative, then the score is floored at 0', () => {
      expect(score(t('>=', 10), -5)).toBe(0);
    });

    it('when the unit is % the values are percentage points', () => {
      expect(score(t('>=', 80), 60, '%')).toBe(75);
    });
  });

  describe('given a lower-is-better target (<= and <)', () => {
    it('when the formula is the default ratio, then the score is target / actual', () => {
      expect(score(t('<=', 2), 2.5)).toBe(80);
      expect(score(t('<', 2), 2.5)).toBe(80);
      expect(score(t('<=', 2), 1)).toBe(100);
    });

    it('when overachievement is allowed, then a better-than-target actual scores above 100', () => {
      expect(score(t('<=', 2), 1.8, 'n', { allowOverachievement: true })).toBeCloseTo(111.111111, 5);
      expect(score(t('<=', 2), 1, 'n', { allowOverachievement: true })).toBe(120);
    });

    it('when the actual is 0, then the ratio does not divide by zero and reaches the cap', () => {
      expect(score(t('<=', 8), 0, 'gg')).toBe(100);
      expect(score(t('<=', 8), 0, 'gg', { allowOverachievement: true })).toBe(120);
    });

    it('when the formula is linear, then the score is (2 × target − actual) / target', () => {
      expect(score(t('<=', 2), 2.5, 'n', { lowerIsBetterFormula: 'linear' })).toBe(75);
      expect(score(t('<', 2), 2.5, 'n', { lowerIsBetterFormula: 'linear' })).toBe(75);
    });

    it('when the linear formula goes below zero, then it is floored at 0', () => {
      expect(score(t('<=', 2), 5, 'n', { lowerIsBetterFormula: 'linear' })).toBe(0);
    });

    it('when the linear formula goes above 100, then it is capped (or allowed up to the cap)', () => {
      expect(score(t('<=', 2), 1, 'n', { lowerIsBetterFormula: 'linear' })).toBe(100);
      const over = { lowerIsBetterFormula: 'linear' as const, allowOverachievement: true };
      expect(score(t('<=', 2), 1.8, 'n', over)).toBeCloseTo(110, 10);
    });
  });

  describe('given an equality target (=)', () => {
    it('when the actual equals the target, then 100; otherwise 0 by default', () => {
      expect(score(t('=', 100), 100, '%')).toBe(100);
      expect(score(t('=', 100), 99, '%')).toBe(0);
    });

    it('when an absolute tolerance is configured, then values within it score 100', () => {
      expect(score(t('=', 100), 99, '%', { equalsTolerance: 1 })).toBe(100);
      expect(score(t('=', 100), 98.9, '%', { equalsTolerance: 1 })).toBe(0);
    });

    it('when a relative tolerance is configured, then it is a percent of the target', () => {
      expect(score(t('=', 50), 51, 'n', { equalsTolerancePercent: 2 })).toBe(100);
      expect(score(t('=', 50), 51.5, 'n', { equalsTolerancePercent: 2 })).toBe(0);
    });

    it('when scoring is proportional, then the score falls with the relative distance, floored at 0', () => {
      expect(score(t('=', 100), 90, '%', { equalsScoring: 'proportional' })).toBeCloseTo(90, 10);
      expect(score(t('=', 100), 110, '%', { equalsScoring: 'proportional' })).toBeCloseTo(90, 10);
      expect(score(t('=', 100), 250, '%', { equalsScoring: 'proportional' })).toBe(0);
    });

    it('when the target is 0 and scoring is proportional, then a miss scores 0 (no division by zero)', () => {
      expect(score(t('=', 0), 1, 'n', { equalsScoring: 'proportional' })).toBe(0);
      expect(score(t('=', 0), 0, 'n', { equalsScoring: 'proportional' })).toBe(100);
    });
  });

  describe('given a date target', () => {
    it('when achieved on or before the date (entro_il), then 100; the day after, 0', () => {
      expect(score(t('entro_il', '2027-06-30'), '2027-06-30', 'data')).toBe(100);
      expect(score(t('entro_il', '2027-06-30'), '2027-03-01', 'data')).toBe(100);
      expect(score(t('entro_il', '2027-06-30'), '2027-07-01', 'data')).toBe(0);
    });

    it('when the plan writes the deadline as <= or =, then it is scored like entro_il', () => {
      expect(score(t('<=', '2027-06-30'), '2027-06-30', 'data')).toBe(100);
      expect(score(t('=', '2027-11-30'), '2027-11-15', 'data')).toBe(100);
      expect(score(t('=', '2027-11-30'), '2027-12-01', 'data')).toBe(0);
    });

    it('when the operator is <, then the date itself is too late', () => {
      expect(score(t('<', '2027-06-30'), '2027-06-30', 'data')).toBe(0);
      expect(score(t('<', '2027-06-30'), '2027-06-29', 'data')).toBe(100);
    });

    it('when grace days are configured, then achievement within the grace still scores 100', () => {
      expect(score(t('entro_il', '2027-06-30'), '2027-07-05', 'data', { dateGraceDays: 5 })).toBe(100);
      expect(score(t('entro_il', '2027-06-30'), '2027-07-06', 'data', { dateGraceDays: 5 })).toBe(0);
    });

    it('when the measurement says not achieved (false), then 0', () => {
      expect(score(t('entro_il', '2027-06-30'), false, 'data')).toBe(0);
    });

    it('when the measurement is not a date, then the indicator is non rilevato (invalid)', () => {
      const result = scoreAgainstTarget(t('entro_il', '2027-06-30'), 'data', 12, rules());
      expect(result).toEqual({ score: null, reason: 'invalid_measurement', capped: false });
    });
  });

  describe('given a yes/no target', () => {
    it('when the actual matches, then 100; otherwise 0', () => {
      expect(score(t('si_no', true), true, 'si_no')).toBe(100);
      expect(score(t('si_no', true), false, 'si_no')).toBe(0);
      expect(score(t('=', true), true, 'si_no')).toBe(100);
      expect(score(t('si_no', false), false, 'si_no')).toBe(100);
    });

    it('when overachievement is allowed, then yes/no still scores at most 100', () => {
      expect(score(t('si_no', true), true, 'si_no', { allowOverachievement: true })).toBe(100);
    });
  });

  describe('given a zero target', () => {
    it('when >= 0, then any actual ≥ 0 meets it and a negative one does not', () => {
      expect(score(t('>=', 0), 0)).toBe(100);
      expect(score(t('>=', 0), 7)).toBe(100);
      expect(score(t('>=', 0), -1)).toBe(0);
    });

    it('when > 0, then only a positive actual meets it', () => {
      expect(score(t('>', 0), 0)).toBe(0);
      expect(score(t('>', 0), 1)).toBe(100);
    });

    it('when <= 0, then 100 if the actual is 0, else 0 (both formulas)', () => {
      expect(score(t('<=', 0), 0)).toBe(100);
      expect(score(t('<=', 0), 3)).toBe(0);
      expect(score(t('<=', 0), 0, 'n', { lowerIsBetterFormula: 'linear' })).toBe(100);
      expect(score(t('<=', 0), 3, 'n', { lowerIsBetterFormula: 'linear' })).toBe(0);
    });

    it('when < 0, then 0 is not enough', () => {
      expect(score(t('<', 0), 0)).toBe(0);
    });
  });

  describe('given a target the unit cannot take', () => {
    it('when entro_il is used on a count, then the indicator is non rilevato (invalid_target)', () => {
      expect(scoreAgainstTarget(t('entro_il', '2027-06-30'), 'n', 3, rules()).reason).toBe('invalid_target');
      expect(scoreAgainstTarget(t('>=', 'molti'), 'n', 3, rules()).reason).toBe('invalid_target');
    });
  });

  it('given no target for the year, then non rilevato (missing_target)', () => {
    expect(scoreAgainstTarget(undefined, 'n', 3, rules())).toEqual({
      score: null,
      reason: 'missing_target',
      capped: false,
    });
  });

  it('given no measurement, then non rilevato (missing_measurement)', () => {
    expect(scoreAgainstTarget(t('>=', 3), 'n', undefined, rules()).reason).toBe('missing_measurement');
  });
});

describe('n.d. baselines', () => {
  it('given a baseline n.d. (and one of 0), when scored, then the score ignores it and stays finite', () => {
    const tree = buildPlanTree([
      ambito('01'),
      strategic('01_02', '01'),
      operational('01_02_01', '01_02'),
      indicator('nd', '01_02_01', 50, { operator: '>=', value: 450 }, { baseline: { nd: true } }),
      indicator('zero', '01_02_01', 50, { operator: '>=', value: 8 }, { baseline: { value: 0 } }),
    ]);
    const result = computeAchievement(
      tree,
      new Map<string, IndicatorValue>([
        ['nd', 360],
        ['zero', 8],
      ]),
      2027,
    );
    expect(result.indicators.get('nd')?.score).toBe(80);
    expect(result.indicators.get('zero')?.score).toBe(100);
    expect(result.operationalObjectives.get('01_02_01')?.score).toBe(90);
  });
});

describe('objective score as the weighted mean of its indicators', () => {
  const tree = buildPlanTree([
    ambito('01'),
    strategic('01_01', '01'),
    operational('01_01_03', '01_01'),
    indicator('a', '01_01_03', 50, { operator: '>=', value: 400 }),
    indicator('b', '01_01_03', 30, { operator: '<=', value: 1.8 }),
    indicator('c', '01_01_03', 20, { operator: '>=', value: 20 }),
  ]);

  it('given every indicator measured, then the score is Σ weight × score / 100', () => {
    // a: 320/400 = 80; b: 1.8/1.8 = 100; c: 15/20 = 75 → 0.5·80 + 0.3·100 + 0.2·75 = 85
    const actuals = new Map<string, IndicatorValue>([
      ['a', 320],
      ['b', 1.8],
      ['c', 15],
    ]);
    const objective = computeAchievement(tree, actuals, 2027).operationalObjectives.get('01_01_03');
    expect(objective?.score).toBeCloseTo(85, 10);
    expect(objective?.weighting).toBe('declared');
    expect(objective?.renormalised).toBe(false);
    expect(objective?.children.map((c) => c.points)).toEqual([40, 30, 15]);
  });

  it('given one indicator not measured, then it is excluded and the weights renormalised', () => {
    // a: 80 (weight 50), b: missing, c: 100 (weight 20) → (50·80 + 20·100) / 70 = 85.714…
    const actuals = new Map<string, IndicatorValue>([
      ['a', 320],
      ['c', 20],
    ]);
    const result = computeAchievement(tree, actuals, 2027);
    const objective = result.operationalObjectives.get('01_01_03');
    expect(objective?.score).toBeCloseTo(6000 / 70, 10);
    expect(objective?.renormalised).toBe(true);
    const b = objective?.children.find((c) => c.code === 'b');
    expect(b).toMatchObject({ excluded: true, share: 0, points: 0, status: 'non_rilevato' });
    expect(objective?.children.find((c) => c.code === 'a')?.share).toBeCloseTo(50 / 70, 12);
    expect(result.indicators.get('b')).toMatchObject({
      status: 'non_rilevato',
      reason: 'missing_measurement',
    });
  });

  it('given no indicator measured, then the objective is non rilevato with a null score', () => {
    const objective = computeAchievement(tree, new Map(), 2027).operationalObjectives.get('01_01_03');
    expect(objective).toMatchObject({ score: null, status: 'non_rilevato', renormalised: false });
  });
});

describe('roll-up of the worked plan (hand-computed, see spec-fixtures)', () => {
  const { records, measurements } = workedPlan();
  const tree = buildPlanTree(records);
  const result = computeAchievementFromMeasurements(tree, measurements, 2027);

  it('then every indicator scores as computed by hand', () => {
    const scores = Object.fromEntries([...result.indicators].map(([code, r]) => [code, r.score]));
    expect(scores).toEqual({ i1: 75, i2: 100, i3: 80, i4: 100, i5: 0, i6: 100, i7: 20 });
  });

  it('then operational objectives are weighted means of their indicators', () => {
    expect(result.operationalObjectives.get('01_01_01')?.score).toBe(93.75);
    expect(result.operationalObjectives.get('01_01_02')?.score).toBe(80);
    expect(result.operationalObjectives.get('01_02_01')?.score).toBe(50);
  });

  it('then strategic objectives use the objective weights when all siblings declare one', () => {
    const os = result.strategicObjectives.get('01_01');
    expect(os?.score).toBeCloseTo(88.25, 10);
    expect(os?.weighting).toBe('declared');
    expect(os?.children.map((c) => c.share)).toEqual([0.6, 0.4]);
  });

  it('then strategic objectives without weights use the plain mean', () => {
    const os = result.strategicObjectives.get('02_01');
    expect(os?.score).toBe(60);
    expect(os?.weighting).toBe('equal');
  });

  it('then ambiti and the chamber roll up by plain mean', () => {
    expect(result.ambiti.get('01')?.score).toBeCloseTo(69.125, 10);
    expect(result.ambiti.get('02')?.score).toBe(60);
    expect(result.chamber.score).toBeCloseTo(64.5625, 10);
    expect(presentScore(result.chamber.score)).toBe(64.6);
    expect(result.chamber.status).toBe('parzialmente_raggiunto');
  });

  it('when the ambiti declare weights 70/30, then the chamber is their weighted mean', () => {
    const weighted = buildPlanTree(
      records.map((r) => (r.kind === 'ambito' ? { ...r, weight: r.code === '01' ? 70 : 30 } : r)),
    );
    const chamber = computeAchievementFromMeasurements(weighted, measurements, 2027).chamber;
    expect(chamber.score).toBeCloseTo(0.7 * 69.125 + 0.3 * 60, 10);
  });

  it('when only some siblings declare a weight, then the plain mean is used', () => {
    const partial = buildPlanTree(
      records.map((r) =>
        r.kind === 'operational_objective' && r.code === '01_01_02' ? { ...r, weight: undefined } : r,
      ),
    );
    const os = computeAchievementFromMeasurements(partial, measurements, 2027).strategicObjectives.get(
      '01_01',
    );
    expect(os?.weighting).toBe('equal');
    expect(os?.score).toBeCloseTo((93.75 + 80) / 2, 10);
  });

  it('when a whole objective is non rilevato, then it is excluded from its strategic objective', () => {
    const withoutI3 = measurements.filter((m) => m.indicatorCode !== 'i3');
    const os = computeAchievementFromMeasurements(tree, withoutI3, 2027).strategicObjectives.get('01_01');
    expect(os?.score).toBe(93.75);
    expect(os?.renormalised).toBe(true);
  });

  it('when overachievement is allowed, then the roll-up carries the higher indicator scores', () => {
    const over = computeAchievementFromMeasurements(
      tree,
      [...measurements.filter((m) => m.indicatorCode !== 'i7'), measure('i7', '2027', 11)],
      2027,
      { allowOverachievement: true },
    );
    expect(over.indicators.get('i7')?.score).toBeCloseTo(110, 10);
    expect(over.strategicObjectives.get('02_01')?.score).toBeCloseTo(105, 10);
    expect(over.rules.allowOverachievement).toBe(true);
  });

  it('then actualsForYear and computeAchievement agree with the measurement-based entry point', () => {
    const viaActuals = computeAchievement(tree, actualsForYear(tree, measurements, 2027), 2027);
    expect(viaActuals.chamber.score).toBe(result.chamber.score);
  });
});

describe('bands (fasce)', () => {
  const bands = standardBands({ minimum: 60 });

  it('given the standard bands, then a score falls in below minimum, minimum to target, or target to excellent', () => {
    expect(bandFor(0, bands)?.key).toBe('below_minimum');
    expect(bandFor(59.99, bands)?.key).toBe('below_minimum');
    expect(bandFor(60, bands)?.key).toBe('minimum_to_target');
    expect(bandFor(99.99, bands)?.key).toBe('minimum_to_target');
    expect(bandFor(100, bands)?.key).toBe('target_to_excellent');
    expect(bandFor(120, bands)).toMatchObject({ key: 'target_to_excellent', colour: '#388e3c' });
  });

  it('given custom thresholds and colours, then they are used', () => {
    const custom = standardBands({ minimum: 40, target: 90, colours: { belowMinimum: 'black' } });
    expect(bandFor(39, custom)).toMatchObject({ key: 'below_minimum', colour: 'black' });
    expect(bandFor(90, custom)?.key).toBe('target_to_excellent');
  });

  it('given a score below every band, then no band', () => {
    expect(bandFor(5, [{ key: 'ok', label: 'ok', from: 10, colour: 'green' }])).toBeUndefined();
  });

  it('when the rules carry bands, then indicators and nodes get their band; without, none', () => {
    const { records, measurements } = workedPlan();
    const tree = buildPlanTree(records);
    const banded = computeAchievementFromMeasurements(tree, measurements, 2027, { bands });
    expect(banded.indicators.get('i1')?.band?.key).toBe('minimum_to_target');
    expect(banded.indicators.get('i5')?.band?.key).toBe('below_minimum');
    expect(banded.strategicObjectives.get('01_01')?.band?.key).toBe('minimum_to_target');
    expect(banded.chamber.band?.colour).toBe('#f9a825');
    const plain = computeAchievementFromMeasurements(tree, measurements, 2027);
    expect(plain.indicators.get('i1')?.band).toBeUndefined();
  });
});

describe('SMVP rules', () => {
  it('given no options, then the documented defaults apply', () => {
    expect(resolveSmvpRules()).toEqual({
      allowOverachievement: false,
      overachievementCap: 120,
      lowerIsBetterFormula: 'ratio',
      equalsScoring: 'binary',
      equalsTolerance: 0,
      equalsTolerancePercent: 0,
      dateGraceDays: 0,
    });
    expect(DEFAULT_SMVP_RULES.overachievementCap).toBe(120);
  });

  it('given several invalid options, then one error lists them all', () => {
    let error: unknown;
    try {
      resolveSmvpRules({
        overachievementCap: 90,
        dateGraceDays: -1,
        equalsTolerance: Number.NaN,
        bands: [
          { key: 'b', label: 'b', from: 50, colour: 'x' },
          { key: 'a', label: 'a', from: 10, colour: 'y' },
        ],
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SmvpRulesError);
    expect((error as SmvpRulesError).problems).toHaveLength(4);
    expect((error as SmvpRulesError).code).toBe('INVALID_SMVP_RULES');
  });
});

describe('status and presentation', () => {
  it('then statuses follow the score', () => {
    expect(statusOf(null)).toBe('non_rilevato');
    expect(statusOf(0)).toBe('non_raggiunto');
    expect(statusOf(0.01)).toBe('parzialmente_raggiunto');
    expect(statusOf(100)).toBe('raggiunto');
    expect(statusOf(115)).toBe('raggiunto');
  });

  it('then presentScore rounds to one decimal only for display', () => {
    expect(presentScore(88.25)).toBe(88.3);
    expect(presentScore(99.95)).toBe(100);
    expect(presentScore(85.71428571)).toBe(85.7);
    expect(presentScore(null)).toBeNull();
  });

  it('given weights 33.3 × 3 and all children at 100, then the mean is exactly 100 (raggiunto)', () => {
    const node = aggregateScores(
      'operational_objective',
      'x',
      [1, 2, 3].map((i) => ({ code: `i${i}`, kind: 'indicator' as const, weight: 33.3, score: 100 })),
      'declared',
      rules(),
    );
    expect(node.score).toBe(100);
    expect(node.status).toBe('raggiunto');
  });

  it('given children whose weights are all 0, then the plain mean is used', () => {
    const node = aggregateScores(
      'operational_objective',
      'x',
      [
        { code: 'a', kind: 'indicator', weight: 0, score: 40 },
        { code: 'b', kind: 'indicator', weight: 0, score: 80 },
      ],
      'declared',
      rules(),
    );
    expect(node).toMatchObject({ score: 60, weighting: 'equal' });
  });
});
