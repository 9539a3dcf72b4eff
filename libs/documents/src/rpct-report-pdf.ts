/**
 * The RPCT's annual report (Relazione annuale del Responsabile della prevenzione della corruzione e
 * della trasparenza, L. 190/2012 art. 1 c. 14) as an accessible PDF, pre-filled from the risk
 * register of a PTPCT or PIAO and its monitoring: sections shaped after ANAC's form (risk
 * management, measures planned, carried out and late, transparency, training, rotation, conflicts
 * of interest, whistleblowing, monitoring), each with the figure and where it comes from, and the
 * detail behind the figures (processes by rating, measures late, status of every measure). What the
 * register cannot know (whistleblowing reports, training given) is printed as the RPCT entered it,
 * or marked as still to be entered.
 *
 * Same rules as the other documents (tagged-pdf.ts): tagged, Italian, titled, fonts embedded,
 * deterministic (the creation date is the time of the last event the document reflects).
 */
import { isoDateAt, type RegisterView, type RpctReportRow } from '@ciclo/domain';
import { deliberationIt, type PiaoChamber, type PiaoDeliberation } from './piao-pdf';
import { HEADING_COLOUR, itDate, taggedPdf, WARNING_COLOUR } from './tagged-pdf';

export interface RpctReportPdfInput {
  chamber: PiaoChamber;
  /** The PTPCT or PIAO whose register the report draws on */
  cycle: { title: string; kind: string; period: string; version: number; stageTitle: string };
  /** The plan's adopting deliberation; null while not adopted */
  adoption: PiaoDeliberation | null;
  /** Year reported on */
  year: number;
  /** Day the measures' status and lateness are judged on (31 December, or earlier while the year runs) */
  date: string;
  /** The report's rows (the same as the CSV and XLSX export) */
  rows: RpctReportRow[];
  /** The register on `date` */
  register: RegisterView;
  /** Time of the last event the document reflects: the PDF's creation date */
  asOf: Date;
}

const STATUS: Record<string, string> = {
  attuata: 'Attuata',
  parzialmente_attuata: 'Parzialmente attuata',
  non_attuata: 'Non attuata',
};
const TO_ENTER = 'da indicare a cura del RPCT';
const levelIt = (l: string | null) => (l === null ? 'non valutato' : l.replace(/_/g, ' '));
const valueIt = (v: number | string) => (typeof v === 'number' ? String(v) : v);

