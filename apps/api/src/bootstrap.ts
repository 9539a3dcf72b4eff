import 'reflect-metadata';
import { HttpException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { completeDocument } from './openapi/document';
import { Logger } from 'nestjs-pino';
import { trustProxy, type Settings } from '@ciclo/config';
import { raw, type NextFunction, type Request, type Response } from 'express';
import cookieParser from 'cookie-parser';
import { CONSOLE_CSP, isConsolePath, serveConsole } from './console';
import { AccessPolicy, RateLimiter } from '@ciclo/identity';
import { authenticationMiddleware } from './auth.guard';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { LOGGER, requestLog } from '@ciclo/platform';
import { DEFINITIONS, type DefinitionRegistry } from '@ciclo/workflow';
import { ApiModule } from './app.module';
import { commandsDescription } from './definitions.controller';

const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// Swagger UI (/docs) loads its own scripts and styles (and inline styles) from this origin.
const DOCS_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Security headers on every answer; API answers are never cached (they carry tenant data). */
export function securityHeaders(settings: Settings) {
  const https = (settings.PUBLIC_URL ?? '').startsWith('https://');
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const path = (req.url ?? '/').split('?')[0];
    const docs = path.startsWith('/docs');
    const page = isConsolePath(path);
    res.setHeader('Content-Security-Policy', docs ? DOCS_CSP : page ? CONSOLE_CSP : API_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    res.setHeader('X-DNS-Prefetch-Control', 'off');
    if (https) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    if (!docs && !page) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

const KNOWN_BODY_ERRORS = new Set(['entity.parse.failed', 'entity.too.large', 'encoding.unsupported', 'charset.unsupported']);

/** Turns body-reading errors the error filter does not know (4xx from body-parser) into HTTP exceptions of their status. */
export function clientBodyErrors(err: unknown, _req: IncomingMessage, _res: ServerResponse, next: (err?: unknown) => void): void {
  const e = err as { status?: unknown; type?: unknown; expose?: unknown } | null;
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose !== false && !KNOWN_BODY_ERRORS.has(String(e.type))) {
    return next(new HttpException('the request body could not be read (content encoding, length or data)', e.status));
  }
  next(err);
}

/**
 * Bounds what a connection may hold: an idle keep-alive connection is closed after
 * HTTP_KEEP_ALIVE_TIMEOUT_MS, a request whose headers (or whole body) take too long gets 408, and
 * a socket silent for HTTP_IDLE_TIMEOUT_MS (one that never sends a request, or stalls mid-way) is cut.
 */
export function limitConnections(server: Server, settings: Settings): void {
  server.keepAliveTimeout = settings.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = settings.HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = settings.HTTP_REQUEST_TIMEOUT_MS;
  server.setTimeout(settings.HTTP_IDLE_TIMEOUT_MS, (socket) => socket.destroy());
}

/** Builds the HTTP application (not yet listening): used by `main.ts` and by the end-to-end tests. */
export async function createApiApp(settings: Settings): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(settings), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  limitConnections(app.getHttpServer() as Server, settings);
  // The correlation id is set before anything else so that every error carries it, and every
  // request gets its access line (refused ones and unreadable bodies too).
  app.use(requestLog(app.get(LOGGER)));
  // Client addresses (per-IP rate limit, logs) behind a reverse proxy: only the proxies trusted.
  app.set('trust proxy', trustProxy(settings));
  app.use(securityHeaders(settings));
  // CORS only for the configured origins (none by default: browsers on other origins are refused).
  if (settings.CORS_ORIGINS.length > 0) {
    app.enableCors({
      origin: settings.CORS_ORIGINS,
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Acting-Role', 'X-Api-Key', 'X-Correlation-Id', 'X-File-Name', 'X-Note'],
      exposedHeaders: ['X-Correlation-Id', 'Retry-After', 'Location', 'X-Content-SHA256', 'X-Next-Cursor'],
      credentials: false,
      maxAge: 600,
    });
  }
  // The console's pages and files: no credentials needed to load them (the data needs a session).
  serveConsole(app, settings);
  // Credentials are checked and requests counted before any body is read. Cookies are parsed only
  // when the request has some (the console's session): cookie-parser gives every request two
  // dictionary objects otherwise, kept as long as the request lasts (`req.cookies` is then unset).
  const parseCookies = cookieParser();
  app.use((req: Request, res: Response, next: NextFunction) => (req.headers.cookie ? parseCookies(req, res, next) : next()));
  app.use(authenticationMiddleware(app.get(AccessPolicy), app.get(RateLimiter), settings));
  // Documents are uploaded as raw bytes; everything else is JSON.
  app.use('/cycles/:id/documents', raw({ type: () => true, limit: '25mb' }));
  app.use('/cycles/:id/plan/import', raw({ type: () => true, limit: '10mb' }));
  app.use('/cycles/:id/register/import', raw({ type: () => true, limit: '10mb' }));
  app.useBodyParser('json', { limit: settings.BODY_LIMIT });
  // Other failures of reading a body (bad gzip, wrong Content-Length...) are the client's: 4xx, never 500.
  app.use(clientBodyErrors);
  app.disable('x-powered-by');
  // API answers are never cached (Cache-Control: no-store), so Express's ETag (a hash of every body
  // sent) served nothing: off. The calendar feed sets its own ETag; static files keep theirs.
  app.set('etag', false);
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('Ciclo API')
    .setDescription(
      'Event-sourced workflow engine for the statutory planning and reporting cycles of Italian public bodies (PIAO, Relazione sulla performance, PTPCT, budget documents...). Every change is an event; this API opens cycles, runs their transitions and reads their state.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Token from `ciclo dev-token` (development) or the configured OpenID Connect issuer.' })
    .build();
  const registry = app.get<DefinitionRegistry>(DEFINITIONS);
  SwaggerModule.setup(
    'docs',
    app,
    () => {
      const document = completeDocument(SwaggerModule.createDocument(app, doc), registry);
      const op = document.paths['/cycles/{id}/commands/{command}']?.post;
      if (op) op.description = commandsDescription(registry);
      return document;
    },
    { jsonDocumentUrl: 'docs/openapi.json' },
  );
  return app;
}
