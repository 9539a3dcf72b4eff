/**
 * The plan content of a cycle (the performance tree of a PIAO, the objectives of a budget...), kept
 * as events in the cycle's own stream. A plan is a draft while it is edited: nodes may be
 * incomplete (a weight "n.d.", no resources printed, a target missing) and the submission checks
 * (`planSubmissionProblems`) list what is still wrong. See docs/plan.md.
 */
import type { SmvpRules } from '../performance/smvp-rules';
import {
  cloneRegisterState,
  initialRegisterState,
  REGISTER_COMMANDS,
  REGISTER_CONTENT_COMMANDS,
  REGISTER_EVENT_TYPES,
  type RegisterCommand,
  type RegisterContent,
  type RegisterState,
} from './register/model';
import type {
  Aggregation,
  IndicatorType,
  IndicatorUnit,
  IndicatorValue,
  Mission,
  PlanNodeKind,
  ProgressKind,
  Resources,
  TargetOperator,
  TimeSpan,
} from '../performance/tree';

export type { PlanNodeKind } from '../performance/tree';

/**
 * Section of the PIAO (DM 132/2022) an operational objective belongs to: 2.2 Performance, or 2.3
 * Rischi corruttivi e trasparenza (drafted by the RPCT). The value-creation section (2.1) holds
 * the ambiti and strategic objectives.
 */
export type PlanSection = 'performance' | 'rischi_corruttivi';
export const PLAN_SECTIONS: readonly PlanSection[] = ['performance', 'rischi_corruttivi'];

export const INDICATOR_TYPES: readonly IndicatorType[] = ['volume', 'efficacia', 'efficienza', 'qualita', 'salute_economica', 'dfp', 'altro'];
export const INDICATOR_UNITS: readonly IndicatorUnit[] = ['n', '%', '€', 'gg', 'ore', 'data', 'si_no'];
export const TARGET_OPERATORS: readonly TargetOperator[] = ['>=', '<=', '=', '>', '<', 'entro_il', 'si_no'];
export const AGGREGATIONS: readonly Aggregation[] = ['last', 'sum', 'average'];
export const PROGRESS_KINDS: readonly ProgressKind[] = ['cumulative', 'level'];
export const PLAN_NODE_KINDS: readonly PlanNodeKind[] = ['ambito', 'strategic_objective', 'operational_objective', 'indicator'];

/** Baseline: a value of a year, or not available ("n.d.", printed "-"). */
export type PlanBaseline =
  | {
      /** Value of departure */
      value: IndicatorValue;
      /** Year it refers to */
      year?: number;
    }
  | {
      /** Not available (n.d.) */
      nd: true;
      /** Year it refers to */
      year?: number;
    };

export interface PlanTarget {
  /** Year of the target */
  year: number;
  /** How the value is compared (`>=`, `<=`, `=`...) */
  operator: TargetOperator;
  /** Target value */
  value: IndicatorValue;
}

export interface AmbitoNode {
  /** `ambito` */
  kind: 'ambito';
  /** Code of the node in the plan (e.g. `01`) */
  code: string;
  /** Title */
  title: string;
  /** Description */
  description?: string;
  /** Weight within its parent (percent) */
  weight?: number;
  /** Note */
  note?: string;
}

export interface StrategicObjectiveNode {
  /** `strategic_objective` */
  kind: 'strategic_objective';
  /** Code (e.g. `01_01`) */
  code: string;
  /** Title */
  title: string;
  /** Description */
  description?: string;
  /** Code of its ambito strategico */
  ambitoCode: string;
  /** Weight within its ambito (percent) */
  weight?: number;
  /** Note */
  note?: string;
}

