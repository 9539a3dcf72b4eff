/**
 * Import of plans and catalogues from files, through the same commands the API runs: the curated
 * JSON of seed 003 (the whole performance tree) and 004 (objective cards), the process catalogue
 * (seed 000) and process cards (seed 001), and indicator sheets in CSV or XLSX (one row per
 * indicator, Italian headers). Nodes already in the plan are updated (unchanged ones write
 * nothing); what the decider refuses is reported with its code and reason, the rest is written.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PARENT_FIELD, type CatalogueCommand, type FieldProblem, type PlanCommand, type Role } from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { ExecuteCycleCommand } from '../commands';
import type { ExecuteCycleCommandHandler } from '../execute-cycle-command.handler';
import { eventIdsFor } from '../event-ids';
import { ExecuteCatalogueCommands, type ExecuteCatalogueCommandsHandler } from './catalogue';
import { ExecutePlanCommands, type ExecutePlanCommandsHandler } from './execute-plan-commands.handler';
import type { PlanRepository } from './plan-repository';
import { sheetLayout } from './spreadsheet';
import { detectFormat, fromPianoPerformance, fromSchedeObiettivo, fromSheet, isObj, s, type Json, type PlanFile } from './plan-files';
import type { Cell } from './xlsx';

export { detectFormat } from './plan-files';

export type ImportFormat = 'piano-performance' | 'schede-obiettivo' | 'catalogo-processi' | 'schede-processo' | 'foglio-indicatori' | 'registro-rischi';

export interface ImportRefusal {
  /** Where in the file: a code, "riga 12"... */
  ref: string;
  /** The plan command the row became */
  command: string;
  /** Refusal code */
  code: string;
  /** Why, in Italian */
  reason: string;
  /** Offending fields */
  fields?: FieldProblem[];
}

export interface ImportReport {
  /** File name */
  file: string;
  /** `csv` or `xlsx` */
  format: ImportFormat | null;
  /** Why the file was not imported (unknown format, not a plan...). */
  skipped?: string;
  /** Tenant id */
  tenant: string;
  /** Cycle id */
  cycleId?: string;
  /** Whether the import opened the cycle */
  cycleOpened?: boolean;
  /** Nodes (and catalogue entries) created, by kind. */
  created: Record<string, number>;
  /** Nodes updated */
  updated: number;
  /** Nodes already as in the file */
  unchanged: number;
  /** Commands an earlier identical import had already written (same file content): nothing written again. */
  replayed: number;
  /** Rows refused, with code and reason */
  refused: ImportRefusal[];
  /** Rows accepted with a warning */
  warnings: {
    /** The row (sheet and line, or node code) */
    ref: string;
    /** The warning, in Italian */
    message: string;
  }[];
  /** Events written */
  events: number;
  /** Time taken */
  seconds: number;
}

export interface ImportOptions {
  tenant: string;
  /** The cycle to load a plan into; default: a cycle opened for the file (the same one on every run). */
  cycleId?: string;
  /** Cycle type to open (default piao). */
  cycleType?: string;
  /** Plan year when the file does not say it. */
  year?: number;
  actor: Actor;
  /** The role the plan commands are run in (default struttura_tecnica when the actor holds it). */
  actingRole?: Role;
  correlationId?: string;
  /** Commands per atomic write (default 500). */
  chunkSize?: number;
  onProgress?: (p: { file: string; done: number; total: number }) => void;
}

export interface ImporterDeps {
  plans: ExecutePlanCommandsHandler;
  cycles: ExecuteCycleCommandHandler;
  catalogue: ExecuteCatalogueCommandsHandler;
  repo: PlanRepository;
}

interface Item {
  ref: string;
  command: PlanCommand;
}

// ---------- the importer ----------

export const emptyReport = (file: string, tenant: string): ImportReport => ({
  file,
  format: null,
  tenant,
  created: {},
  updated: 0,
  unchanged: 0,
  replayed: 0,
  refused: [],
  warnings: [],
  events: 0,
  seconds: 0,
});

const KIND_LABEL: Record<string, string> = {
  ambito: 'ambiti',
  strategic_objective: 'strategicObjectives',
  operational_objective: 'operationalObjectives',
  indicator: 'indicators',
};

export class PlanImporter {
  constructor(private readonly deps: ImporterDeps) {}

  /** Imports a file, or every JSON/CSV/XLSX file under a directory (sorted by path). */
  async importPath(path: string, options: ImportOptions): Promise<ImportReport[]> {
    if (statSync(path).isDirectory()) {
      const files: string[] = [];
      const walk = (dir: string) => {
        for (const name of readdirSync(dir).sort()) {
          const full = join(dir, name);
          if (statSync(full).isDirectory()) walk(full);
          else if (/\.(json|csv|xlsx)$/i.test(name)) files.push(full);
        }
      };
      walk(path);
      const reports: ImportReport[] = [];
      for (const f of files) reports.push(await this.importFile(f, readFileSync(f), options));
      return reports;
    }
    return [await this.importFile(path, readFileSync(path), options)];
  }

