/**
 * Workbooks people open in Excel: numbers, percentages, euro amounts and dates as typed cells with
 * a number format (so they sort, sum and chart), text as text. On exceljs; the document dates are
 * fixed so that the same data give the same bytes.
 */
import type * as ExcelJS from 'exceljs';

/** A typed cell: text, a plain number, or a value with how to show it. */
export type XlsxCell =
  | string
  | number
  | boolean
  | null
  | undefined
  | { number: number; format: 'integer' | 'decimal' | 'percent' | 'euro' }
  | { date: string };

export interface XlsxSheet {
  name: string;
  /** Header texts and column widths (characters). */
  columns: { header: string; width?: number }[];
  rows: readonly (readonly XlsxCell[])[];
}

/** Formats as Excel stores them; Italian Excel shows them with a decimal comma and `.` thousands. */
const FORMATS = {
  integer: '#,##0',
  decimal: '#,##0.0##',
  percent: '0.0%',
  euro: '#,##0.00 "€"',
  date: 'dd/mm/yyyy',
} as const;

/** A percent (60 = 60 %) as a typed cell: Excel stores 0.6 and shows 60,0%. */
export const percentCell = (n: number | null | undefined): XlsxCell => (n === null || n === undefined ? null : { number: n / 100, format: 'percent' });
/** An amount, a count or a measure as a typed cell (integer or decimal format). */
export const numberCell = (n: number | null | undefined): XlsxCell =>
  n === null || n === undefined ? null : { number: n, format: Number.isInteger(n) ? 'integer' : 'decimal' };
export const euroCell = (n: number | null | undefined): XlsxCell => (n === null || n === undefined ? null : { number: n, format: 'euro' });
/** An ISO date (2027-06-30) or instant as a date cell. */
export const dateCell = (iso: string | null | undefined): XlsxCell => (iso ? { date: iso } : null);

function put(cell: ExcelJS.Cell, v: XlsxCell): void {
  if (v === null || v === undefined || v === '') return;
  if (typeof v === 'string' || typeof v === 'boolean') {
    cell.value = v;
    return;
  }
  if (typeof v === 'number') {
    cell.value = v;
    cell.numFmt = Number.isInteger(v) ? FORMATS.integer : FORMATS.decimal;
    return;
  }
  if ('number' in v) {
    cell.value = v.number;
    cell.numFmt = FORMATS[v.format];
    return;
  }
  // A calendar date is midnight UTC: Excel has no time zones and shows the same day.
  const d = new Date(v.date.length === 10 ? `${v.date}T00:00:00Z` : v.date);
  if (Number.isNaN(d.getTime())) return;
  cell.value = v.date.length === 10 ? d : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  cell.numFmt = FORMATS.date;
}

/** A workbook of several sheets: the header row bold and frozen, filters on it, typed cells. */
export async function typedWorkbook(sheets: readonly XlsxSheet[]): Promise<Buffer> {
  // exceljs (about 8 MB of heap, 25 MB resident) is loaded on the first workbook, not at start.
  const { Workbook } = await import('exceljs');
  const workbook = new Workbook();
  workbook.creator = 'Ciclo';
  workbook.created = workbook.modified = new Date(Date.UTC(2024, 0, 1));
  for (const s of sheets) {
    const sheet = workbook.addWorksheet(s.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = s.columns.map((c) => ({ header: c.header, width: c.width ?? Math.min(40, Math.max(10, c.header.length + 2)) }));
    sheet.getRow(1).font = { bold: true };
    s.rows.forEach((row, r) => {
      const xr = sheet.getRow(r + 2);
      row.forEach((v, c) => put(xr.getCell(c + 1), v));
    });
    if (s.columns.length) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: s.columns.length } };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
