/**
 * Import of a risk register sheet (CSV or XLSX, Italian headers): one row per process, risk event
 * and measure, run through the register commands like the plan importer runs the plan's. Items
 * already in the register are updated (unchanged ones write nothing); refusals are reported per row.
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import {
  assessmentMethod,
  type PlanCommand,
  type RatingMethod,
  type RegisterState,
  type Role,
} from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { ExecutePlanCommands, type ExecutePlanCommandsHandler } from './execute-plan-commands.handler';
import { emptyReport, type ImportReport } from './importer';
import type { PlanRepository } from './plan-repository';
import type { RatingMethodRepository } from './rating-method';
import { parseItalianDate, readCsv } from './spreadsheet';
import { readXlsx, type Cell } from './xlsx';

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[:*]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
const str = (v: Cell | undefined): string =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v.trim() : String(v);

/** The columns of the register sheet (the export writes the same). */
export const REGISTER_COLUMNS = {
  processCode: 'Codice processo',
  processTitle: 'Processo',
  area: 'Area',
  office: 'Ufficio',
  riskCode: 'Codice rischio',
  risk: 'Evento rischioso',
  factors: 'Fattori abilitanti',
  rating: 'Valutazione complessiva',
  motivation: 'Motivazione',
  measureCode: 'Codice misura',
  measure: 'Misura',
  measureKind: 'Tipo misura',
  category: 'Categoria',
  ownerOffice: 'Ufficio responsabile',
  dirigente: 'Dirigente',
  phases: 'Fasi e scadenze',
  indicator: 'Indicatore di attuazione',
  target: 'Target',
} as const;
type Column = keyof typeof REGISTER_COLUMNS;

/** A list cell: items separated by `;`, `|` or new lines. */
const list = (v: Cell | undefined): string[] =>
  str(v)
    .split(/[;|\n]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** "Definizione check list entro 31/03/2027; Applicazione entro il 30/06/2027" → phases. */
function phases(v: Cell | undefined): { phases: { title: string; deadline: string }[]; bad: string[] } {
  const out: { title: string; deadline: string }[] = [];
  const bad: string[] = [];
  for (const part of list(v)) {
    const m = /^(.*?)\s*(?:entro(?: il)?|:|-)\s*(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2})$/i.exec(
      part,
    );
    const deadline = m ? parseItalianDate(m[2]) : undefined;
    if (m && deadline && m[1].trim()) out.push({ title: m[1].trim(), deadline });
    else bad.push(part);
  }
  return { phases: out, bad };
}

/** "alto: interesse economico rilevante" → {level, reason}. */
function rated(v: Cell | undefined): { level: string; reason: string } | null {
  const m = /^\s*([A-Za-zÀ-ú_ ]+?)\s*[:–-]\s*(.+)$/s.exec(str(v));
  return m ? { level: fold(m[1]).replace(/ /g, '_'), reason: m[2].trim() } : null;
}

interface Item {
  ref: string;
  command: PlanCommand;
}

/**
 * The register commands a sheet asks for, given what the register already holds; the indicator
 * columns are those of the method the assessments will be checked against (the chamber's, `tenant`,
 * unless the plan has its own).
 */
