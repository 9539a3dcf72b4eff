import { constants as zlibConstants, inflateSync } from 'node:zlib';

/** A strict RFC 4180 parser (quoted fields, doubled quotes, CRLF records; `;` between cells as our CSVs have it): rows of cells. */
export function parseCsv(text: string, delimiter = ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        cell += c;
        i++;
      }
    } else if (c === '"') {
      if (cell !== '') throw new Error(`quote inside an unquoted cell at ${i}`);
      quoted = true;
      i++;
    } else if (c === delimiter) {
      row.push(cell);
      cell = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else if (c === '\n' || c === '\r') {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      cell += c;
      i++;
    }
  }
  if (quoted) throw new Error('unterminated quoted cell');
  if (cell !== '' || row.length) throw new Error('last record not ended by CRLF');
  return rows;
}

// WinAnsi codes 0x80-0x9f that differ from Latin-1.
const WIN_ANSI: Record<number, string> = { 0x80: '€', 0x85: '…', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x96: '–', 0x97: '—' };

/**
 * The text of a PDF written by pdfkit with the standard fonts: every content stream is inflated
 * and the strings shown by each TJ/Tj operator are decoded (hex, WinAnsi). One entry per shown line.
 */
export function pdfLines(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw))) {
    const start = m.index + m[0].length;
    const dict = raw.slice(Math.max(0, raw.lastIndexOf('<<', m.index)), m.index);
    // The dictionary's /Length bounds the data exactly; searching for `endstream` would also stop
    // at those bytes inside compressed data.
    const length = /\/Length (\d+)(?!\s+\d+\s+R)/.exec(dict);
    const end = length ? start + Number(length[1]) : raw.indexOf('endstream', start);
    if (end < 0 || end > pdf.length) break;
    let body = pdf.subarray(start, end);
    if (/FlateDecode/.test(dict)) {
      try {
        body = inflateSync(body);
      } catch {
        // The stream's end-of-line before `endstream` can leave the deflate data looking cut short.
        try {
          body = inflateSync(body, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
        } catch {
          continue; // not a content stream we can read (fonts are not embedded, so this is rare)
        }
      }
    }
    const content = body.toString('latin1');
    for (const op of content.matchAll(/\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hexes = op[1] !== undefined ? [...op[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]) : [op[2]];
      lines.push(hexes.map((h) => [...Buffer.from(h, 'hex')].map((b) => WIN_ANSI[b] ?? String.fromCharCode(b)).join('')).join(''));
    }
    const close = raw.indexOf('endstream', end);
    re.lastIndex = close < 0 ? end : close + 'endstream'.length;
  }
  return lines;
}