/** Renders the RPCT's annual report; see the module comment. */
export async function renderRpctReportPdf(input: RpctReportPdfInput): Promise<Buffer> {
  const { year, register: reg } = input;
  const title = `Relazione annuale del RPCT ${year} - ${input.chamber.name}`;
  const pdf = await taggedPdf({
    title,
    author: input.chamber.name,
    subject: `Relazione annuale del Responsabile della prevenzione della corruzione e della trasparenza, anno ${year}`,
    keywords: 'Relazione annuale RPCT; L. 190/2012; prevenzione della corruzione; registro dei rischi; misure',
    at: input.asOf,
  });
  const { doc, width, block, heading, para, section, table } = pdf;
  const situation = `Situazione al ${itDate(input.date)}`;

  // ---------- cover ----------
  const cover = section();
  doc.y = 150;
  block(cover, 'P', input.chamber.name, 'B', 14, { align: 'center' }, HEADING_COLOUR);
  doc.moveDown(2);
  block(cover, 'H1', `Relazione annuale del RPCT ${year}`, 'B', 22, { align: 'center' });
  doc.moveDown(0.6);
  block(
    cover,
    'P',
    'Responsabile della prevenzione della corruzione e della trasparenza, art. 1, comma 14, della legge 190/2012',
    'I',
    10,
    { align: 'center' },
    '#444',
  );
  doc.moveDown(0.4);
  block(cover, 'P', `Precompilata dal registro dei rischi del ${input.cycle.title}`, 'R', 11, { align: 'center' });
  doc.moveDown(3);
  block(
    cover,
    'P',
    `${situation} - versione ${input.cycle.version} del ciclo`,
    'R',
    10.5,
    { align: 'center' },
  );
  doc.moveDown(0.5);
  block(
    cover,
    'P',
    input.adoption
      ? `Piano adottato con ${deliberationIt(input.adoption)}`
      : `Piano non ancora adottato (fase: ${input.cycle.stageTitle})`,
    'B',
    11,
    { align: 'center' },
    input.adoption ? 'black' : WARNING_COLOUR,
  );
  cover.end();

  pdf.tableOfContents();

  // ---------- 1: general data ----------
  doc.addPage();
  const s1 = section();
  heading(s1, 1, '1. Dati generali', true);
  table(
    s1,
    ['Voce', 'Valore'],
    [
      ['Amministrazione', input.chamber.name],
      ...(input.chamber.ipaCode ? [['Codice IPA', input.chamber.ipaCode]] : []),
      ['Anno di riferimento', String(year)],
      ['Piano', `${input.cycle.title} (${input.cycle.kind}, ${input.cycle.period})`],
      ['Adozione del piano', input.adoption ? deliberationIt(input.adoption) : 'non ancora adottato'],
      ['Fase del ciclo', input.cycle.stageTitle],
      ['Dati del registro e del monitoraggio', situation.toLowerCase()],
      [
        'Metodo di valutazione del rischio',
        `${reg.methodRef.source === 'pna2019' ? 'PNA 2019, Allegato 1' : reg.methodRef.source === 'ente' ? `metodo dell'ente, versione ${reg.methodRef.version}` : 'metodo fissato nel piano'}: livelli ${reg.method.levels.map(levelIt).join(', ')}`,
      ],
    ],
    [170, width - 170],
    8.5,
  );
  para(
    s1,
    "I dati sono tratti dal registro dei rischi e dal monitoraggio delle misure; le voci che il registro non contiene sono indicate dal RPCT. Il RPCT verifica la relazione prima della trasmissione all'ANAC e della pubblicazione in Amministrazione trasparente.",
    'I',
    8.5,
  );
  s1.end();

  // ---------- the form's sections, each with its detail ----------
  const sections = new Map<string, RpctReportRow[]>();
  for (const r of input.rows) {
    const list = sections.get(r.section);
    if (list) list.push(r);
    else sections.set(r.section, [r]);
  }
  let n = 1;
  for (const [name, rows] of sections) {
    n += 1;
    const s = section();
    heading(s, 1, `${n}. ${name.replace(/^\d+\.\s*/, '')}`, true);
    table(
      s,
      ['Voce', 'Valore', 'Fonte'],
      rows.map((r) => [r.item, r.value === '' ? '—' : valueIt(r.value), r.note]),
      [width - 300, 140, 160],
      8.5,
      (row, cell) => (cell === 1 && rows[row].value === '' ? '#fde8ea' : undefined),
    );
    const missing = rows.filter((r) => r.value === '' && r.note.includes(TO_ENTER));
    if (missing.length)
      para(s, `Dato ancora da indicare a cura del RPCT: ${missing.map((r) => r.item.toLowerCase()).join(', ')}.`, 'B', 9, WARNING_COLOUR);
    if (/gestione del rischio/i.test(name)) riskDetail(s);
    if (/misure di prevenzione/i.test(name)) measureDetail(s);
    s.end();
  }

  function riskDetail(s: ReturnType<typeof section>): void {
    heading(s, 2, 'Processi per livello di rischio', false);
    if (!reg.processes.length) {
      para(s, 'Nessun processo nel registro.', 'I');
      return;
    }
    table(
      s,
      ['Codice', 'Processo', 'Area / ufficio', 'Livello', 'Motivazione'],
      reg.processes.map((p) => [
        p.code,
        p.title,
        [p.area, p.office].filter(Boolean).join(' / ') || '—',
        levelIt(p.rating),
        p.motivation ?? '—',
      ]),
      [52, 140, 110, 62, width - 364],
      7.5,
      (row, cell) => (cell === 3 && reg.processes[row].rating === null ? '#fde8ea' : undefined),
    );
  }

  function measureDetail(s: ReturnType<typeof section>): void {
    const late = reg.measures.filter((m) => m.overdue);
    heading(s, 2, 'Misure in ritardo', false);
    if (late.length)
      table(
        s,
        ['Codice', 'Misura', 'Responsabile', 'Ritardo'],
        late.map((m) => [
          m.code,
          m.title,
          `${m.owner.office} - ${m.owner.dirigente}`,
          [
            ...m.latePhases.map((p) => `${p.title}: scadenza ${itDate(p.deadline)}`),
            ...m.monitoring.filter((x) => x.missing).map((x) => `nessuna rendicontazione al ${itDate(x.date)}`),
          ].join('; '),
        ]),
        [52, 150, 140, width - 342],
        7.5,
      );
    else para(s, `Nessuna misura in ritardo al ${itDate(input.date)}.`, 'I');
    heading(s, 2, 'Stato di attuazione delle misure', false);
    if (!reg.measures.length) {
      para(s, 'Nessuna misura nel registro.', 'I');
      return;
    }
    table(
      s,
      ['Codice', 'Misura', 'Tipo', 'Indicatore e target', 'Stato'],
      reg.measures.map((m) => [
        m.code,
        m.title,
        m.measureKind === 'generale' ? 'Generale' : 'Specifica',
        `${m.indicator}: ${m.target}`,
        `${m.status ? STATUS[m.status] : 'Non rendicontata'}${m.checked ? ' (verificata dal RPCT)' : ''}`,
      ]),
      [52, 140, 52, width - 354, 110],
      7.5,
      (row, cell) => (cell === 4 && reg.measures[row].overdue ? '#fde8ea' : undefined),
    );
  }

  return pdf.finish(
    (i) => ({
      ...(i > 0 ? { left: `${input.chamber.name} - Relazione annuale del RPCT ${year}` } : {}),
      right: situation,
      warn: false,
    }),
    `Versione ${input.cycle.version} del ciclo - ${itDate(isoDateAt(input.asOf, 'Europe/Rome'))}`,
  );
}
