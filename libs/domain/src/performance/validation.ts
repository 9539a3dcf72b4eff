/**
 * Checks run before a plan is submitted for approval. Every problem is returned at once, so the
 * drafting office can fix the whole plan in one pass.
 */
import { isIsoDate } from '../calendar';
import type { IndicatorUnit, IndicatorValue, PlanNodeKind, PlanTree, TargetOperator } from './tree';

export type PlanProblemCode =
  /** Two records share a code (codes are unique across the whole tree). */
  | 'DUPLICATE_CODE'
  /** A node's parent code does not exist. */
  | 'ORPHAN_NODE'
  /** An operational objective has no indicator. */
  | 'OBJECTIVE_WITHOUT_INDICATORS'
  /** The indicator weights of an operational objective do not sum to 100. */
  | 'INDICATOR_WEIGHTS_SUM'
  /** A weight is negative or not a finite number. */
  | 'INVALID_WEIGHT'
  /** Some siblings declare a weight and others do not (the roll-up would ignore the weights). */
  | 'OBJECTIVE_WEIGHTS_INCOMPLETE'
  /** An indicator has no target for one of the plan years. */
  | 'TARGET_MISSING'
  /** An indicator has two targets for the same year. */
  | 'TARGET_DUPLICATE_YEAR'
  /** The operator cannot be used with the indicator's unit. */
  | 'OPERATOR_UNIT_MISMATCH'
  /** The target value is not of the kind the unit needs (number, ISO date, yes/no). */
  | 'TARGET_VALUE_MISMATCH'
  /** The baseline value is not of the kind the unit needs. */
  | 'BASELINE_UNIT_MISMATCH'
  /** A euro amount is negative or not a finite number. */
  | 'INVALID_RESOURCES'
  /** A time span ends before it starts. */
  | 'INVALID_TIME_SPAN'
  /** An operational objective names neither an area di responsabilità nor a CDR. */
  | 'RESPONSIBILITY_MISSING'
  /** A process of the risk register has no assessment (or one on levels the method lacks). */
  | 'PROCESS_NOT_ASSESSED'
  /** A risk event of the register is treated by no measure. */
  | 'RISK_WITHOUT_MEASURE'
  /** A specific measure treats no risk. */
  | 'MEASURE_WITHOUT_RISK'
  /** A measure has no implementation phase with a deadline. */
  | 'MEASURE_WITHOUT_PHASES';

