/**
 * From plan nodes to the performance tree of `../performance` (validation, achievement, variance),
 * the years of a plan, and the submission checks.
 */
import type { CycleDefinition } from '../definitions';
import type { CycleState } from '../cycle/model';
import { buildPlanTree, type PlanNodeRecord, type PlanTree } from '../performance/tree';
import { validatePlanForSubmission, type PlanProblem } from '../performance/validation';
import type { PlanNode, PlanState } from './model';
import { registerSubmissionProblems } from './register/checks';

/**
 * The years a plan covers, from the cycle's year and the definition's period: a triennial PIAO of
 * 2027 covers 2027, 2028, 2029; a mandate five years; anything else its one year.
 */
export function planYears(cycleYear: number, period: CycleDefinition['period']): number[] {
  const span = period === 'triennial' ? 3 : period === 'mandate' ? 5 : 1;
  return Array.from({ length: span }, (_, i) => cycleYear + i);
}

/**
 * The computation tree of some plan nodes. Draft gaps are mapped so that the pure functions report
 * them instead of failing: a weight "n.d." becomes NaN (validation: `INVALID_WEIGHT`; achievement:
 * weight 0), resources not stated are read as internal resources (they play no part in scoring),
 * an objective without description has an empty one.
 */
export function toPlanTree(nodes: Iterable<PlanNode>): PlanTree {
  const records: PlanNodeRecord[] = [];
  for (const n of nodes) {
    switch (n.kind) {
      case 'ambito':
      case 'strategic_objective':
        records.push(n);
        break;
      case 'operational_objective':
        records.push({ ...n, description: n.description ?? '', resources: n.resources ?? { kind: 'risorse_interne' } });
        break;
      case 'indicator':
        records.push({ ...n, weight: n.weight ?? Number.NaN, baseline: 'nd' in n.baseline ? { nd: true } : { value: n.baseline.value } });
        break;
    }
  }
  return buildPlanTree(records);
}

export interface SubmissionCheckOptions {
  /** Allowed distance of an objective's indicator weights from 100 (default 0.1, or the plan's own setting). */
  weightTolerance?: number;
}

/**
 * Every problem that stops the plan from being submitted, at once (empty for a cycle without plan
 * content): codes unique, parents known, indicator weights summing to 100 (± 0.1), a target for
 * every plan year, operators and values coherent with the units...
 */
export function planSubmissionProblems(
  plan: PlanState,
  cycle: Pick<CycleState, 'year'>,
  definition: Pick<CycleDefinition, 'period'>,
  options: SubmissionCheckOptions = {},
): PlanProblem[] {
  const register = registerSubmissionProblems(plan.register);
  if (plan.nodes.size === 0) return register;
  const tolerance = options.weightTolerance ?? plan.scoring?.weightTolerance;
  return [...validatePlanForSubmission(toPlanTree(plan.nodes.values()), planYears(cycle.year, definition.period), tolerance === undefined ? {} : { weightTolerance: tolerance }), ...register];
}

/** Codes of a node and of everything below it (children before their parent's next sibling). */
export function descendantsOf(nodes: ReadonlyMap<string, PlanNode>, code: string): PlanNode[] {
  const children = new Map<string, PlanNode[]>();
  for (const n of nodes.values()) {
    const parent = n.kind === 'strategic_objective' ? n.ambitoCode : n.kind === 'operational_objective' ? n.strategicObjectiveCode : n.kind === 'indicator' ? n.objectiveCode : null;
    if (parent === null) continue;
    const list = children.get(parent);
    if (list) list.push(n);
    else children.set(parent, [n]);
  }
  const out: PlanNode[] = [];
  const walk = (c: string): void => {
    for (const child of children.get(c) ?? []) {
      out.push(child);
      walk(child.code);
    }
  };
  walk(code);
  return out;
}
