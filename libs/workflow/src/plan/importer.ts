/**
 * Import of plans and catalogues from files, through the same commands the API runs: the curated
 * JSON of seed 003 (the whole performance tree) and 004 (objective cards), the process catalogue
 * (seed 000) and process cards (seed 001), and indicator sheets in CSV or XLSX (one row per
 * indicator, Italian headers). Nodes already in the plan are updated (unchanged ones write
 * nothing); what the decider refuses is reported with its code and reason, the rest is written.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { PARENT_FIELD, type CatalogueCommand, type FieldProblem, type PlanCommand, type PlanNode, type Role } from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { ExecuteCycleCommand } from '../commands';
import type { ExecuteCycleCommandHandler } from '../execute-cycle-command.handler';
import { eventIdsFor } from '../event-ids';
import { ExecuteCatalogueCommands, type ExecuteCatalogueCommandsHandler } from './catalogue';
import { ExecutePlanCommands, type ExecutePlanCommandsHandler } from './execute-plan-commands.handler';
import type { PlanRepository } from './plan-repository';
import { codeAndTitle, parseBaseline, parseItalianNumber, parseTarget, parseType, parseUnit, parseYesNo, readCsv, sheetLayout } from './spreadsheet';
import { readXlsx, type Cell } from './xlsx';

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

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const s = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** Yes/no written as "si"/"no" in the curated seeds becomes a boolean; dates and numbers stay. */
function seedValue(v: unknown): unknown {
  if (typeof v === 'string') {
    const yn = parseYesNo(v);
    if (yn !== undefined) return yn;
  }
  return v;
}

function firstYear(text: unknown): number | undefined {
  const m = typeof text === 'string' ? /\b(20\d\d)\b/.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}

export async function detectFormat(name: string, content: Buffer): Promise<{ format: ImportFormat; data: unknown } | { skipped: string }> {
  const ext = extname(name).toLowerCase();
  if (ext === '.csv') return { format: 'foglio-indicatori', data: readCsv(content.toString('utf8')) };
  if (ext === '.xlsx') return { format: 'foglio-indicatori', data: await readXlsx(content) };
  if (ext !== '.json') return { skipped: `not a plan or catalogue file (${ext || 'no extension'}): JSON, CSV or XLSX expected` };
  let doc: unknown;
  try {
    doc = JSON.parse(content.toString('utf8'));
  } catch (err) {
    return { skipped: `not valid JSON: ${(err as Error).message}` };
  }
  if (!isObj(doc)) return { skipped: 'a JSON object is expected' };
  if (Array.isArray(doc.obiettiviOperativi) && Array.isArray(doc.indicatori)) return { format: 'piano-performance', data: doc };
  if (Array.isArray(doc.processi)) return { format: 'catalogo-processi', data: doc };
  if (Array.isArray(doc.schede) && doc.schede.some((x) => isObj(x) && Array.isArray(x.indicators))) return { format: 'schede-obiettivo', data: doc };
  if (Array.isArray(doc.schede) && doc.schede.some((x) => isObj(x) && 'catalogueCode' in x)) return { format: 'schede-processo', data: doc };
  if (Array.isArray(doc.mappatura)) return { skipped: 'processes of the anticorruption mapping (seed 002) with their areas and offices: a reference for the risk register, not a plan nor the process catalogue; not imported' };
  if (Array.isArray(doc.strutture)) return { skipped: 'assignments of PTPCT actions to offices (seed 002): not a plan nor the process catalogue; not imported' };
  if (Array.isArray(doc.users)) return { skipped: 'a tenant file (users): loaded by `ciclo seed demo`, not by import' };
  return { skipped: 'unknown JSON layout: expected a plan (obiettiviOperativi/indicatori, schede with indicators), a catalogue (processi) or process cards' };
}

// ---------- plan files → nodes ----------

interface PlanFile {
  year?: number;
  title?: string;
  nodes: { ref: string; node: Json }[];
  warnings: {
    /** The row (sheet and line, or node code) */
    ref: string;
    /** The warning, in Italian */
    message: string;
  }[];
}

