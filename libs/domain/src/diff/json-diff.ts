/** One difference between two JSON values: where, and the value before and after (undefined = absent). */
export interface JsonChange {
  /** JSON path of the value */
  path: string;
  /** Value before */
  before?: unknown;
  /** Value after */
  after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Differences between two JSON values, leaf by leaf, with paths such as `history[3].fields.reason`.
 * Arrays are compared by index (history and attachment lists only grow, so new items appear as added).
 */
export function jsonDiff(before: unknown, after: unknown, path = ''): JsonChange[] {
  if (Object.is(before, after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: JsonChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const p = `${path}[${i}]`;
      if (i >= before.length) out.push({ path: p, after: after[i] });
      else if (i >= after.length) out.push({ path: p, before: before[i] });
      else out.push(...jsonDiff(before[i], after[i], p));
    }
    return out;
  }
  if (isObject(before) && isObject(after)) {
    const out: JsonChange[] = [];
    for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in after)) out.push({ path: p, before: before[k] });
      else if (!(k in before)) out.push({ path: p, after: after[k] });
      else out.push(...jsonDiff(before[k], after[k], p));
    }
    return out;
  }
  return [{ path: path || '(root)', before, after }];
}
