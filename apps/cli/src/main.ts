import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { devAuthSecret, loadSettings, SettingsError } from '@ciclo/config';
import { checkAnchorSignature, ensureDatabase, parseSignedAnchor, PostgresEventStore, trustedAnchorKeys, type ChainAnchor, type SignedAnchor } from '@ciclo/event-store';
import { migrateDatabase } from './migrations';
import { registerPlanCommands } from './commands';
import { registerOpsCommands } from './commands/ops';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { eventCatalogue } from '@ciclo/domain';
import { backfillDeliberationRegister, DefinitionRegistry } from '@ciclo/workflow';
import { createReadModelDataSource, ProjectionRunner, readModelProjectors, recordChainVerification, verifyAnchoredChain } from '@ciclo/projections';
import { DirectoryService, isRole, loadDemoDirectory, PLATFORM_TENANT, ROLES, rolesAt, signDevToken, TenantCalendars, type ChangeAuthor, type Role } from '@ciclo/identity';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

function roleList(value: string, previous: Role[] = []): Role[] {
  const roles = value.split(',').map((r) => r.trim());
  for (const r of roles) if (!isRole(r)) throw new InvalidArgumentError(`unknown role "${r}" (known: ${ROLES.join(', ')})`);
  return [...previous, ...(roles as Role[])];
}

/** The CLI acts as `cli:<login>` in the role `system` (directory bootstrap and maintenance). */
function cliAuthor(): ChangeAuthor {
  let login = 'unknown';
  try {
    login = userInfo().username.replace(/[^A-Za-z0-9_.-]/g, '_') || 'unknown';
  } catch {
    /* no passwd entry (containers) */
  }
  return { userId: `cli:${login}`, role: 'system' };
}
const cliMeta = () => ({ correlationId: `cli-${randomUUID()}` });