export interface OperationalObjectiveNode {
  /** `operational_objective` */
  kind: 'operational_objective';
  /** Code (e.g. `01_01_01`) */
  code: string;
  /** Title */
  title: string;
  /** Description */
  description?: string;
  /** "Impatto atteso". */
  expectedImpact?: string;
  /** Euro amount, "risorse interne", or null when the plan states none. */
  resources: Resources | null;
  /** Code of its strategic objective */
  strategicObjectiveCode: string;
  /** Area di responsabilità. */
  area?: string;
  /** Ufficio. */
  office?: string;
  /** Centro di responsabilità. */
  cdr?: string;
  /** Missione of the budget classification */
  mission?: Mission;
  /** Programma di spesa. */
  programme?: string;
  /** Portatori d'interesse. */
  stakeholders: string[];
  /** Years the objective spans */
  timeSpan?: TimeSpan;
  /** Obiettivo comune di sistema (Unioncamere). */
  commonSystemObjective: boolean;
  /** Weight within its strategic objective (percent) */
  weight?: number;
  /** PIAO section the objective belongs to */
  section: PlanSection;
  /** Note */
  note?: string;
}

export interface IndicatorNode {
  /** `indicator` */
  kind: 'indicator';
  /** Code (e.g. `01_01_01_I1`) */
  code: string;
  /** Code of its operational objective */
  objectiveCode: string;
  /** Name of the indicator */
  name: string;
  /** Description */
  description?: string;
  /** Algoritmo di calcolo. */
  algorithm?: string;
  /** Tipologia (efficacia, efficienza, qualità...) */
  type: IndicatorType;
  /** Unit of measure */
  unit: IndicatorUnit;
  /** Value of departure, with its year, or n.d. */
  baseline: PlanBaseline;
  /** Target per year */
  targets: PlanTarget[];
  /** Percent within the objective; null while "n.d.". */
  weight: number | null;
  /** Fonte dei dati. */
  dataSource?: string;
  /** How period values make the year's value */
  aggregation?: Aggregation;
  /** How progress accrues over the year (for the variance check) */
  progress?: ProgressKind;
  /** Note */
  note?: string;
}

export type PlanNode = AmbitoNode | StrategicObjectiveNode | OperationalObjectiveNode | IndicatorNode;

/** The field naming a node's parent, by kind (ambiti have none). */
export const PARENT_FIELD = {
  ambito: null,
  strategic_objective: 'ambitoCode',
  operational_objective: 'strategicObjectiveCode',
  indicator: 'objectiveCode',
} as const satisfies Record<PlanNodeKind, string | null>;

/** The kind a node's parent must have. */
export const PARENT_KIND: Record<PlanNodeKind, PlanNodeKind | null> = {
  ambito: null,
  strategic_objective: 'ambito',
  operational_objective: 'strategic_objective',
  indicator: 'operational_objective',
};

export function parentCodeOf(node: PlanNode): string | null {
  switch (node.kind) {
    case 'ambito':
      return null;
    case 'strategic_objective':
      return node.ambitoCode;
    case 'operational_objective':
      return node.strategicObjectiveCode;
    case 'indicator':
      return node.objectiveCode;
  }
}

/** A measurement as recorded in the plan (one event each), with who and when. */
export interface PlanMeasurement {
  indicatorCode: string;
  period: string;
  value: IndicatorValue;
  date: string;
  source?: string;
  note?: string;
  attachmentHash?: string;
  /** Set on a correction. */
  correctionReason?: string;
  /** Stream version of the event. */
  version: number;
  by: string;
  role: string;
  at: string;
}

export interface PlanDeliberation {
  /** `giunta` or `consiglio` */
  organ: string;
  /** Deliberation number */
  number: string;
  /** Deliberation date */
  date: string;
  /** SHA-256 of the act */
  actHash?: string;
}

export interface PlanAdoption {
  /** Stream version of the deliberation that adopted the plan. */
  version: number;
  /** When adopted (ISO 8601) */
  at: string;
  /** The adopting deliberation */
  deliberation: PlanDeliberation;
}