function fromPianoPerformance(doc: Json): PlanFile {
  const warnings: PlanFile['warnings'] = [];
  const nodes: PlanFile['nodes'] = [];
  const source = isObj(doc.source) ? doc.source : {};
  for (const a of doc.ambiti as Json[]) nodes.push({ ref: String(a.code), node: { kind: 'ambito', code: a.code, title: a.title, ...(s(a.note) ? { note: a.note } : {}) } });
  for (const o of doc.obiettiviStrategici as Json[]) nodes.push({ ref: String(o.code), node: { kind: 'strategic_objective', code: o.code, title: o.title, ambitoCode: o.ambitoCode, ...(s(o.note) ? { note: o.note } : {}) } });
  for (const o of doc.obiettiviOperativi as Json[]) {
    let description = s(o.description);
    let expectedImpact: string | undefined;
    const m = description ? /\n?Impatto atteso:\s*([\s\S]*)$/.exec(description) : null;
    if (m && description) {
      expectedImpact = m[1].trim();
      description = description.slice(0, m.index).trim();
    }
    if (o.resources === null) warnings.push({ ref: String(o.code), message: 'risorse economiche non indicate nel documento' });
    nodes.push({
      ref: String(o.code),
      node: {
        kind: 'operational_objective',
        code: o.code,
        title: o.title,
        ...(description ? { description } : {}),
        ...(expectedImpact ? { expectedImpact } : {}),
        resources: o.resources ?? null,
        strategicObjectiveCode: o.strategicCode,
        ...(s(o.area) ? { area: o.area } : {}),
        ...(s(o.office) ? { office: o.office } : {}),
        commonSystemObjective: o.commonSystemObjective === true,
        ...(s(o.note) ? { note: o.note } : {}),
      },
    });
  }
  for (const i of doc.indicatori as Json[]) {
    const code = String(i.code);
    const b = isObj(i.baseline) ? i.baseline : {};
    const baseline = b.nd === true ? { nd: true, ...(typeof b.year === 'number' ? { year: b.year } : {}) } : { value: seedValue(b.value), ...(typeof b.year === 'number' ? { year: b.year } : {}) };
    const targets: Json[] = [];
    for (const t of (Array.isArray(i.targets) ? i.targets : []) as Json[]) {
      if (t.nd === true || t.value === null || t.value === undefined) {
        warnings.push({ ref: code, message: `target ${t.year} non indicato (${s(t.raw) ?? 'n.d.'}): non importato` });
        continue;
      }
      targets.push({ year: t.year, operator: t.operator, value: seedValue(t.value) });
    }
    if (i.weight === null) warnings.push({ ref: code, message: `peso non indicato (${s(i.weightRaw) ?? 'n.d.'})` });
    nodes.push({
      ref: code,
      node: {
        kind: 'indicator',
        code,
        objectiveCode: i.objectiveCode,
        name: i.name,
        ...(s(i.algorithm) ? { algorithm: i.algorithm } : {}),
        type: i.type,
        unit: i.unit,
        baseline,
        targets,
        weight: i.weight ?? null,
        ...(s(i.dataSource) ? { dataSource: i.dataSource } : {}),
        ...(s(i.note) ? { note: i.note } : {}),
      },
    });
  }
  return { year: firstYear(source.title), title: s(source.title), nodes, warnings };
}

