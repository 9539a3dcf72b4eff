/**
 * The anticorruption risk register (PTPCT, or PIAO section 2.3 "Rischi corruttivi e trasparenza"):
 * the processes with their responsible area and office, the risk events of each process with their
 * factors, the assessment of each process by ANAC's qualitative method (PNA 2019, Allegato 1), the
 * measures treating the risks, and the monitoring of the measures. It lives as events in the
 * cycle's stream beside the performance tree and follows the same editing rules (docs/anticorruption.md).
 */

/** The kinds of register items. */
export type RegisterItemKind = 'process' | 'risk' | 'measure';
export const REGISTER_ITEM_KINDS: readonly RegisterItemKind[] = ['process', 'risk', 'measure'];

/** A process of the catalogue, mapped to the structure responsible for it. */
export interface RegisterProcess {
  /** `process` */
  kind: 'process';
  /** Code of the process (the catalogue's, e.g. `C1.1.1`) */
  code: string;
  /** Title of the process */
  title: string;
  /** Area organizzativa responsible */
  area?: string;
  /** Ufficio (servizio) responsible */
  office?: string;
  /** Note */
  note?: string;
}

/** A risk event of a process: what could go wrong, with the factors that make it possible. */
export interface RegisterRisk {
  /** `risk` */
  kind: 'risk';
  /** Code of the risk (e.g. `C1.1.1-R1`) */
  code: string;
  /** Code of the process it belongs to */
  processCode: string;
  /** The risk event, in the chamber's words */
  description: string;
  /** Fattori abilitanti (lack of controls, discretion, lack of transparency...) */
  factors: string[];
  /** Note */
  note?: string;
}

/** Measure kinds: general (cross-cutting, by law) or specific to some risks. */
export type MeasureKind = 'generale' | 'specifica';
export const MEASURE_KINDS: readonly MeasureKind[] = ['generale', 'specifica'];

/** The categories of measures of PNA 2019 (general and specific share most of them). */
export const MEASURE_CATEGORIES = [
  'trasparenza',
  'codice_comportamento',
  'rotazione',
  'conflitto_interessi',
  'whistleblowing',
  'formazione',
  'inconferibilita_incompatibilita',
  'pantouflage',
  'commissioni_e_uffici',
  'patti_integrita',
  'controllo',
  'regolamentazione',
  'semplificazione',
  'definizione_standard',
  'sensibilizzazione',
  'altro',
] as const;
export type MeasureCategory = (typeof MEASURE_CATEGORIES)[number];

/** A phase of a measure's implementation, with its deadline. */
export interface MeasurePhase {
  /** What is done in the phase */
  title: string;
  /** Deadline (YYYY-MM-DD) */
  deadline: string;
}

/** Who answers for a measure. */
export interface MeasureOwner {
  /** Ufficio responsible */
  office: string;
  /** Dirigente responsible */
  dirigente: string;
}

/** A prevention measure, linked to the risks it treats. */
export interface RegisterMeasure {
  /** `measure` */
  kind: 'measure';
  /** Code of the measure (e.g. `MG-FORM`, `MS-C1.1.1-1`) */
  code: string;
  /** `generale` or `specifica` */
  measureKind: MeasureKind;
  /** Category (trasparenza, rotazione, formazione...) */
  category: MeasureCategory;
  /** Title */
  title: string;
  /** Description */
  description?: string;
  /** Codes of the risks treated (at least one for a specific measure) */
  riskCodes: string[];
  /** Office and dirigente responsible */
  owner: MeasureOwner;
  /** Implementation phases with their deadlines */
  phases: MeasurePhase[];
  /** Indicator of implementation */
  indicator: string;
  /** Target of the indicator */
  target: string;
  /** Note */
  note?: string;
}

export type RegisterItem = RegisterProcess | RegisterRisk | RegisterMeasure;

/** A key risk indicator of the rating method. */
export interface RatingIndicator {
  /** Key (e.g. `interesse_esterno`) */
  key: string;
  /** Italian title */
  title: string;
}

