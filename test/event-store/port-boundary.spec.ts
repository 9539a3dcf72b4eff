import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

interface LintMessage {
  ruleId: string | null;
  line: number;
  message: string;
}
interface LintResult {
  filePath: string;
  messages: LintMessage[];
}

/**
 * Outside libs/event-store nothing imports an adapter's files, tests an adapter's class or names
 * the store's tables: eslint.config.mjs says so, and this suite checks that the rules fire and
 * that the places which used to do it are clean.
 */
describe('the event store is reached through its port only', () => {
  const root = resolve(__dirname, '../..');
  const bin = resolve(root, 'node_modules/.bin/eslint');
  /** ESLint in its own process (its flat config is an ES module, which jest's runtime does not load). */
  const lint = (args: string[], stdin?: string): LintResult[] => {
    const r = spawnSync(bin, ['--format', 'json', ...args], { cwd: root, input: stdin, encoding: 'utf8' });
    if (!r.stdout) throw new Error(`eslint failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as LintResult[];
  };
  const lintText = (code: string, file: string) => lint(['--stdin', '--stdin-filename', file], code);
  const boundary = (messages: LintMessage[]) =>
    messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax');

  it('refuses adapter imports, adapter instanceof and SQL on the store tables in libs and apps', () => {
    const code = [
      "import { PostgresEventStore, type EventStore } from '@ciclo/event-store';",
      "import { toMappedEvent } from '../../event-store/src/kurrentdb/mapping';",
      "import { parseCheckpoint } from '@ciclo/event-store/src/postgres/rows';",
      'export const a = (s: EventStore) => s instanceof PostgresEventStore;',
      "export const b = 'SELECT stream_id FROM es_streams';",
      'export const c = (t: string) => `SELECT * FROM es_events WHERE tenant = ${t}`;',
      'export const d = [toMappedEvent, parseCheckpoint];',
    ].join('\n');
    for (const file of ['libs/workflow/src/probe.ts', 'apps/api/src/probe.ts']) {
      const [result] = lintText(code, file);
      expect(boundary(result.messages).map((m) => m.line)).toEqual([2, 3, 4, 5, 6]);
    }
  });

  it('lets libs/event-store use its own tables and adapters', () => {
    const [result] = lintText("export const q = 'SELECT count(*) FROM es_events';\n", 'libs/event-store/src/postgres/probe.ts');
    expect(boundary(result.messages)).toEqual([]);
  });

  it('finds nothing in the places that reached into the PostgreSQL adapter', () => {
    const files = [
      'libs/identity/src/directory.ts',
      'libs/platform/src/platform.module.ts',
      'libs/platform/src/health.service.ts',
      'libs/projections/src/runner.ts',
      'libs/projections/src/audit-queries.ts',
      'libs/workflow/src/cycle-lookups.ts',
      'libs/workflow/src/schema.ts',
      'libs/deadlines/src/scheduler.ts',
      'libs/deadlines/src/runtime.ts',
      'apps/api/src/calendar.controller.ts',
      'apps/api/src/audit.controller.ts',
      'apps/cli/src/backup.ts',
      'apps/worker/src/audit/audit-verification.service.ts',
      'apps/worker/src/heartbeat.service.ts',
      'apps/worker/src/sealer.service.ts',
      'apps/worker/src/deadlines/deadlines.module.ts',
    ];
    const results = lint(files);
    expect(results.flatMap((r) => boundary(r.messages).map((m) => `${r.filePath}:${m.line} ${m.message}`))).toEqual([]);
  });
});
