import { createHash } from 'node:crypto';
import { loadPdfKit, peopleCsv } from '@ciclo/documents';
import type { AuditEntry, LastVerification } from '@ciclo/projections';

/** Columns of the CSV export, in order (the header line). */
export const AUDIT_CSV_COLUMNS = [
  'position',
  'recorded_at',
  'occurred_at',
  'tenant',
  'stream_id',
  'cycle_id',
  'version',
  'type',
  'actor_id',
  'actor_role',
  'reason',
  'correlation_id',
  'summary',
  'event_id',
  'hash',
] as const;

/**
 * The CSV export, written by the same writer as every CSV people open (`;`, UTF-8 with BOM, CRLF,
 * formula guard: docs/documents.md): a header line, one line per row.
 */
export function auditCsv(rows: readonly AuditEntry[]): Buffer {
  return peopleCsv([
    AUDIT_CSV_COLUMNS,
    ...rows.map((r) => [
      r.position,
      r.recordedAt,
      r.occurredAt,
      r.tenant,
      r.streamId,
      r.cycleId,
      r.version,
      r.type,
      r.actorId,
      r.actorRole,
      r.reason,
      r.correlationId,
      r.summary,
      r.eventId,
      r.hash,
    ]),
  ]);
}

/**
 * The fingerprint of an export's rows, printed on the PDF cover and sent as `X-Audit-Rows-SHA256`:
 * the SHA-256 (hex) of the CSV export of the same rows in the same order, byte for byte as
 * `GET /audit/export.csv` returns it (BOM, header and CRLF included).
 */
export const auditRowsSha256 = (rows: readonly AuditEntry[]): string => createHash('sha256').update(auditCsv(rows)).digest('hex');

