/**
 * The indicator sheet: one row per indicator, Italian headers as in the plan of seed 003
 * ("Indicatori", "Tipologia", "UdM", "Stato 2021", "Target 2022", "Peso indicatori"), plus the
 * codes of the objective it belongs to. CSV (`;` or `,`, Italian decimals and dates) and XLSX read
 * the same; the export writes the same columns, so an exported sheet imports back.
 */
import {
  isIsoDate,
  type IndicatorType,
  type IndicatorUnit,
  type IndicatorValue,
  type PlanBaseline,
  type PlanNode,
  type PlanTarget,
  type TargetOperator,
} from '@ciclo/domain';
import { parse } from 'csv-parse/sync';
import { peopleCsv, unguardFormula } from '@ciclo/documents';
import type { Cell } from './xlsx';

// ---------- CSV ----------

/** Parses CSV (RFC 4180 quoting; the delimiter `;`, `,` or tab is taken from the header line). */
export function readCsv(text: string): Cell[][] {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/, 1)[0] ?? '';
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const delimiter = [';', '\t', ','].sort((a, b) => count(b) - count(a))[0];
  const rows = parse(text, { bom: true, delimiter, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, relax_quotes: true }) as string[][];
  // The formula guard of our own exports ("'= 5") is taken off again.
  return rows.map((r) => r.map(unguardFormula));
}

/** CSV for Italian spreadsheets, by the writer every export shares (`;`, CRLF, BOM, decimal comma, formula guard). */
export function writeCsv(rows: readonly (readonly Cell[])[]): Buffer {
  return peopleCsv(rows);
}

// ---------- Italian values ----------

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[:*]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();

const str = (v: Cell | undefined): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v.trim() : String(v));

/** "335.000,00 €" → 335000, "12,5%" → 12.5, "1.234" → 1234, "2.5" → 2.5; undefined when not a number. */
export function parseItalianNumber(v: Cell | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  let s = str(v).replace(/[€%\s]/g, '').replace(/^euro/i, '');
  if (!s) return undefined;
  if (s.includes(',')) s = s.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d{1,3}(\.\d{3})+$/.test(s)) s = s.replace(/\./g, '');
  if (!/^[-+]?\d+(\.\d+)?$/.test(s)) return undefined;
  return Number(s);
}