function fromSchedeObiettivo(doc: Json): PlanFile {
  const warnings: PlanFile['warnings'] = [];
  const nodes: PlanFile['nodes'] = [];
  const source = isObj(doc.source) ? doc.source : {};
  const letters = new Set<string>();
  const cards = doc.schede as Json[];
  for (const c of cards) letters.add(String(c.code).charAt(0));
  // The cards name no ambito or strategic objective: one of each per card letter, marked as such.
  for (const l of letters) {
    const note = 'Non stampato nel documento: raggruppa le schede obiettivo con la lettera ' + l;
    nodes.push({ ref: l, node: { kind: 'ambito', code: l, title: `Area ${l}`, note } });
    nodes.push({ ref: `${l}_OS`, node: { kind: 'strategic_objective', code: `${l}_OS`, title: `Obiettivi dell'area ${l}`, ambitoCode: l, note } });
  }
  warnings.push({ ref: [...letters].join(', '), message: 'ambiti e obiettivi strategici non indicati nel documento: uno per lettera delle schede (A, B, C)' });
  for (const c of cards) {
    const code = String(c.code);
    const mission = isObj(c.mission) ? { code: c.mission.code, title: c.mission.title } : undefined;
    const programme = isObj(c.spendingProgramme) ? s(c.spendingProgramme.title) : undefined;
    const span = isObj(c.timeSpan) && typeof c.timeSpan.from === 'number' ? { from: c.timeSpan.from, to: c.timeSpan.to } : undefined;
    const cdr = isObj(c.cdr) ? [s(c.cdr.code), s(c.cdr.title)].filter(Boolean).join(' ') : undefined;
    if (c.resources === null) warnings.push({ ref: code, message: `risorse economiche non leggibili (${s(c.resourcesRaw) ?? 'vuoto'})` });
    nodes.push({
      ref: code,
      node: {
        kind: 'operational_objective',
        code,
        title: c.additionalLabel ? `${c.title} ${c.additionalLabel}` : c.title,
        ...(s(c.description) ? { description: c.description } : {}),
        resources: c.resources ?? null,
        strategicObjectiveCode: `${code.charAt(0)}_OS`,
        ...(cdr ? { cdr } : {}),
        ...(mission ? { mission } : {}),
        ...(programme ? { programme } : {}),
        stakeholders: Array.isArray(c.stakeholders) ? c.stakeholders : [],
        ...(span ? { timeSpan: span } : {}),
        commonSystemObjective: false,
        ...(s(c.note) ? { note: c.note } : {}),
      },
    });
    for (const i of c.indicators as Json[]) {
      const icode = String(i.code);
      const targets: Json[] = [];
      let unit: string | undefined;
      for (const t of (Array.isArray(i.targets) ? i.targets : []) as Json[]) {
        unit ??= s(t.unit);
        if (t.notApplicable === true || t.value === null || t.value === undefined || !t.operator) {
          warnings.push({ ref: icode, message: `target ${t.year} senza operatore o valore (${s(t.raw) ?? '-'}): non importato` });
          continue;
        }
        targets.push({ year: t.year, operator: t.operator, value: t.value });
      }
      nodes.push({
        ref: icode,
        node: {
          kind: 'indicator',
          code: icode,
          objectiveCode: code,
          name: i.kpi,
          ...(s(i.algorithm) ? { algorithm: i.algorithm } : {}),
          ...(s(i.kpiStandard) ? { description: i.kpiStandard } : {}),
          type: 'altro',
          unit: unit ?? 'n',
          baseline: { nd: true },
          targets,
          weight: null,
          ...(s(i.dataSource) ? { dataSource: i.dataSource } : {}),
          ...(s(i.note) ? { note: i.note } : {}),
        },
      });
    }
  }
  return { year: firstYear(source.title), title: s(source.title), nodes, warnings };
}