/** The qualitative rating method: the key risk indicators and the ordered levels (lowest first). */
export interface RatingMethod {
  /** Key risk indicators, each rated on the levels */
  indicators: RatingIndicator[];
  /** Ordered levels, lowest first (e.g. basso, medio, alto) */
  levels: string[];
}

/** PNA 2019, Allegato 1, box 9: the key risk indicators, rated basso / medio / alto. */
export const DEFAULT_RATING_METHOD: RatingMethod = {
  indicators: [
    { key: 'interesse_esterno', title: 'Livello di interesse esterno' },
    { key: 'discrezionalita', title: 'Grado di discrezionalità del decisore interno' },
    { key: 'eventi_passati', title: 'Manifestazione di eventi corruttivi in passato' },
    { key: 'opacita', title: 'Opacità del processo decisionale (trasparenza)' },
    { key: 'collaborazione', title: 'Livello di collaborazione del responsabile del processo' },
    { key: 'attuazione_misure', title: 'Grado di attuazione delle misure di trattamento' },
  ],
  levels: ['basso', 'medio', 'alto'],
};

/**
 * Which method an assessment was made under: ANAC's default (`pna2019`, version 0), a version of
 * the chamber's own method (`ente`, the version in the tenant's method stream), or a method set on
 * this plan alone (`piano`, the cycle stream's version of its setting).
 */
export interface RatingMethodRef {
  /** `pna2019`, `ente` or `piano` */
  source: 'pna2019' | 'ente' | 'piano';
  /** Version of the method within its source (0 for `pna2019`) */
  version: number;
}

/** The method a register rates with, as set on the plan (by `set_rating_method`, or pinned from the chamber's). */
export interface PlanRatingMethod extends RatingMethod {
  /** Why */
  reason?: string;
  /** Stream version of the setting */
  version: number;
  /** `piano`: set on this plan; `ente`: the chamber's method, pinned by an assessment */
  source: 'piano' | 'ente';
  /** For `ente`: the version of the chamber's method */
  tenantVersion?: number;
}

/** An indicator's rating with its reason. */
export interface IndicatorRating {
  /** A level of the method */
  level: string;
  /** Why (the data and facts considered) */
  reason: string;
}

/** The assessment of a process's exposure to risk. */
export interface RiskAssessment {
  /** Code of the process */
  processCode: string;
  /** Rating of each key indicator */
  indicators: Record<string, IndicatorRating>;
  /** Overall rating (a level of the method) */
  rating: string;
  /** Why the overall rating (a qualitative judgement, not a mean) */
  motivation: string;
  /** The level most indicators have (ties: the higher), for reference */
  suggestedRating: string;
  /** The method (and its version) the assessment was made under */
  method: RatingMethodRef;
  /** Stream version of the assessment */
  version: number;
  /** Who assessed */
  by: string;
  /** When (ISO 8601) */
  at: string;
}

/** Outcome of a measure at a monitoring date. */
export type MeasureStatus = 'attuata' | 'parzialmente_attuata' | 'non_attuata';
export const MEASURE_STATUSES: readonly MeasureStatus[] = ['attuata', 'parzialmente_attuata', 'non_attuata'];

/** What a dirigente reports on a measure at a monitoring date. */
export interface MeasureReport {
  /** Code of the measure */
  measureCode: string;
  /** Monitoring date of the plan the report answers */
  monitoringDate: string;
  /** Status reported */
  status: MeasureStatus;
  /** Evidence (acts, publications, figures) */
  evidence: string;
  /** Date of the report (YYYY-MM-DD) */
  date: string;
  /** Note */
  note?: string;
  /** Stream version */
  version: number;
  /** Who reported */
  by: string;
  /** Role of who reported */
  role: string;
  /** When recorded (ISO 8601) */
  at: string;
}

/** The RPCT's check of a report: confirmed, or corrected with the status the RPCT finds. */
export interface MeasureCheck {
  /** Code of the measure */
  measureCode: string;
  /** Monitoring date */
  monitoringDate: string;
  /** `confermato` or `rettificato` */
  outcome: 'confermato' | 'rettificato';
  /** The status after the check */
  status: MeasureStatus;
  /** The RPCT's note */
  note?: string;
  /** Stream version */
  version: number;
  /** Who checked */
  by: string;
  /** When (ISO 8601) */
  at: string;
}

