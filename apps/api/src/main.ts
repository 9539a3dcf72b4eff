import 'reflect-metadata';
import { loadSettings, publicUrl, SettingsError } from '@ciclo/config';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const settings = loadSettings();
  const app = await createApiApp(settings);
  await app.listen(settings.PORT, settings.HOST);
  process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), app: 'api', msg: `Ciclo API listening on ${publicUrl(settings)}` })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof SettingsError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