  async importFile(file: string, content: Buffer, options: ImportOptions): Promise<ImportReport> {
    const started = performance.now();
    const report = emptyReport(file, options.tenant);
    const detected = await detectFormat(file, content);
    if ('skipped' in detected) {
      report.skipped = detected.skipped;
      return report;
    }
    report.format = detected.format;
    const hash = createHash('sha256').update(content).digest('hex').slice(0, 24);
    if (detected.format === 'catalogo-processi' || detected.format === 'schede-processo') {
      await this.importCatalogue(detected.format, detected.data as Json, hash, report, options);
    } else {
      await this.importPlan(detected.format, detected.data, hash, report, options);
    }
    report.seconds = (performance.now() - started) / 1000;
    return report;
  }

  private actingRole(actor: Actor, role: Role): Role | undefined {
    return actor.roles.includes(role) ? role : undefined;
  }

  private async importPlan(format: ImportFormat, data: unknown, hash: string, report: ImportReport, options: ImportOptions): Promise<void> {
    const { tenant, actor } = options;
    let cycleId = options.cycleId;
    let parsed: (PlanFile & { refusals?: ImportRefusal[] }) | undefined;
    let fileYear: number | undefined;
    if (format === 'foglio-indicatori') {
      const rows = data as Cell[][];
      const header = rows.find((r) => r.some((c) => c !== null && String(c).trim() !== ''));
      fileYear = header ? sheetLayout(header).targets[0]?.year : undefined;
    } else {
      parsed = format === 'piano-performance' ? fromPianoPerformance(data as Json) : fromSchedeObiettivo(data as Json);
      fileYear = parsed.year;
    }
    const correlationId = options.correlationId ?? `import-${hash}`;

    if (!cycleId) {
      const year = options.year ?? fileYear;
      const type = options.cycleType ?? 'piao';
      if (!year) {
        report.refused.push({ ref: report.file, command: 'open', code: 'PLAN_INVALID_FIELDS', reason: 'the file does not say the plan year: pass --year or --cycle' });
        return;
      }
      const key = `import:${tenant}:${type}:${year}:${basename(report.file)}`.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 200);
      cycleId = eventIdsFor(1, { tenant, key, scope: 'open-cycle' })[0];
      const existing = await this.deps.repo.load(tenant, cycleId);
      if (!existing.cycle.exists) {
        await this.deps.cycles.execute(
          new ExecuteCycleCommand(actor, cycleId, { type: 'open', cycleId, year, ...(parsed?.title ? { title: parsed.title } : {}) }, { cycleType: type, correlationId, idempotencyKey: key }),
        );
        report.cycleOpened = true;
      } else report.cycleOpened = false;
    }
    report.cycleId = cycleId;