/** A measure at one monitoring date: its latest report and the RPCT's check of it. */
export interface MonitoringSlot {
  /** Monitoring date */
  date: string;
  /** The latest report for that date */
  report?: MeasureReport;
  /** The RPCT's check */
  check?: MeasureCheck;
}

/** Figures of the RPCT's annual report that the register does not hold, entered by the RPCT. */
export interface RpctReportFigures {
  /** Year reported on */
  year: number;
  /** Whistleblowing reports received in the year */
  whistleblowingReports: number;
  /** Training given in the year (what, how many people, hours) */
  training?: string;
  /** Note */
  note?: string;
  /** Stream version */
  version: number;
}

export interface RegisterState {
  processes: Map<string, RegisterProcess>;
  risks: Map<string, RegisterRisk>;
  measures: Map<string, RegisterMeasure>;
  /** Latest assessment per process code. */
  assessments: Map<string, RiskAssessment>;
  /** The method set on the plan or pinned from the chamber's (null: DEFAULT_RATING_METHOD). */
  method: PlanRatingMethod | null;
  /** Monitoring dates the plan sets (sorted). */
  monitoringDates: string[];
  /** Every report (a later one for the same measure and date supersedes an earlier unchecked one). */
  reports: MeasureReport[];
  checks: MeasureCheck[];
  /**
   * The same reports and checks by measure code, one slot per monitoring date with the latest of
   * each, kept by the fold: the view, the deadlines and the checks of a command read a measure's
   * monitoring without a pass over every report. A measure's list is replaced, never changed in
   * place, so that a copy of the state shares the lists.
   */
  monitoring: Map<string, readonly MonitoringSlot[]>;
  /** The RPCT's own figures per year (the latest entry of each year). */
  reportFigures: Map<number, RpctReportFigures>;
}

/** What the register holds that the adoption freezes and a withdrawn variation restores. */
export interface RegisterContent {
  processes: RegisterProcess[];
  risks: RegisterRisk[];
  measures: RegisterMeasure[];
  assessments: RiskAssessment[];
  method: RegisterState['method'];
  monitoringDates: string[];
}

export const initialRegisterState = (): RegisterState => ({
  processes: new Map(),
  risks: new Map(),
  measures: new Map(),
  assessments: new Map(),
  method: null,
  monitoringDates: [],
  reports: [],
  checks: [],
  monitoring: new Map(),
  reportFigures: new Map(),
});

export function cloneRegisterState(r: RegisterState): RegisterState {
  return {
    processes: new Map(r.processes),
    risks: new Map(r.risks),
    measures: new Map(r.measures),
    assessments: new Map(r.assessments),
    method: r.method,
    monitoringDates: [...r.monitoringDates],
    reports: [...r.reports],
    checks: [...r.checks],
    monitoring: new Map(r.monitoring),
    reportFigures: new Map(r.reportFigures),
  };
}

export function registerContent(r: RegisterState): RegisterContent {
  return {
    processes: [...r.processes.values()],
    risks: [...r.risks.values()],
    measures: [...r.measures.values()],
    assessments: [...r.assessments.values()],
    method: r.method,
    monitoringDates: [...r.monitoringDates],
  };
}

export function restoreRegisterContent(r: RegisterState, c: RegisterContent): void {
  r.processes = new Map(c.processes.map((x) => [x.code, x]));
  r.risks = new Map(c.risks.map((x) => [x.code, x]));
  r.measures = new Map(c.measures.map((x) => [x.code, x]));
  r.assessments = new Map(c.assessments.map((x) => [x.processCode, x]));
  r.method = c.method;
  r.monitoringDates = [...c.monitoringDates];
}

/** A measure's slot at a monitoring date (its latest report and the check), if any. */
export function monitoringSlot(r: RegisterState, measureCode: string, date: string): MonitoringSlot | undefined {
  const slots = r.monitoring.get(measureCode);
  if (slots) for (const s of slots) if (s.date === date) return s;
  return undefined;
}

