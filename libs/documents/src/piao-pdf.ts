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
import { isoDateAt, type IndicatorNode, type IndicatorUnit, type IndicatorValue, type OperationalObjectiveNode, type PlanNode, type PlanTarget, type StrategicObjectiveNode, type AmbitoNode } from '@ciclo/domain';
import { itDate, itNumber, taggedPdf, WARNING_COLOUR, type Struct } from './tagged-pdf';

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

const NOT_WRITTEN = 'Sezione non ancora redatta.';
const NOT_GIVEN = 'non indicato';

const ORGAN: Record<string, string> = { giunta: 'della Giunta', consiglio: 'del Consiglio', presidente: 'del Presidente' };
export const deliberationIt = (d: PiaoDeliberation) => `deliberazione ${ORGAN[d.organ] ?? d.organ} n. ${d.number} del ${itDate(d.date)}`;

export const UNIT: Record<IndicatorUnit, string> = { n: 'numero', '%': '%', '€': 'euro', gg: 'giorni', ore: 'ore', data: 'data', si_no: 'sì/no' };
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

export function valueIt(v: IndicatorValue, unit: IndicatorUnit): string {
  if (typeof v === 'boolean') return v ? 'sì' : 'no';
  if (typeof v === 'string') return itDate(v);
  if (unit === '%') return `${itNumber(v)}%`;
  if (unit === '€') return `${itNumber(v, 2)} €`;
  return itNumber(v);
}
export const targetIt = (t: PlanTarget | undefined, unit: IndicatorUnit) => (t ? `${OPERATOR[t.operator] ?? t.operator} ${valueIt(t.value, unit)}`.trim() : '—');

/** Renders the PIAO; see the module comment. */
export async function renderPiaoPdf(input: PiaoInput): Promise<Buffer> {
  const draft = input.adoption === null;
  const title = `PIAO ${input.cycle.period} - ${input.chamber.name}`;
  const pdf = await taggedPdf({
    title,
    author: input.chamber.name,
    subject: `Piano integrato di attività e organizzazione ${input.cycle.period}${draft ? ' (bozza)' : ''}`,
    keywords: 'PIAO; DM 132/2022; performance; anticorruzione',
    at: input.asOf,
  });
  const { doc, width, block, heading, para, section, table } = pdf;
  const narrative = (parent: Struct, id: string, baseLevel: 1 | 2 | 3) => {
    if (!pdf.markdown(parent, input.narratives?.[id], baseLevel)) para(parent, NOT_WRITTEN, 'I');
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
    block(cover, 'P', `BOZZA - documento non ancora adottato (fase: ${input.cycle.stageTitle})`, 'B', 11, { align: 'center' }, WARNING_COLOUR);
  }
  for (const v of input.variations) {
    if (v.deliberation) block(cover, 'P', `Aggiornato con ${deliberationIt(v.deliberation)} (variazione n. ${v.number})`, 'R', 10, { align: 'center' });
  }
  cover.end();

  // ---------- table of contents (filled at the end, when the pages are known) ----------
  pdf.tableOfContents();

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
  narrative(s2, '2.1', 2);
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
    narrative(s3, n, 2);
  }
  s3.end();

  // ---------- 4 ----------
  const s4 = section();
  heading(s4, 1, '4. Monitoraggio', true);
  narrative(s4, '4', 1);
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

  // ---------- table of contents, header and footer ----------
  return pdf.finish(
    (i) => ({
      ...(i > 0 ? { left: `${input.chamber.name} - PIAO ${input.cycle.period}` } : {}),
      right: draft ? 'BOZZA - non adottato' : `Adottato con ${deliberationIt(input.adoption as PiaoDeliberation)}`,
      warn: draft,
    }),
    `Versione ${input.cycle.version} - ${itDate(isoDateAt(input.asOf, 'Europe/Rome'))}`,
  );
}
