import { ambito, indicator, operational, strategic, workedPlan } from './spec-fixtures';
import { buildPlanTree, type PlanNodeRecord } from './tree';
import { operatorAllowedForUnit, validatePlanForSubmission, type PlanProblem } from './validation';

const brief = (problems: PlanProblem[]): string[] =>
  problems.map((p) => `${p.code} ${p.nodeCode}${p.year === undefined ? '' : ` ${p.year}`}`).sort();

describe('validatePlanForSubmission', () => {
  it('given the worked plan, when validated for 2027, then there is no problem', () => {
    expect(validatePlanForSubmission(buildPlanTree(workedPlan().records), [2027])).toEqual([]);
  });

  it('given a plan with many faults, then every problem is listed at once with its code and node', () => {
    const records: PlanNodeRecord[] = [
      ambito('01'),
      strategic('01_01', '01'),
      strategic('01_09', '09'), // orphan: ambito 09 does not exist
      operational('01_01_01', '01_01'),
      operational('01_01_01', '01_01', { title: 'copy' }), // duplicate code
      operational('01_01_02', '01_01'), // no indicators
      operational('01_07_01', '01_07'), // orphan
      // 01_01_01: weights 40 + 50 = 90
      indicator(
        'w1',
        '01_01_01',
        40,
        { operator: '>=', value: 10 },
        {
          targets: [{ year: 2027, operator: '>=', value: 10 }], // no target for 2028
        },
      ),
      indicator('w2', '01_01_01', 50, { operator: 'entro_il', value: '2027-06-30' }), // entro_il on unit n
      // 01_07_01:
      indicator('y1', '01_07_01', 50, { operator: 'si_no', value: 1 }, { unit: 'si_no' }), // si_no needs a boolean
      indicator('d1', '01_07_01', 50, { operator: '>=', value: '2027-06-30' }, { unit: 'data' }), // >= on a date
      indicator('x1', '99_99_99', 100, { operator: '>=', value: 'dieci' }), // orphan + non-numeric value
    ];
    const tree = buildPlanTree(records);
    const plan = [2027, 2028];
    const withAllYears = (r: PlanNodeRecord): PlanNodeRecord =>
      r.kind === 'indicator' && r.code !== 'w1'
        ? { ...r, targets: [...r.targets, { ...(r.targets[0] as (typeof r.targets)[number]), year: 2028 }] }
        : r;
    const problems = validatePlanForSubmission(buildPlanTree(records.map(withAllYears)), plan);

    expect(brief(problems)).toEqual(
      [
        'DUPLICATE_CODE 01_01_01',
        'ORPHAN_NODE 01_09',
        'ORPHAN_NODE 01_07_01',
        'ORPHAN_NODE x1',
        'OBJECTIVE_WITHOUT_INDICATORS 01_01_02',
        'INDICATOR_WEIGHTS_SUM 01_01_01',
        'TARGET_MISSING w1 2028',
        'OPERATOR_UNIT_MISMATCH w2 2027',
        'OPERATOR_UNIT_MISMATCH w2 2028',
        'TARGET_VALUE_MISMATCH y1 2027',
        'TARGET_VALUE_MISMATCH y1 2028',
        'OPERATOR_UNIT_MISMATCH d1 2027',
        'OPERATOR_UNIT_MISMATCH d1 2028',
        'TARGET_VALUE_MISMATCH x1 2027',
        'TARGET_VALUE_MISMATCH x1 2028',
      ].sort(),
    );
    const sum = problems.find((p) => p.code === 'INDICATOR_WEIGHTS_SUM');
    expect(sum?.details).toEqual({ sum: 90 });
    expect(problems.find((p) => p.nodeCode === '01_07_01')?.details).toEqual({ parentCode: '01_07' });
    // the unfixed tree also misses 2028 for every indicator
    expect(validatePlanForSubmission(tree, plan).filter((p) => p.code === 'TARGET_MISSING')).toHaveLength(5);
  });

  describe('weights', () => {
    const objectiveWith = (weights: number[]): PlanNodeRecord[] => [
      ambito('01'),
      strategic('01_01', '01'),
      operational('01_01_01', '01_01'),
      ...weights.map((w, i) => indicator(`i${i}`, '01_01_01', w, { operator: '>=', value: 1 })),
    ];

    it('given weights 33.3 × 3 = 99.9, then they are within the 0.1 tolerance', () => {
      expect(validatePlanForSubmission(buildPlanTree(objectiveWith([33.3, 33.3, 33.3])), [2027])).toEqual([]);
    });

    it('given weights 16.7 × 6 = 100.2 (as printed in seed 003), then they fail by default', () => {
      const tree = buildPlanTree(objectiveWith([16.7, 16.7, 16.7, 16.7, 16.7, 16.7]));
      expect(brief(validatePlanForSubmission(tree, [2027]))).toEqual(['INDICATOR_WEIGHTS_SUM 01_01_01']);
      expect(validatePlanForSubmission(tree, [2027], { weightTolerance: 0.2 })).toEqual([]);
    });

    it('given a negative weight, then it is reported (and the sum as well)', () => {
      const tree = buildPlanTree(objectiveWith([120, -20, 10]));
      expect(brief(validatePlanForSubmission(tree, [2027]))).toEqual([
        'INDICATOR_WEIGHTS_SUM 01_01_01',
        'INVALID_WEIGHT i1',
      ]);
    });

    it('given only some operational objectives weighted, then the strategic objective is reported', () => {
      const tree = buildPlanTree([
        ...objectiveWith([100]),
        operational('01_01_02', '01_01', { weight: 30 }),
        indicator('z', '01_01_02', 100, { operator: '>=', value: 1 }),
      ]);
      expect(brief(validatePlanForSubmission(tree, [2027]))).toEqual(['OBJECTIVE_WEIGHTS_INCOMPLETE 01_01']);
    });

    it('given only some ambiti weighted, then the plan as a whole is reported', () => {
      const tree = buildPlanTree([...objectiveWith([100]), ambito('02', { weight: 50 })]);
      const problems = validatePlanForSubmission(tree, [2027]);
      expect(problems).toEqual([
        expect.objectContaining({ code: 'OBJECTIVE_WEIGHTS_INCOMPLETE', nodeKind: 'plan', nodeCode: '*' }),
      ]);
    });
  });

  describe('unit and operator coherence', () => {
    it('then entro_il needs unit data, si_no needs unit si_no, and numbers take the comparison operators', () => {
      expect(operatorAllowedForUnit('entro_il', 'data')).toBe(true);
      expect(operatorAllowedForUnit('entro_il', 'n')).toBe(false);
      expect(operatorAllowedForUnit('si_no', 'si_no')).toBe(true);
      expect(operatorAllowedForUnit('si_no', '%')).toBe(false);
      expect(operatorAllowedForUnit('>=', 'data')).toBe(false);
      expect(operatorAllowedForUnit('>=', 'si_no')).toBe(false);
      expect(operatorAllowedForUnit('<', '€')).toBe(true);
    });

    it('given deadlines written "<= 30/06/2022" and "= si" as in seed 003, then they are accepted', () => {
      const tree = buildPlanTree([
        ambito('03'),
        strategic('03_01', '03'),
        operational('03_01_05', '03_01'),
        indicator('lg', '03_01_05', 50, { operator: '<=', value: '2027-06-30' }, { unit: 'data' }),
        indicator('sy', '03_01_05', 50, { operator: '=', value: true }, { unit: 'si_no' }),
      ]);
      expect(validatePlanForSubmission(tree, [2027])).toEqual([]);
    });

    it('given an impossible date, a date baseline "si" and a duplicate year, then each is reported', () => {
      const tree = buildPlanTree([
        ambito('03'),
        strategic('03_01', '03'),
        operational('03_01_09', '03_01'),
        indicator(
          'cs',
          '03_01_09',
          100,
          { operator: 'entro_il', value: '2027-02-30' },
          {
            unit: 'data',
            baseline: { value: true },
            targets: [
              { year: 2027, operator: 'entro_il', value: '2027-02-30' },
              { year: 2027, operator: 'entro_il', value: '2027-03-31' },
            ],
          },
        ),
      ]);
      expect(brief(validatePlanForSubmission(tree, [2027]))).toEqual([
        'BASELINE_UNIT_MISMATCH cs',
        'TARGET_DUPLICATE_YEAR cs 2027',
        'TARGET_VALUE_MISMATCH cs 2027',
      ]);
    });
  });

  it('given an objective without area or CDR, with a negative budget and a reversed time span, then all three are reported', () => {
    const tree = buildPlanTree([
      ambito('01'),
      strategic('01_01', '01'),
      operational('01_01_01', '01_01', {
        area: undefined,
        office: undefined,
        resources: { kind: 'euro', amount: -1 },
        timeSpan: { from: 2024, to: 2022 },
      }),
      indicator('a', '01_01_01', 100, { operator: '>=', value: 1 }),
    ]);
    expect(brief(validatePlanForSubmission(tree, [2027]))).toEqual([
      'INVALID_RESOURCES 01_01_01',
      'INVALID_TIME_SPAN 01_01_01',
      'RESPONSIBILITY_MISSING 01_01_01',
    ]);
  });
});
