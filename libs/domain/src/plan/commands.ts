/**
 * Plan commands as the decider sees them: typed, after `parsePlanCommand` (parse.ts) has checked
 * the shape of what came from outside (`PlanCommand`, model.ts, whose fields are `unknown`).
 * Strings are trimmed, codes match `CODE_RE`, dates are YYYY-MM-DD, years fall in the plan, nodes
 * and targets are whole records. What only the plan's state can tell (a node exists, a value suits
 * the indicator's unit, a weight names an indicator of the objective) is left to the decider.
 */
import type { SmvpRules } from '../performance/smvp-rules';
import type { MeasurementPeriod } from '../performance/periods';
import type { LinkedPlanCommand, PlanNode, PlanTarget } from './model';
import type { ParsedRegisterCommand } from './register/commands';

/**
 * The fields an `update_node` (or `update_register_item`) changes, as sent: `null` removes a field.
 * Which fields a node accepts depends on its kind, known only once the node is found, so each value
 * is checked by the decider on the merged node.
 */
export type FieldChanges = Readonly<Record<string, unknown>>;

/** Tree edits. */
export type ParsedTreeCommand =
  | { type: 'add_node'; node: PlanNode }
  | { type: 'update_node'; code: string; changes: FieldChanges }
  | { type: 'move_node'; code: string; parentCode: string }
  | { type: 'remove_node'; code: string; cascade: boolean }
  /** `targets` sorted by year; `clearYears` empty unless some were given. */
  | { type: 'set_targets'; indicatorCode: string; targets: PlanTarget[]; clearYears: number[] }
  /** Percent by indicator code; null while "n.d.". */
  | { type: 'set_weights'; objectiveCode: string; weights: Record<string, number | null> };

/** What a recorded or corrected measurement says. */
export interface ParsedMeasurement {
  indicatorCode: string;
  /** The period as written (e.g. `2027-S1`) */
  period: string;
  /** The period read: its year and months */
  range: MeasurementPeriod;
  /**
   * The value as sent (present, not null). Whether it is a number, a date or a yes/no depends on
   * the indicator's unit: the decider checks it once the indicator is found.
   */
  value: unknown;
  date: string;
  source?: string;
  note?: string;
  /** Lower-case SHA-256 */
  attachmentHash?: string;
}

/** Measurements. */
export type ParsedMeasurementCommand =
  | ({ type: 'record_measurement' } & ParsedMeasurement)
  | ({ type: 'correct_measurement'; reason: string } & ParsedMeasurement)
  | { type: 'close_measurement_year'; year: number; reason?: string };

/** Variations of the adopted plan. */
export type ParsedVariationCommand =
  | { type: 'open_variation'; variationId: string; reason: string; monitoringCycleId?: string }
  /** `actHash` lower-case. */
  | { type: 'approve_variation'; number: string; date: string; actHash: string }
  | { type: 'withdraw_variation'; reason: string };

/** Narrative sections and scoring rules. */
export type ParsedContentCommand =
  /** `text` with its line ends made `\n` and trimmed; empty clears the section. */
  | { type: 'write_narrative'; section: string; text: string }
  | { type: 'set_scoring_rules'; rules: Partial<SmvpRules>; weightTolerance?: number; reason?: string };

/** Every plan command once parsed; the engine's `LinkedPlanCommand`s are typed already. */
export type ParsedPlanCommand = ParsedTreeCommand | ParsedMeasurementCommand | ParsedVariationCommand | ParsedContentCommand | ParsedRegisterCommand | LinkedPlanCommand;
