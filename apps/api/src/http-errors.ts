import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainRefusal, fieldProblemIt, fieldProblemsIt, type FieldProblem, type RefusalCategory } from '@ciclo/domain';
import { IdentityRefusal } from '@ciclo/identity';
import { ConcurrentChange } from '@ciclo/commands';
import { WrongExpectedVersion } from '@ciclo/event-store';

/** A request whose body, query or path parameters are malformed: 400 with every offending field. */
export class RequestValidationError extends Error {
  constructor(readonly fields: FieldProblem[]) {
    super(`Invalid request: ${fields.map((f) => `${f.field} ${f.problem}`).join('; ')}`);
  }
}

/** Authentication failures: 401, with a reason but never the token. */
export class Unauthenticated extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** A write authenticated by the session cookie without the session's CSRF token: 403. */
export class CsrfRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const STATUS: Record<RefusalCategory, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
};

export interface ErrorBody {
  /** HTTP status */
  statusCode: number;
  /** Stable error code, e.g. `INVALID_REQUEST`, `ROLE_NOT_ALLOWED` */
  code: string;
  /** What went wrong, in English */
  message: string;
  /** What went wrong, in Italian, with the detail */
  messageIt?: string;
  /** More detail, in English */
  detail?: string;
  /** For invalid input: each offending field and its problem (in English and Italian) */
  fields?: (FieldProblem & {
    /** What is wrong with it, in Italian */
    problemIt?: string;
  })[];
  /** Id of the request, as in the logs */
  correlationId?: string;
}

/** Each field problem with its Italian beside it. */
const withItalian = (fields: readonly FieldProblem[]) => fields.map((f) => ({ ...f, problemIt: fieldProblemIt(f.problem) }));

/**
 * The one mapping of errors to HTTP: every error becomes a JSON body with a stable `code`, an
 * English `message` and an Italian `messageIt` carrying the detail. Domain and directory refusals
 * keep their code and status; unexpected errors answer 500 without stack traces or SQL and are
 * logged.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('HttpError');

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const correlationId = typeof req.id === 'string' ? req.id : undefined;
    const body = this.toBody(err);
    if (body.statusCode >= 500) {
      this.log.error({ err, correlationId, path: req.path }, 'Unexpected error');
    } else if (body.statusCode === 401 || body.statusCode === 403 || body.statusCode === 409 || body.statusCode === 422) {
      this.log.warn({ correlationId, path: req.path, method: req.method, code: body.code, detail: body.detail }, 'Request refused');
    }
    if (body.statusCode === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    if (body.statusCode === 503) res.setHeader('Retry-After', '1');
    res.status(body.statusCode).json({ ...body, correlationId });
  }

  private toBody(err: unknown): ErrorBody {
    if (err instanceof DomainRefusal) {
      return {
        statusCode: STATUS[err.category],
        code: err.code,
        message: err.message,
        // The Italian names the offending fields and why, as the English detail does.
        // A refusal that carries its own Italian detail already names the field and why.
        messageIt: err.fields.length && err.code !== 'PLAN_INCOMPLETE' && !err.detailIt ? `${err.messageIt}: ${fieldProblemsIt(err.fields)}` : err.messageIt,
        ...(err.detail ? { detail: err.detail } : {}),
        ...(err.fields.length
          ? {
              fields:
                err.code === 'PLAN_INCOMPLETE'
                  ? err.fields
                  : err.detailIt && err.fields.length === 1
                    ? [{ ...err.fields[0], problemIt: err.detailIt }]
                    : withItalian(err.fields),
            }
          : {}),
      };
    }
    if (err instanceof IdentityRefusal) {
      // Directory refusals: fields named as the request carries them (path or body).
      const fields = err.fields.map((f) => ({ field: `${f.field === 'tenant' || f.field === 'userId' ? 'path' : 'body'}.${f.field}`, problem: f.problem }));
      return {
        statusCode: err.status,
        code: err.code,
        message: err.message,
        messageIt: fields.length ? `${err.messageIt}: ${fieldProblemsIt(fields)}` : err.messageIt,
        ...(err.detail ? { detail: err.detail } : {}),
        ...(fields.length ? { fields: withItalian(fields) } : {}),
      };
    }
    if (err instanceof ConcurrentChange) {
      return { statusCode: 409, code: err.code, message: err.message, messageIt: err.messageIt };
    }
    if (err instanceof WrongExpectedVersion) {
      // A write that lost a race the command path did not retry (e.g. a register stream, repeatedly).
      return { statusCode: 409, code: 'CONCURRENT_MODIFICATION', message: 'Changed concurrently; reload and retry', messageIt: 'Modificato nel frattempo: ricaricare e riprovare' };
    }
    if (err instanceof RequestValidationError) {
      return { statusCode: 400, code: 'INVALID_REQUEST', message: err.message, messageIt: `Richiesta non valida: ${fieldProblemsIt(err.fields)}`, fields: withItalian(err.fields) };
    }
    if (err instanceof CsrfRejected) {
      return {
        statusCode: 403,
        code: 'CSRF_REJECTED',
        message: `Request refused: ${err.reason} (reload the console and retry)`,
        messageIt: 'Richiesta rifiutata per sicurezza (token CSRF mancante o errato): ricaricare la pagina e riprovare',
      };
    }
    if (err instanceof Unauthenticated) {
      return { statusCode: 401, code: 'UNAUTHENTICATED', message: err.reason, messageIt: 'Autenticazione richiesta o non valida' };
    }
    // Errors raised by the body parser before the route runs.
    const e = err as { type?: string; status?: number; statusCode?: number };
    if (e?.type === 'entity.parse.failed') return { statusCode: 400, code: 'MALFORMED_JSON', message: 'The body is not valid JSON' };
    if (e?.type === 'entity.too.large') return { statusCode: 413, code: 'BODY_TOO_LARGE', message: 'The body is larger than allowed' };
    if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
      return { statusCode: 415, code: 'UNSUPPORTED_ENCODING', message: 'Unsupported body encoding' };
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const response = err.getResponse();
      if (typeof response === 'object' && response && 'code' in response) {
        const r = response as { code: string; message?: string; messageIt?: string };
        return { statusCode: status, code: r.code, message: r.message ?? err.message, ...(r.messageIt ? { messageIt: r.messageIt } : {}) };
      }
      // Nest reports the body parser's failures as bare 400/413 exceptions: no route has run yet.
      if (status === 400 && /JSON/i.test(err.message)) return { statusCode: 400, code: 'MALFORMED_JSON', message: `The body is not valid JSON: ${err.message}` };
      if (status === 400) return { statusCode: 400, code: 'BAD_REQUEST', message: err.message };
      const code = status === 404 ? 'NOT_FOUND' : status === 413 ? 'BODY_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : `HTTP_${status}`;
      return { statusCode: status, code, message: status === 404 ? 'No such resource' : err.message };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'INTERNAL_ERROR', message: 'Internal error' };
  }
}
