import fc from 'fast-check';
import { aggregateScores, computeAchievement, scoreAgainstTarget } from './achievement';
import { resolveSmvpRules, type SmvpRules } from './smvp-rules';
import { ambito, indicator, operational, strategic } from './spec-fixtures';
import {
  buildPlanTree,
  type IndicatorUnit,
  type IndicatorValue,
  type Target,
  type TargetOperator,
} from './tree';

const isoDate = fc
  .date({ min: new Date(Date.UTC(2020, 0, 1)), max: new Date(Date.UTC(2030, 11, 31)), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const number = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e-12, 5e-324),
  fc.integer({ min: -5, max: 500 }),
);

/** Any unit/target/actual triple, including mismatched kinds (they must still be handled). */
const scenario: fc.Arbitrary<{ unit: IndicatorUnit; target: Target; actual: IndicatorValue | undefined }> =
  fc.record({
    unit: fc.constantFrom<IndicatorUnit>('n', '%', '€', 'gg', 'ore', 'data', 'si_no'),
    target: fc.record({
      year: fc.constant(2027),
      operator: fc.constantFrom<TargetOperator>('>=', '<=', '=', '>', '<', 'entro_il', 'si_no'),
      value: fc.oneof(number, isoDate, fc.boolean()),
    }),
    actual: fc.option(fc.oneof(number, isoDate, fc.boolean()), { nil: undefined }),
  });

const rulesArb: fc.Arbitrary<SmvpRules> = fc
  .record({
    allowOverachievement: fc.boolean(),
    overachievementCap: fc.double({ min: 100, max: 300, noNaN: true }),
    lowerIsBetterFormula: fc.constantFrom('ratio' as const, 'linear' as const),
    equalsScoring: fc.constantFrom('binary' as const, 'proportional' as const),
    equalsTolerance: fc.double({ min: 0, max: 10, noNaN: true }),
    equalsTolerancePercent: fc.double({ min: 0, max: 10, noNaN: true }),
    dateGraceDays: fc.integer({ min: 0, max: 30 }),
  })
  .map((partial) => resolveSmvpRules(partial));

describe('properties of indicator scores', () => {
  it('a score is never NaN, never negative, never infinite', () => {
    fc.assert(
      fc.property(scenario, rulesArb, ({ unit, target, actual }, rules) => {
        const { score } = scoreAgainstTarget(target, unit, actual, rules);
        if (score === null) return true;
        return Number.isFinite(score) && score >= 0;
      }),
      { numRuns: 3000 },
    );
  });

  it('with the cap on (no overachievement), a score is never above 100', () => {
    fc.assert(
      fc.property(scenario, rulesArb, ({ unit, target, actual }, rules) => {
        const { score } = scoreAgainstTarget(target, unit, actual, { ...rules, allowOverachievement: false });
        return score === null || score <= 100;
      }),
      { numRuns: 3000 },
    );
  });

  it('with overachievement allowed, a score is never above the overachievement cap', () => {
    fc.assert(
      fc.property(scenario, rulesArb, ({ unit, target, actual }, rules) => {
        const { score } = scoreAgainstTarget(target, unit, actual, { ...rules, allowOverachievement: true });
        return score === null || score <= rules.overachievementCap;
      }),
      { numRuns: 3000 },
    );
  });
});

describe('properties of objective scores', () => {
  const child = fc.record({
    weight: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constant(0)),
    score: fc.option(fc.double({ min: 0, max: 120, noNaN: true }), { nil: null }),
  });

  it("an objective's score lies between its min and max indicator scores", () => {
    fc.assert(
      fc.property(fc.array(child, { minLength: 1, maxLength: 12 }), rulesArb, (children, rules) => {
        const node = aggregateScores(
          'operational_objective',
          'x',
          children.map((c, i) => ({ code: `i${i}`, kind: 'indicator' as const, ...c })),
          'declared',
          rules,
        );
        const scores = children.flatMap((c) => (c.score === null ? [] : [c.score]));
        if (scores.length === 0) return node.score === null;
        return node.score !== null && node.score >= Math.min(...scores) && node.score <= Math.max(...scores);
      }),
      { numRuns: 3000 },
    );
  });

  it('through the whole tree, objective scores lie between their indicator scores and stay within the cap', () => {
    const plan = fc.array(
      fc.record({
        weight: fc.integer({ min: 0, max: 100 }),
        target: fc.integer({ min: 0, max: 50 }),
        actual: fc.option(fc.integer({ min: -5, max: 100 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(plan, rulesArb, (rows, rules) => {
        const tree = buildPlanTree([
          ambito('01'),
          strategic('01_01', '01'),
          operational('01_01_01', '01_01'),
          ...rows.map((row, i) =>
            indicator(`k${i}`, '01_01_01', row.weight, { operator: '>=', value: row.target }),
          ),
        ]);
        const actuals = new Map<string, IndicatorValue>();
        rows.forEach((row, i) => {
          if (row.actual !== undefined) actuals.set(`k${i}`, row.actual);
        });
        const result = computeAchievement(tree, actuals, 2027, rules);
        const scores = [...result.indicators.values()].flatMap((r) => (r.score === null ? [] : [r.score]));
        const objective = result.operationalObjectives.get('01_01_01')?.score ?? null;
        if (scores.length === 0) return objective === null && result.chamber.score === null;
        const cap = rules.allowOverachievement ? rules.overachievementCap : 100;
        return (
          objective !== null &&
          objective >= Math.min(...scores) &&
          objective <= Math.max(...scores) &&
          objective <= cap &&
          result.chamber.score === objective
        );
      }),
      { numRuns: 1000 },
    );
  });
});