/** Rows of an indicator sheet → nodes (objectives and their parents created from the row when missing). */
function fromSheet(rows: Cell[][], existing: ReadonlyMap<string, PlanNode>): PlanFile & { refusals: ImportRefusal[] } {
  const warnings: PlanFile['warnings'] = [];
  const refusals: ImportRefusal[] = [];
  const nodes: PlanFile['nodes'] = [];
  const headerIndex = rows.findIndex((r) => r.some((c) => c !== null && String(c).trim() !== ''));
  if (headerIndex < 0) return { nodes, warnings, refusals: [{ ref: 'foglio', command: 'add_node', code: 'PLAN_INVALID_FIELDS', reason: 'the sheet is empty' }] };
  const layout = sheetLayout(rows[headerIndex]);
  const col = layout.columns;
  const missing = (['objectiveCode', 'name', 'unit'] as const).filter((c) => col[c] === undefined);
  if (missing.length) {
    const names = { objectiveCode: 'Codice obiettivo', name: 'Indicatori', unit: 'UdM' };
    return { nodes, warnings, refusals: [{ ref: `riga ${headerIndex + 1}`, command: 'add_node', code: 'PLAN_INVALID_FIELDS', reason: `missing columns: ${missing.map((m) => names[m]).join(', ')}` }] };
  }
  if (layout.unknown.length) warnings.push({ ref: `riga ${headerIndex + 1}`, message: `colonne ignorate: ${layout.unknown.join(', ')}` });
  const seen = new Set<string>();
  const perObjective = new Map<string, number>();
  for (const n of existing.values()) if (n.kind === 'indicator') perObjective.set(n.objectiveCode, (perObjective.get(n.objectiveCode) ?? 0) + 1);
  const cell = (row: Cell[], c: keyof typeof col) => (col[c] === undefined ? undefined : row[col[c] as number]);
  const text = (row: Cell[], c: keyof typeof col) => {
    const v = cell(row, c);
    return v === null || v === undefined || String(v).trim() === '' ? undefined : String(v).trim();
  };
  const years = layout.targets.map((t) => t.year);
  for (let r = headerIndex + 1; r < rows.length; r++) {
    const row = rows[r];
    if (!row || row.every((c) => c === null || String(c).trim() === '')) continue;
    const ref = `riga ${r + 1}`;
    const objective = codeAndTitle(cell(row, 'objectiveCode'));
    if (!objective) {
      refusals.push({ ref, command: 'add_node', code: 'PLAN_INVALID_FIELDS', reason: 'Codice obiettivo is empty', fields: [{ field: 'Codice obiettivo', problem: 'is required' }] });
      continue;
    }
    const ambito = codeAndTitle(cell(row, 'ambito'));
    const strategic = codeAndTitle(cell(row, 'strategic'));
    const has = (code: string) => existing.has(code) || seen.has(code);
    if (ambito && !has(ambito.code) && ambito.title) {
      nodes.push({ ref, node: { kind: 'ambito', code: ambito.code, title: ambito.title } });
      seen.add(ambito.code);
    }
    if (strategic && !has(strategic.code) && strategic.title) {
      const ambitoCode = ambito?.code ?? strategic.code.split('_')[0];
      nodes.push({ ref, node: { kind: 'strategic_objective', code: strategic.code, title: strategic.title, ambitoCode } });
      seen.add(strategic.code);
    }
    const objectiveTitle = text(row, 'objectiveTitle') ?? objective.title;
    if (!has(objective.code)) {
      if (!objectiveTitle || !strategic) {
        refusals.push({ ref, command: 'add_node', code: 'PLAN_PARENT_NOT_FOUND', reason: `objective ${objective.code} is not in the plan and the row gives no title and strategic objective to create it` });
        continue;
      }
      const resourcesText = text(row, 'resources');
      const amount = parseItalianNumber(resourcesText);
      nodes.push({
        ref,
        node: {
          kind: 'operational_objective',
          code: objective.code,
          title: objectiveTitle,
          ...(text(row, 'description') ? { description: text(row, 'description') } : {}),
          resources: resourcesText === undefined ? null : /interne/i.test(resourcesText) ? { kind: 'risorse_interne' } : amount !== undefined ? { kind: 'euro', amount } : null,
          strategicObjectiveCode: strategic.code,
          ...(text(row, 'area') ? { area: text(row, 'area') } : {}),
          ...(text(row, 'office') ? { office: text(row, 'office') } : {}),
          ...(text(row, 'cdr') ? { cdr: text(row, 'cdr') } : {}),
          commonSystemObjective: parseYesNo(cell(row, 'commonSystem')) ?? false,
        },
      });
      seen.add(objective.code);
    }
    const n = (perObjective.get(objective.code) ?? 0) + 1;
    perObjective.set(objective.code, n);
    const code = text(row, 'indicatorCode') ?? `${objective.code}_I${n}`;
    const unitText = cell(row, 'unit');
    const unit = parseUnit(unitText);
    const typeText = cell(row, 'type');
    const type = typeText === null || typeText === undefined || String(typeText).trim() === '' ? 'altro' : parseType(typeText);
    if (typeText && !type) warnings.push({ ref, message: `Tipologia "${String(typeText)}" non riconosciuta: altro` });
    const targets = layout.targets.flatMap((t) => {
      const parsed = parseTarget(t.year, row[t.index], t.operatorIndex !== undefined ? row[t.operatorIndex] : undefined);
      if (!parsed && row[t.index] !== null && row[t.index] !== undefined && String(row[t.index]).trim() !== '') warnings.push({ ref, message: `Target ${t.year} "${String(row[t.index])}" non leggibile: non importato` });
      return parsed ? [parsed] : [];
    });
    const weightCell = cell(row, 'weight');
    const weight = parseItalianNumber(weightCell);
    nodes.push({
      ref: `${ref} (${code})`,
      node: {
        kind: 'indicator',
        code,
        objectiveCode: objective.code,
        name: text(row, 'name'),
        ...(text(row, 'algorithm') ? { algorithm: text(row, 'algorithm') } : {}),
        type: type ?? 'altro',
        unit: unit ?? (unitText === null || unitText === undefined ? undefined : String(unitText)),
        baseline: layout.baseline ? parseBaseline(row[layout.baseline.index], layout.baseline.year) : { nd: true },
        targets,
        weight: weight ?? null,
        ...(text(row, 'dataSource') ? { dataSource: text(row, 'dataSource') } : {}),
        ...(text(row, 'note') ? { note: text(row, 'note') } : {}),
      },
    });
  }
  return { year: years[0], nodes, warnings, refusals };
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

