/**
 * CSV for people: the files Italian offices open in a spreadsheet. One writer for every CSV the
 * system produces (audit trail, plan sheet), so they all open the same way in Italian Excel:
 * `;` between cells (Italian Excel's list separator), UTF-8 with a byte-order mark (accented
 * letters read right), CRLF line ends, numbers with a decimal comma, and no cell a spreadsheet
 * would run as a formula.
 */
import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | boolean | null | undefined;

/** Cells a spreadsheet reads as formulas (or as the start of one): = + - @, tab, CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell made inert: a leading apostrophe when a spreadsheet would read a formula. */
export const guardFormula = (s: string): string => (FORMULA_START.test(s) ? `'${s}` : s);

/** Removes the guard `guardFormula` adds (for importers reading our own files back). */
export const unguardFormula = (s: string): string => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

/** A number as an Italian reads it: decimal comma, no thousands separator (Excel parses it back as a number). */
export const italianNumber = (n: number): string => (Number.isFinite(n) ? String(Math.round(n * 1e9) / 1e9).replace('.', ',') : '');

/** One cell as text: numbers with a decimal comma, booleans as sì/no, text guarded. */
export function csvText(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return italianNumber(v);
  if (typeof v === 'boolean') return v ? 'sì' : 'no';
  return guardFormula(v);
}

/**
 * The CSV of a table (first row the header): `;`, UTF-8 with BOM, CRLF after every line (the
 * last too), cells quoted when they hold `;`, a quote or a line break (quotes doubled).
 */
export function peopleCsv(rows: readonly (readonly CsvCell[])[]): Buffer {
  const body = stringify(
    rows.map((r) => r.map(csvText)),
    { delimiter: ';', record_delimiter: '\r\n', quoted_match: /[\r\n]/ },
  );
  return Buffer.from(`\uFEFF${body}`, 'utf8');
}
