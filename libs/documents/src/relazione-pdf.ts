/**
 * The Relazione sulla performance (d.lgs. 150/2009 art. 10 c. 1 lett. b) as an accessible PDF:
 * the year's results against the PIAO it reports on — the whole chamber, each area, ambito,
 * strategic and operational objective and indicator, with the SMVP bands as colours and bar charts
 * (each a tagged figure with a text alternative, followed by the table of its values) — the
 * offices' summary and explanation of the variances, and the OIV's validation. Until the OIV
 * validates it, every page says "non ancora validata".
 *
 * Same rules as the PIAO (tagged-pdf.ts): tagged, Italian, titled, fonts embedded, and
 * deterministic (no clock: the creation date is the time of the last event the document reflects).
 */
import { bandFor, isoDateAt, presentScore, type NodeScore, type PlanTreeView, type ScoreBand } from '@ciclo/domain';
import { deliberationIt, targetIt, valueIt, type PiaoChamber, type PiaoDeliberation } from './piao-pdf';
import { HEADING_COLOUR, itDate, itNumber, taggedPdf, WARNING_COLOUR, type Struct, type TaggedPdf } from './tagged-pdf';

export interface RelazioneInput {
  chamber: PiaoChamber;
  cycle: { title: string; year: number; version: number; stageTitle: string };
  /** The PIAO reported on, and the version of it whose figures are printed. */
  piao: { title: string; period: string; version: number } | null;
  /** `approved`: the figures the Giunta's approval fixed; `live`: the PIAO's figures as they are (before the approval). */
  figures: 'approved' | 'live';
  /** The Giunta's approving deliberation, once approved. */
  approval: PiaoDeliberation | null;
  /** The OIV's validation (report reference and date), once validated. */
  validation: { reference: string; date: string } | null;
  /** The PIAO's tree with the achievement for the year; null while no PIAO is linked. */
  achievement: PlanTreeView | null;
  /** The SMVP bands of the plan (empty when the SMVP sets none). */
  bands: readonly ScoreBand[];
  /**
   * Once the figures are fixed by the approval: the indicators whose achievement for the year
   * changed in the PIAO since (a measurement corrected later), shown, never applied silently.
   */
  laterChanges?: { code: string; name: string; approved: number | null; now: number | null }[];
  /** The offices' text by section (`sintesi`, `scostamenti`), Markdown. */
  narratives?: Partial<Record<string, string>>;
  /** Time of the last event the document reflects: the PDF's creation date. */
  asOf: Date;
}

const NOT_WRITTEN = 'Sezione non ancora redatta.';
const NOT_VALIDATED = "Relazione non ancora validata dall'OIV";
const NEUTRAL = '#1a3c6e';
const STATUS: Record<string, string> = { raggiunto: 'Raggiunto', parzialmente_raggiunto: 'Parzialmente raggiunto', non_raggiunto: 'Non raggiunto', non_rilevato: 'Non rilevato' };

const scoreIt = (s: number | null) => (s === null ? 'n.r.' : `${itNumber(presentScore(s))}%`);
const outcomeIt = (a: Pick<NodeScore, 'band' | 'status'>) => a.band?.label ?? STATUS[a.status] ?? a.status;

/** A band colour mixed with white, so black text on it stays readable. */
function tint(hex: string, share = 0.35): string {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m) return '#ffffff';
  const n = parseInt(m[1], 16);
  const mix = (c: number) => Math.round(c * share + 255 * (1 - share));
  return `#${[(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => mix(c).toString(16).padStart(2, '0')).join('')}`;
}

interface Row {
  code: string;
  title: string;
  score: number | null;
  status: string;
  band?: ScoreBand;
}

