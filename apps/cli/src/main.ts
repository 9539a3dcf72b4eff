import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { devAuthSecret, loadSettings, SettingsError } from '@ciclo/config';
import { ensureDatabase, PostgresEventStore, verifyChain } from '@ciclo/event-store';
import { migrateDatabase } from './migrations';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { eventCatalogue } from '@ciclo/domain';
import { DefinitionRegistry } from '@ciclo/workflow';
import { AuditProjector, createReadModelDataSource, CyclesProjector, ProjectionRunner } from '@ciclo/projections';
import { isRole, ROLES, signDevToken, type Role } from '@ciclo/identity';

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

function roleList(value: string, previous: Role[] = []): Role[] {
  const roles = value.split(',').map((r) => r.trim());
  for (const r of roles) if (!isRole(r)) throw new InvalidArgumentError(`unknown role "${r}" (known: ${ROLES.join(', ')})`);
  return [...previous, ...(roles as Role[])];
}

async function withStore<T>(fn: (store: PostgresEventStore) => Promise<T>): Promise<T> {
  const settings = loadSettings();
  const store = new PostgresEventStore({ connectionString: settings.DATABASE_URL, poolSize: 4 });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function buildCli(): Command {
  const program = new Command('ciclo')
    .description('Ciclo: statutory planning and reporting cycles, event-sourced')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('migrate')
    .description('Create the database when missing and apply pending migrations')
    .action(async () => {
      const settings = loadSettings();
      if (await ensureDatabase(settings.DATABASE_URL)) out(`Created database ${new URL(settings.DATABASE_URL).pathname.slice(1)}`);
      const applied = await migrateDatabase(settings.DATABASE_URL);
      out(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema up to date');
    });

  program
    .command('dev-token')
    .description('Sign a development token (only accepted by an API started with DEV_AUTH_ENABLED=true)')
    .requiredOption('--user <id>', 'user id, e.g. u-sg')
    .requiredOption('--role <roles>', `role(s), comma separated: ${ROLES.join(', ')}`, roleList)
    .requiredOption('--tenant <id>', 'tenant id, e.g. cciaa-po')
    .option('--name <name>', 'display name')
    .option('--ttl <seconds>', 'validity in seconds', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
      return n;
    }, 8 * 3600)
    .action(async (o: { user: string; role: Role[]; tenant: string; name?: string; ttl: number }) => {
      const settings = loadSettings();
      const token = await signDevToken({ userId: o.user, roles: o.role, tenant: o.tenant, name: o.name }, devAuthSecret(settings), o.ttl);
      out(token);
    });

  const audit = program.command('audit').description('The audit trail');
  audit
    .command('verify')
    .description('Walk the hash chain of the whole event log; exit 1 when it is not intact')
    .option('--json', 'print the result as JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await withStore((s) => verifyChain(s));
      if (o.json) out(JSON.stringify(r));
      else if (r.intact) out(`Audit chain intact up to position ${r.intactUpTo} (${r.checkedEvents} events checked, ${r.sealedEvents} sealed; head seal ${r.headSeal?.hash ?? 'none'})`);
      else out(`Audit chain BROKEN at position ${r.firstBad?.position}: ${r.firstBad?.problem} — ${r.firstBad?.detail} (intact up to ${r.intactUpTo})`);
      if (!r.intact) process.exitCode = 1;
    });

  const projections = program.command('projections').description('Read models fed by the projectors');
  const withRunner = async <T>(fn: (runner: ProjectionRunner) => Promise<T>): Promise<T> =>
    withStore(async (store) => {
      const settings = loadSettings();
      const ds = createReadModelDataSource(settings.DATABASE_URL, 4);
      await ds.initialize();
      try {
        const registry = DefinitionRegistry.fromDirectory(resolve(settings.SEEDS_DIR, 'cycles'));
        return await fn(new ProjectionRunner(store, ds, [new CyclesProjector(registry), new AuditProjector(registry)]));
      } finally {
        await ds.destroy();
      }
    });
  projections
    .command('status')
    .description("Each projector's position in the log and its lag")
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const status = await withRunner((r) => r.status());
      if (o.json) {
        out(JSON.stringify(status));
        return;
      }
      for (const s of status) {
        out(`${s.name.padEnd(10)} position ${String(s.position).padStart(9)} / head ${s.headPosition}  lag ${s.lagEvents} events, ${s.lagSeconds.toFixed(1)} s  (updated ${s.updatedAt ?? 'never'})`);
      }
    });
  projections
    .command('rebuild [name]')
    .description('Rebuild one projection (or all) from position 0 into fresh tables and swap them in without downtime')
    .action(async (name?: string) => {
      await withRunner(async (runner) => {
        const names = name ? [runner.projector(name).name] : runner.projectors.map((p) => p.name);
        for (const n of names) {
          let last = 0;
          const r = await runner.rebuild(n, (events) => {
            if (events - last >= 10000) {
              last = events;
              process.stderr.write(`\r${n}: ${events} events replayed`);
            }
          });
          process.stderr.write('\r');
          out(`${n}: rebuilt from ${r.events} events in ${r.seconds.toFixed(1)} s (${Math.round(r.events / Math.max(r.seconds, 0.001))} events/s), swapped in`);
        }
      });
    });

  const definitions = program.command('definitions').description('Cycle definitions (YAML in seeds/cycles)');
  definitions
    .command('validate [dir]')
    .description('Validate every definition file; exit 1 naming file, path and reason of each problem')
    .action((dir?: string) => {
      const folder = resolve(dir ?? resolve(loadSettings().SEEDS_DIR, 'cycles'));
      const registry = DefinitionRegistry.fromDirectory(folder);
      for (const d of registry.all()) out(`ok  ${d.id} v${d.version}  ${d.title}  (${d.stages.length} stages, ${d.transitions.length} transitions)`);
    });

  program
    .command('docs')
    .description('Generate documentation from the code')
    .command('events')
    .description('Regenerate docs/events.md, the event catalogue, from the cycle definitions')
    .option('--out <file>', 'output file', 'docs/events.md')
    .action((o: { out: string }) => {
      const registry = DefinitionRegistry.fromDirectory(resolve(loadSettings().SEEDS_DIR, 'cycles'));
      writeFileSync(o.out, eventCatalogue(registry.all()));
      out(`Wrote ${o.out}`);
    });

  return program;
}

if (require.main === module || process.argv[1] === "ciclo") {
  buildCli()
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      const code = (e as { code?: string; exitCode?: number }).code;
      if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(0);
      if (typeof code === 'string' && code.startsWith('commander.')) process.exit((e as { exitCode: number }).exitCode || 2);
      err(e instanceof SettingsError ? e.message : `ciclo: ${(e as Error).message}`);
      process.exit(1);
    });
}
