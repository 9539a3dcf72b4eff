/**
 * The scoring conventions of a chamber's SMVP (Sistema di misurazione e valutazione della
 * performance). They differ from chamber to chamber, so they are configuration per tenant.
 * docs/achievement.md explains every option with worked examples.
 */

/** A band ("fascia") of scores: applies from `from` (inclusive) up to the next band's `from`. */
export interface ScoreBand {
  /** Band key */
  readonly key: string;
  /** Band name, in Italian */
  readonly label: string;
  /** Lowest score (inclusive) of the band. */
  readonly from: number;
  /** Colour shown in reports, e.g. `#d32f2f`. */
  readonly colour: string;
}

export interface SmvpRules {
  /** Whether an indicator may score above 100. Default `false` (capped at 100). */
  readonly allowOverachievement: boolean;
  /** Upper cap of an indicator score when overachievement is allowed. Default 120. Must be ≥ 100. */
  readonly overachievementCap: number;
  /**
   * Lower-is-better (`<=`, `<`) formula: `ratio` = target / actual (default);
   * `linear` = (2 × target − actual) / target, floored at 0.
   */
  readonly lowerIsBetterFormula: 'ratio' | 'linear';
  /**
   * `=` on numbers: `binary` = 100 within tolerance else 0 (default); `proportional` = 100 within
   * tolerance, else 100 × (1 − |actual − target| / |target|) floored at 0.
   */
  readonly equalsScoring: 'binary' | 'proportional';
  /** Absolute tolerance of `=`, in the target's unit. Default 0. */
  readonly equalsTolerance: number;
  /** Relative tolerance of `=`, in percent of the target. Default 0. */
  readonly equalsTolerancePercent: number;
  /** Days of grace after a date target (`entro_il`, or `<=`, `<`, `=` on unit `data`). Default 0. */
  readonly dateGraceDays: number;
  /** Bands converting a score into a "fascia". Default: none. */
  readonly bands?: readonly ScoreBand[];
}

export const DEFAULT_SMVP_RULES: SmvpRules = Object.freeze({
  allowOverachievement: false,
  overachievementCap: 120,
  lowerIsBetterFormula: 'ratio',
  equalsScoring: 'binary',
  equalsTolerance: 0,
  equalsTolerancePercent: 0,
  dateGraceDays: 0,
});

/** Raised by {@link resolveSmvpRules} for a configuration that cannot be applied. */
export class SmvpRulesError extends Error {
  readonly code = 'INVALID_SMVP_RULES';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid SMVP rules: ${problems.join('; ')}`);
    this.name = 'SmvpRulesError';
  }
}

/** Fills the defaults in and checks the result; throws {@link SmvpRulesError} listing every problem. */
export function resolveSmvpRules(partial: Partial<SmvpRules> = {}): SmvpRules {
  const rules: SmvpRules = { ...DEFAULT_SMVP_RULES, ...partial };
  const problems: string[] = [];
  if (!Number.isFinite(rules.overachievementCap) || rules.overachievementCap < 100) {
    problems.push('overachievementCap must be a finite number ≥ 100');
  }
  if (!Number.isFinite(rules.equalsTolerance) || rules.equalsTolerance < 0) {
    problems.push('equalsTolerance must be a finite number ≥ 0');
  }
  if (!Number.isFinite(rules.equalsTolerancePercent) || rules.equalsTolerancePercent < 0) {
    problems.push('equalsTolerancePercent must be a finite number ≥ 0');
  }
  if (!Number.isInteger(rules.dateGraceDays) || rules.dateGraceDays < 0) {
    problems.push('dateGraceDays must be a whole number ≥ 0');
  }
  if (rules.lowerIsBetterFormula !== 'ratio' && rules.lowerIsBetterFormula !== 'linear') {
    problems.push("lowerIsBetterFormula must be 'ratio' or 'linear'");
  }
  if (rules.equalsScoring !== 'binary' && rules.equalsScoring !== 'proportional') {
    problems.push("equalsScoring must be 'binary' or 'proportional'");
  }
  if (rules.bands !== undefined && rules.bands !== null && !Array.isArray(rules.bands)) {
    problems.push('bands must be a list of {key, label, from, colour}');
  } else if (rules.bands) {
    rules.bands.forEach((band, i) => {
      // Rules read from a request may hold anything where a band should be.
      if (typeof band !== 'object' || band === null) {
        problems.push(`band ${i + 1}: must be {key, label, from, colour}`);
        return;
      }
      if (!Number.isFinite(band.from)) problems.push(`band ${band.key}: from must be a finite number`);
      const previous = rules.bands?.[i - 1];
      if (previous && !(band.from > previous.from)) {
        problems.push(`band ${band.key}: bands must be listed by increasing 'from'`);
      }
    });
  }
  if (problems.length > 0) throw new SmvpRulesError(problems);
  return rules;
}

/** Highest score an indicator can reach under the rules (100, or the overachievement cap). */
export function scoreCap(rules: SmvpRules): number {
  return rules.allowOverachievement ? rules.overachievementCap : 100;
}

/** The band a score falls into: the last band whose `from` is ≤ score; `undefined` below all. */
export function bandFor(score: number, bands: readonly ScoreBand[]): ScoreBand | undefined {
  let found: ScoreBand | undefined;
  for (const band of bands) {
    if (band.from <= score) found = band;
    else break;
  }
  return found;
}

export interface StandardBandsInput {
  /** Minimum score: below it the result is insufficient. */
  readonly minimum: number;
  /** Score at which the target counts as met. Default 100. */
  readonly target?: number;
  readonly colours?: {
    readonly belowMinimum?: string;
    readonly minimumToTarget?: string;
    readonly targetToExcellent?: string;
  };
}

/**
 * The three usual fasce: below minimum [0, minimum), minimum to target [minimum, target),
 * target to excellent [target, …). Default colours red, amber, green.
 */
export function standardBands(input: StandardBandsInput): ScoreBand[] {
  const target = input.target ?? 100;
  return [
    {
      key: 'below_minimum',
      label: 'Sotto la soglia minima',
      from: 0,
      colour: input.colours?.belowMinimum ?? '#d32f2f',
    },
    {
      key: 'minimum_to_target',
      label: 'Tra soglia minima e target',
      from: input.minimum,
      colour: input.colours?.minimumToTarget ?? '#f9a825',
    },
    {
      key: 'target_to_excellent',
      label: 'Tra target ed eccellenza',
      from: target,
      colour: input.colours?.targetToExcellent ?? '#388e3c',
    },
  ];
}

/** A score rounded to one decimal, for presentation only (computation keeps full precision). */
export function presentScore(score: number): number;
export function presentScore(score: number | null): number | null;
export function presentScore(score: number | null): number | null {
  if (score === null) return null;
  return Math.round(score * 10 + Number.EPSILON * Math.max(1, Math.abs(score * 10))) / 10;
}
