/** The plan decider's tree edits: nodes added, changed, moved, removed; targets; weights. */
import { DomainRefusal, type FieldProblem } from '../cycle/errors';
import type { DecisionContext, DomainEvent, JsonRecord } from '../cycle/model';
import type { Role } from '../definitions';
import { actingRole } from '../cycle/decide';
import { event, invalid, PLAN_ROLES, sameJson } from './decide-common';
import { nodeJson } from './evolve';
import { FieldReader, isObject, nodeFields, validateNode, validateTargets } from './fields';
import { PARENT_FIELD, PARENT_KIND, parentCodeOf, type IndicatorNode, type PlanCommand, type PlanNode, type PlanState } from './model';
import { descendantsOf } from './tree';

function nodeOf(plan: PlanState, code: unknown, field: string): PlanNode {
  if (typeof code !== 'string' || !code.trim()) invalid([{ field, problem: 'is required' }]);
  const node = plan.nodes.get(code.trim());
  if (!node) throw new DomainRefusal('PLAN_NODE_NOT_FOUND', code.trim());
  return node;
}

/** The RPCT edits only section 2.3 (rischi corruttivi e trasparenza): its objectives and their indicators. */
function checkSection(plan: PlanState, role: Role, node: PlanNode): void {
  if (role !== 'rpct') return;
  const objective = node.kind === 'indicator' ? plan.nodes.get(node.objectiveCode) : node;
  if (objective?.kind !== 'operational_objective' || objective.section !== 'rischi_corruttivi') {
    throw new DomainRefusal('ROLE_NOT_ALLOWED', 'the RPCT edits only the objectives of section 2.3 (rischi_corruttivi) and their indicators');
  }
}

function checkParent(plan: PlanState, node: PlanNode): void {
  const parentKind = PARENT_KIND[node.kind];
  const parentCode = parentCodeOf(node);
  if (!parentKind || parentCode === null) return;
  const parent = plan.nodes.get(parentCode);
  if (!parent || parent.kind !== parentKind) {
    throw new DomainRefusal('PLAN_PARENT_NOT_FOUND', `${PARENT_FIELD[node.kind]} ${parentCode}: no ${parentKind.replace(/_/g, ' ')} with that code`);
  }
}

