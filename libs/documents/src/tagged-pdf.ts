/**
 * The accessible, deterministic PDF the documents share (the PIAO, the Relazione sulla
 * performance): A4, tagged (a structure tree with sections, headings, paragraphs, lists, tables
 * with column header cells, the table of contents), document language Italian, title shown by
 * viewers, DejaVu Sans embedded, running header and footer as artifacts, bookmarks. No clock:
 * the creation date is given; the same calls give the same bytes.
 */
import type PDFKitDocument from 'pdfkit';
import { parseMarkdown } from './markdown';

const FONT_DIR = 'dejavu-fonts-ttf/ttf/';
/** Font files by path: pdfkit's tables restore the font by its source, and a path (unlike a buffer) is a cache key. */
let fonts: { regular: string; bold: string; italic: string } | null = null;
const loadFonts = () =>
  (fonts ??= {
    regular: require.resolve(`${FONT_DIR}DejaVuSans.ttf`),
    bold: require.resolve(`${FONT_DIR}DejaVuSans-Bold.ttf`),
    italic: require.resolve(`${FONT_DIR}DejaVuSans-Oblique.ttf`),
  });

export const itDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const NUMBER = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 3 });
const AMOUNT = new Intl.NumberFormat('it-IT', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const itNumber = (n: number, decimals?: 2) => (decimals ? AMOUNT : NUMBER).format(n);

export type Struct = ReturnType<PDFKit.PDFDocument['struct']>;

interface Heading {
  level: 1 | 2;
  title: string;
  page: number;
}

export interface TaggedPdfOptions {
  title: string;
  author: string;
  subject: string;
  keywords: string;
  /** The time the document reflects: creation and modification date. */
  at: Date;
}

export const HEADING_COLOUR = '#1a3c6e';
export const WARNING_COLOUR = '#b00020';

let pdfkit: Promise<typeof PDFKitDocument> | undefined;
/**
 * pdfkit with its font parsers and compression tables (about 5 MB of heap and 20 MB resident) is
 * loaded when the first document is written, not when the process starts: most processes never
 * write one.
 */
export const loadPdfKit = (): Promise<typeof PDFKitDocument> => (pdfkit ??= import('pdfkit').then((m) => m.default));

/** A tagged PDF being written; `finish` lays out the table of contents, header and footer and returns the bytes. */
export async function taggedPdf(o: TaggedPdfOptions) {
  const PDFDocument = await loadPdfKit();
  const f = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 62, bottom: 60, left: 52, right: 52 },
    bufferPages: true,
    pdfVersion: '1.7',
    tagged: true,
    lang: 'it-IT',
    displayTitle: true,
    info: { Title: o.title, Author: o.author, Subject: o.subject, Keywords: o.keywords, Creator: 'Ciclo', Producer: 'Ciclo', CreationDate: o.at, ModDate: o.at },
  });
  doc.registerFont('R', f.regular);
  doc.registerFont('B', f.bold);
  doc.registerFont('I', f.italic);
  doc.font('R');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const headings: Heading[] = [];
  let tocPage = -1;
  let toc: Struct | null = null;
  const pageIndex = () => doc.bufferedPageRange().start + doc.bufferedPageRange().count - 1;
  const bottomLimit = () => doc.page.height - doc.page.margins.bottom;

  const block = (parent: Struct | PDFKit.PDFDocument, type: string, text: string, font: string, size: number, options: PDFKit.Mixins.TextOptions = {}, colour = 'black') => {
    const el = doc.struct(type, {}, () => {
      doc.font(font).fontSize(size).fillColor(colour).text(text, left, doc.y, { width, ...options });
    });
    if (parent === doc) doc.addStructure(el);
    else (parent as Struct).add(el);
    el.end();
    doc.fillColor('black');
  };
  const ensureSpace = (h: number) => {
    if (doc.y + h > bottomLimit()) doc.addPage();
  };
  const heading = (parent: Struct, level: 1 | 2 | 3 | 4 | 5, text: string, inToc: boolean) => {
    const size = [0, 16, 13, 11.5, 10.5, 9.5][level];
    ensureSpace(size * 4);
    if (level <= 2) doc.moveDown(level === 1 ? 0.4 : 0.6);
    else doc.moveDown(0.4);
    if (inToc && level <= 2) {
      headings.push({ level: level as 1 | 2, title: text, page: pageIndex() });
      doc.outline.addItem(text);
    }
    block(parent, `H${level}`, text, 'B', size, {}, level <= 2 ? HEADING_COLOUR : 'black');
    doc.moveDown(0.25);
  };
  const para = (parent: Struct, text: string, font = 'R', size = 9.5, colour = 'black') => {
    block(parent, 'P', text, font, size, { align: 'left' }, colour);
    doc.moveDown(0.3);
  };
  const section = () => {
    const s = doc.struct('Sect');
    doc.addStructure(s);
    return s;
  };
  /** A list: L > LI > Lbl + LBody. */
  const list = (parent: Struct, items: string[], ordered: boolean, size = 9.5) => {
    const l = doc.struct('L');
    parent.add(l);
    items.forEach((item, i) => {
      const label = ordered ? `${i + 1}.` : '•';
      doc.font('R').fontSize(size);
      ensureSpace(doc.heightOfString(item, { width: width - 18 }));
      const y = doc.y;
      const li = doc.struct('LI');
      l.add(li);
      li.add(doc.struct('Lbl', {}, () => doc.font('R').fontSize(size).text(label, left + 4, y, { width: 14, lineBreak: false })));
      li.add(doc.struct('LBody', {}, () => doc.font('R').fontSize(size).text(item, left + 18, y, { width: width - 18 })));
      li.end();
      doc.moveDown(0.15);
    });
    l.end();
    doc.x = left;
    doc.moveDown(0.3);
  };
  /**
   * Markdown the offices wrote, as tagged headings (under `baseLevel`), paragraphs and lists.
   * Returns false when there is nothing to print.
   */
  const markdown = (parent: Struct, text: string | undefined, baseLevel: 1 | 2 | 3): boolean => {
    const blocks = text ? parseMarkdown(text) : [];
    for (const b of blocks) {
      if (b.kind === 'heading') heading(parent, Math.min(5, baseLevel + b.level) as 2 | 3 | 4 | 5, b.text, false);
      else if (b.kind === 'paragraph') para(parent, b.text);
      else list(parent, b.items, b.ordered);
    }
    return blocks.length > 0;
  };
  /**
   * A table: Table > TR > TH/TD in the structure tree (header cells with column scope), rows kept
   * whole on a page, the header repeated on each new page as an artifact (read once), fills and
   * rules as artifacts. `fills` colours a row's cells (a band), by row index and cell index.
   */
  const table = (parent: Struct, header: string[], rows: string[][], widths: number[], size = 7.5, fills?: (row: number, cell: number) => string | undefined) => {
    const pad = 2.5;
    const total = widths.reduce((x, y) => x + y, 0);
    const heightOf = (cells: string[], font: string) => {
      doc.font(font).fontSize(size);
      return Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i] - 2 * pad }))) + 2 * pad;
    };
    const tableEl = doc.struct('Table');
    parent.add(tableEl);
    const paint = (y: number, h: number, head: boolean, rowIndex: number) => {
      doc.markContent('Artifact');
      if (head) doc.rect(left, y, total, h).fill('#e8edf4');
      else if (fills) {
        let x = left;
        widths.forEach((w, i) => {
          const c = fills(rowIndex, i);
          if (c) doc.rect(x, y, w, h).fill(c);
          x += w;
        });
      }
      doc.lineWidth(0.4).strokeColor('#888');
      doc.rect(left, y, total, h).stroke();
      let x = left;
      for (const w of widths.slice(0, -1)) {
        x += w;
        doc.moveTo(x, y).lineTo(x, y + h).stroke();
      }
      doc.endMarkedContent();
      doc.fillColor('black');
    };
    const put = (c: string, i: number, x: number, y: number, font: string) => doc.font(font).fontSize(size).fillColor('black').text(c, x + pad, y + pad, { width: widths[i] - 2 * pad });
    const row = (cells: string[], head: boolean, rowIndex: number) => {
      const font = head ? 'B' : 'R';
      const h = heightOf(cells, font);
      if (doc.y + h > bottomLimit()) {
        doc.addPage();
        doc.y = doc.page.margins.top;
        if (!head) {
          // The header again, for the eye only.
          const hh = heightOf(header, 'B');
          const y0 = doc.y;
          paint(y0, hh, true, -1);
          doc.markContent('Artifact');
          let x0 = left;
          header.forEach((c, i) => {
            put(c, i, x0, y0, 'B');
            x0 += widths[i];
          });
          doc.endMarkedContent();
          doc.y = y0 + hh;
        }
      }
      const y = doc.y;
      paint(y, h, head, rowIndex);
      const tr = doc.struct('TR');
      tableEl.add(tr);
      let x = left;
      cells.forEach((c, i) => {
        const cx = x;
        tr.add(doc.struct(head ? 'TH' : 'TD', (head ? { scope: 'Column' } : {}) as PDFKit.Mixins.StructureElementOptions, () => put(c, i, cx, y, font)));
        x += widths[i];
      });
      tr.end();
      doc.x = left;
      doc.y = y + h;
    };
    row(header, true, -1);
    rows.forEach((r, i) => row(r, false, i));
    tableEl.end();
    doc.x = left;
    doc.moveDown(0.5);
  };
  /** A page for the table of contents, filled in by `finish` once the pages are known. */
  const tableOfContents = () => {
    doc.addPage();
    tocPage = pageIndex();
    toc = doc.struct('TOC');
    doc.addStructure(toc);
  };

  /**
   * Lays out the table of contents, then on every page the running header and footer (artifacts):
   * `header(pageIndex)` gives the left and right header texts (right in red when `warn`), the footer
   * prints `footerLeft` and "Pagina N di M".
   */
  const finish = (header: (page: number) => { left?: string; right: string; warn: boolean }, footerLeft: string): Promise<Buffer> => {
    const range = doc.bufferedPageRange();
    if (toc) {
      const t: Struct = toc;
      doc.switchToPage(tocPage);
      doc.x = left;
      doc.y = doc.page.margins.top;
      block(t, 'H1', 'Indice', 'B', 16, {}, HEADING_COLOUR);
      doc.moveDown(0.6);
      for (const h of headings) {
        const el = doc.struct('TOCI', {}, () => {
          const indent = h.level === 1 ? 0 : 18;
          const y = doc.y;
          doc.font(h.level === 1 ? 'B' : 'R').fontSize(h.level === 1 ? 11 : 10);
          doc.text(h.title, left + indent, y, { width: width - indent - 40 });
          const after = doc.y;
          doc.text(String(h.page + 1), left, y, { width, align: 'right' });
          doc.y = Math.max(after, doc.y) + 3;
        });
        t.add(el);
      }
      t.end();
    }
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const h = header(i - range.start);
      doc.markContent('Artifact', { type: 'Pagination' });
      doc.font('R').fontSize(7.5).fillColor('#555');
      if (h.left) doc.text(h.left, left, 30, { width, align: 'left', lineBreak: false });
      if (h.warn) doc.font('B').fillColor(WARNING_COLOUR).text(h.right, left, 30, { width, align: 'right', lineBreak: false });
      else doc.text(h.right, left, 30, { width, align: 'right', lineBreak: false });
      doc.font('R').fillColor('#555').text(`Pagina ${i + 1} di ${range.count}`, left, doc.page.height - 38, { width, align: 'right', lineBreak: false });
      doc.text(footerLeft, left, doc.page.height - 38, { width, align: 'left', lineBreak: false });
      doc.endMarkedContent();
      doc.fillColor('black');
      doc.page.margins.bottom = bottom;
    }
    doc.end();
    return done;
  };

  return { doc, left, width, block, heading, para, section, list, markdown, table, ensureSpace, tableOfContents, finish };
}

export type TaggedPdf = Awaited<ReturnType<typeof taggedPdf>>;
