// The files an import reads, turned into plan nodes: the layout of a file recognised
// (`detectFormat`), the curated JSON of seeds 003 (the performance tree) and 004 (objective cards),
// and indicator sheets (CSV or XLSX, one row per indicator). Pure reading: no command is run here.
import { extname } from 'node:path';
import type { PlanNode } from '@ciclo/domain';
import type { ImportFormat, ImportRefusal } from './importer';
import { codeAndTitle, parseBaseline, parseItalianNumber, parseTarget, parseType, parseUnit, parseYesNo, readCsv, sheetLayout } from './spreadsheet';
import { readXlsx, type Cell } from './xlsx';

export type Json = Record<string, unknown>;
export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A non-empty trimmed string, or undefined. */
export const s = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

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

export interface PlanFile {
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

export function fromPianoPerformance(doc: Json): PlanFile {
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

export function fromSchedeObiettivo(doc: Json): PlanFile {
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
export function fromSheet(rows: Cell[][], existing: ReadonlyMap<string, PlanNode>): PlanFile & { refusals: ImportRefusal[] } {
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
