import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { loadSettings, publicUrl, SettingsError } from '@ciclo/config';
import { deferModules, limitHeapGrowth, limitShutdown } from '@ciclo/platform';

async function main(): Promise<void> {
  // Before the application's modules load (hence the import below, not at the top).
  deferModules();
  const settings = loadSettings();
  limitHeapGrowth(settings);
  const { createApiApp } = await import('./bootstrap');
  const app = await createApiApp(settings);
  const log = app.get(Logger);
  limitShutdown(settings, (m) => log.warn(m));
  await app.listen(settings.PORT, settings.HOST);
  log.log(`Ciclo API listening on ${publicUrl(settings)}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof SettingsError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
