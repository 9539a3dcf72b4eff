import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stdSerializers, type Logger } from 'pino';

/**
 * The access line's request and response: method, URL, the peer's address and the status only.
 * Headers carry credentials: with none in the line there is nothing to redact.
 */
export const accessLogSerializers = {
  req: (req: IncomingMessage & { originalUrl?: string }) => ({ method: req.method, url: req.originalUrl ?? req.url, remoteAddress: req.socket?.remoteAddress }),
  res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
  err: stdSerializers.err,
};

/** Correlation id: taken from `X-Correlation-Id` when well formed, otherwise a new UUID. */
export function correlationIdOf(req: IncomingMessage): string {
  const h = req.headers['x-correlation-id'];
  const v = Array.isArray(h) ? h[0] : h;
  return v && /^[A-Za-z0-9._:-]{8,100}$/.test(v) ? v : randomUUID();
}

const isHealthProbe = (url: string | undefined) => url === '/health' || (url ?? '').startsWith('/health/');

/**
 * The first middleware of an HTTP app: gives the request its correlation id (`req.id`, and the
 * `X-Correlation-Id` answer header) and writes one access line when the answer is complete, at
 * `info`, except for health probes: `request completed`, `request errored` (status 500 or more, with
 * an `err`) or `request aborted` (the client left before the answer ended), with the correlation id,
 * the request and response as `accessLogSerializers` shape them and `responseTime` in milliseconds.
 *
 * Nothing is bound to the request: code that logs during a request passes the correlation id
 * itself. (pino-http bound two child loggers to each request and nestjs-pino ran every request in
 * an AsyncLocalStorage context, which puts a hook on every promise of the process; see
 * docs/performance.md, "The request path".)
 */
export function requestLog(logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const id = correlationIdOf(req);
    (req as { id?: unknown }).id = id;
    res.setHeader('X-Correlation-Id', id);
    if (!isHealthProbe(req.url) && logger.isLevelEnabled('info')) {
      const start = performance.now();
      const done = () => {
        res.off('finish', done);
        res.off('close', done);
        const line = { correlationId: id, req, res, responseTime: Math.round(performance.now() - start) };
        if (res.statusCode >= 500) logger.info({ ...line, err: new Error(`failed with status code ${res.statusCode}`) }, 'request errored');
        else logger.info(line, res.writableFinished ? 'request completed' : 'request aborted');
      };
      res.on('finish', done);
      res.on('close', done);
    }
    next();
  };
}
