/**
 * The performance tree of a Piano della performance (PIAO, section "Valore pubblico, performance
 * e anticorruzione"): ambito strategico → obiettivo strategico → obiettivo operativo (progetto)
 * → indicatore. Field names follow what the plans actually publish (seed documents 003 and 004).
 */
import type { IsoDate } from '../calendar';

/** Ambito strategico (strategic area), e.g. "Promozione e sostegno allo sviluppo…". */
export interface AmbitoStrategico {
  readonly code: string;
  readonly title: string;
  readonly description?: string;
  /** Weight within the chamber roll-up; used only when every ambito declares one. */
  readonly weight?: number;
}

/** Obiettivo strategico, code like `01_01`, under an ambito. */
export interface ObiettivoStrategico {
  readonly code: string;
  readonly title: string;
  readonly description?: string;
  readonly ambitoCode: string;
  /** Weight within its ambito; used only when every sibling declares one. */
  readonly weight?: number;
}

/** Economic resources of an operational objective: an amount in euro, or "risorse interne". */
export type Resources =
  | {
      /** `euro`: an amount */
      readonly kind: 'euro';
      /** Euro */
      readonly amount: number;
    }
  | {
      /** `risorse_interne`: internal resources, no amount */
      readonly kind: 'risorse_interne';
    };

/** Mission of the spending classification (e.g. `011` Competitività e sviluppo delle imprese). */
export interface Mission {
  /** Mission code */
  readonly code: string;
  /** Mission title */
  readonly title: string;
}

/** Span of years over which an objective runs, inclusive (`2022/2024 (triennale)`). */
export interface TimeSpan {
  /** First year */
  readonly from: number;
  /** Last year */
  readonly to: number;
}

/** Obiettivo operativo, also called "progetto", code like `01_01_02`. */
export interface ObiettivoOperativo {
  readonly code: string;
  readonly title: string;
  readonly description: string;
  /** "Impatto atteso" / "Benefici attesi". */
  readonly expectedImpact?: string;
  readonly resources: Resources;
  readonly strategicObjectiveCode: string;
  /** Area di responsabilità (may be "Obiettivo trasversale"). */
  readonly area?: string;
  /** Ufficio. */
  readonly office?: string;
  /** Centro di responsabilità, used instead of area/ufficio by some chambers. */
  readonly cdr?: string;
  readonly mission?: Mission;
  /** Programma di spesa. */
  readonly programme?: string;
  /** Portatori d'interesse. */
  readonly stakeholders: readonly string[];
  readonly timeSpan?: TimeSpan;
  /** Obiettivo comune di sistema (set by Unioncamere for every chamber). */
  readonly commonSystemObjective: boolean;
  /** Weight within its strategic objective; used only when every sibling declares one. */
  readonly weight?: number;
}

export type IndicatorType =
  'volume' | 'efficacia' | 'efficienza' | 'qualita' | 'salute_economica' | 'dfp' | 'altro';

/**
 * Unit of measure. `%` values are percentage points (80 means 80%); `data` values are ISO dates;
 * `si_no` values are booleans; every other unit is numeric.
 */
export type IndicatorUnit = 'n' | '%' | '€' | 'gg' | 'ore' | 'data' | 'si_no';

export const NUMERIC_UNITS: readonly IndicatorUnit[] = ['n', '%', '€', 'gg', 'ore'];

export function isNumericUnit(unit: IndicatorUnit): boolean {
  return unit !== 'data' && unit !== 'si_no';
}

/** A value of an indicator: a number, an ISO date (unit `data`) or a yes/no. */
export type IndicatorValue = number | IsoDate | boolean;

/** Baseline ("Stato 2021", "valori osservati"): a value, or not available. */
export type Baseline = { readonly value: IndicatorValue } | { readonly nd: true };

export type TargetOperator = '>=' | '<=' | '=' | '>' | '<' | 'entro_il' | 'si_no';

export interface Target {
  /** Year of the target */
  readonly year: number;
  /** How the value is compared */
  readonly operator: TargetOperator;
  /** Target value */
  readonly value: IndicatorValue;
}

/** How several measurements of one year make the year's actual value. */
export type Aggregation = 'sum' | 'last' | 'average';

/**
 * How progress builds up during the year, for the variance analysis: `cumulative` values grow
 * towards the target (counts, amounts), `level` values are compared with the target at any time
 * (ratios, percentages, averages).
 */
export type ProgressKind = 'cumulative' | 'level';

export interface Indicatore {
  readonly code: string;
  readonly objectiveCode: string;
  readonly name: string;
  readonly description?: string;
  /** Algoritmo di calcolo. */
  readonly algorithm?: string;
  readonly type: IndicatorType;
  readonly unit: IndicatorUnit;
  readonly baseline: Baseline;
  readonly targets: readonly Target[];
  /** Weight within its objective, in percent (the weights of an objective sum to 100). */
  readonly weight: number;
  /** Fonte dei dati. */
  readonly dataSource?: string;
  /** Default `last`. */
  readonly aggregation?: Aggregation;
  /** Default: `level` for unit `%` or aggregation `average`, else `cumulative`. */
  readonly progress?: ProgressKind;
}

export type PlanNodeKind = 'ambito' | 'strategic_objective' | 'operational_objective' | 'indicator';

