/**
 * `ciclo import <file|dir>`: loads a plan (seed 003/004 JSON, an indicator sheet in CSV or XLSX) or
 * the process catalogue (seed 000/001 JSON) through the same commands the API runs, printing a
 * progress line and, per file, what was created and what was refused with its reason. With
 * `--register`, a risk register sheet (CSV/XLSX) or process mapping (JSON) into the PTPCT or PIAO
 * named by `--cycle`, acting as the RPCT (docs/anticorruption.md).
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { loadSettings } from '@ciclo/config';
import { PostgresEventStore } from '@ciclo/event-store';
import type { Actor, Role } from '@ciclo/identity';
import { createPlanRuntime, formatImportReport, type ImportReport } from '@ciclo/workflow';

export interface ImportCommandOptions {
  tenant: string;
  cycle?: string;
  type?: string;
  year?: number;
  user: string;
  json?: boolean;
  strict?: boolean;
  /** The file is a risk register sheet or mapping for the cycle `cycle`. */
  register?: boolean;
}

/** Roles the import acts in: opening the cycle (po), editing the plan and the catalogue (struttura_tecnica). */
export const IMPORT_ROLES: Role[] = ['po', 'struttura_tecnica'];

export async function runImport(path: string, o: ImportCommandOptions, out: (s: string) => void, progress: (s: string) => void = (s) => process.stderr.write(s)): Promise<ImportReport[]> {
  const settings = loadSettings();
  const store = new PostgresEventStore({ connectionString: settings.DATABASE_URL, poolSize: 4 });
  try {
    const runtime = createPlanRuntime(store, settings.SEEDS_DIR);
    await runtime.ready;
    if (o.register) {
      if (!o.cycle) throw new Error('--register needs --cycle <id>: the PTPCT or PIAO to load the register into');
      const rpct: Actor = { userId: o.user, tenant: o.tenant, roles: ['rpct'], via: 'system' };
      const report = await runtime.registerImporter.importFile(basename(path), readFileSync(resolve(path)), { tenant: o.tenant, actor: rpct, cycleId: o.cycle, correlationId: `import-${basename(path)}` });
      if (o.json) out(JSON.stringify([report]));
      else for (const line of formatImportReport(report)) out(line);
      if (o.strict && report.refused.length > 0) process.exitCode = 1;
      return [report];
    }
    const actor: Actor = { userId: o.user, tenant: o.tenant, roles: IMPORT_ROLES, via: 'system' };
    let lastFile = '';
    const reports = await runtime.importer.importPath(resolve(path), {
      tenant: o.tenant,
      actor,
      ...(o.cycle ? { cycleId: o.cycle } : {}),
      ...(o.type ? { cycleType: o.type } : {}),
      ...(o.year ? { year: o.year } : {}),
      onProgress: ({ file, done, total }) => {
        if (file !== lastFile && lastFile) progress('\n');
        lastFile = file;
        progress(`\r[import] ${file}: ${done}/${total} commands`);
      },
    });
    if (lastFile) progress('\n');
    if (o.json) out(JSON.stringify(reports));
    else {
      for (const r of reports) for (const line of formatImportReport(r)) out(line);
      const refused = reports.reduce((n, r) => n + r.refused.length, 0);
      const created = reports.reduce((n, r) => n + Object.values(r.created).reduce((a, b) => a + b, 0), 0);
      out(`Import done: ${reports.length} file(s), ${created} created, ${refused} refused`);
    }
    if (o.strict && reports.some((r) => r.refused.length > 0)) process.exitCode = 1;
    return reports;
  } finally {
    await store.close();
  }
}