/** "30/11/2022" or "2022-11-30" → "2022-11-30". */
export function parseItalianDate(v: Cell | undefined): string | undefined {
  const s = str(v);
  if (isIsoDate(s)) return s;
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (!m) return undefined;
  const iso = `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : undefined;
}

const YES = new Set(['si', 'sì', 'yes', 'true']);
const NO = new Set(['no', 'false']);
const ND = new Set(['', '-', '--', '---', 'n.d.', 'nd', 'n.d', 'n/d', 'nd.']);

export function parseYesNo(v: Cell | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const s = str(v).toLowerCase();
  if (YES.has(s)) return true;
  if (NO.has(s)) return false;
  return undefined;
}

/** A value as a plan holds it: yes/no, ISO date or number. */
export function parseValue(v: Cell | undefined): IndicatorValue | undefined {
  const yn = parseYesNo(v);
  if (yn !== undefined) return yn;
  return parseItalianDate(v) ?? parseItalianNumber(v);
}

const TYPES: Record<string, IndicatorType> = {
  volume: 'volume',
  efficacia: 'efficacia',
  efficienza: 'efficienza',
  qualita: 'qualita',
  'salute economica': 'salute_economica',
  salute_economica: 'salute_economica',
  dfp: 'dfp',
  'indicatori dfp': 'dfp',
  'indicatore funzione pubblica': 'dfp',
  altro: 'altro',
};
const UNITS: Record<string, IndicatorUnit> = {
  n: 'n',
  'n.': 'n',
  numero: 'n',
  '%': '%',
  percentuale: '%',
  '€': '€',
  euro: '€',
  gg: 'gg',
  giorni: 'gg',
  ore: 'ore',
  data: 'data',
  'si/no': 'si_no',
  si_no: 'si_no',
  'si-no': 'si_no',
};

export const parseType = (v: Cell | undefined): IndicatorType | undefined => TYPES[fold(str(v))];
export const parseUnit = (v: Cell | undefined): IndicatorUnit | undefined => UNITS[fold(str(v))];

const OPERATORS: [RegExp, TargetOperator][] = [
  [/^(>=|≥|=>)/, '>='],
  [/^(<=|≤|=<)/, '<='],
  [/^entro\s+il\b|^entro\b/i, 'entro_il'],
  [/^>/, '>'],
  [/^</, '<'],
  [/^=/, '='],
];

/** A target cell (">= 60", "≤ 2,0", "entro il 30/06/2022", "si", "80%"), with an optional operator cell. */
export function parseTarget(year: number, cell: Cell | undefined, operatorCell?: Cell): PlanTarget | undefined {
  let s = str(cell);
  const opText = str(operatorCell);
  let operator: TargetOperator | undefined = opText ? OPERATORS.find(([re]) => re.test(opText))?.[1] : undefined;
  for (const [re, op] of OPERATORS) {
    const m = re.exec(s);
    if (m) {
      operator ??= op;
      s = s.slice(m[0].length).trim();
      break;
    }
  }
  if (ND.has(s.toLowerCase())) return undefined;
  const value = typeof cell === 'number' ? cell : typeof cell === 'boolean' ? cell : parseValue(s);
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return { year, operator: operator === '=' || !operator ? 'si_no' : operator, value };
  if (typeof value === 'string') return { year, operator: !operator || operator === '<=' ? 'entro_il' : operator, value };
  return { year, operator: operator ?? '>=', value };
}

export function parseBaseline(cell: Cell | undefined, year?: number): PlanBaseline {
  const s = str(cell);
  const y = year !== undefined ? { year } : {};
  if (ND.has(s.toLowerCase()) && typeof cell !== 'number') return { nd: true, ...y };
  const value = typeof cell === 'number' || typeof cell === 'boolean' ? cell : parseValue(s);
  return value === undefined ? { nd: true, ...y } : { value, ...y };
}

// ---------- the sheet ----------

export type Column =
  | 'ambito'
  | 'strategic'
  | 'objectiveCode'
  | 'objectiveTitle'
  | 'description'
  | 'area'
  | 'office'
  | 'cdr'
  | 'resources'
  | 'commonSystem'
  | 'indicatorCode'
  | 'name'
  | 'algorithm'
  | 'type'
  | 'unit'
  | 'weight'
  | 'dataSource'
  | 'note';

const HEADERS: Record<Column, string[]> = {
  ambito: ['ambito strategico', 'ambito'],
  strategic: ['obiettivo strategico (os)', 'obiettivo strategico', 'os'],
  objectiveCode: ['codice obiettivo', 'codice obiettivo operativo', 'codice'],
  objectiveTitle: ['obiettivo operativo', 'titolo obiettivo', 'titolo', 'progetto'],
  description: ['descrizione'],
  area: ['area di responsabilita', 'area'],
  office: ['ufficio'],
  cdr: ['cdr', 'centro di responsabilita'],
  resources: ['risorse economiche', 'risorse'],
  commonSystem: ['obiettivo comune di sistema'],
  indicatorCode: ['codice indicatore'],
  name: ['indicatori', 'indicatore', 'kpi'],
  algorithm: ['algoritmo', 'algoritmo di calcolo'],
  type: ['tipologia', 'tipo'],
  unit: ['udm', 'unita di misura'],
  weight: ['peso indicatori', 'peso indicatore', 'peso'],
  dataSource: ['fonte dati', 'fonte dei dati', 'fonte'],
  note: ['note', 'nota'],
};

export interface SheetLayout {
  columns: Partial<Record<Column, number>>;
  baseline?: { index: number; year?: number };
  targets: { year: number; index: number; operatorIndex?: number }[];
  unknown: string[];
}

/** Finds the columns by their headers (case, accents and a trailing colon ignored). */
export function sheetLayout(header: readonly Cell[]): SheetLayout {
  const layout: SheetLayout = { columns: {}, targets: [], unknown: [] };
  const operators = new Map<number, number>();
  header.forEach((cell, index) => {
    const h = fold(str(cell));
    if (!h) return;
    let m = /^(?:stato|baseline|valore di partenza)(?: (\d{4}))?$/.exec(h);
    if (m) {
      layout.baseline = { index, ...(m[1] ? { year: Number(m[1]) } : {}) };
      return;
    }
    m = /^(?:target|risultato atteso) (\d{4})$/.exec(h);
    if (m) {
      layout.targets.push({ year: Number(m[1]), index });
      return;
    }
    // The achievement columns of the XLSX export are not plan data: read back without a warning.
    if (/^(?:misurato|raggiungimento|esito) \d{4}$/.test(h)) return;
    m = /^operatore (\d{4})$/.exec(h);
    if (m) {
      operators.set(Number(m[1]), index);
      return;
    }
    const column = (Object.keys(HEADERS) as Column[]).find((c) => HEADERS[c].includes(h) && layout.columns[c] === undefined);
    if (column) layout.columns[column] = index;
    else layout.unknown.push(str(cell));
  });
  for (const t of layout.targets) if (operators.has(t.year)) t.operatorIndex = operators.get(t.year);
  layout.targets.sort((a, b) => a.year - b.year);
  return layout;
}

/** "01_01 - Digitalizzazione" → { code: '01_01', title: 'Digitalizzazione' }. */
export function codeAndTitle(v: Cell | undefined): { code: string; title?: string } | undefined {
  const s = str(v);
  if (!s) return undefined;
  const m = /^([A-Za-z0-9][A-Za-z0-9_.]*)\s*(?:[-–—:]\s*(.*))?$/.exec(s);
  if (!m) return undefined;
  return m[2] ? { code: m[1], title: m[2].trim() } : { code: m[1] };
}

export const SHEET_COLUMNS = {
  ambito: 'Ambito strategico',
  strategic: 'Obiettivo strategico (OS)',
  objectiveCode: 'Codice obiettivo',
  objectiveTitle: 'Obiettivo operativo',
  area: 'Area di responsabilità',
  office: 'Ufficio',
  resources: 'Risorse economiche',
  indicatorCode: 'Codice indicatore',
  name: 'Indicatori',
  algorithm: 'Algoritmo',
  type: 'Tipologia',
  unit: 'UdM',
  weight: 'Peso indicatori',
  dataSource: 'Fonte dati',
} as const;

export const UNIT_LABEL: Record<IndicatorUnit, string> = { n: 'n.', '%': '%', '€': '€', gg: 'gg', ore: 'ore', data: 'data', si_no: 'si/no' };
export const TYPE_LABEL: Record<IndicatorType, string> = {
  volume: 'Volume',
  efficacia: 'Efficacia',
  efficienza: 'Efficienza',
  qualita: 'Qualità',
  salute_economica: 'Salute economica',
  dfp: 'Indicatori DFP',
  altro: 'Altro',
};
const itNumber = (n: number): string => String(n).replace('.', ',');
const itValue = (v: IndicatorValue): string => (typeof v === 'boolean' ? (v ? 'si' : 'no') : typeof v === 'number' ? itNumber(v) : `${v.slice(8, 10)}/${v.slice(5, 7)}/${v.slice(0, 4)}`);
export const OPERATOR_LABEL: Record<TargetOperator, string> = { '>=': '>=', '<=': '<=', '=': '=', '>': '>', '<': '<', entro_il: 'entro il', si_no: '' };

/** The indicator sheet of a plan: a header and one row per indicator, parents repeated on each row. */
export function planSheet(nodes: readonly PlanNode[], years: readonly number[]): Cell[][] {
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const baselineYear = years[0] - 1;
  const header: Cell[] = [
    ...Object.values(SHEET_COLUMNS).slice(0, 12),
    `Stato ${baselineYear}`,
    ...years.map((y) => `Target ${y}`),
    SHEET_COLUMNS.weight,
    SHEET_COLUMNS.dataSource,
  ];
  const rows: Cell[][] = [header];
  for (const n of nodes) {
    if (n.kind !== 'indicator') continue;
    const oo = byCode.get(n.objectiveCode);
    const so = oo?.kind === 'operational_objective' ? byCode.get(oo.strategicObjectiveCode) : undefined;
    const am = so?.kind === 'strategic_objective' ? byCode.get(so.ambitoCode) : undefined;
    const label = (x: PlanNode | undefined) => (x && (x.kind === 'ambito' || x.kind === 'strategic_objective') ? `${x.code} - ${x.title}` : null);
    const res = oo?.kind === 'operational_objective' ? oo.resources : null;
    rows.push([
      label(am),
      label(so),
      n.objectiveCode,
      oo?.kind === 'operational_objective' ? oo.title : null,
      oo?.kind === 'operational_objective' ? (oo.area ?? null) : null,
      oo?.kind === 'operational_objective' ? (oo.office ?? null) : null,
      res === null ? null : res.kind === 'euro' ? `${itNumber(res.amount)} €` : 'risorse interne',
      n.code,
      n.name,
      n.algorithm ?? null,
      TYPE_LABEL[n.type],
      UNIT_LABEL[n.unit],
      'nd' in n.baseline ? 'n.d.' : itValue(n.baseline.value),
      ...years.map((y) => {
        const t = n.targets.find((x) => x.year === y);
        return t ? `${OPERATOR_LABEL[t.operator]} ${itValue(t.value)}`.trim() : null;
      }),
      n.weight === null ? 'n.d.' : `${itNumber(n.weight)}%`,
      n.dataSource ?? null,
    ]);
  }
  return rows;
}