export function registerSheetCommands(
  rows: readonly Cell[][],
  register: RegisterState,
  tenant?: (RatingMethod & { version: number }) | null,
): { items: Item[]; refused: ImportReport['refused']; rows: number } {
  const headerIndex = rows.findIndex((r) => r.some((c) => str(c) !== ''));
  const refused: ImportReport['refused'] = [];
  if (headerIndex < 0)
    return {
      items: [],
      refused: [
        { ref: 'riga 1', command: 'import', code: 'PLAN_INVALID_FIELDS', reason: 'the sheet is empty' },
      ],
      rows: 0,
    };
  const header = rows[headerIndex].map((c) => fold(str(c)));
  const col = {} as Record<Column, number>;
  for (const [k, title] of Object.entries(REGISTER_COLUMNS)) col[k as Column] = header.indexOf(fold(title));
  const { method } = assessmentMethod(register, tenant);
  const indicatorCols = method.indicators.map((i) => ({
    key: i.key,
    index: header.findIndex((h) => h === i.key || h === fold(i.title)),
  }));
  if (col.processCode < 0)
    return {
      items: [],
      refused: [
        {
          ref: `riga ${headerIndex + 1}`,
          command: 'import',
          code: 'PLAN_INVALID_FIELDS',
          reason: `column "${REGISTER_COLUMNS.processCode}" is missing`,
        },
      ],
      rows: 0,
    };

  const at = (row: readonly Cell[], c: Column): string => (col[c] >= 0 ? str(row[col[c]]) : '');
  const processes = new Map<
    string,
    { ref: string; item: Record<string, unknown>; assessment?: Record<string, unknown> }
  >();
  const risks = new Map<string, { ref: string; item: Record<string, unknown> }>();
  const measures = new Map<string, { ref: string; item: Record<string, unknown>; riskCodes: string[] }>();
  let count = 0;
  for (let i = headerIndex + 1; i < rows.length; i++) {
    const row = rows[i];
    if (!row.some((c) => str(c) !== '')) continue;
    count++;
    const ref = `riga ${i + 1}`;
    const processCode = at(row, 'processCode');
    if (!processCode) {
      refused.push({
        ref,
        command: 'import',
        code: 'PLAN_INVALID_FIELDS',
        reason: `${REGISTER_COLUMNS.processCode} is required`,
        fields: [{ field: REGISTER_COLUMNS.processCode, problem: 'is required' }],
      });
      continue;
    }
    if (!processes.has(processCode)) {
      const item: Record<string, unknown> = {
        kind: 'process',
        code: processCode,
        title: at(row, 'processTitle') || null,
      };
      if (at(row, 'area')) item.area = at(row, 'area');
      if (at(row, 'office')) item.office = at(row, 'office');
      const entry: { ref: string; item: Record<string, unknown>; assessment?: Record<string, unknown> } = {
        ref,
        item,
      };
      if (at(row, 'rating')) {
        const indicators: Record<string, unknown> = {};
        for (const c of indicatorCols)
          if (c.index >= 0 && str(row[c.index]))
            indicators[c.key] = rated(row[c.index]) ?? { level: str(row[c.index]) };
        entry.assessment = {
          processCode,
          indicators,
          rating: fold(at(row, 'rating')).replace(/ /g, '_'),
          motivation: at(row, 'motivation') || null,
        };
      }
      processes.set(processCode, entry);
    }
    const riskCode = at(row, 'riskCode');
    if (riskCode && !risks.has(riskCode))
      risks.set(riskCode, {
        ref,
        item: {
          kind: 'risk',
          code: riskCode,
          processCode,
          description: at(row, 'risk') || null,
          factors: list(col.factors >= 0 ? row[col.factors] : null),
        },
      });
    const measureCode = at(row, 'measureCode');
    if (!measureCode) continue;
    const existing = measures.get(measureCode);
    if (existing) {
      if (riskCode && !existing.riskCodes.includes(riskCode)) existing.riskCodes.push(riskCode);
      continue;
    }
    const p = phases(col.phases >= 0 ? row[col.phases] : null);
    if (p.bad.length)
      refused.push({
        ref,
        command: 'import',
        code: 'PLAN_INVALID_FIELDS',
        reason: `${REGISTER_COLUMNS.phases}: "${p.bad.join('; ')}" is not "<phase> entro <dd/mm/yyyy>"`,
      });
    const kind = fold(at(row, 'measureKind'));
    measures.set(measureCode, {
      ref,
      riskCodes: riskCode ? [riskCode] : [],
      item: {
        kind: 'measure',
        code: measureCode,
        measureKind: kind.startsWith('gen')
          ? 'generale'
          : kind.startsWith('spec')
            ? 'specifica'
            : kind || null,
        category: fold(at(row, 'category')).replace(/[ ']/g, '_') || 'altro',
        title: at(row, 'measure') || null,
        owner: { office: at(row, 'ownerOffice') || null, dirigente: at(row, 'dirigente') || null },
        phases: p.phases,
        indicator: at(row, 'indicator') || null,
        target: at(row, 'target') || null,
      },
    });
  }

  const items: Item[] = [];
  const upsert = (ref: string, item: Record<string, unknown>, current: object | undefined) => {
    if (!current) items.push({ ref, command: { type: 'add_register_item', item } });
    else {
      const { kind, code, ...rest } = item;
      // An empty cell leaves the field as it is.
      const changes = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null));
      items.push({ ref, command: { type: 'update_register_item', kind, code, changes } });
    }
  };
  for (const p of processes.values()) upsert(p.ref, p.item, register.processes.get(String(p.item.code)));
  for (const r of risks.values()) upsert(r.ref, r.item, register.risks.get(String(r.item.code)));
  for (const m of measures.values())
    upsert(m.ref, { ...m.item, riskCodes: m.riskCodes }, register.measures.get(String(m.item.code)));
  for (const p of processes.values())
    if (p.assessment)
      items.push({
        ref: p.ref,
        command: {
          type: 'assess_risk',
          ...(p.assessment as {
            processCode: unknown;
            indicators: unknown;
            rating: unknown;
            motivation: unknown;
          }),
        },
      });
  return { items, refused, rows: count };
}

/**
 * The processes of a curated mapping (seeds/catalogue/processi-anticorruzione.json): one register
 * process per catalogue code, with the area and office of the first mapped process that names them.
 * Processes without a catalogue code are left out and reported.
 */
