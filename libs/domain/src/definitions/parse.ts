import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { cycleDefinitionSchema } from './schema';
import { CycleDefinition, DefinitionIssue } from './types';

/** Thrown when a definition document is not valid; lists every problem found. */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';

  constructor(
    readonly source: string,
    readonly issues: readonly DefinitionIssue[],
    lines: readonly (number | undefined)[] = [],
  ) {
    super(
      [
        `Invalid cycle definition ${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}`,
        ...issues.map(
          (i, k) =>
            `  ${i.source}: ${i.path === '' ? '(document)' : i.path}: ${i.reason}` +
            (lines[k] === undefined ? '' : ` (line ${lines[k]})`),
        ),
      ].join('\n'),
    );
  }
}

/** `['transitions', 3, 'roles', 1]` -> `transitions[3].roles[1]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
};
const expectedName: Record<string, string> = { object: 'a mapping', array: 'a list', int: 'an integer' };
const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** Reasons for zod's built-in issues, in the words the definition authors read. */
const reasonFor: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'required';
      return `expected ${expectedName[iss.expected] ?? iss.expected}, got ${describe(iss.input)}`;
    case 'invalid_value':
      return `must be one of: ${iss.values.map(show).join(', ')} (got ${show(iss.input)})`;
    case 'invalid_union': {
      const options: unknown = 'options' in iss ? iss.options : undefined;
      if (iss.discriminator !== undefined && Array.isArray(options)) {
        const input = iss.input as Record<string, unknown> | undefined;
        const got = input?.[iss.discriminator];
        return got === undefined
          ? 'required'
          : `must be one of: ${options.map(show).join(', ')} (got ${show(got)})`;
      }
      return 'matches none of the allowed shapes';
    }
    case 'too_small':
      if (iss.origin === 'array') return `must have at least ${String(iss.minimum)} item(s)`;
      if (iss.origin === 'string') return 'must not be empty';
      return `must be ${iss.inclusive ? '>=' : '>'} ${String(iss.minimum)}`;
    case 'too_big':
      if (iss.origin === 'array') return `must have at most ${String(iss.maximum)} item(s)`;
      if (iss.origin === 'string') return `must have at most ${String(iss.maximum)} characters`;
      return `must be ${iss.inclusive ? '<=' : '<'} ${String(iss.maximum)}`;
    case 'unrecognized_keys':
      return 'unknown key';
    default:
      return undefined;
  }
};

interface RawIssue {
  readonly path: readonly PropertyKey[];
  readonly reason: string;
}

function toRawIssues(error: z.ZodError): RawIssue[] {
  const out: RawIssue[] = [];
  for (const iss of error.issues) {
    if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) out.push({ path: [...iss.path, key], reason: 'unknown key' });
    } else {
      out.push({ path: iss.path, reason: iss.message });
    }
  }
  return out;
}

const FILE_NAME = /(?:^|[\\/])([a-z][a-z0-9_]*)\.v(\d+)\.ya?ml$/;

/**
 * Validates an already-parsed value (e.g. from JSON) as a cycle definition.
 * @throws DefinitionError naming `source`, the path and the reason of every problem.
 */
export function validateCycleDefinition(value: unknown, source: string): CycleDefinition {
  return check(value, source, () => undefined);
}

/**
 * Parses a YAML cycle definition document. When `source` looks like `<id>.v<version>.yaml`,
 * the document's `id` and `version` must match it.
 * @throws DefinitionError naming `source`, the path inside the document and the reason.
 */
export function parseCycleDefinition(yamlText: string, source: string): CycleDefinition {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => lineCounter.linePos(e.pos[0]).line);
    throw new DefinitionError(
      source,
      doc.errors.map((e, k) => ({
        source,
        path: '',
        reason: `YAML syntax error at line ${lines[k]}: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    // The deepest node of the path that exists in the document.
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return check(doc.toJS({ maxAliasCount: 100 }), source, lineOf);
}

function check(
  value: unknown,
  source: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
): CycleDefinition {
  const result = cycleDefinitionSchema.safeParse(value, { reportInput: true, error: reasonFor });
  const raw: RawIssue[] = result.success ? [] : toRawIssues(result.error);
  const file = FILE_NAME.exec(source);
  if (result.success && file) {
    if (result.data.id !== file[1]) {
      raw.push({
        path: ['id'],
        reason: `${show(result.data.id)} does not match the file name ${show(source)}`,
      });
    }
    if (result.data.version !== Number(file[2])) {
      raw.push({
        path: ['version'],
        reason: `${result.data.version} does not match the file name ${show(source)}`,
      });
    }
  }
  if (raw.length > 0 || !result.success) {
    throw new DefinitionError(
      source,
      raw.map((r) => ({ source, path: formatPath(r.path), reason: r.reason })),
      raw.map((r) => lineOf(r.path)),
    );
  }
  return result.data;
}
