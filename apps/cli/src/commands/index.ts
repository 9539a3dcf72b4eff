import { InvalidArgumentError, type Command } from 'commander';
import { loadSettings } from '@ciclo/config';
import { PostgresEventStore } from '@ciclo/event-store';
import { runImport, type ImportCommandOptions } from './import';
import { seedDemo } from './seed-demo';

/** `ciclo import` and `ciclo seed demo` (docs/plan.md). */
export function registerPlanCommands(program: Command, out: (s: string) => void): void {
  program
    .command('import <path>')
    .description('Load a plan (seed 003/004 JSON, indicator sheet CSV/XLSX) or the process catalogue (seed 000/001 JSON) from a file or every file of a directory, through the same commands as the API')
    .option('--tenant <id>', 'tenant id', 'cciaa-po')
    .option('--cycle <id>', 'cycle to load the plan into (default: a cycle opened for the file, the same on every run)')
    .option('--type <type>', 'cycle type to open when --cycle is not given', 'piao')
    .option('--year <year>', 'plan year when the file does not say it', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 2000 || n > 2100) throw new InvalidArgumentError('must be a year');
      return n;
    })
    .option('--user <id>', 'user id recorded as the author', 'system:import')
    .option('--json', 'print the reports as JSON')
    .option('--strict', 'exit 1 when any command was refused')
    .option('--register', 'the file is a risk register sheet (CSV/XLSX) or process mapping (JSON) for the PTPCT or PIAO of --cycle, loaded as the RPCT')
    .action(async (path: string, o: ImportCommandOptions) => {
      await runImport(path, o, out);
    });

  program
    .command('seed')
    .description('Load seed data')
    .command('demo')
    .description('Load the demo chamber (users, process catalogue, a PIAO 2022-2024 in progress with the seed 003 tree and a few measurements); a second run writes nothing')
    .action(async () => {
      const settings = loadSettings();
      const store = new PostgresEventStore({ connectionString: settings.DATABASE_URL, poolSize: 4 });
      try {
        const r = await seedDemo(store, settings.SEEDS_DIR);
        for (const line of r.lines) out(line);
      } finally {
        await store.close();
      }
    });
}