export function registerMappingCommands(
  doc: unknown,
  register: RegisterState,
): { items: Item[]; refused: ImportReport['refused']; rows: number } {
  const list =
    typeof doc === 'object' && doc !== null && Array.isArray((doc as { mappatura?: unknown }).mappatura)
      ? (doc as { mappatura: Record<string, unknown>[] }).mappatura
      : [];
  const refused: ImportReport['refused'] = [];
  const byCode = new Map<string, Record<string, unknown>>();
  list.forEach((p, i) => {
    const code = typeof p.catalogueCode === 'string' ? p.catalogueCode : null;
    if (!code) {
      refused.push({
        ref: `mappatura[${i}] ${String(p.code)}`,
        command: 'import',
        code: 'REGISTER_REFERENCE_NOT_FOUND',
        reason: 'nessuna voce del catalogo dei processi corrispondente: processo non importato',
      });
      return;
    }
    const current = byCode.get(code);
    if (!current) {
      byCode.set(code, {
        kind: 'process',
        code,
        title: typeof p.catalogueTitle === 'string' && p.catalogueTitle ? p.catalogueTitle : p.title,
        ...(typeof p.area === 'string' ? { area: p.area } : {}),
        ...(typeof p.office === 'string' ? { office: p.office } : {}),
        note: `Mappatura ${String(p.code)} ${String(p.title)}`,
      });
    } else {
      if (current.area === undefined && typeof p.area === 'string') current.area = p.area;
      if (current.office === undefined && typeof p.office === 'string') current.office = p.office;
      current.note = `${String(current.note)}; ${String(p.code)} ${String(p.title)}`;
    }
  });
  const items: Item[] = [];
  for (const item of byCode.values()) {
    if (!register.processes.has(String(item.code)))
      items.push({ ref: String(item.code), command: { type: 'add_register_item', item } });
    else {
      const { kind, code, ...changes } = item;
      items.push({ ref: String(code), command: { type: 'update_register_item', kind, code, changes } });
    }
  }
  return { items, refused, rows: list.length };
}

const CREATED_LABEL: Record<string, string> = { process: 'processes', risk: 'risks', measure: 'measures' };

export interface RegisterImportOptions {
  tenant: string;
  actor: Actor;
  cycleId: string;
  actingRole?: Role;
  correlationId?: string;
  /** Commands per atomic write (default 500). */
  chunkSize?: number;
}

/** Imports register sheets into a PTPCT or PIAO cycle through the plan command handler. */
export class RegisterImporter {
  constructor(
    private readonly deps: {
      plans: ExecutePlanCommandsHandler;
      repo: PlanRepository;
      methods?: RatingMethodRepository;
    },
  ) {}

  async importFile(
    file: string,
    content: Buffer,
    options: RegisterImportOptions,
  ): Promise<ImportReport & { rows: number }> {
    const started = performance.now();
    const report = {
      ...emptyReport(file, options.tenant),
      format: 'registro-rischi' as const,
      cycleId: options.cycleId,
      rows: 0,
    };
    const ext = extname(file).toLowerCase();
    const { plan, cycle } = await this.deps.repo.load(options.tenant, options.cycleId);
    if (!cycle.exists || cycle.tenant !== options.tenant) {
      report.refused.push({
        ref: file,
        command: 'import',
        code: 'CYCLE_NOT_FOUND',
        reason: `no cycle ${options.cycleId} in tenant ${options.tenant}`,
      });
      return report;
    }
    const parsed =
      ext === '.json'
        ? registerMappingCommands(JSON.parse(content.toString('utf8')) as unknown, plan.register)
        : registerSheetCommands(
            ext === '.xlsx' ? await readXlsx(content) : readCsv(content.toString('utf8')),
            plan.register,
            await this.deps.methods?.current(options.tenant),
          );
    report.rows = parsed.rows;
    report.refused.push(...parsed.refused);
    const hash = createHash('sha256').update(content).digest('hex').slice(0, 24);
    const size = options.chunkSize ?? 500;
    for (let start = 0; start < parsed.items.length; start += size) {
      const chunk = parsed.items.slice(start, start + size);
      const result = await this.deps.plans.execute(
        new ExecutePlanCommands(
          options.actor,
          options.cycleId,
          chunk.map((i) => i.command),
          {
            ...(options.actingRole ? { actingRole: options.actingRole } : {}),
            correlationId: options.correlationId ?? `import-${hash}`,
            idempotencyKey: `register-import:${hash}:${start / size}`,
            atomic: false,
          },
        ),
      );
      if (result.replayed) report.replayed += chunk.length;
      else report.events += result.events.length;
      for (const o of result.outcomes) {
        const item = chunk[o.index];
        if (o.status === 'refused')
          report.refused.push({
            ref: item.ref,
            command: o.command,
            code: o.code as string,
            reason: o.messageIt ?? (o.message as string),
            ...(o.fields ? { fields: o.fields } : {}),
          });
        else if (o.status === 'unchanged') report.unchanged += 1;
        else if (item.command.type === 'add_register_item') {
          const label = CREATED_LABEL[String(item.command.item.kind)] ?? 'items';
          report.created[label] = (report.created[label] ?? 0) + 1;
        } else if (item.command.type === 'assess_risk')
          report.created.assessments = (report.created.assessments ?? 0) + 1;
        else report.updated += 1;
      }
    }
    report.seconds = (performance.now() - started) / 1000;
    return report;
  }
}