async function withStore<T>(fn: (store: PostgresEventStore) => Promise<T>): Promise<T> {
  const settings = loadSettings();
  const store = new PostgresEventStore({ connectionString: settings.DATABASE_URL, poolSize: 4 });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The version in package.json (found upward from this file: source or dist/). */
export function cicloVersion(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ciclo' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** An anchor given on the command line; a published one keeps its facts for the signature check. */
type GivenAnchor = ChainAnchor & { published?: SignedAnchor };

const fromPublished = (a: SignedAnchor, where: string): GivenAnchor => ({ seq: a.seq, hash: a.hash, source: `${where} (published to ${a.tenant} at ${a.at})`, published: a });

/**
 * `SEQ:HASH`, a published anchor `A1.…` (e-mail, webhook), or a file with `{seq, hash}`,
 * `{headSeal: {seq, hash}}`, a published anchor's JSON or the body of an `audit.anchor` webhook.
 */
function parseAnchor(v: string): GivenAnchor {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(v.trim());
  if (m) return { seq: Number(m[1]), hash: m[2], source: `the anchor ${m[1]}:${m[2].slice(0, 12)}…` };
  const token = parseSignedAnchor(v.trim());
  if (token) return fromPublished(token, 'the published anchor');
  if (!existsSync(v)) throw new InvalidArgumentError('must be SEQ:HASH (64 hex digits), a published anchor (A1.…) or an existing file');
  let j: { seq?: unknown; hash?: unknown; headSeal?: { seq?: unknown; hash?: unknown }; type?: unknown; data?: unknown };
  try {
    j = JSON.parse(readFileSync(v, 'utf8')) as typeof j;
  } catch {
    throw new InvalidArgumentError(`${v} is not JSON`);
  }
  const published = parseSignedAnchor(j.type === 'audit.anchor' ? j.data : j);
  if (published) return fromPublished(published, `the anchor file ${v}`);
  const a = j.headSeal ?? j;
  if (typeof a.seq !== 'number' || typeof a.hash !== 'string' || !/^[0-9a-f]{64}$/.test(a.hash))
    throw new InvalidArgumentError(`${v} holds no head seal ({"seq": N, "hash": "<64 hex>"})`);
  return { seq: a.seq, hash: a.hash, source: `the anchor file ${v}` };
}

/** The published anchors' signatures, checked with AUDIT_SIGNING_PUBLIC_KEY / AUDIT_SIGNING_KEY: the first refusal, or null. */
function refusedAnchor(anchors: readonly GivenAnchor[]): string | null {
  const signed = anchors.filter((a) => a.published);
  if (signed.length === 0) return null;
  const keys = trustedAnchorKeys(loadSettings());
  for (const a of signed) {
    const check = checkAnchorSignature(a.published as SignedAnchor, keys);
    if (!check.ok) return `Anchor refused (${check.code}): ${check.message} — ${a.source}`;
  }
  return null;
}

export function buildCli(): Command {
  const program = new Command('ciclo')
    .description('Ciclo: statutory planning and reporting cycles, event-sourced')
    .version(cicloVersion(), '-V, --version', 'print the version')
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
    .option('--ttl <seconds>', 'validity in seconds (every token expires; at most DEV_TOKEN_MAX_TTL_S)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
      return n;
    }, 8 * 3600)
    .action(async (o: { user: string; role: Role[]; tenant: string; name?: string; ttl: number }) => {
      const settings = loadSettings();
      if (o.ttl > settings.DEV_TOKEN_MAX_TTL_S)
        throw new InvalidArgumentError(`--ttl: at most ${settings.DEV_TOKEN_MAX_TTL_S} seconds (DEV_TOKEN_MAX_TTL_S): the API refuses older tokens`);
      const token = await signDevToken({ userId: o.user, roles: o.role, tenant: o.tenant, name: o.name }, devAuthSecret(settings), o.ttl);
      out(token);
    });

  const audit = program.command('audit').description('The audit trail');
  audit
    .command('verify')
    .description('Walk the hash chain of the whole event log; exit 1 when it is not intact')
    .option('--json', 'print the result as JSON')
    .option('--record', 'also record the result as an AuditChainVerified event in ciclo/audit-verification (as the nightly job does)')
    .option(
      '--anchor <seal|file>',
      'also check the chain against a head seal saved outside the database: SEQ:HASH, a published anchor (A1.…, from the e-mail or webhook; its signature is checked), or a file holding the JSON of `ciclo audit anchor`, `ciclo audit verify --json`, a published anchor or its webhook body (repeatable)',
      (v: string, all: GivenAnchor[] = []) => [...all, parseAnchor(v)],
    )
    .action(async (o: { json?: boolean; record?: boolean; anchor?: GivenAnchor[] }) => {
      const refused = refusedAnchor(o.anchor ?? []);
      if (refused) {
        out(refused);
        process.exitCode = 2;
        return;
      }
      const { r, position } = await withStore(async (s) => {
        if (!o.record) return { r: await verifyAnchoredChain(s, o.anchor ?? []), position: null };
        const rec = await recordChainVerification(s, { trigger: 'cli', correlationId: `cli:${randomUUID()}`, anchors: o.anchor ?? [] });
        return { r: rec.verification, position: rec.position };
      });
      if (position !== null && !o.json) out(`Recorded AuditChainVerified at position ${position}`);
      if (o.json) out(JSON.stringify(position === null ? r : { ...r, recordedAt: position }));
      else if (r.intact) out(`Audit chain intact up to position ${r.intactUpTo} (${r.checkedEvents} events checked, ${r.sealedEvents} sealed; head seal ${r.headSeal?.hash ?? 'none'})`);
      else out(`Audit chain BROKEN at position ${r.firstBad?.position}: ${r.firstBad?.problem} — ${r.firstBad?.detail} (intact up to ${r.intactUpTo})`);
      if (!r.intact) process.exitCode = 1;
    });

  audit
    .command('anchor')
    .description('Print the head seal of the chain as JSON, to keep outside the database (a file, a mail, a witness) and give back to `audit verify --anchor`')
    .option('--out <file>', 'write it to this file instead of standard output')
    .action(async (o: { out?: string }) => {
      const r = await withStore((s) => verifyAnchoredChain(s));
      if (!r.intact || !r.headSeal) {
        process.exitCode = 1;
        out(r.intact ? 'No seal yet: nothing to anchor' : `Audit chain BROKEN at position ${r.firstBad?.position}: not anchoring it`);
        return;
      }
      const anchor = JSON.stringify({ seq: r.headSeal.seq, hash: r.headSeal.hash, intactUpTo: r.intactUpTo, at: new Date().toISOString() });
      if (o.out) writeFileSync(o.out, `${anchor}\n`);
      else out(anchor);
      });

  program
    .command('deliberations-backfill')
    .description('Reserve in the deliberation register the numbers of deliberations recorded before it existed (once, after upgrading; idempotent)')
    .action(async () => {
      const r = await withStore((s) =>
        backfillDeliberationRegister(s, (p) => process.stderr.write(`\r${p.read} events read, ${p.reserved} numbers reserved`)),
      );
      process.stderr.write('\n');
      out(`Deliberation register: ${r.reserved} numbers reserved from ${r.read} events`);
    });

  const projections = program.command('projections').description('Read models fed by the projectors');
  const withRunner = async <T>(fn: (runner: ProjectionRunner) => Promise<T>): Promise<T> =>
    withStore(async (store) => {
      const settings = loadSettings();
      const ds = createReadModelDataSource(settings.DATABASE_URL, 4);
      await ds.initialize();
      try {
        const registry = DefinitionRegistry.fromDirectory(resolve(settings.SEEDS_DIR, 'cycles'));
        // Each tenant's calendar from the identity directory, as the API and the worker have it.
        const calendars = TenantCalendars.of(store);
        await calendars.ready();
        return await fn(new ProjectionRunner(store, ds, readModelProjectors(registry, calendars)));
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
    .description('Rebuild one projection (or all, reading the log once) from position 0 into fresh tables and swap them in without downtime')
    .action(async (name?: string) => {
      await withRunner(async (runner) => {
        const names = name ? [runner.projector(name).name] : runner.projectors.map((p) => p.name);
        let last = 0;
        const r = await runner.rebuildAll(names, (events) => {
          if (events - last >= 10000) {
            last = events;
            process.stderr.write(`\r${names.join(', ')}: ${events} events replayed`);
          }
        });
        process.stderr.write('\r');
        out(`${names.join(', ')}: rebuilt from ${r.events} events in ${r.seconds.toFixed(1)} s (${Math.round(r.events / Math.max(r.seconds, 0.001))} events/s), swapped in`);
        for (const n of names) out(`  ${n}: ${r.projectors[n].toFixed(1)} s folding and writing`);
      });
    });

  // The directory: the first platform administrator is bootstrapped here (`ciclo users grant
  // --tenant platform --user <id> --role admin`); afterwards administrators use the API.
  const tenants = program.command('tenants').description('Tenants (bodies such as a Camera di commercio) of the directory');
  tenants
    .command('create')
    .description('Register a tenant')
    .requiredOption('--id <id>', 'tenant id, e.g. cciaa-po')
    .requiredOption('--name <name>', 'name of the body')
    .requiredOption('--ipa <code>', 'IPA code')
    .option('--time-zone <tz>', 'IANA time zone', 'Europe/Rome')
    .option('--closure <date>', 'one-off office closure YYYY-MM-DD (repeatable)', (v: string, prev: string[] = []) => [...prev, v], [] as string[])
    .action(async (o: { id: string; name: string; ipa: string; timeZone: string; closure: string[] }) => {
      const t = await withStore((s) =>
        new DirectoryService(s).registerTenant({ id: o.id, name: o.name, ipaCode: o.ipa, timeZone: o.timeZone, extraClosures: o.closure }, cliAuthor(), cliMeta()),
      );
      out(`Registered tenant ${t.id} (${t.name}, IPA ${t.ipaCode}, ${t.timeZone})`);
    });
  tenants
    .command('seed-demo')
    .description('Load the demo chamber and its users from seeds/tenants/demo.json (idempotent)')
    .option('--file <path>', 'seed file (default <SEEDS_DIR>/tenants/demo.json)')
    .action(async (o: { file?: string }) => {
      const file = resolve(o.file ?? resolve(loadSettings().SEEDS_DIR, 'tenants/demo.json'));
      const r = await withStore((s) => loadDemoDirectory(new DirectoryService(s), file, { author: cliAuthor() }));
      out(`Demo tenant ${r.tenant}: ${r.tenantRegistered ? 'registered' : 'already registered'}, ${r.grants} role grant(s), ${r.profiles} profile(s) written`);
    });

  const users = program.command('users').description('Users and role grants of a tenant');
  users
    .command('grant')
    .description(`Grant role(s) to a user (in the "${PLATFORM_TENANT}" tenant: admin, a platform administrator)`)
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--user <id>', 'user id (the identity provider subject)')
    .requiredOption('--role <roles>', `role(s), comma separated: ${ROLES.join(', ')}`, roleList)
    .option('--from <when>', 'valid from (date or ISO instant; default now)')
    .option('--until <when>', 'valid until (a date includes that day; default open-ended)')
    .option('--name <name>', 'display name')
    .option('--email <email>', 'e-mail for notifications')
    .action(async (o: { tenant: string; user: string; role: Role[]; from?: string; until?: string; name?: string; email?: string }) => {
      await withStore(async (s) => {
        const dir = new DirectoryService(s);
        if (o.name) await dir.setProfile(o.tenant, o.user, { name: o.name, ...(o.email ? { email: o.email } : {}) }, cliAuthor(), cliMeta());
        for (const role of o.role) {
          const g = await dir.grantRole(o.tenant, o.user, { role, validFrom: o.from, validUntil: o.until }, cliAuthor(), cliMeta());
          out(`Granted ${role} to ${o.user} in ${o.tenant} from ${g.validFrom}${g.validUntil ? ` until ${g.validUntil}` : ''}`);
        }
      });
    });
  users
    .command('revoke')
    .description('Revoke a role now')
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--user <id>', 'user id')
    .requiredOption('--role <role>', 'role')
    .action(async (o: { tenant: string; user: string; role: string }) => {
      const r = await withStore((s) => new DirectoryService(s).revokeRole(o.tenant, o.user, o.role, cliAuthor(), cliMeta()));
      out(`Revoked ${r.role} of ${r.userId} in ${o.tenant} at ${r.revokedAt}`);
    });
  users
    .command('list')
    .description("A tenant's users and the roles they hold now")
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'print JSON')
    .action(async (o: { tenant: string; json?: boolean }) => {
      const list = await withStore((s) => new DirectoryService(s).listUsers(o.tenant));
      const now = new Date();
      if (o.json) out(JSON.stringify(list));
      else for (const u of list) out(`${u.userId}\t${u.name ?? ''}\t${rolesAt(u.grants, now).join(',') || '(no role now)'}`);
    });

  users
    .command('check-independence')
    .description('Report users holding oiv together with an internal role of the same tenant (over overlapping periods); exit 1 when any')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'print JSON')
    .action(async (o: { tenant: string; json?: boolean }) => {
      const conflicts = await withStore((s) => new DirectoryService(s).independenceConflicts(o.tenant));
      if (o.json) out(JSON.stringify(conflicts));
      else if (conflicts.length === 0) out(`${o.tenant}: no user holds oiv together with an internal role`);
      else {
        const period = (g: { validFrom: string; validUntil?: string; revokedAt?: string }) => `from ${g.validFrom}${g.validUntil ?? g.revokedAt ? ` until ${g.validUntil ?? g.revokedAt}` : ''}`;
        for (const c of conflicts) {
          out(`${c.userId}${c.name ? ` (${c.name})` : ''}: oiv ${c.oiv.map(period).join('; ')} conflicts with ${c.internal.map((g) => `${g.role} ${period(g)}`).join('; ')}`);
        }
        out(`${conflicts.length} user(s) break the OIV's independence: revoke one of the roles (ciclo users revoke)`);
      }
      if (conflicts.length > 0) process.exitCode = 1;
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

  registerPlanCommands(program, out);
  registerOpsCommands(program, out);

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
