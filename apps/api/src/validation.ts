import type { z } from 'zod';
import { RequestValidationError } from './http-errors';

/**
 * Parses `value` with `schema`, or throws a 400 naming every offending field, prefixed by `where`
 * (`body`, `query`, `path.id`, `header.Idempotency-Key`...).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new RequestValidationError(
    r.error.issues.map((i) => {
      const key = i.code === 'unrecognized_keys' ? (i as { keys: string[] }).keys.join(', ') : i.path.join('.');
      return {
        field: key ? `${where}.${key}` : where,
        problem: i.code === 'unrecognized_keys' ? 'is not an accepted field' : i.message,
      };
    }),
  );
}