/** Achievement by area di responsabilità: the plain mean of its measured operational objectives. */
export function achievementByArea(view: PlanTreeView, bands: readonly ScoreBand[]): (Row & { objectives: number; measured: number })[] {
  const areas = new Map<string, { scores: number[]; objectives: number }>();
  for (const a of view.ambiti)
    for (const so of a.strategicObjectives)
      for (const oo of so.operationalObjectives) {
        const key = oo.area?.trim() || 'Area non indicata';
        const entry = areas.get(key) ?? { scores: [], objectives: 0 };
        entry.objectives++;
        if (oo.achievement.score !== null) entry.scores.push(oo.achievement.score);
        areas.set(key, entry);
      }
  return [...areas.entries()].map(([area, e]) => {
    const score = e.scores.length ? e.scores.reduce((x, y) => x + y, 0) / e.scores.length : null;
    const band = score === null ? undefined : bandFor(score, bands);
    const status = score === null ? 'non_rilevato' : score >= 100 - 1e-9 ? 'raggiunto' : score > 0 ? 'parzialmente_raggiunto' : 'non_raggiunto';
    return { code: area, title: area, score, status, ...(band ? { band } : {}), objectives: e.objectives, measured: e.scores.length };
  });
}

/**
 * A horizontal bar chart drawn with vector graphics, tagged as a Figure whose alternative text
 * lists every value (the table that follows gives them again): one bar per row, its length the
 * achievement on a 0-max scale, its colour the SMVP band, a dashed line at 100%.
 */
function barChart(pdf: TaggedPdf, parent: Struct, caption: string, rows: Row[]): void {
  const { doc, left, width } = pdf;
  const barH = 11;
  const gap = 5;
  const labelW = 150;
  const valueW = 48;
  const plotW = width - labelW - valueW;
  const max = Math.max(100, ...rows.map((r) => r.score ?? 0));
  const height = rows.length * (barH + gap) + 18;
  pdf.ensureSpace(height + 20);
  const alt = `${caption}. ${rows.map((r) => `${r.code}: ${scoreIt(r.score)}${r.band ? ` (${r.band.label})` : ''}`).join('; ')}.`;
  const top = doc.y + 4;
  const figure = doc.struct('Figure', { alt } as PDFKit.Mixins.StructureElementOptions, () => {
    rows.forEach((r, i) => {
      const y = top + i * (barH + gap);
      doc.font('R').fontSize(7.5).fillColor('black').text(r.code.length > 34 ? `${r.code.slice(0, 33)}…` : r.code, left, y + 2, { width: labelW - 6, lineBreak: false, ellipsis: true });
      doc.rect(left + labelW, y, plotW, barH).fill('#eef1f5');
      const w = r.score === null ? 0 : (plotW * Math.max(0, r.score)) / max;
      if (w > 0) doc.rect(left + labelW, y, w, barH).fill(r.band?.colour ?? NEUTRAL);
      doc.font('B').fontSize(7.5).fillColor('black').text(scoreIt(r.score), left + labelW + plotW + 4, y + 2, { width: valueW - 4, lineBreak: false });
    });
    const x100 = left + labelW + (plotW * 100) / max;
    const bottom = top + rows.length * (barH + gap) - gap;
    doc.save().lineWidth(0.8).strokeColor('#333').dash(2, { space: 2 }).moveTo(x100, top - 3).lineTo(x100, bottom + 3).stroke().undash().restore();
    doc.font('R').fontSize(6.5).fillColor('#333').text('100%', x100 - 12, bottom + 5, { width: 24, align: 'center', lineBreak: false });
    doc.fillColor('black');
  });
  parent.add(figure);
  figure.end();
  doc.x = left;
  doc.y = top + height;
}