export interface PlanProblem {
  /** Problem code */
  readonly code: PlanProblemCode;
  /** Code of the node the problem is about. */
  readonly nodeCode: string;
  /** Kind of the node (or `plan`) */
  readonly nodeKind: PlanNodeKind | 'plan' | 'process' | 'risk' | 'measure';
  /** English explanation for logs and the console. */
  readonly message: string;
  /** Plan year concerned, for target problems. */
  readonly year?: number;
  /** Extra figures: the weight sum found, the unknown parent code, the operator and unit… */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/** `nodeCode` of problems about the plan as a whole (e.g. the weights of the ambiti). */
export const PLAN_NODE_CODE = '*';

export interface ValidationOptions {
  /** Allowed distance of an objective's indicator weights from 100. Default 0.1. */
  readonly weightTolerance?: number;
}

export const DEFAULT_WEIGHT_TOLERANCE = 0.1;

/** The kind of value a unit takes. */
export type ValueKind = 'number' | 'date' | 'boolean';

export function valueKindOfUnit(unit: IndicatorUnit): ValueKind {
  if (unit === 'data') return 'date';
  if (unit === 'si_no') return 'boolean';
  return 'number';
}

/** Whether a value is of the given kind (dates must be real ISO calendar dates). */
export function valueHasKind(value: IndicatorValue, kind: ValueKind): boolean {
  switch (kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'date':
      return isIsoDate(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

/**
 * Operators allowed for each kind of unit. Date targets also accept `<=`, `<` and `=` because
 * the plans write deadlines that way ("<= 30/06/2022", "= 30/11/2022"); yes/no targets accept
 * `=` ("= si").
 */
const OPERATORS_BY_KIND: Readonly<Record<ValueKind, readonly TargetOperator[]>> = {
  number: ['>=', '<=', '=', '>', '<'],
  date: ['entro_il', '<=', '<', '='],
  boolean: ['si_no', '='],
};

export function operatorAllowedForUnit(operator: TargetOperator, unit: IndicatorUnit): boolean {
  return OPERATORS_BY_KIND[valueKindOfUnit(unit)].includes(operator);
}

function validWeight(weight: number): boolean {
  return Number.isFinite(weight) && weight >= 0;
}

export function validatePlanForSubmission(
  tree: PlanTree,
  planYears: readonly number[],
  options: ValidationOptions = {},
): PlanProblem[] {
  const tolerance = options.weightTolerance ?? DEFAULT_WEIGHT_TOLERANCE;
  const problems: PlanProblem[] = [];

  for (const duplicate of tree.duplicates) {
    problems.push({
      code: 'DUPLICATE_CODE',
      nodeCode: duplicate.code,
      nodeKind: duplicate.kind,
      message: `Code ${duplicate.code} is used by more than one node`,
    });
  }

  const checkSiblingWeights = (
    parentCode: string,
    parentKind: PlanProblem['nodeKind'],
    children: readonly { readonly code: string; readonly weight?: number }[],
    childKind: PlanNodeKind,
  ): void => {
    let weighted = 0;
    for (const child of children) {
      if (child.weight === undefined) continue;
      weighted += 1;
      if (!validWeight(child.weight)) {
        problems.push({
          code: 'INVALID_WEIGHT',
          nodeCode: child.code,
          nodeKind: childKind,
          message: `Weight of ${child.code} must be a non-negative number`,
          details: { weight: child.weight },
        });
      }
    }
    if (weighted > 0 && weighted < children.length) {
      problems.push({
        code: 'OBJECTIVE_WEIGHTS_INCOMPLETE',
        nodeCode: parentCode,
        nodeKind: parentKind,
        message: `Only ${weighted} of the ${children.length} children of ${parentCode} declare a weight`,
        details: { weighted, children: children.length },
      });
    }
  };

  checkSiblingWeights(PLAN_NODE_CODE, 'plan', [...tree.ambiti.values()], 'ambito');

  for (const ambito of tree.ambiti.values()) {
    const children = (tree.strategicObjectivesByAmbito.get(ambito.code) ?? []).flatMap((code) => {
      const node = tree.strategicObjectives.get(code);
      return node ? [node] : [];
    });
    checkSiblingWeights(ambito.code, 'ambito', children, 'strategic_objective');
  }

  for (const objective of tree.strategicObjectives.values()) {
    if (!tree.ambiti.has(objective.ambitoCode)) {
      problems.push({
        code: 'ORPHAN_NODE',
        nodeCode: objective.code,
        nodeKind: 'strategic_objective',
        message: `Strategic objective ${objective.code} belongs to unknown ambito ${objective.ambitoCode}`,
        details: { parentCode: objective.ambitoCode },
      });
    }
    const children = (tree.operationalObjectivesByStrategic.get(objective.code) ?? []).flatMap((code) => {
      const node = tree.operationalObjectives.get(code);
      return node ? [node] : [];
    });
    checkSiblingWeights(objective.code, 'strategic_objective', children, 'operational_objective');
  }

  for (const objective of tree.operationalObjectives.values()) {
    if (!tree.strategicObjectives.has(objective.strategicObjectiveCode)) {
      problems.push({
        code: 'ORPHAN_NODE',
        nodeCode: objective.code,
        nodeKind: 'operational_objective',
        message: `Objective ${objective.code} belongs to unknown strategic objective ${objective.strategicObjectiveCode}`,
        details: { parentCode: objective.strategicObjectiveCode },
      });
    }
    if (!objective.area && !objective.cdr) {
      problems.push({
        code: 'RESPONSIBILITY_MISSING',
        nodeCode: objective.code,
        nodeKind: 'operational_objective',
        message: `Objective ${objective.code} names neither an area di responsabilità nor a CDR`,
      });
    }
    if (
      objective.resources.kind === 'euro' &&
      !(Number.isFinite(objective.resources.amount) && objective.resources.amount >= 0)
    ) {
      problems.push({
        code: 'INVALID_RESOURCES',
        nodeCode: objective.code,
        nodeKind: 'operational_objective',
        message: `Objective ${objective.code} has an invalid euro amount`,
        details: { amount: objective.resources.amount },
      });
    }
    if (objective.timeSpan && objective.timeSpan.to < objective.timeSpan.from) {
      problems.push({
        code: 'INVALID_TIME_SPAN',
        nodeCode: objective.code,
        nodeKind: 'operational_objective',
        message: `Objective ${objective.code} ends (${objective.timeSpan.to}) before it starts (${objective.timeSpan.from})`,
        details: { from: objective.timeSpan.from, to: objective.timeSpan.to },
      });
    }

    const indicatorCodes = tree.indicatorsByObjective.get(objective.code) ?? [];
    if (indicatorCodes.length === 0) {
      problems.push({
        code: 'OBJECTIVE_WITHOUT_INDICATORS',
        nodeCode: objective.code,
        nodeKind: 'operational_objective',
        message: `Objective ${objective.code} has no indicator`,
      });
      continue;
    }
    let sum = 0;
    for (const code of indicatorCodes) {
      const weight = tree.indicators.get(code)?.weight ?? 0;
      if (Number.isFinite(weight)) sum += weight;
    }
    if (Math.abs(sum - 100) > tolerance + 1e-9) {
      problems.push({
        code: 'INDICATOR_WEIGHTS_SUM',
        nodeCode: objective.code,
        nodeKind: 'operational_objective',
        message: `Indicator weights of ${objective.code} sum to ${sum}, not 100`,
        details: { sum },
      });
    }
  }

  for (const indicator of tree.indicators.values()) {
    const nodeCode = indicator.code;
    const nodeKind: PlanNodeKind = 'indicator';
    if (!tree.operationalObjectives.has(indicator.objectiveCode)) {
      problems.push({
        code: 'ORPHAN_NODE',
        nodeCode,
        nodeKind,
        message: `Indicator ${nodeCode} belongs to unknown objective ${indicator.objectiveCode}`,
        details: { parentCode: indicator.objectiveCode },
      });
    }
    if (!validWeight(indicator.weight)) {
      problems.push({
        code: 'INVALID_WEIGHT',
        nodeCode,
        nodeKind,
        message: `Weight of ${nodeCode} must be a non-negative number`,
        details: { weight: indicator.weight },
      });
    }
    const kind = valueKindOfUnit(indicator.unit);
    if ('value' in indicator.baseline && !valueHasKind(indicator.baseline.value, kind)) {
      problems.push({
        code: 'BASELINE_UNIT_MISMATCH',
        nodeCode,
        nodeKind,
        message: `Baseline of ${nodeCode} is not a ${kind} as unit ${indicator.unit} needs`,
        details: { unit: indicator.unit, expected: kind },
      });
    }

    const yearsSeen = new Set<number>();
    for (const target of indicator.targets) {
      if (yearsSeen.has(target.year)) {
        problems.push({
          code: 'TARGET_DUPLICATE_YEAR',
          nodeCode,
          nodeKind,
          year: target.year,
          message: `Indicator ${nodeCode} has more than one target for ${target.year}`,
        });
      }
      yearsSeen.add(target.year);
      if (!operatorAllowedForUnit(target.operator, indicator.unit)) {
        problems.push({
          code: 'OPERATOR_UNIT_MISMATCH',
          nodeCode,
          nodeKind,
          year: target.year,
          message: `Operator ${target.operator} cannot be used with unit ${indicator.unit} (${nodeCode}, ${target.year})`,
          details: { operator: target.operator, unit: indicator.unit },
        });
      } else if (!valueHasKind(target.value, kind)) {
        problems.push({
          code: 'TARGET_VALUE_MISMATCH',
          nodeCode,
          nodeKind,
          year: target.year,
          message: `Target ${String(target.value)} of ${nodeCode} for ${target.year} is not a ${kind}`,
          details: { operator: target.operator, unit: indicator.unit, expected: kind },
        });
      }
    }
    for (const year of planYears) {
      if (!yearsSeen.has(year)) {
        problems.push({
          code: 'TARGET_MISSING',
          nodeCode,
          nodeKind,
          year,
          message: `Indicator ${nodeCode} has no target for ${year}`,
        });
      }
    }
  }

  return problems;
}
