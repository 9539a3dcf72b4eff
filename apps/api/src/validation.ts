import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { z } from 'zod';
import type { FieldProblem } from '@ciclo/domain';
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

/**
 * Text PostgreSQL cannot store (its `jsonb` and `text` refuse them): the NUL character, and a UTF-16
 * surrogate without its pair (valid in JSON as `\ud800`, not in UTF-8).
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const UNSTORABLE_TEXT = 'must not contain NUL characters or unpaired UTF-16 surrogates';

export function isStorableText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

/** Every string (and object key) in `value` that cannot be stored, as a problem naming its field. */
export function unstorableText(value: unknown, where: string, problems: FieldProblem[] = [], depth = 0): FieldProblem[] {
  if (problems.length >= 20 || depth > 64) return problems;
  if (typeof value === 'string') {
    if (!isStorableText(value)) problems.push({ field: where, problem: UNSTORABLE_TEXT });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unstorableText(v, `${where}.${i}`, problems, depth + 1));
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (!isStorableText(k)) problems.push({ field: `${where}.${JSON.stringify(k).slice(1, -1)}`, problem: UNSTORABLE_TEXT });
      else unstorableText(v, `${where}.${k}`, problems, depth + 1);
    }
  }
  return problems;
}

/** Headers whose URL-encoded value becomes stored text. */
const TEXT_HEADERS: [string, string][] = [
  ['x-file-name', 'header.X-File-Name'],
  ['x-note', 'header.X-Note'],
];

/**
 * Refuses, before any handler runs, a request whose path parameters, query, JSON body or text
 * headers carry text that cannot be stored: 400 naming every such field (nothing is written).
 * A global guard registered after `AuthGuard` (so an unauthenticated request is still 401 first):
 * a guard, not an interceptor, because the API then has no interceptor at all and Nest skips their
 * machinery (an asynchronous resource and an observable per request).
 */
@Injectable()
export class StorableTextGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    // A body no parser read (a Content-Type other than JSON on a JSON endpoint) would be taken for
    // no body at all: refused instead.
    const sent = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (sent && req.body === undefined && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) {
      throw new HttpException(
        {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'The body must be JSON (Content-Type: application/json)',
          messageIt: 'Il corpo della richiesta deve essere in formato JSON (Content-Type: application/json)',
        },
        415,
      );
    }
    const problems: FieldProblem[] = [];
    for (const [name, value] of Object.entries(req.params ?? {})) unstorableText(value, `path.${name}`, problems);
    unstorableText(req.query, 'query', problems);
    unstorableText(req.body, 'body', problems);
    for (const [header, field] of TEXT_HEADERS) {
      const raw = req.headers[header];
      if (typeof raw !== 'string') continue;
      let decoded: string;
      try {
        decoded = decodeURIComponent(raw);
      } catch {
        continue; // the handler refuses text that is not URL-encoded
      }
      if (!isStorableText(decoded)) problems.push({ field, problem: UNSTORABLE_TEXT });
    }
    if (problems.length) throw new RequestValidationError(problems);
    return true;
  }
}
