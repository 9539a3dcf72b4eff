import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadSettings, SettingsError } from '@ciclo/config';
import { deferModules, limitHeapGrowth, limitShutdown } from '@ciclo/platform';

/** Background processing: audit seals (and, as they land, projections and deadline reminders). */
async function main(): Promise<void> {
  // Before the application's modules load (hence the import below, not at the top).
  deferModules();
  const settings = loadSettings();
  limitHeapGrowth(settings);
  const { WorkerModule } = await import('./worker.module');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(settings), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  limitShutdown(settings, (m) => app.get(Logger).warn(m));
  await app.init();
  app.get(Logger).log('Ciclo worker started');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof SettingsError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