    // Nodes already in the plan are updated (or moved); the others added.
    const { plan, cycle } = await this.deps.repo.load(tenant, cycleId);
    if (!cycle.exists || cycle.tenant !== tenant) {
      report.refused.push({ ref: report.file, command: 'import', code: 'CYCLE_NOT_FOUND', reason: `no cycle ${cycleId} in tenant ${tenant}` });
      return;
    }
    parsed ??= fromSheet(data as Cell[][], plan.nodes);
    report.warnings.push(...parsed.warnings);
    report.refused.push(...(parsed.refusals ?? []));
    const known = new Set(plan.nodes.keys());
    const items: Item[] = [];
    for (const { ref, node } of parsed.nodes) {
      const code = typeof node.code === 'string' ? node.code : '';
      const current = plan.nodes.get(code);
      if (!current || !known.has(code)) {
        items.push({ ref, command: { type: 'add_node', node } });
        known.add(code);
        continue;
      }
      const parentField = PARENT_FIELD[current.kind];
      const { kind: _k, code: _c, ...rest } = node;
      const changes: Json = { ...rest };
      if (parentField) {
        if (typeof rest[parentField] === 'string' && rest[parentField] !== (current as unknown as Json)[parentField]) items.push({ ref, command: { type: 'move_node', code, parentCode: rest[parentField] } });
        delete changes[parentField];
      }
      items.push({ ref, command: { type: 'update_node', code, changes } });
    }
    await this.runPlanCommands(cycleId, items, hash, report, options, options.actingRole ?? this.actingRole(actor, 'struttura_tecnica'));
  }

  private async runPlanCommands(cycleId: string, items: Item[], hash: string, report: ImportReport, options: ImportOptions, actingRole: Role | undefined): Promise<void> {
    const size = options.chunkSize ?? 500;
    for (let start = 0; start < items.length; start += size) {
      const chunk = items.slice(start, start + size);
      const result = await this.deps.plans.execute(
        new ExecutePlanCommands(
          options.actor,
          cycleId,
          chunk.map((i) => i.command),
          { actingRole, correlationId: options.correlationId ?? `import-${hash}`, idempotencyKey: `import:${hash}:${start / size}`, atomic: false },
        ),
      );
      // A replay answers the events the first import wrote: nothing new.
      if (result.replayed) report.replayed += chunk.length;
      else report.events += result.events.length;
      for (const o of result.outcomes) {
        const item = chunk[o.index];
        if (o.status === 'refused') {
          report.refused.push({ ref: item.ref, command: o.command, code: o.code as string, reason: o.message as string, ...(o.fields ? { fields: o.fields } : {}) });
        } else if (o.status === 'unchanged') report.unchanged += 1;
        else if (item.command.type === 'add_node') {
          const label = KIND_LABEL[String(item.command.node.kind)] ?? 'nodes';
          report.created[label] = (report.created[label] ?? 0) + 1;
        } else report.updated += 1;
      }
      options.onProgress?.({ file: report.file, done: Math.min(start + size, items.length), total: items.length });
    }
  }

  private async importCatalogue(format: ImportFormat, doc: Json, hash: string, report: ImportReport, options: ImportOptions): Promise<void> {
    const items: { ref: string; command: CatalogueCommand }[] = [];
    if (format === 'catalogo-processi') {
      const list = [...(doc.processi as Json[])].sort((a, b) => Number(a.level) - Number(b.level));
      for (const p of list) {
        const { source: _s, ...entry } = p;
        items.push({ ref: String(p.code), command: { type: 'add_process', entry } });
      }
    } else {
      for (const c of doc.schede as Json[]) {
        const deadline = isObj(c.deadline) ? { text: c.deadline.text, day: c.deadline.day ?? null, month: c.deadline.month ?? null } : undefined;
        const card = {
          ...(s(c.variant) ? { variant: c.variant } : {}),
          title: c.title,
          ...(s(c.input) ?? s(c.inputRaw) ? { input: s(c.input) ?? s(c.inputRaw) } : {}),
          ...(s(c.output) ?? s(c.outputRaw) ? { output: s(c.output) ?? s(c.outputRaw) } : {}),
          activities: Array.isArray(c.activities) ? c.activities : [],
          ...(s(c.responsibleRole) ? { responsibleRole: c.responsibleRole } : {}),
          ...(deadline ? { deadline } : {}),
          ...(s(c.note) ? { note: c.note } : {}),
        };
        items.push({ ref: `${String(c.code)}${c.variant ? ` (${String(c.variant)})` : ''}`, command: { type: 'attach_process_card', code: c.catalogueCode ?? c.code, card } });
      }
    }
    const size = options.chunkSize ?? 500;
    for (let start = 0; start < items.length; start += size) {
      const chunk = items.slice(start, start + size);
      const r = await this.deps.catalogue.execute(
        new ExecuteCatalogueCommands(options.actor, chunk.map((i) => i.command), {
          actingRole: this.actingRole(options.actor, 'struttura_tecnica'),
          correlationId: options.correlationId ?? `import-${hash}`,
          idempotencyKey: `import:${hash}:${start / size}`,
          atomic: false,
        }),
      );
      if (r.replayed) report.replayed += chunk.length;
      report.events += r.written;
      for (const o of r.outcomes) {
        const item = chunk[o.index];
        if (o.status === 'refused') report.refused.push({ ref: item.ref, command: item.command.type, code: o.code as string, reason: o.message as string, ...(o.fields ? { fields: o.fields } : {}) });
        else {
          const label = item.command.type === 'add_process' ? 'processes' : 'processCards';
          report.created[label] = (report.created[label] ?? 0) + 1;
        }
      }
      options.onProgress?.({ file: report.file, done: Math.min(start + size, items.length), total: items.length });
    }
  }
}

/** One line per file: what was created, refused (with reasons) and warned. */
export function formatImportReport(r: ImportReport): string[] {
  if (r.skipped) return [`${r.file}: skipped: ${r.skipped}`];
  const created = Object.entries(r.created).map(([k, n]) => `${n} ${k}`).join(', ') || 'nothing';
  const lines = [
    `${r.file} (${r.format}${r.cycleId ? `, cycle ${r.cycleId}${r.cycleOpened ? ' opened' : ''}` : ''}): created ${created}; updated ${r.updated}, unchanged ${r.unchanged}${r.replayed ? `, already imported ${r.replayed}` : ''}; refused ${r.refused.length}; ${r.events} events in ${r.seconds.toFixed(2)} s`,
  ];
  for (const x of r.refused) lines.push(`  refused ${x.ref} (${x.command}): ${x.code} ${x.reason}`);
  for (const w of r.warnings) lines.push(`  note ${w.ref}: ${w.message}`);
  return lines;
}

