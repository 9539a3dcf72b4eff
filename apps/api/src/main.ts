import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { loadSettings, publicUrl, SettingsError } from '@ciclo/config';
import { limitHeapGrowth, limitShutdown } from '@ciclo/platform';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const settings = loadSettings();
  limitHeapGrowth(settings);
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