/** Italian date and time in Europe/Rome, e.g. "05/03/2027 14:02:09". */
export function romeDateTime(d: Date | string): string {
  const parts = new Intl.DateTimeFormat('it-IT', {
    timeZone: 'Europe/Rome',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(typeof d === 'string' ? new Date(d) : d);
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('day')}/${p('month')}/${p('year')} ${p('hour')}:${p('minute')}:${p('second')}`;
}

/** The chain status shown on the cover (null when the store keeps no hash chain). */
export interface CoverChainStatus {
  intact: boolean;
  intactUpTo: number;
  checkedEvents: number;
  sealedEvents: number;
  headSeal: { seq: number; hash: string } | null;
  firstBad: { position: number; problem: string; detail: string } | null;
}

/** How the report names what the rows hold by id: people, roles, event types, cycles. */
export interface AuditNames {
  person(actorId: string): string;
  role(role: string): string;
  eventType(type: string): string;
  cycle(cycleId: string): string;
}

export interface AuditPdfInput {
  tenant: string;
  /** The chamber's name ("Camera di commercio di Pistoia-Prato"). */
  tenantName: string;
  exportedBy: { userId: string; role: string };
  exportedAt: Date;
  scope: 'tenant' | 'own_cycles';
  /** Filters as given (already validated, in words), printed in this order. */
  filters: { key: string; label: string; value: string }[];
  order: 'asc' | 'desc';
  chain: CoverChainStatus | null;
  lastVerification: LastVerification | null;
  rows: readonly AuditEntry[];
  rowsSha256: string;
  names: AuditNames;
  /** Uncompressed content streams (tests read the text); default compressed. */
  compress?: boolean;
}

/**
 * What the export covers, in one sentence true to the access and the filters: the whole trail of
 * the chamber, one cycle, the cycles the person acted in, and whether filters narrow the rows.
 */
export function scopeLineIt(scope: 'tenant' | 'own_cycles', filters: readonly { key: string; value: string }[]): string {
  const cycle = filters.find((f) => f.key === 'cycleId');
  const others = filters.filter((f) => f.key !== 'cycleId').length;
  let line = cycle ? `Il solo ciclo «${cycle.value}»${scope === 'tenant' ? '' : ", tra quelli a cui l'utente ha partecipato"}` : scope === 'tenant' ? "L'intero registro dell'ente" : "I cicli a cui l'utente ha partecipato";
  if (others) line += `, limitato ${others === 1 ? 'dal filtro' : `dai ${others} filtri`} qui sotto`;
  return line;
}

// The standard PDF fonts encode WinAnsi: anything else is printed as '?'.
const WIN_ANSI_EXTRA = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
const pdfText = (s: string) =>
  [...s.replace(/\r\n|\r|\n|\t/g, ' ')].map((c) => (/[\x20-\x7e\xa0-\xff]/.test(c) || WIN_ANSI_EXTRA.includes(c) ? c : '?')).join('');

const PROBLEM_IT: Record<string, string> = {
  event_modified: 'evento modificato',
  event_deleted: 'evento cancellato',
  event_inserted: 'evento inserito',
  event_reordered: 'eventi riordinati o mancanti',
  seal_modified: 'sigillo modificato',
  seal_missing: 'sigillo mancante',
  stream_head_mismatch: 'testa del flusso non corrispondente',
  anchor_mismatch: 'catena riscritta: non corrisponde a un sigillo salvato in precedenza',
};

export const chainStatusIt = (c: { intact: boolean; intactUpTo: number; firstBad: CoverChainStatus['firstBad'] }): string =>
  c.intact
    ? `INTEGRA fino alla posizione ${c.intactUpTo}`
    : `ANOMALIA alla posizione ${c.firstBad?.position ?? '?'}: ${PROBLEM_IT[c.firstBad?.problem ?? ''] ?? c.firstBad?.problem} (${c.firstBad?.problem}) - ${c.firstBad?.detail ?? ''}; integra fino alla posizione ${c.intactUpTo}`;

interface Column {
  title: string;
  width: number;
  value: (r: AuditEntry, names: AuditNames) => string;
}

/** The reason, unless the summary already quotes it (it is printed once). */
const reasonOnce = (r: AuditEntry) => (r.reason && !r.summary.includes(r.reason) ? r.reason : '');

const COLUMNS: Column[] = [
  { title: 'Pos.', width: 36, value: (r) => String(r.position) },
  { title: 'Data e ora', width: 78, value: (r) => romeDateTime(r.recordedAt) },
  { title: 'Evento', width: 120, value: (r, n) => n.eventType(r.type) },
  { title: 'Persona', width: 90, value: (r, n) => n.person(r.actorId) },
  { title: 'Ruolo', width: 80, value: (r, n) => n.role(r.actorRole) },
  { title: 'Sintesi', width: 254, value: (r) => r.summary },
  { title: 'Motivazione', width: 60, value: reasonOnce },
  { title: 'Hash (inizio)', width: 44, value: (r) => r.hash.slice(0, 8) },
];

/**
 * The PDF report: a cover page (tenant, who exported and when, filters, chain status verified at
 * export time, last recorded verification, row count and the rows' SHA-256), then the rows in a
 * table, A4 landscape, with page numbers.
 */
export async function renderAuditPdf(input: AuditPdfInput): Promise<Buffer> {
  const PDFDocument = await loadPdfKit();
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: { top: 40, bottom: 40, left: 40, right: 40 },
    bufferPages: true,
    compress: input.compress ?? true,
    info: { Title: `Registro di audit - ${input.tenantName}`, Author: 'Ciclo', Subject: 'Esportazione del registro di audit', CreationDate: input.exportedAt },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;

  // Cover page.
  doc.font('Helvetica-Bold').fontSize(20).text(pdfText('Registro di audit'), left, 50, { width });
  doc.font('Helvetica').fontSize(11).fillColor('#444').text(pdfText(`${input.tenantName} - esportazione in PDF generata da Ciclo`), { width });
  doc.fillColor('black').moveDown(1.2);
  const fact = (label: string, value: string, mono = false) => {
    const y0 = doc.y;
    doc.font('Helvetica-Bold').fontSize(10).text(pdfText(label), left, y0, { width: 190 });
    const afterLabel = doc.y;
    doc.font(mono ? 'Courier' : 'Helvetica').fontSize(10).text(pdfText(value), left + 200, y0, { width: width - 200 });
    doc.y = Math.max(afterLabel, doc.y);
    doc.x = left;
    doc.moveDown(0.35);
  };
  fact('Data e ora di esportazione', `${romeDateTime(input.exportedAt)} (Europe/Rome) - ${input.exportedAt.toISOString()}`);
  fact('Esportato da', `${input.names.person(input.exportedBy.userId)} (${input.names.role(input.exportedBy.role)})`);
  fact('Ente', input.tenantName);
  fact('Ambito', scopeLineIt(input.scope, input.filters));
  const others = input.filters.filter((f) => f.key !== 'cycleId');
  fact('Filtri', others.length ? others.map((f) => `${f.label}: ${f.value}`).join('; ') : 'nessuno');
  fact('Ordine', input.order === 'asc' ? 'dal meno recente al più recente' : 'dal più recente al meno recente');
  fact('Righe esportate', String(input.rows.length));
  if (input.rows.length) {
    const positions = input.rows.map((r) => r.position);
    fact('Posizioni', `da ${Math.min(...positions)} a ${Math.max(...positions)}`);
  }
  doc.moveDown(0.6);
  if (input.chain) {
    fact('Catena di hash (verificata ora)', chainStatusIt(input.chain));
    fact('Eventi ricalcolati / sigillati', `${input.chain.checkedEvents} / ${input.chain.sealedEvents}`);
    fact('Sigillo di testa', input.chain.headSeal ? `n. ${input.chain.headSeal.seq}  ${input.chain.headSeal.hash}` : 'nessuno', true);
  } else {
    fact('Catena di hash', "non disponibile con l'archivio eventi configurato");
  }
  const lv = input.lastVerification;
  fact(
    'Ultima verifica registrata',
    lv ? `${romeDateTime(lv.verifiedAt)} (${lv.trigger === 'nightly' ? 'verifica notturna' : (lv.trigger ?? lv.actorId)}): ${chainStatusIt(lv)}` : 'nessuna',
  );
  doc.moveDown(0.6);
  fact('SHA-256 delle righe esportate', input.rowsSha256, true);
  doc.moveDown(0.8);
  doc
    .font('Helvetica-Oblique')
    .fontSize(9)
    .fillColor('#444')
    .text(
      pdfText(
        "L'impronta SHA-256 è calcolata sul file CSV delle stesse righe, nello stesso ordine, esattamente come lo restituisce GET /audit/export.csv con gli stessi filtri " +
          '(UTF-8 con BOM, riga di intestazione inclusa, righe terminate da CRLF): chi riceve il CSV può confrontarla con sha256sum. ' +
          "Anche questa esportazione è registrata nel registro di audit (evento AuditTrailRead) con la stessa impronta. Il sigillo di testa può essere conservato fuori dal sistema per dimostrare in seguito che il registro non è stato riscritto.",
      ),
      left,
      doc.y,
      { width },
    );
  doc.fillColor('black');

  // The rows.
  const bottom = () => doc.page.height - doc.page.margins.bottom - 14;
  const cellPad = 3;
  const rowHeight = (cells: string[], font: string) => {
    doc.font(font).fontSize(7.5);
    return Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: COLUMNS[i].width - 2 * cellPad }))) + 2 * cellPad;
  };
  const drawRow = (cells: string[], y: number, h: number, font: string, fill?: string) => {
    let x = left;
    if (fill) doc.rect(left, y, width, h).fill(fill).fillColor('black');
    doc.font(font).fontSize(7.5);
    cells.forEach((c, i) => {
      doc.text(c, x + cellPad, y + cellPad, { width: COLUMNS[i].width - 2 * cellPad, lineBreak: true });
      x += COLUMNS[i].width;
    });
    doc.moveTo(left, y + h).lineTo(left + width, y + h).lineWidth(0.3).strokeColor('#999').stroke();
  };
  const header = COLUMNS.map((c) => c.title);
  let y = 0;
  const newPage = () => {
    doc.addPage();
    y = doc.page.margins.top;
    const h = rowHeight(header, 'Helvetica-Bold');
    drawRow(header, y, h, 'Helvetica-Bold', '#e6e6e6');
    y += h;
  };
  newPage();
  if (!input.rows.length) doc.font('Helvetica-Oblique').fontSize(9).text('Nessuna riga corrisponde ai filtri.', left, y + 8);
  for (const r of input.rows) {
    // A cell never outgrows a page: the full text is in the CSV export.
    const cells = COLUMNS.map((c) => pdfText(c.value(r, input.names))).map((c) => (c.length > 700 ? `${c.slice(0, 699)}…` : c));
    const h = rowHeight(cells, 'Helvetica');
    if (y + h > bottom()) newPage();
    drawRow(cells, y, h, 'Helvetica');
    y += h;
  }

  // Page numbers.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const text = `Registro di audit - ${input.tenantName} - ${romeDateTime(input.exportedAt)} - pagina ${i + 1} di ${range.count}`;
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing in the margin must not open a new page
    doc.font('Helvetica').fontSize(7).fillColor('#666');
    doc.text(pdfText(text), left, doc.page.height - margin + 12, { width, align: 'right', lineBreak: false });
    doc.fillColor('black');
    doc.page.margins.bottom = margin;
  }
  doc.end();
  return done;
}