export interface PlanVariation {
  /** Variation id */
  variationId: string;
  /** 1, 2, ... in the cycle. */
  number: number;
  /** Why the plan is varied */
  reason: string;
  /** `open`, `approved` or `withdrawn` */
  status: 'open' | 'approved' | 'withdrawn';
  /** Plan stream version when opened */
  openedVersion: number;
  /** When opened (ISO 8601) */
  openedAt: string;
  /** Who opened it */
  openedBy: string;
  /** Plan stream version when approved or withdrawn */
  closedVersion?: number;
  /** When approved or withdrawn */
  closedAt?: string;
  /** Who approved or withdrew it */
  closedBy?: string;
  /** The Giunta deliberation that approved it */
  deliberation?: PlanDeliberation;
  /** Why it was withdrawn */
  withdrawnReason?: string;
  /** Plan events recorded while the variation was open. */
  changes: number;
  /** The monitoring cycle that opened it (its transitions open, and its Giunta deliberation approves, the variation). */
  monitoringCycleId?: string;
}

/** A measurement period a linked monitoring cycle opened on this plan (docs/links.md). */
export interface PlanMonitoringPeriod {
  /** The period monitored, e.g. `2027-S1` */
  period: string;
  /** Its year */
  year: number;
  /** The monitoring cycle (UUID) */
  monitoringCycleId: string;
  /** `open` while the monitoring collects the measurements, `closed` once its collection closed */
  status: 'open' | 'closed';
  /** When opened (ISO 8601) */
  openedAt: string;
  /** When last closed (ISO 8601) */
  closedAt?: string;
  /** When last reopened (ISO 8601) */
  reopenedAt?: string;
  /** Plan stream version of its latest event */
  version: number;
}

/** Per-plan scoring conventions (the SMVP in force for this plan) and the weight tolerance. */
export interface PlanScoring {
  /** The SMVP rules that differ from the defaults */
  rules: Partial<SmvpRules>;
  /** Tolerance on weights summing to 100 */
  weightTolerance?: number;
  /** Why they were set */
  reason?: string;
  /** Plan stream version that set them */
  version: number;
}

/** A narrative section as last written. */
export interface PlanNarrative {
  /** The text, in Markdown (headings, paragraphs, lists) */
  text: string;
  /** Stream version of the event that wrote it */
  version: number;
  /** Who wrote it */
  by: string;
  /** When (ISO 8601) */
  at: string;
}

/**
 * The narrative sections a cycle type holds, in document order: the parts of the PIAO (DM
 * 132/2022) that are prose, and the Relazione's explanation of the variances.
 */
export const NARRATIVE_SECTIONS: Readonly<Record<string, readonly { id: string; title: string }[]>> = {
  piao: [
    { id: '2.1', title: 'Valore pubblico' },
    { id: '3.1', title: 'Struttura organizzativa' },
    { id: '3.2', title: 'Organizzazione del lavoro agile' },
    { id: '3.3', title: 'Piano triennale dei fabbisogni di personale' },
    { id: '4', title: 'Monitoraggio' },
  ],
  relazione_performance: [
    { id: 'sintesi', title: 'Sintesi dei risultati' },
    { id: 'scostamenti', title: 'Analisi degli scostamenti' },
  ],
};

/** Longest narrative text accepted (characters). */
export const NARRATIVE_MAX_LENGTH = 20000;