/** Renders the Relazione sulla performance; see the module comment. */
export async function renderRelazionePdf(input: RelazioneInput): Promise<Buffer> {
  const year = input.cycle.year;
  const title = `Relazione sulla performance ${year} - ${input.chamber.name}`;
  const validated = input.validation;
  const pdf = await taggedPdf({
    title,
    author: input.chamber.name,
    subject: `Relazione sulla performance ${year}${validated ? '' : ' (non ancora validata)'}`,
    keywords: "Relazione sulla performance; d.lgs. 150/2009; raggiungimento degli obiettivi; validazione dell'OIV",
    at: input.asOf,
  });
  const { doc, width, block, heading, para, section, table } = pdf;
  const view = input.achievement;
  const bandFill = (r: { band?: ScoreBand }) => (r.band ? tint(r.band.colour) : undefined);

  // ---------- cover ----------
  const cover = section();
  doc.y = 150;
  block(cover, 'P', input.chamber.name, 'B', 14, { align: 'center' }, HEADING_COLOUR);
  doc.moveDown(2);
  block(cover, 'H1', `Relazione sulla performance ${year}`, 'B', 22, { align: 'center' });
  doc.moveDown(0.6);
  block(cover, 'P', 'ai sensi dell’art. 10, comma 1, lettera b) del d.lgs. 150/2009', 'I', 10, { align: 'center' }, '#444');
  doc.moveDown(0.4);
  block(cover, 'P', input.piao ? `Risultati del ${year} rispetto al PIAO ${input.piao.period}` : 'Nessun PIAO collegato', 'R', 11, { align: 'center' });
  doc.moveDown(3);
  block(cover, 'P', `Versione ${input.cycle.version} del ciclo, situazione al ${itDate(isoDateAt(input.asOf, 'Europe/Rome'))}`, 'R', 10.5, { align: 'center' });
  doc.moveDown(0.5);
  block(cover, 'P', input.approval ? `Approvata con ${deliberationIt(input.approval)}` : `Non ancora approvata dalla Giunta (fase: ${input.cycle.stageTitle})`, 'B', 11, { align: 'center' });
  doc.moveDown(0.3);
  block(cover, 'P', validated ? `Validata dall'OIV: ${validated.reference} del ${itDate(validated.date)}` : NOT_VALIDATED, 'B', 11, { align: 'center' }, validated ? 'black' : WARNING_COLOUR);
  cover.end();

  pdf.tableOfContents();

  // ---------- 1 ----------
  doc.addPage();
  const s1 = section();
  heading(s1, 1, '1. Sintesi dei risultati', true);
  if (!pdf.markdown(s1, input.narratives?.sintesi, 1)) para(s1, NOT_WRITTEN, 'I');
  if (view) {
    para(
      s1,
      `Grado di raggiungimento complessivo dell'ente nel ${year}: ${scoreIt(view.chamber.score)} (${outcomeIt(view.chamber)}).`,
      'B',
    );
    para(
      s1,
      input.figures === 'approved'
        ? `Dati del PIAO ${input.piao?.period ?? ''} alla versione ${input.piao?.version ?? ''}, fissata dall'approvazione della Giunta.`
        : `Dati del PIAO ${input.piao?.period ?? ''} alla versione ${input.piao?.version ?? ''}, aggiornati fino all'approvazione della Giunta.`,
      'R',
      8.5,
    );
  } else para(s1, 'Nessun PIAO collegato: non ci sono risultati da riportare.', 'I');
  heading(s1, 2, 'Fasce di valutazione (SMVP)', true);
  if (input.bands.length) {
    const sorted = [...input.bands];
    table(
      s1,
      ['Fascia', 'Da (raggiungimento)', 'Colore'],
      sorted.map((b, i) => [b.label, `${itNumber(b.from)}%${sorted[i + 1] ? ` fino a ${itNumber(sorted[i + 1].from)}% escluso` : ' e oltre'}`, b.colour]),
      [200, 170, width - 370],
      8.5,
      (row, cell) => (cell === 2 ? sorted[row].colour : tint(sorted[row].colour)),
    );
  } else para(s1, 'Il Sistema di misurazione e valutazione della performance non definisce fasce: i risultati sono espressi come raggiunto, parzialmente raggiunto, non raggiunto.', 'I', 8.5);
  s1.end();

  if (view) {
    // ---------- 2: by area ----------
    const areas = achievementByArea(view, input.bands);
    const s2 = section();
    heading(s2, 1, '2. Raggiungimento per area', true);
    para(s2, 'Media semplice del grado di raggiungimento degli obiettivi operativi misurati di ciascuna area di responsabilità.', 'R', 8.5);
    if (areas.length) {
      barChart(pdf, s2, `Grafico a barre del raggiungimento per area nel ${year}`, areas);
      table(
        s2,
        ['Area', 'Obiettivi operativi', 'di cui misurati', 'Raggiungimento', 'Esito'],
        areas.map((a) => [a.title, String(a.objectives), String(a.measured), scoreIt(a.score), outcomeIt(a)]),
        [width - 316, 70, 60, 86, 100],
        8,
        (row, cell) => (cell >= 3 ? bandFill(areas[row]) : undefined),
      );
    } else para(s2, 'Nessun obiettivo operativo nel piano.', 'I');
    s2.end();

    // ---------- 3: by objective ----------
    doc.addPage();
    const s3 = section();
    heading(s3, 1, '3. Raggiungimento per obiettivo', true);
    const strategic: Row[] = view.ambiti.flatMap((a) => a.strategicObjectives.map((so) => ({ code: so.code, title: so.title, ...so.achievement })));
    heading(s3, 2, '3.1 Ambiti e obiettivi strategici', true);
    if (strategic.length) barChart(pdf, s3, `Grafico a barre del raggiungimento per obiettivo strategico nel ${year}`, strategic.map((r) => ({ ...r, code: `${r.code} ${r.title}` })));
    const treeRows: (Row & { level: string })[] = [{ level: 'Ente', code: '', title: input.chamber.name, ...view.chamber }];
    for (const a of view.ambiti) {
      treeRows.push({ level: 'Ambito', code: a.code, title: a.title, ...a.achievement });
      for (const so of a.strategicObjectives) treeRows.push({ level: 'Obiettivo strategico', code: so.code, title: so.title, ...so.achievement });
    }
    table(
      s3,
      ['Livello', 'Codice', 'Titolo', 'Raggiungimento', 'Esito'],
      treeRows.map((r) => [r.level, r.code, r.title, scoreIt(r.score), outcomeIt(r)]),
      [80, 50, width - 316, 86, 100],
      8,
      (row, cell) => (cell >= 3 ? bandFill(treeRows[row]) : undefined),
    );
    heading(s3, 2, '3.2 Obiettivi operativi', true);
    const operational: Row[] = view.ambiti.flatMap((a) => a.strategicObjectives.flatMap((so) => so.operationalObjectives.map((oo) => ({ code: oo.code, title: oo.title, ...oo.achievement }))));
    if (operational.length) {
      barChart(pdf, s3, `Grafico a barre del raggiungimento per obiettivo operativo nel ${year}`, operational.map((r) => ({ ...r, code: `${r.code} ${r.title}` })));
      const withArea = view.ambiti.flatMap((a) => a.strategicObjectives.flatMap((so) => so.operationalObjectives));
      table(
        s3,
        ['Codice', 'Obiettivo operativo', 'Area', 'Raggiungimento', 'Esito'],
        withArea.map((oo) => [oo.code, oo.title, oo.area ?? 'non indicata', scoreIt(oo.achievement.score), outcomeIt(oo.achievement)]),
        [55, width - 351, 110, 86, 100],
        8,
        (row, cell) => (cell >= 3 ? bandFill(withArea[row].achievement) : undefined),
      );
    } else para(s3, 'Nessun obiettivo operativo nel piano.', 'I');
    s3.end();

    // ---------- 4: indicators ----------
    doc.addPage();
    const s4 = section();
    heading(s4, 1, '4. Indicatori', true);
    for (const a of view.ambiti)
      for (const so of a.strategicObjectives)
        for (const oo of so.operationalObjectives) {
          heading(s4, 3, `${oo.code} - ${oo.title}: ${scoreIt(oo.achievement.score)}`, false);
          if (!oo.indicators.length) {
            para(s4, 'Nessun indicatore.', 'I', 8.5);
            continue;
          }
          table(
            s4,
            ['Codice', 'Indicatore', `Target ${year}`, 'Valore misurato', 'Peso', 'Raggiungimento', 'Esito'],
            oo.indicators.map((i) => [
              i.code,
              i.name,
              i.achievement.target ? targetIt(i.achievement.target, i.unit) : '—',
              i.achievement.actual === undefined ? 'non rilevato' : valueIt(i.achievement.actual, i.unit),
              i.weight === null ? 'n.d.' : `${itNumber(i.weight)}%`,
              scoreIt(i.achievement.score),
              outcomeIt(i.achievement),
            ]),
            [62, width - 404, 66, 66, 36, 82, 92],
            7.5,
            (row, cell) => (cell >= 5 ? bandFill(oo.indicators[row].achievement) : undefined),
          );
        }
    s4.end();
  }

  // ---------- 5: variances ----------
  const s5 = section();
  heading(s5, 1, `${view ? 5 : 2}. Analisi degli scostamenti`, true);
  if (!pdf.markdown(s5, input.narratives?.scostamenti, 1)) para(s5, NOT_WRITTEN, 'I');
  if (view) {
    const below = view.ambiti.flatMap((a) => a.strategicObjectives.flatMap((so) => so.operationalObjectives.flatMap((oo) => oo.indicators.filter((i) => i.achievement.score === null || i.achievement.score < 100 - 1e-9))));
    heading(s5, 2, 'Indicatori sotto il target o non rilevati', false);
    if (below.length) {
      table(
        s5,
        ['Codice', 'Indicatore', 'Raggiungimento', 'Esito'],
        below.map((i) => [i.code, i.name, scoreIt(i.achievement.score), outcomeIt(i.achievement)]),
        [70, width - 256, 86, 100],
        8,
        (row, cell) => (cell >= 2 ? bandFill(below[row].achievement) : undefined),
      );
    } else para(s5, 'Tutti gli indicatori hanno raggiunto il target.', 'I');
  }
  if (input.figures === 'approved' && input.laterChanges?.length) {
    heading(s5, 2, "Dati cambiati nel PIAO dopo l'approvazione", false);
    para(s5, "La Relazione riporta i dati fissati dall'approvazione della Giunta; questi indicatori hanno oggi un grado di raggiungimento diverso nel PIAO (ad esempio per una misurazione rettificata).", 'R', 8.5);
    table(
      s5,
      ['Codice', 'Indicatore', 'Approvato', 'Oggi'],
      input.laterChanges.map((c) => [c.code, c.name, scoreIt(c.approved), scoreIt(c.now)]),
      [70, width - 230, 80, 80],
      8,
    );
  }
  s5.end();

  // ---------- 6: validation ----------
  const s6 = section();
  heading(s6, 1, `${view ? 6 : 3}. Validazione dell'OIV`, true);
  if (validated) para(s6, `La Relazione è stata validata dall'Organismo indipendente di valutazione con ${validated.reference} del ${itDate(validated.date)} (art. 14, comma 4, lettera c) del d.lgs. 150/2009).`);
  else para(s6, `${NOT_VALIDATED}: la validazione è condizione per l'erogazione dei premi legati alla performance (art. 14, comma 6 del d.lgs. 150/2009).`, 'B', 9.5, WARNING_COLOUR);
  s6.end();

  return pdf.finish(
    (i) => ({
      ...(i > 0 ? { left: `${input.chamber.name} - Relazione sulla performance ${year}` } : {}),
      right: validated ? `Validata dall'OIV il ${itDate(validated.date)}` : NOT_VALIDATED,
      warn: !validated,
    }),
    `Versione ${input.cycle.version} - ${itDate(isoDateAt(input.asOf, 'Europe/Rome'))}`,
  );
}
