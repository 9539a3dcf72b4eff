/**
 * Differences between two versions of a plan tree (e.g. "as adopted" and "as varied"): nodes
 * added, removed, moved to another parent, and changed field by field.
 */
import { jsonDiff } from '../diff';
import { parentCodeOf, type PlanNode, type PlanNodeKind } from './model';

export interface PlanFieldChange {
  /** Field path, e.g. `title`, `targets[0].value`, `resources.amount`. */
  field: string;
  /** Value before */
  before?: unknown;
  /** Value after */
  after?: unknown;
}

export interface PlanNodeChange {
  /** Node code */
  code: string;
  /** Node kind */
  kind: PlanNodeKind;
  /** `added`, `removed`, `changed` or `moved` */
  change: 'added' | 'removed' | 'changed' | 'moved';
  /** For `moved` (a move may also change fields: they are listed too). */
  fromParentCode?: string | null;
  /** New parent, for a move */
  toParentCode?: string | null;
  /** For `changed` and `moved`: the fields that differ. */
  fields?: PlanFieldChange[];
  /** For `added` and `removed`: the node. */
  node?: PlanNode;
}

export interface PlanDiff {
  /** Each node that differs */
  changes: PlanNodeChange[];
  /** How many nodes were added, removed, changed, moved or left unchanged */
  summary: {
    /** Nodes added */
    added: number;
    /** Nodes removed */
    removed: number;
    /** Nodes changed */
    changed: number;
    /** Nodes moved */
    moved: number;
    /** Nodes unchanged */
    unchanged: number;
  };
}

/** Node changes from `before` to `after`, in the order of `before` then the added nodes. */
export function diffPlanNodes(before: readonly PlanNode[], after: readonly PlanNode[]): PlanDiff {
  const afterByCode = new Map(after.map((n) => [n.code, n]));
  const beforeCodes = new Set(before.map((n) => n.code));
  const changes: PlanNodeChange[] = [];
  let unchanged = 0;
  for (const b of before) {
    const a = afterByCode.get(b.code);
    if (!a) {
      changes.push({ code: b.code, kind: b.kind, change: 'removed', node: b });
      continue;
    }
    if (a.kind !== b.kind) {
      changes.push({ code: b.code, kind: b.kind, change: 'removed', node: b }, { code: a.code, kind: a.kind, change: 'added', node: a });
      continue;
    }
    const from = parentCodeOf(b);
    const to = parentCodeOf(a);
    const parentField = b.kind === 'strategic_objective' ? 'ambitoCode' : b.kind === 'operational_objective' ? 'strategicObjectiveCode' : b.kind === 'indicator' ? 'objectiveCode' : '';
    const fields = jsonDiff(b, a).filter((c) => c.path !== parentField).map((c) => ({ field: c.path, ...('before' in c ? { before: c.before } : {}), ...('after' in c ? { after: c.after } : {}) }));
    if (from !== to) changes.push({ code: b.code, kind: b.kind, change: 'moved', fromParentCode: from, toParentCode: to, ...(fields.length ? { fields } : {}) });
    else if (fields.length) changes.push({ code: b.code, kind: b.kind, change: 'changed', fields });
    else unchanged += 1;
  }
  for (const a of after) if (!beforeCodes.has(a.code)) changes.push({ code: a.code, kind: a.kind, change: 'added', node: a });
  const count = (c: PlanNodeChange['change']) => changes.filter((x) => x.change === c).length;
  return { changes, summary: { added: count('added'), removed: count('removed'), changed: count('changed'), moved: count('moved'), unchanged } };
}