export interface PlanState {
  /** Stream version folded so far (plan and cycle events alike). */
  version: number;
  /** Nodes by code, in the order they were added. */
  nodes: Map<string, PlanNode>;
  measurements: PlanMeasurement[];
  /** Adoption by the organ (first deliberation of the cycle): the tree is frozen from then on. */
  adopted: PlanAdoption | null;
  /** The tree as adopted (snapshot at the adoption). */
  adoptedNodes: PlanNode[] | null;
  variations: PlanVariation[];
  /** The tree when the open variation started (restored if it is withdrawn). */
  variationBase: PlanNode[] | null;
  /** Years whose measurements are closed (no more records or corrections). */
  closedYears: number[];
  /** Periods opened and closed by linked monitoring cycles. */
  monitoringPeriods: PlanMonitoringPeriod[];
  scoring: PlanScoring | null;
  /** Narrative sections the offices wrote (Markdown), by section id; an empty text is not kept. */
  narratives: Record<string, PlanNarrative>;
  /** The anticorruption risk register (PTPCT, PIAO section 2.3): docs/anticorruption.md. */
  register: RegisterState;
  /** The register as adopted (snapshot at the adoption). */
  adoptedRegister: RegisterContent | null;
  /** The register when the open variation started (restored if it is withdrawn). */
  registerBase: RegisterContent | null;
  /** Plan events folded (excluding the cycle's own events). */
  planEvents: number;
  lastChangeAt: string;
}

export const initialPlanState = (): PlanState => ({
  version: 0,
  nodes: new Map(),
  measurements: [],
  adopted: null,
  adoptedNodes: null,
  variations: [],
  variationBase: null,
  closedYears: [],
  monitoringPeriods: [],
  scoring: null,
  narratives: {},
  register: initialRegisterState(),
  adoptedRegister: null,
  registerBase: null,
  planEvents: 0,
  lastChangeAt: '',
});

/** For each field of `T`, optional ones included, whether it still holds its initial value. */
type Untouched<T> = { [K in keyof Required<T>]: (value: T[K]) => boolean };
const none = (v: { size: number } | { length: number } | null): boolean => v === null || ('size' in v ? v.size : v.length) === 0;
const allUntouched = <T>(table: Untouched<T>, value: T): boolean =>
  (Object.keys(table) as (keyof T)[]).every((k) => (table[k] as (v: unknown) => boolean)(value[k]));

const REGISTER_UNTOUCHED: Untouched<RegisterState> = {
  processes: none,
  risks: none,
  measures: none,
  assessments: none,
  method: (v) => v === null,
  monitoringDates: none,
  reports: none,
  checks: none,
  monitoring: none,
  reportFigures: none,
};

const PLAN_UNTOUCHED: Untouched<PlanState> = {
  // Where the fold stands and when it last changed: not content.
  version: () => true,
  planEvents: () => true,
  lastChangeAt: () => true,
  nodes: none,
  measurements: none,
  adopted: (v) => v === null,
  adoptedNodes: (v) => v === null,
  variations: none,
  variationBase: (v) => v === null,
  closedYears: none,
  monitoringPeriods: none,
  scoring: (v) => v === null,
  narratives: (v) => Object.keys(v).length === 0,
  register: (r) => allUntouched(REGISTER_UNTOUCHED, r),
  adoptedRegister: (v) => v === null,
  registerBase: (v) => v === null,
};

/**
 * Whether a plan holds nothing that `initialPlanState` does not (its version, event count and
 * last change aside): folding later events onto a fresh initial state then gives the same content.
 * A process that keeps many plans (the deadline scheduler) keeps none for such a cycle. Every field
 * is named above, so a field added to the state must be decided on there.
 */
export function planHoldsNothing(state: PlanState): boolean {
  return allUntouched(PLAN_UNTOUCHED, state);
}

/** A copy that can be changed without touching `state` (nodes are replaced, never mutated). */
export function clonePlanState(state: PlanState): PlanState {
  return {
    ...state,
    nodes: new Map(state.nodes),
    measurements: [...state.measurements],
    variations: state.variations.map((v) => ({ ...v })),
    closedYears: [...state.closedYears],
    narratives: { ...state.narratives },
    register: cloneRegisterState(state.register),
    monitoringPeriods: state.monitoringPeriods.map((p) => ({ ...p })),
  };
}

export function openVariation(state: PlanState): PlanVariation | undefined {
  return state.variations.find((v) => v.status === 'open');
}

