import type { FieldDefinition } from '../definitions';
import { isIsoDate } from '../calendar';
import type { FieldProblem } from './errors';
import type { JsonRecord, JsonValue } from './model';

const DEFAULT_MAX = { text: 10000, string: 500 } as const;

function checkValue(f: FieldDefinition, v: unknown): { value?: JsonValue; problem?: string } {
  switch (f.type) {
    case 'text':
    case 'string': {
      if (typeof v !== 'string') return { problem: 'must be a string' };
      const s = v.trim();
      if (s.length === 0) return { problem: 'must not be empty' };
      const max = f.maxLength ?? DEFAULT_MAX[f.type];
      if (s.length > max) return { problem: `must be at most ${max} characters` };
      return { value: s };
    }
    case 'integer':
      return typeof v === 'number' && Number.isSafeInteger(v) ? { value: v } : { problem: 'must be an integer' };
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? { value: v } : { problem: 'must be a finite number' };
    case 'boolean':
      return typeof v === 'boolean' ? { value: v } : { problem: 'must be true or false' };
    case 'date':
      return isIsoDate(v) ? { value: v } : { problem: 'must be a date YYYY-MM-DD' };
    case 'datetime':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v))
        ? { value: new Date(v).toISOString() }
        : { problem: 'must be an ISO 8601 date-time with offset' };
    case 'url': {
      if (typeof v !== 'string' || v.length > 2000) return { problem: 'must be an http(s) URL' };
      try {
        const u = new URL(v);
        return u.protocol === 'https:' || u.protocol === 'http:' ? { value: u.toString() } : { problem: 'must be an http(s) URL' };
      } catch {
        return { problem: 'must be an http(s) URL' };
      }
    }
    case 'sha256':
      return typeof v === 'string' && /^[0-9a-fA-F]{64}$/.test(v) ? { value: v.toLowerCase() } : { problem: 'must be a SHA-256 in 64 hex digits' };
    case 'enum':
      return typeof v === 'string' && (f.values ?? []).includes(v)
        ? { value: v }
        : { problem: `must be one of: ${(f.values ?? []).join(', ')}` };
  }
}

/**
 * Checks a command body against its fields: every problem at once (missing, malformed, unknown).
 * Returns the normalised values (trimmed strings, lower-case hashes).
 */
export function validateFields(defs: readonly FieldDefinition[], body: Record<string, unknown>): { values: JsonRecord; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const values: JsonRecord = {};
  const known = new Set(defs.map((f) => f.name));
  for (const key of Object.keys(body)) {
    if (!known.has(key)) problems.push({ field: key, problem: 'is not a field of this command' });
  }
  for (const f of defs) {
    const v = body[f.name];
    if (v === undefined || v === null) {
      if (f.required) problems.push({ field: f.name, problem: 'is required' });
      continue;
    }
    const r = checkValue(f, v);
    if (r.problem) problems.push({ field: f.name, problem: r.problem });
    else values[f.name] = r.value as JsonValue;
  }
  return { values, problems };
}
