/**
 * One-sheet XLSX tables for the plan's indicator sheets (import and export), on exceljs. Reads the
 * first worksheet: strings (rich text included), numbers, booleans, formula results; numbers in a
 * percent format become "25%" and numbers in a date format become ISO dates, as a person sees them.
 */
import type * as ExcelJS from 'exceljs';

export type Cell = string | number | boolean | null;

function formatNumber(n: number): string {
  return String(Math.round(n * 1e9) / 1e9);
}

/** A cell as a person sees it; `numFmt` tells percentages apart. */
function toCell(value: ExcelJS.CellValue, numFmt: string | undefined): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    const code = (numFmt ?? '').replace(/"[^"]*"|\[[^\]]*\]/g, '');
    return code.includes('%') ? `${formatNumber(value * 100)}%` : value;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('error' in value) return null;
  if ('formula' in value || 'sharedFormula' in value)
    return value.result === undefined ? null : toCell(value.result, numFmt);
  if ('text' in value)
    return typeof value.text === 'string' ? value.text : toCell(value.text as ExcelJS.CellValue, numFmt);
  return null;
}

/** Rows of the first worksheet; empty trailing cells dropped; each row as long as its last cell. */
export async function readXlsx(buf: Buffer): Promise<Cell[][]> {
  // exceljs (about 8 MB of heap, 25 MB resident) is loaded on the first workbook, not at start.
  const { Workbook } = await import('exceljs');
  const workbook = new Workbook();
  await workbook.xlsx.load(buf as unknown as Parameters<ExcelJS.Xlsx['load']>[0]);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('not an XLSX workbook (no worksheet)');
  const rows: Cell[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const out: Cell[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      const value = toCell(cell.value, cell.numFmt);
      if (value === null) return;
      while (out.length < col - 1) out.push(null);
      out[col - 1] = value;
    });
    while (rows.length < rowNumber - 1) rows.push([]);
    rows[rowNumber - 1] = out;
  });
  return rows;
}

/** A one-sheet XLSX: strings, numbers and booleans as such; the first row bold. */
export async function writeXlsx(rows: readonly (readonly Cell[])[], sheetName = 'Foglio1'): Promise<Buffer> {
  // exceljs (about 8 MB of heap, 25 MB resident) is loaded on the first workbook, not at start.
  const { Workbook } = await import('exceljs');
  const workbook = new Workbook();
  // A fixed date keeps the document properties deterministic.
  workbook.created = workbook.modified = new Date(Date.UTC(2024, 0, 1));
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  rows.forEach((row, r) => {
    const added = sheet.addRow(row.map((v) => (v === '' ? null : v)));
    if (r === 0) added.font = { bold: true };
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
