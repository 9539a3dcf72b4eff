/**
 * The PIAO as an accessible PDF, by the sections of DM 132/2022 (Schema tipo): cover, table of
 * contents, 1 Scheda anagrafica, 2 Valore pubblico, performance e anticorruzione (2.1, 2.2 with the
 * whole performance tree, 2.3), 3 Organizzazione e capitale umano, 4 Monitoraggio, attachments.
 *
 * Accessible: tagged (structure tree with headings, paragraphs, tables with header cells, the table
 * of contents), document language Italian, title in the metadata and shown by viewers, running
 * header and footer marked as artifacts, bookmarks; fonts embedded (DejaVu Sans: Italian and every
 * other Latin letter people type).
 *
 * Deterministic: no clock and no randomness — the creation date is the time of the last event the
 * document reflects, and the order is the tree's order; the same input gives the same bytes.
 */
import PDFDocument from 'pdfkit';
import { isoDateAt, type IndicatorNode, type IndicatorUnit, type IndicatorValue, type OperationalObjectiveNode, type PlanNode, type PlanTarget, type StrategicObjectiveNode, type AmbitoNode } from '@ciclo/domain';

export interface PiaoChamber {
  name: string;
  ipaCode?: string;
  address?: string;
  legalRepresentative?: string;
  employees?: number;
  website?: string;
}

export interface PiaoDeliberation {
  organ: string;
  number: string;
  /** ISO date. */
  date: string;
}

/** The risk register of section 2.3 (libs/domain/src/plan/register), as the document prints it. */
export interface PiaoRiskRegister {
  /** Processes, highest rating first */
  processes: { code: string; title: string; area?: string; office?: string; rating: string | null; motivation: string | null; risks: string[] }[];
  /** Measures with the risks they treat */
  measures: {
    code: string;
    title: string;
    measureKind: string;
    category: string;
    riskCodes: string[];
    owner: { office: string; dirigente: string };
    phases: { title: string; deadline: string }[];
    indicator: string;
    target: string;
  }[];
}

export interface PiaoInput {
  chamber: PiaoChamber;
  cycle: { title: string; period: string; years: number[]; version: number; stageTitle: string };
  /** The adopting deliberation; null while the plan is a draft (then every page says so). */
  adoption: PiaoDeliberation | null;
  /** Approved variations, in order. */
  variations: { number: number; reason: string; deliberation?: PiaoDeliberation }[];
  /** The tree, in its order (ambiti, strategic and operational objectives, indicators). */
  nodes: readonly PlanNode[];
  attachments: { name: string; sha256: string; at: string }[];
  measurements: number;
  /** The anticorruption risk register (section 2.3), when the cycle holds one. */
  riskRegister?: PiaoRiskRegister;
  /** Narrative text the offices wrote, by section number ('2.1', '3.1', '3.2', '3.3', '4'); absent: not yet written. */
  narratives?: Partial<Record<string, string>>;
  /** Time of the last event the document reflects: the PDF's creation date. */
  asOf: Date;
}

const FONT_DIR = 'dejavu-fonts-ttf/ttf/';
/** Font files by path: pdfkit's tables restore the font by its source, and a path (unlike a buffer) is a cache key. */
let fonts: { regular: string; bold: string; italic: string } | null = null;
const loadFonts = () =>
  (fonts ??= {
    regular: require.resolve(`${FONT_DIR}DejaVuSans.ttf`),
    bold: require.resolve(`${FONT_DIR}DejaVuSans-Bold.ttf`),
    italic: require.resolve(`${FONT_DIR}DejaVuSans-Oblique.ttf`),
  });

const NOT_WRITTEN = 'Sezione non ancora redatta.';
const NOT_GIVEN = 'non indicato';

const itDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const NUMBER = new Intl.NumberFormat('it-IT', { maximumFractionDigits: 3 });
const AMOUNT = new Intl.NumberFormat('it-IT', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const itNumber = (n: number, decimals?: 2) => (decimals ? AMOUNT : NUMBER).format(n);
const ORGAN: Record<string, string> = { giunta: 'della Giunta', consiglio: 'del Consiglio', presidente: 'del Presidente' };
export const deliberationIt = (d: PiaoDeliberation) => `deliberazione ${ORGAN[d.organ] ?? d.organ} n. ${d.number} del ${itDate(d.date)}`;

const UNIT: Record<IndicatorUnit, string> = { n: 'numero', '%': '%', '€': 'euro', gg: 'giorni', ore: 'ore', data: 'data', si_no: 'sì/no' };
const TYPE: Record<string, string> = {
  volume: 'Volume',
  efficacia: 'Efficacia',
  efficienza: 'Efficienza',
  qualita: 'Qualità',
  salute_economica: 'Salute economica',
  dfp: 'Indicatori DFP',
  altro: 'Altro',
};
const OPERATOR: Record<string, string> = { '>=': '≥', '<=': '≤', '=': '=', '>': '>', '<': '<', entro_il: 'entro il', si_no: '' };

function valueIt(v: IndicatorValue, unit: IndicatorUnit): string {
  if (typeof v === 'boolean') return v ? 'sì' : 'no';
  if (typeof v === 'string') return itDate(v);
  if (unit === '%') return `${itNumber(v)}%`;
  if (unit === '€') return `${itNumber(v, 2)} €`;
  return itNumber(v);
}
const targetIt = (t: PlanTarget | undefined, unit: IndicatorUnit) => (t ? `${OPERATOR[t.operator] ?? t.operator} ${valueIt(t.value, unit)}`.trim() : '—');

interface Heading {
  level: 1 | 2;
  title: string;
  page: number;
}

type Struct = ReturnType<PDFKit.PDFDocument['struct']>;

/** Renders the PIAO; see the module comment. */
export function renderPiaoPdf(input: PiaoInput): Promise<Buffer> {
  const f = loadFonts();
  const draft = input.adoption === null;
  const title = `PIAO ${input.cycle.period} - ${input.chamber.name}`;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 62, bottom: 60, left: 52, right: 52 },
    bufferPages: true,
    pdfVersion: '1.7',
    tagged: true,
    lang: 'it-IT',
    displayTitle: true,
    info: {
      Title: title,
      Author: input.chamber.name,
      Subject: `Piano integrato di attività e organizzazione ${input.cycle.period}${draft ? ' (bozza)' : ''}`,
      Keywords: 'PIAO; DM 132/2022; performance; anticorruzione',
      Creator: 'Ciclo',
      Producer: 'Ciclo',
      CreationDate: input.asOf,
      ModDate: input.asOf,
    },
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
  const pageIndex = () => doc.bufferedPageRange().start + doc.bufferedPageRange().count - 1;

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
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
  };
  const heading = (parent: Struct, level: 1 | 2 | 3 | 4 | 5, text: string, toc: boolean) => {
    const size = [0, 16, 13, 11.5, 10.5, 9.5][level];
    ensureSpace(size * 4);
    if (level <= 2) doc.moveDown(level === 1 ? 0.4 : 0.6);
    else doc.moveDown(0.4);
    if (toc && level <= 2) {
      headings.push({ level: level as 1 | 2, title: text, page: pageIndex() });
      doc.outline.addItem(text);
    }
    block(parent, `H${level}`, text, 'B', size, {}, level <= 2 ? '#1a3c6e' : 'black');
    doc.moveDown(0.25);
  };
  const para = (parent: Struct, text: string, font = 'R', size = 9.5) => {
    block(parent, 'P', text, font, size, { align: 'left' });
    doc.moveDown(0.3);
  };
  const section = () => {
    const s = doc.struct('Sect');
    doc.addStructure(s);
    return s;
  };
  /**
   * A table: Table > TR > TH/TD in the structure tree (header cells with column scope), rows kept
   * whole on a page, the header repeated on each new page as an artifact (read once), fills and
   * rules as artifacts.
   */
  const table = (parent: Struct, header: string[], rows: string[][], widths: number[], size = 7.5) => {
    const pad = 2.5;
    const total = widths.reduce((x, y) => x + y, 0);
    const limit = () => doc.page.height - doc.page.margins.bottom;
    const heightOf = (cells: string[], font: string) => {
      doc.font(font).fontSize(size);
      return Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i] - 2 * pad }))) + 2 * pad;
    };
    const tableEl = doc.struct('Table');
    parent.add(tableEl);
    const paint = (cells: string[], y: number, h: number, head: boolean) => {
      doc.markContent('Artifact');
      if (head) doc.rect(left, y, total, h).fill('#e8edf4');
      doc.lineWidth(0.4).strokeColor('#888');
      doc.rect(left, y, total, h).stroke();
      let x = left;
      for (const w of widths.slice(0, -1)) {
        x += w;
        doc.moveTo(x, y).lineTo(x, y + h).stroke();
      }
      doc.endMarkedContent();
      doc.fillColor('black');
      void cells;
    };
    const put = (c: string, i: number, x: number, y: number, font: string) => doc.font(font).fontSize(size).text(c, x + pad, y + pad, { width: widths[i] - 2 * pad });
    const row = (cells: string[], head: boolean) => {
      const font = head ? 'B' : 'R';
      const h = heightOf(cells, font);
      if (doc.y + h > limit()) {
        doc.addPage();
        doc.y = doc.page.margins.top;
        if (!head) {
          // The header again, for the eye only.
          const hh = heightOf(header, 'B');
          const y0 = doc.y;
          paint(header, y0, hh, true);
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
      paint(cells, y, h, head);
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
    row(header, true);
    for (const r of rows) row(r, false);
    tableEl.end();
    doc.x = left;
    doc.moveDown(0.5);
  };

  // ---------- cover ----------
  const cover = section();
  doc.y = 150;
  block(cover, 'P', input.chamber.name, 'B', 14, { align: 'center' }, '#1a3c6e');
  doc.moveDown(2);
  block(cover, 'H1', 'Piano integrato di attività e organizzazione (PIAO)', 'B', 22, { align: 'center' });
  doc.moveDown(0.6);
  block(cover, 'P', `Periodo ${input.cycle.period}`, 'R', 14, { align: 'center' });
  doc.moveDown(0.4);
  block(cover, 'P', 'ai sensi dell’art. 6 del DL 80/2021 e del DM 132/2022', 'I', 10, { align: 'center' }, '#444');
  doc.moveDown(3);
  block(cover, 'P', `Versione ${input.cycle.version} del ciclo, situazione al ${itDate(isoDateAt(input.asOf, 'Europe/Rome'))}`, 'R', 10.5, { align: 'center' });
  doc.moveDown(0.5);
  if (input.adoption) {
    block(cover, 'P', `Adottato con ${deliberationIt(input.adoption)}`, 'B', 11, { align: 'center' });
  } else {
    block(cover, 'P', `BOZZA - documento non ancora adottato (fase: ${input.cycle.stageTitle})`, 'B', 11, { align: 'center' }, '#b00020');
  }
  for (const v of input.variations) {
    if (v.deliberation) block(cover, 'P', `Aggiornato con ${deliberationIt(v.deliberation)} (variazione n. ${v.number})`, 'R', 10, { align: 'center' });
  }
  cover.end();

  // ---------- table of contents (filled at the end, when the pages are known) ----------
  doc.addPage();
  const tocPage = pageIndex();
  const toc = doc.struct('TOC');
  doc.addStructure(toc);

  // ---------- 1 ----------
  doc.addPage();
  const s1 = section();
  heading(s1, 1, "1. Scheda anagrafica dell'amministrazione", true);
  const c = input.chamber;
  table(
    s1,
    ['Dato', 'Valore'],
    [
      ['Denominazione', c.name],
      ['Codice IPA', c.ipaCode ?? NOT_GIVEN],
      ['Indirizzo della sede', c.address ?? NOT_GIVEN],
      ['Legale rappresentante', c.legalRepresentative ?? NOT_GIVEN],
      ['Numero di dipendenti', c.employees === undefined ? NOT_GIVEN : itNumber(c.employees)],
      ['Sito istituzionale', c.website ?? NOT_GIVEN],
      ['Periodo di riferimento del piano', `${input.cycle.period} (${input.cycle.years.join(', ')})`],
    ],
    [170, width - 170],
    9,
  );
  s1.end();

  // ---------- 2 ----------
  const ambiti = input.nodes.filter((n): n is AmbitoNode => n.kind === 'ambito');
  const sosOf = (a: string) => input.nodes.filter((n): n is StrategicObjectiveNode => n.kind === 'strategic_objective' && n.ambitoCode === a);
  const oosOf = (so: string, sect: 'performance' | 'rischi_corruttivi') =>
    input.nodes.filter((n): n is OperationalObjectiveNode => n.kind === 'operational_objective' && n.strategicObjectiveCode === so && n.section === sect);
  const indicatorsOf = (oo: string) => input.nodes.filter((n): n is IndicatorNode => n.kind === 'indicator' && n.objectiveCode === oo);
  const years = input.cycle.years;

  const objective = (parent: Struct, oo: OperationalObjectiveNode) => {
    heading(parent, 5, `Obiettivo operativo ${oo.code} - ${oo.title}`, false);
    if (oo.description) para(parent, oo.description);
    const res = oo.resources === null ? 'non indicate' : oo.resources.kind === 'euro' ? `${itNumber(oo.resources.amount, 2)} €` : 'risorse interne';
    para(parent, `Area di responsabilità: ${oo.area ?? NOT_GIVEN}. Ufficio: ${oo.office ?? NOT_GIVEN}. Risorse economiche: ${res}.`, 'R', 8.5);
    const inds = indicatorsOf(oo.code);
    if (!inds.length) {
      para(parent, 'Nessun indicatore.', 'I', 8.5);
      return;
    }
    const fixed = [64, 0, 54, 38, 46];
    const yearW = 50;
    const weightW = 34;
    const nameW = width - fixed.reduce((a, b) => a + b, 0) - yearW * years.length - weightW;
    table(
      parent,
      ['Codice', 'Indicatore', 'Tipo', 'Unità', `Baseline`, ...years.map((y) => `Target ${y}`), 'Peso'],
      inds.map((i) => [
        i.code,
        i.name,
        TYPE[i.type] ?? i.type,
        UNIT[i.unit],
        'nd' in i.baseline ? 'n.d.' : `${valueIt(i.baseline.value, i.unit)}${i.baseline.year ? ` (${i.baseline.year})` : ''}`,
        ...years.map((y) => targetIt(i.targets.find((t) => t.year === y), i.unit)),
        i.weight === null ? 'n.d.' : `${itNumber(i.weight)}%`,
      ]),
      [64, nameW, 54, 38, 46, ...years.map(() => yearW), weightW],
    );
  };
  const tree = (parent: Struct, sect: 'performance' | 'rischi_corruttivi'): number => {
    let count = 0;
    for (const a of ambiti) {
      const sos = sosOf(a.code).filter((so) => oosOf(so.code, sect).length);
      if (!sos.length) continue;
      heading(parent, 3, `Ambito strategico ${a.code} - ${a.title}`, false);
      for (const so of sos) {
        heading(parent, 4, `Obiettivo strategico ${so.code} - ${so.title}`, false);
        for (const oo of oosOf(so.code, sect)) {
          objective(parent, oo);
          count++;
        }
      }
    }
    return count;
  };

  doc.addPage();
  const s2 = section();
  heading(s2, 1, '2. Valore pubblico, performance e anticorruzione', true);
  heading(s2, 2, '2.1 Valore pubblico', true);
  para(s2, input.narratives?.['2.1'] ?? NOT_WRITTEN, input.narratives?.['2.1'] ? 'R' : 'I');
  if (ambiti.length) {
    para(s2, 'Ambiti strategici e obiettivi strategici del piano:', 'B', 9.5);
    const list = ambiti.flatMap((a) => [[a.code, '', a.title], ...sosOf(a.code).map((so) => ['', so.code, so.title])]);
    table(s2, ['Ambito', 'Obiettivo strategico', 'Titolo'], list, [60, 90, width - 150], 8);
  }
  heading(s2, 2, '2.2 Performance', true);
  const perf = tree(s2, 'performance');
  if (!perf) para(s2, NOT_WRITTEN, 'I');
  heading(s2, 2, '2.3 Rischi corruttivi e trasparenza', true);
  const risk = tree(s2, 'rischi_corruttivi');
  const reg = input.riskRegister;
  if (reg && (reg.processes.length || reg.measures.length)) {
    heading(s2, 3, 'Mappatura dei processi e valutazione del rischio', false);
    table(
      s2,
      ['Processo', 'Area e ufficio', 'Eventi rischiosi', 'Livello di rischio e motivazione'],
      reg.processes.map((p) => [`${p.code} - ${p.title}`, [p.area, p.office].filter(Boolean).join(' - ') || NOT_GIVEN, p.risks.join('; ') || 'nessuno', p.rating ? `${p.rating.replace(/_/g, ' ')}${p.motivation ? `: ${p.motivation}` : ''}` : 'non valutato']),
      [120, 100, (width - 220) / 2, (width - 220) / 2],
    );
    heading(s2, 3, 'Misure di prevenzione', false);
    table(
      s2,
      ['Misura', 'Tipo', 'Rischi trattati', 'Responsabile', 'Fasi e scadenze', 'Indicatore e target'],
      reg.measures.map((m) => [
        `${m.code} - ${m.title}`,
        `${m.measureKind}, ${m.category.replace(/_/g, ' ')}`,
        m.riskCodes.join(', ') || 'tutti i processi',
        `${m.owner.dirigente} (${m.owner.office})`,
        m.phases.map((f) => `${f.title} entro il ${itDate(f.deadline)}`).join('; ') || NOT_GIVEN,
        `${m.indicator}: ${m.target}`,
      ]),
      [95, 60, 60, 80, (width - 295) / 2, (width - 295) / 2],
    );
  }
  if (!risk && !(reg && (reg.processes.length || reg.measures.length))) para(s2, input.attachments.length ? 'Gli obiettivi di prevenzione della corruzione e della trasparenza sono nei documenti allegati al ciclo (elenco in fondo).' : NOT_WRITTEN, 'I');
  s2.end();

  // ---------- 3 ----------
  doc.addPage();
  const s3 = section();
  heading(s3, 1, '3. Organizzazione e capitale umano', true);
  for (const [n, t] of [
    ['3.1', 'Struttura organizzativa'],
    ['3.2', 'Organizzazione del lavoro agile'],
    ['3.3', 'Piano triennale dei fabbisogni di personale'],
  ]) {
    heading(s3, 2, `${n} ${t}`, true);
    para(s3, input.narratives?.[n] ?? NOT_WRITTEN, input.narratives?.[n] ? 'R' : 'I');
  }
  s3.end();

  // ---------- 4 ----------
  const s4 = section();
  heading(s4, 1, '4. Monitoraggio', true);
  para(s4, input.narratives?.['4'] ?? NOT_WRITTEN, input.narratives?.['4'] ? 'R' : 'I');
  para(
    s4,
    `Misurazioni registrate finora: ${input.measurements}. Gli indicatori sono misurati nel corso dell'anno secondo il Sistema di misurazione e valutazione della performance; i risultati sono riportati nella Relazione sulla performance.`,
  );
  if (input.variations.length) {
    table(
      s4,
      ['Variazione', 'Motivo', 'Atto'],
      input.variations.map((v) => [`n. ${v.number}`, v.reason, v.deliberation ? deliberationIt(v.deliberation) : 'in corso']),
      [60, width - 230, 170],
      8,
    );
  }
  s4.end();

  // ---------- attachments ----------
  const s5 = section();
  heading(s5, 1, 'Allegati', true);
  if (input.attachments.length) {
    table(
      s5,
      ['Documento', 'Allegato il', 'Impronta SHA-256'],
      input.attachments.map((a) => [a.name, itDate(isoDateAt(new Date(a.at), 'Europe/Rome')), a.sha256]),
      [150, 60, width - 210],
      7,
    );
  } else para(s5, 'Nessun documento allegato al ciclo.', 'I');
  s5.end();

  // ---------- table of contents, now that the pages are known ----------
  const range = doc.bufferedPageRange();
  doc.switchToPage(tocPage);
  doc.x = left;
  doc.y = doc.page.margins.top;
  block(toc, 'H1', 'Indice', 'B', 16, {}, '#1a3c6e');
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
    toc.add(el);
  }
  toc.end();

  // ---------- running header and footer: artifacts, on every page ----------
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc.font('R').fontSize(7.5).fillColor('#555');
    if (i > range.start) doc.text(`${input.chamber.name} - PIAO ${input.cycle.period}`, left, 30, { width, align: 'left', lineBreak: false });
    if (draft) doc.font('B').fillColor('#b00020').text('BOZZA - non adottato', left, 30, { width, align: 'right', lineBreak: false });
    else doc.text(`Adottato con ${deliberationIt(input.adoption as PiaoDeliberation)}`, left, 30, { width, align: 'right', lineBreak: false });
    doc.font('R').fillColor('#555').text(`Pagina ${i + 1} di ${range.count}`, left, doc.page.height - 38, { width, align: 'right', lineBreak: false });
    doc.text(`Versione ${input.cycle.version} - ${itDate(isoDateAt(input.asOf, 'Europe/Rome'))}`, left, doc.page.height - 38, { width, align: 'left', lineBreak: false });
    doc.endMarkedContent();
    doc.fillColor('black');
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