export const isRegisterEmpty = (r: RegisterState): boolean =>
  r.processes.size === 0 && r.risks.size === 0 && r.measures.size === 0;

/**
 * The method the register rates with: the one set on (or pinned to) the plan; for a register with
 * no method and no assessment yet, the chamber's method in force (`tenant`), which the first
 * assessment will pin; otherwise ANAC's default.
 */
export const methodOf = (r: RegisterState, tenant?: RatingMethod | null): RatingMethod =>
  r.method ?? (tenant && r.assessments.size === 0 ? tenant : DEFAULT_RATING_METHOD);

/**
 * The method an assessment made now is checked against: the chamber's version in force (`tenant`)
 * unless the plan has a method of its own; without the chamber's, the register's method.
 */
export function assessmentMethod(
  r: RegisterState,
  tenant?: (RatingMethod & { version: number }) | null,
): { method: RatingMethod; pin: boolean } {
  if (tenant && r.method?.source !== 'piano')
    return { method: tenant, pin: r.method?.tenantVersion !== tenant.version };
  return { method: methodOf(r), pin: false };
}

/** The reference of the method `methodOf` gives (what an assessment made now records). */
export function methodRefOf(r: RegisterState): RatingMethodRef {
  if (!r.method) return { source: 'pna2019', version: 0 };
  return r.method.source === 'ente'
    ? { source: 'ente', version: r.method.tenantVersion ?? 0 }
    : { source: 'piano', version: r.method.version };
}

/** Cycle types that hold a register: the stand-alone PTPCT and the PIAO (section 2.3). */
export const REGISTER_CYCLE_TYPES: readonly string[] = ['ptpct', 'piao'];

/** Register commands (sent like the plan's: `POST /cycles/{id}/plan/commands/{command}`). */
export const REGISTER_COMMANDS = [
  'add_register_item',
  'update_register_item',
  'remove_register_item',
  'assess_risk',
  'set_rating_method',
  'set_monitoring_dates',
  'report_measure',
  'check_measure_report',
  'set_rpct_report_figures',
] as const;
export type RegisterCommandName = (typeof REGISTER_COMMANDS)[number];

/** Register commands that change the register's content (editable stages, or an open variation). */
export const REGISTER_CONTENT_COMMANDS: readonly RegisterCommandName[] = [
  'add_register_item',
  'update_register_item',
  'remove_register_item',
  'assess_risk',
  'set_rating_method',
  'set_monitoring_dates',
];

export type RegisterCommand =
  | { type: 'add_register_item'; item: Record<string, unknown> }
  | { type: 'update_register_item'; kind: unknown; code: unknown; changes: Record<string, unknown> }
  | { type: 'remove_register_item'; kind: unknown; code: unknown; cascade?: unknown }
  | { type: 'assess_risk'; processCode: unknown; indicators: unknown; rating: unknown; motivation: unknown }
  | { type: 'set_rating_method'; method: unknown; reason?: unknown }
  | { type: 'set_monitoring_dates'; dates: unknown }
  | {
      type: 'report_measure';
      measureCode: unknown;
      monitoringDate: unknown;
      status: unknown;
      evidence: unknown;
      date: unknown;
      note?: unknown;
    }
  | {
      type: 'check_measure_report';
      measureCode: unknown;
      monitoringDate: unknown;
      outcome: unknown;
      status?: unknown;
      note?: unknown;
    }
  | {
      type: 'set_rpct_report_figures';
      year: unknown;
      whistleblowingReports: unknown;
      training?: unknown;
      note?: unknown;
    };

export const REGISTER_EVENT_TYPES = [
  'RegisterItemAdded',
  'RegisterItemUpdated',
  'RegisterItemRemoved',
  'RiskAssessed',
  'RiskRatingMethodSet',
  'MeasureMonitoringDatesSet',
  'MeasureReported',
  'MeasureReportChecked',
  'RpctReportFiguresSet',
] as const;
export type RegisterEventType = (typeof REGISTER_EVENT_TYPES)[number];
