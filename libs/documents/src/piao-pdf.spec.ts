import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanNode } from '@ciclo/domain';
import { renderPiaoPdf, type PiaoInput } from './piao-pdf';

const dir = mkdtempSync(join(tmpdir(), 'piao-'));
let n = 0;
/** Text and metadata through poppler-utils (pdftotext, pdfinfo). */
function poppler(pdf: Buffer): { text: string; info: string } {
  const file = join(dir, `p${n++}.pdf`);
  writeFileSync(file, pdf);
  return { text: execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']).toString('utf8'), info: execFileSync('pdfinfo', [file]).toString('utf8') };
}

const nodes: PlanNode[] = [
  { kind: 'ambito', code: '01', title: 'Competitività delle imprese' },
  { kind: 'strategic_objective', code: '01_01', title: 'Digitalizzazione', ambitoCode: '01' },
  {
    kind: 'operational_objective',
    code: '01_01_02',
    title: 'Punto impresa digitale: più è meglio',
    description: 'Società Łódź & Dvořák: perché così, Ærø, Øresund, ß, œuvre, Ğ',
    resources: { kind: 'euro', amount: 335000 },
    strategicObjectiveCode: '01_01',
    area: 'Area promozione',
    office: 'Ufficio PID',
    stakeholders: [],
    commonSystemObjective: false,
    section: 'performance',
  },
  {
    kind: 'indicator',
    code: '01_01_02_I1',
    objectiveCode: '01_01_02',
    name: 'Assessment della maturità digitale',
    type: 'volume',
    unit: 'n',
    baseline: { value: 30, year: 2021 },
    targets: [
      { year: 2022, operator: '>=', value: 60 },
      { year: 2023, operator: '>=', value: 65 },
      { year: 2024, operator: 'entro_il', value: '2024-06-30' },
    ],
    weight: 25,
  },
];

const input = (over: Partial<PiaoInput> = {}): PiaoInput => ({
  chamber: { name: 'Camera di commercio di Prova', ipaCode: 'cciaa_xx' },
  cycle: { title: 'PIAO 2022-2024', period: '2022-2024', years: [2022, 2023, 2024], version: 12, stageTitle: 'Bozza' },
  adoption: null,
  variations: [],
  nodes,
  attachments: [],
  measurements: 0,
  asOf: new Date('2022-01-20T10:00:00Z'),
  ...over,
});

describe('renderPiaoPdf', () => {
  it('is byte-identical for the same input, tagged, in Italian, titled', async () => {
    const a = await renderPiaoPdf(input());
    const b = await renderPiaoPdf(input());
    expect(a.equals(b)).toBe(true);
    const { info } = poppler(a);
    expect(info).toMatch(/^Title:\s+PIAO 2022-2024 - Camera di commercio di Prova$/m);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^CreationDate:.*2022/m);
    expect(a.toString('latin1')).toMatch(/\/Lang \(it-IT\)/);
    expect(a.toString('latin1')).toMatch(/\/DisplayDocTitle true/);
    // The structure tree: sections, headings, the table of contents, tables with column header cells.
    const raw = a.toString('latin1');
    const count = (tag: string) => (raw.match(new RegExp(`/S /${tag}\\b`, 'g')) ?? []).length;
    expect(count('Sect')).toBe(6);
    expect(count('TOC')).toBe(1);
    expect(count('TOCI')).toBe(11);
    expect(count('H1')).toBe(7); // the title and the six parts ("Indice" included)
    expect(count('H5')).toBe(1);
    expect(count('Table')).toBe(3);
    expect(count('TH')).toBe(2 + 3 + 9);
    expect((raw.match(/\/Scope \/Column/g) ?? []).length).toBe(count('TH'));
    expect(raw).toMatch(/\/StructTreeRoot/);
    // A different event time gives another file.
    expect((await renderPiaoPdf(input({ asOf: new Date('2022-01-21T10:00:00Z') }))).equals(a)).toBe(false);
  });

  it('prints every section, the tree with indicators, accented and uncommon Latin letters, and the draft mark on every page', async () => {
    const { text } = poppler(await renderPiaoPdf(input()));
    for (const h of ['Indice', "1. Scheda anagrafica dell'amministrazione", '2.1 Valore pubblico', '2.2 Performance', '2.3 Rischi corruttivi e trasparenza', '3. Organizzazione e capitale umano', '3.1 Struttura organizzativa', '4. Monitoraggio', 'Allegati'])
      expect(text).toContain(h);
    expect(text).toContain('Sezione non ancora redatta.');
    expect(text).toContain('Società Łódź & Dvořák: perché così, Ærø, Øresund, ß, œuvre, Ğ');
    expect(text).toContain('01_01_02_I1');
    expect(text).toMatch(/≥ 60/);
    expect(text).toContain('entro il');
    expect(text).toContain('30/06/2024');
    expect(text).toContain('335.000,00 €');
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(3);
    for (const p of pages) expect(p).toContain('BOZZA');
    expect(text).not.toContain('Adottato con');
  });

  it('once adopted: the deliberation on the cover and in the header, no draft mark', async () => {
    const { text } = poppler(await renderPiaoPdf(input({ adoption: { organ: 'giunta', number: '12', date: '2022-01-31' } })));
    expect(text).toContain('Adottato con deliberazione della Giunta n. 12 del 31/01/2022');
    expect(text).not.toContain('BOZZA');
  });

  it('prints the narrative sections from Markdown as tagged headings, paragraphs and lists', async () => {
    const pdf = await renderPiaoPdf(input({ narratives: { '2.1': '# Il valore per le imprese\n\nUn **territorio** più competitivo.\n\n- meno tempi\n- più servizi', '3.2': 'Lavoro agile per il 40% del personale.' } }));
    const { text } = poppler(pdf);
    expect(text).toContain('Il valore per le imprese');
    expect(text).toContain('Un territorio più competitivo.');
    expect(text).toMatch(/•\s+meno tempi/);
    expect(text).toContain('Lavoro agile per il 40% del personale.');
    expect(text).not.toContain('**');
    const raw = pdf.toString('latin1');
    const count = (tag: string) => (raw.match(new RegExp(`/S /${tag}\\b`, 'g')) ?? []).length;
    expect(count('H3')).toBe(2); // the Markdown heading under 2.1, and the ambito of 2.2
    expect([count('L'), count('LI'), count('Lbl'), count('LBody')]).toEqual([1, 2, 2, 2]);
  });

  it('prints the risk register in section 2.3: processes with their level and motivation, measures with owner, phases and target', async () => {
    const { text } = poppler(
      await renderPiaoPdf(
        input({
          riskRegister: {
            processes: [{ code: 'C2.2.3', title: 'Manifestazioni a premio', area: 'Sviluppo economico', office: 'Tutela del mercato', rating: 'alto', motivation: 'interesse economico elevato', risks: ['Omesso controllo'] }],
            measures: [
              {
                code: 'MS1',
                title: 'Check list dei controlli',
                measureKind: 'specifica',
                category: 'controllo',
                riskCodes: ['C2.2.3-R1'],
                owner: { office: 'Tutela del mercato', dirigente: 'Andrea Campione' },
                phases: [{ title: 'Adozione', deadline: '2022-06-30' }],
                indicator: 'Pratiche con check list',
                target: '100%',
              },
            ],
          },
        }),
      ),
    );
    const flat = text.replace(/\s+/g, ' ');
    // Section 2.3 of the body (after 2.2's tree), up to section 3; table cells wrap their text.
    const start = flat.indexOf('2.3 Rischi corruttivi e trasparenza', flat.indexOf('Obiettivo operativo 01_01_02'));
    const s23 = flat.slice(start, flat.indexOf('3. Organizzazione e capitale umano', start));
    expect(s23).toContain('Mappatura dei processi e valutazione del rischio');
    expect(s23).toContain('C2.2.3 - Manifestazioni a');
    expect(s23).toContain('alto: interesse economico elevato');
    expect(s23).toContain('Misure di prevenzione');
    expect(s23).toContain('Andrea Campione');
    expect(s23).toMatch(/Adozione entro il .*30\/06\/2022/);
    expect(s23).not.toContain('Sezione non ancora redatta');
  });
});