/** Plan commands: the path segment of `POST /cycles/{id}/plan/commands/{command}`. */
export const PLAN_COMMANDS = [
  'add_node',
  'update_node',
  'move_node',
  'remove_node',
  'set_targets',
  'set_weights',
  'record_measurement',
  'correct_measurement',
  'close_measurement_year',
  'open_variation',
  'approve_variation',
  'withdraw_variation',
  'set_scoring_rules',
  'write_narrative',
  ...REGISTER_COMMANDS,
] as const;
export type PlanCommandName = (typeof PLAN_COMMANDS)[number];

/** Commands that change the tree itself: allowed only in editable stages, or in an open variation after adoption. */
export const CONTENT_COMMANDS: readonly PlanCommandName[] = ['add_node', 'update_node', 'move_node', 'remove_node', 'set_targets', 'set_weights', ...REGISTER_CONTENT_COMMANDS];

export interface MeasurementInput {
  indicatorCode: unknown;
  period: unknown;
  value: unknown;
  date: unknown;
  source?: unknown;
  note?: unknown;
  attachmentHash?: unknown;
}

/**
 * A plan command. Bodies come from outside (HTTP, files) and are checked by the decider, so their
 * fields are `unknown` until validated.
 */
export type PlanCommand =
  | { type: 'add_node'; node: Record<string, unknown> }
  | { type: 'update_node'; code: unknown; changes: Record<string, unknown> }
  | { type: 'move_node'; code: unknown; parentCode: unknown }
  | { type: 'remove_node'; code: unknown; cascade?: unknown }
  | { type: 'set_targets'; indicatorCode: unknown; targets: unknown; clearYears?: unknown }
  | { type: 'set_weights'; objectiveCode: unknown; weights: unknown }
  | ({ type: 'record_measurement' } & MeasurementInput)
  | ({ type: 'correct_measurement'; reason: unknown } & MeasurementInput)
  | { type: 'close_measurement_year'; year: unknown; reason?: unknown }
  | { type: 'open_variation'; variationId: string; reason: unknown; monitoringCycleId?: string }
  | { type: 'approve_variation'; number: unknown; date: unknown; actHash: unknown }
  | { type: 'withdraw_variation'; reason: unknown }
  | { type: 'set_scoring_rules'; rules: unknown; weightTolerance?: unknown; reason?: unknown }
  | { type: 'write_narrative'; section: unknown; text: unknown }
  | RegisterCommand
  | LinkedPlanCommand;

/**
 * Engine-issued plan commands: a transition of a monitoring cycle acting on the plan of the cycle
 * its link names (docs/links.md). Never accepted over HTTP (not in `PLAN_COMMANDS`).
 */
export type LinkedPlanCommand =
  | { type: 'open_monitoring_period'; period: string; monitoringCycleId: string }
  | { type: 'close_monitoring_period'; period: string; monitoringCycleId: string }
  | { type: 'reopen_monitoring_period'; period: string; monitoringCycleId: string };

/** Plan event types (all in the cycle's stream). */
export const PLAN_EVENT_TYPES = [
  'PlanNodeAdded',
  'PlanNodeUpdated',
  'PlanNodeMoved',
  'PlanNodeRemoved',
  'IndicatorTargetsSet',
  'IndicatorWeightsSet',
  'MeasurementRecorded',
  'MeasurementCorrected',
  'MeasurementYearClosed',
  'MeasurementPeriodOpened',
  'MeasurementPeriodClosed',
  'MeasurementPeriodReopened',
  'PlanVariationOpened',
  'PlanVariationApproved',
  'PlanVariationWithdrawn',
  'PlanScoringRulesSet',
  'NarrativeSectionWritten',
  ...REGISTER_EVENT_TYPES,
] as const;
export type PlanEventType = (typeof PLAN_EVENT_TYPES)[number];

const PLAN_EVENT_SET: ReadonlySet<string> = new Set(PLAN_EVENT_TYPES);
export const isPlanEventType = (type: string): type is PlanEventType => PLAN_EVENT_SET.has(type);
