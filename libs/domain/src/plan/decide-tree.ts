/** The plan decider's tree edits: nodes added, changed, moved, removed; targets; weights. */
import { DomainRefusal, type FieldProblem } from '../cycle/errors';
import type { DecisionContext, DomainEvent, JsonRecord } from '../cycle/model';
import type { Role } from '../definitions';
import type { ParsedTreeCommand } from './commands';
import { event, invalid, sameJson } from './decide-common';
import { nodeJson } from './evolve';
import { nodeFields, validateNode } from './fields';
import { PARENT_FIELD, PARENT_KIND, parentCodeOf, type PlanNode, type PlanState } from './model';
import { descendantsOf } from './tree';

function nodeOf(plan: PlanState, code: string): PlanNode {
  const node = plan.nodes.get(code);
  if (!node) throw new DomainRefusal('PLAN_NODE_NOT_FOUND', code);
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

/**
 * `add_node`, `update_node`, `move_node`, `remove_node`, `set_targets`, `set_weights`, parsed and
 * issued in `role` (editability and role checked by the caller).
 */
export function decideTreeEdit(command: ParsedTreeCommand, role: Role, plan: PlanState, ctx: DecisionContext, years: readonly number[], variationId: string | undefined): DomainEvent[] {
  const inVariation = <T extends object>(data: T): T & { variationId?: string } => (variationId ? { ...data, variationId } : data);
  switch (command.type) {
    case 'add_node': {
      const { node } = command;
      if (plan.nodes.has(node.code)) throw new DomainRefusal('PLAN_NODE_EXISTS', node.code);
      checkParent(plan, node);
      checkSection(plan, role, node);
      return [event(ctx, role, 'PlanNodeAdded', inVariation({ node: nodeJson(node) as unknown as PlanNode }))];
    }
    case 'update_node': {
      const current = nodeOf(plan, command.code);
      checkSection(plan, role, current);
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
      const current = nodeOf(plan, command.code);
      const field = PARENT_FIELD[current.kind];
      if (!field) invalid([{ field: 'code', problem: 'an ambito has no parent: it cannot be moved' }]);
      const { parentCode } = command;
      const from = parentCodeOf(current) as string;
      if (from === parentCode) return [];
      const moved = { ...current, [field]: parentCode } as PlanNode;
      checkParent(plan, moved);
      checkSection(plan, role, current);
      checkSection(plan, role, moved);
      return [event(ctx, role, 'PlanNodeMoved', inVariation({ code: current.code, kind: current.kind, fromParentCode: from, toParentCode: parentCode }))];
    }
    case 'remove_node': {
      const current = nodeOf(plan, command.code);
      checkSection(plan, role, current);
      const below = descendantsOf(plan.nodes, current.code);
      if (below.length > 0 && !command.cascade) {
        throw new DomainRefusal('PLAN_NODE_HAS_CHILDREN', `${current.code} has ${below.length} node(s) below it: remove them first or pass cascade: true`);
      }
      for (const n of below) checkSection(plan, role, n);
      return [event(ctx, role, 'PlanNodeRemoved', inVariation({ code: current.code, kind: current.kind, removed: below.map((n) => ({ code: n.code, kind: n.kind })) }))];
    }
    case 'set_targets': {
      const current = nodeOf(plan, command.indicatorCode);
      if (current.kind !== 'indicator') invalid([{ field: 'indicatorCode', problem: `${current.code} is a ${current.kind}, not an indicator` }]);
      checkSection(plan, role, current);
      const byYear = new Map(current.targets.map((t) => [t.year, t]));
      for (const y of command.clearYears) byYear.delete(y);
      for (const t of command.targets) byYear.set(t.year, t);
      const next = [...byYear.values()].sort((a, b) => a.year - b.year);
      if (sameJson(next, current.targets)) return [];
      return [event(ctx, role, 'IndicatorTargetsSet', inVariation({ indicatorCode: current.code, targets: JSON.parse(JSON.stringify(next)) }))];
    }
    case 'set_weights': {
      const objective = nodeOf(plan, command.objectiveCode);
      if (objective.kind !== 'operational_objective') invalid([{ field: 'objectiveCode', problem: `${objective.code} is a ${objective.kind}, not an operational objective` }]);
      checkSection(plan, role, objective);
      const { weights } = command;
      const problems: FieldProblem[] = [];
      let changed = false;
      for (const [code, w] of Object.entries(weights)) {
        const ind = plan.nodes.get(code);
        if (ind?.kind !== 'indicator' || ind.objectiveCode !== objective.code) problems.push({ field: `weights.${code}`, problem: `is not an indicator of ${objective.code}` });
        else if (ind.weight !== w) changed = true;
      }
      if (problems.length) invalid(problems);
      if (!changed) return [];
      return [event(ctx, role, 'IndicatorWeightsSet', inVariation({ objectiveCode: objective.code, weights }))];
    }
  }
}