/** One node of the tree as recorded (e.g. in an event), tagged with its kind. */
export type PlanNodeRecord =
  | ({ readonly kind: 'ambito' } & AmbitoStrategico)
  | ({ readonly kind: 'strategic_objective' } & ObiettivoStrategico)
  | ({ readonly kind: 'operational_objective' } & ObiettivoOperativo)
  | ({ readonly kind: 'indicator' } & Indicatore);

/**
 * The whole tree, keyed by code, with child lists in record order. Codes are unique across the
 * tree: a record whose code was already taken is kept out of the maps and listed in `duplicates`.
 */
export interface PlanTree {
  readonly ambiti: ReadonlyMap<string, AmbitoStrategico>;
  readonly strategicObjectives: ReadonlyMap<string, ObiettivoStrategico>;
  readonly operationalObjectives: ReadonlyMap<string, ObiettivoOperativo>;
  readonly indicators: ReadonlyMap<string, Indicatore>;
  /** ambito code → strategic objective codes. */
  readonly strategicObjectivesByAmbito: ReadonlyMap<string, readonly string[]>;
  /** strategic objective code → operational objective codes. */
  readonly operationalObjectivesByStrategic: ReadonlyMap<string, readonly string[]>;
  /** operational objective code → indicator codes. */
  readonly indicatorsByObjective: ReadonlyMap<string, readonly string[]>;
  /** Records dropped because their code was already used by an earlier record. */
  readonly duplicates: readonly PlanNodeRecord[];
}

function push(index: Map<string, string[]>, key: string, value: string): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}

function strip<T extends { readonly kind: PlanNodeKind }>(record: T): Omit<T, 'kind'> {
  const { kind: _kind, ...node } = record;
  return node;
}

/**
 * Builds the tree from node records in any order. The first record of a code wins; later ones go
 * to `duplicates`. Parent links are indexed even when the parent is unknown (orphans are found
 * by `validatePlanForSubmission`).
 */
export function buildPlanTree(records: readonly PlanNodeRecord[]): PlanTree {
  const ambiti = new Map<string, AmbitoStrategico>();
  const strategicObjectives = new Map<string, ObiettivoStrategico>();
  const operationalObjectives = new Map<string, ObiettivoOperativo>();
  const indicators = new Map<string, Indicatore>();
  const strategicObjectivesByAmbito = new Map<string, string[]>();
  const operationalObjectivesByStrategic = new Map<string, string[]>();
  const indicatorsByObjective = new Map<string, string[]>();
  const duplicates: PlanNodeRecord[] = [];
  const seen = new Set<string>();

  for (const record of records) {
    if (seen.has(record.code)) {
      duplicates.push(record);
      continue;
    }
    seen.add(record.code);
    switch (record.kind) {
      case 'ambito':
        ambiti.set(record.code, strip(record));
        break;
      case 'strategic_objective':
        strategicObjectives.set(record.code, strip(record));
        push(strategicObjectivesByAmbito, record.ambitoCode, record.code);
        break;
      case 'operational_objective':
        operationalObjectives.set(record.code, strip(record));
        push(operationalObjectivesByStrategic, record.strategicObjectiveCode, record.code);
        break;
      case 'indicator':
        indicators.set(record.code, strip(record));
        push(indicatorsByObjective, record.objectiveCode, record.code);
        break;
    }
  }

  return {
    ambiti,
    strategicObjectives,
    operationalObjectives,
    indicators,
    strategicObjectivesByAmbito,
    operationalObjectivesByStrategic,
    indicatorsByObjective,
    duplicates,
  };
}

/** The node records of a tree (duplicates excluded), parents before children. */
export function planNodeRecords(tree: PlanTree): PlanNodeRecord[] {
  const records: PlanNodeRecord[] = [];
  for (const node of tree.ambiti.values()) records.push({ kind: 'ambito', ...node });
  for (const node of tree.strategicObjectives.values())
    records.push({ kind: 'strategic_objective', ...node });
  for (const node of tree.operationalObjectives.values())
    records.push({ kind: 'operational_objective', ...node });
  for (const node of tree.indicators.values()) records.push({ kind: 'indicator', ...node });
  return records;
}

/** Indicators of an operational objective, in record order. */
export function indicatorsOf(tree: PlanTree, objectiveCode: string): Indicatore[] {
  const codes = tree.indicatorsByObjective.get(objectiveCode) ?? [];
  const result: Indicatore[] = [];
  for (const code of codes) {
    const indicator = tree.indicators.get(code);
    if (indicator) result.push(indicator);
  }
  return result;
}

/** The target of an indicator for a year (the first one if several were given). */
export function targetFor(indicator: Indicatore, year: number): Target | undefined {
  return indicator.targets.find((target) => target.year === year);
}

/** Effective aggregation of an indicator (default `last`). */
export function aggregationOf(indicator: Indicatore): Aggregation {
  return indicator.aggregation ?? 'last';
}

/** Effective progress kind of an indicator (see {@link ProgressKind}). */
export function progressKindOf(indicator: Indicatore): ProgressKind {
  if (indicator.progress) return indicator.progress;
  return indicator.unit === '%' || indicator.aggregation === 'average' ? 'level' : 'cumulative';
}