/** `add_node`, `update_node`, `move_node`, `remove_node`, `set_targets`, `set_weights` (editability checked by the caller). */
export function decideTreeEdit(command: Extract<PlanCommand, { type: 'add_node' | 'update_node' | 'move_node' | 'remove_node' | 'set_targets' | 'set_weights' }>, plan: PlanState, ctx: DecisionContext, years: readonly number[], variationId: string | undefined): DomainEvent[] {
  const inVariation = <T extends object>(data: T): T & { variationId?: string } => (variationId ? { ...data, variationId } : data);
  switch (command.type) {
    case 'add_node': {
      const role = actingRole(ctx, PLAN_ROLES.edit);
      const { node, problems } = validateNode(command.node, years);
      if (!node) invalid(problems);
      if (plan.nodes.has(node.code)) throw new DomainRefusal('PLAN_NODE_EXISTS', node.code);
      checkParent(plan, node);
      checkSection(plan, role, node);
      return [event(ctx, role, 'PlanNodeAdded', inVariation({ node: nodeJson(node) as unknown as PlanNode }))];
    }
    case 'update_node': {
      const role = actingRole(ctx, PLAN_ROLES.edit);
      const current = nodeOf(plan, command.code, 'code');
      checkSection(plan, role, current);
      if (!isObject(command.changes) || Object.keys(command.changes).length === 0) invalid([{ field: 'changes', problem: 'must be an object with at least one field' }]);
      const problems: FieldProblem[] = [];
      const parentField = PARENT_FIELD[current.kind];
      for (const k of Object.keys(command.changes)) {
        if (k === 'code' || k === 'kind') problems.push({ field: `changes.${k}`, problem: 'cannot be changed (remove the node and add another)' });
        else if (k === parentField) problems.push({ field: `changes.${k}`, problem: 'cannot be changed here: use move_node' });
        else if (!nodeFields(current.kind).includes(k)) problems.push({ field: `changes.${k}`, problem: `is not a field of a node of kind ${current.kind}` });
      }
      if (problems.length) invalid(problems);
      const merged: Record<string, unknown> = { ...current };
      for (const [k, v] of Object.entries(command.changes)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      const { node, problems: mergedProblems } = validateNode(merged, years);
      if (!node) invalid(mergedProblems.map((p) => ({ field: `changes.${p.field}`, problem: p.problem })));
      checkSection(plan, role, node);
      const before = current as unknown as Record<string, unknown>;
      const after = node as unknown as Record<string, unknown>;
      const set: JsonRecord = {};
      const unset: string[] = [];
      for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (!(k in after)) unset.push(k);
        else if (!sameJson(before[k], after[k])) set[k] = JSON.parse(JSON.stringify(after[k]));
      }
      if (Object.keys(set).length === 0 && unset.length === 0) return [];
      return [event(ctx, role, 'PlanNodeUpdated', inVariation({ code: current.code, kind: current.kind, set, unset }))];
    }
    case 'move_node': {
      const role = actingRole(ctx, PLAN_ROLES.edit);
      const current = nodeOf(plan, command.code, 'code');
      const field = PARENT_FIELD[current.kind];
      if (!field) invalid([{ field: 'code', problem: 'an ambito has no parent: it cannot be moved' }]);
      const r = new FieldReader({ parentCode: command.parentCode });
      const parentCode = r.code('parentCode');
      if (!parentCode) invalid(r.problems);
      const from = parentCodeOf(current) as string;
      if (from === parentCode) return [];
      const moved = { ...current, [field]: parentCode } as PlanNode;
      checkParent(plan, moved);
      checkSection(plan, role, current);
      checkSection(plan, role, moved);
      return [event(ctx, role, 'PlanNodeMoved', inVariation({ code: current.code, kind: current.kind, fromParentCode: from, toParentCode: parentCode }))];
    }
    case 'remove_node': {
      const role = actingRole(ctx, PLAN_ROLES.edit);
      const current = nodeOf(plan, command.code, 'code');
      checkSection(plan, role, current);
      const below = descendantsOf(plan.nodes, current.code);
      if (below.length > 0 && command.cascade !== true) {
        throw new DomainRefusal('PLAN_NODE_HAS_CHILDREN', `${current.code} has ${below.length} node(s) below it: remove them first or pass cascade: true`);
      }
      for (const n of below) checkSection(plan, role, n);
      return [event(ctx, role, 'PlanNodeRemoved', inVariation({ code: current.code, kind: current.kind, removed: below.map((n) => ({ code: n.code, kind: n.kind })) }))];
    }
    case 'set_targets': {
      const role = actingRole(ctx, PLAN_ROLES.edit);
      const current = nodeOf(plan, command.indicatorCode, 'indicatorCode');
      if (current.kind !== 'indicator') invalid([{ field: 'indicatorCode', problem: `${current.code} is a ${current.kind}, not an indicator` }]);
      checkSection(plan, role, current);
      const { targets, problems } = validateTargets(command.targets, years);
      let clear: number[] = [];
      if (command.clearYears !== undefined && command.clearYears !== null) {
        if (Array.isArray(command.clearYears) && command.clearYears.every((y) => Number.isInteger(y))) clear = command.clearYears as number[];
        else problems.push({ field: 'clearYears', problem: 'must be a list of years' });
      }
      if (targets.length === 0 && clear.length === 0 && problems.length === 0) problems.push({ field: 'targets', problem: 'must set at least one target (or clear a year)' });
      if (problems.length) invalid(problems);
      const byYear = new Map(current.targets.map((t) => [t.year, t]));
      for (const y of clear) byYear.delete(y);
      for (const t of targets) byYear.set(t.year, t);
      const next = [...byYear.values()].sort((a, b) => a.year - b.year);
      if (sameJson(next, current.targets)) return [];
      return [event(ctx, role, 'IndicatorTargetsSet', inVariation({ indicatorCode: current.code, targets: JSON.parse(JSON.stringify(next)) }))];
    }
    case 'set_weights': {
      const role = actingRole(ctx, PLAN_ROLES.edit);
      const objective = nodeOf(plan, command.objectiveCode, 'objectiveCode');
      if (objective.kind !== 'operational_objective') invalid([{ field: 'objectiveCode', problem: `${objective.code} is a ${objective.kind}, not an operational objective` }]);
      checkSection(plan, role, objective);
      if (!isObject(command.weights) || Object.keys(command.weights).length === 0) invalid([{ field: 'weights', problem: 'must map indicator codes to weights (percent)' }]);
      const problems: FieldProblem[] = [];
      const weights: Record<string, number | null> = {};
      let changed = false;
      for (const [code, w] of Object.entries(command.weights)) {
        const ind = plan.nodes.get(code);
        if (ind?.kind !== 'indicator' || ind.objectiveCode !== objective.code) problems.push({ field: `weights.${code}`, problem: `is not an indicator of ${objective.code}` });
        else if (w !== null && (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 100)) problems.push({ field: `weights.${code}`, problem: 'must be a number from 0 to 100, or null (n.d.)' });
        else {
          weights[code] = w as number | null;
          if ((ind as IndicatorNode).weight !== w) changed = true;
        }
      }
      if (problems.length) invalid(problems);
      if (!changed) return [];
      return [event(ctx, role, 'IndicatorWeightsSet', inVariation({ objectiveCode: objective.code, weights }))];
    }
  }
}
