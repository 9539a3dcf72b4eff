import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { Settings } from '@ciclo/config';
import { raw } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { correlationIdOf } from '@ciclo/platform';
import { DEFINITIONS, type DefinitionRegistry } from '@ciclo/workflow';
import { ApiModule } from './app.module';
import { commandsDescription } from './definitions.controller';

/** Builds the HTTP application (not yet listening): used by `main.ts` and by the end-to-end tests. */
export async function createApiApp(settings: Settings): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(settings), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // The correlation id is set before anything else so that every error carries it.
  app.use((req: IncomingMessage & { id?: string }, res: ServerResponse, next: () => void) => {
    req.id = correlationIdOf(req);
    res.setHeader('X-Correlation-Id', req.id);
    next();
  });
  // Documents are uploaded as raw bytes; everything else is JSON.
  app.use('/cycles/:id/documents', raw({ type: () => true, limit: '25mb' }));
  app.useBodyParser('json', { limit: settings.BODY_LIMIT });
  app.disable('x-powered-by');
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
      const document = SwaggerModule.createDocument(app, doc);
      const op = document.paths['/cycles/{id}/commands/{command}']?.post;
      if (op) op.description = commandsDescription(registry);
      return document;
    },
    { jsonDocumentUrl: 'docs/openapi.json' },
  );
  return app;
}
