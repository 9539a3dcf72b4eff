import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { planTreeView, standardBands, type PlanMeasurement, type PlanNode } from '@ciclo/domain';
import { achievementByArea, renderRelazionePdf, type RelazioneInput } from './relazione-pdf';

const dir = mkdtempSync(join(tmpdir(), 'relazione-'));
let n = 0;
function poppler(pdf: Buffer): { text: string; info: string; file: string } {
  const file = join(dir, `r${n++}.pdf`);
  writeFileSync(file, pdf);
  return { text: execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']).toString('utf8'), info: execFileSync('pdfinfo', [file]).toString('utf8'), file };
}

const oo = (code: string, so: string, area: string): PlanNode => ({
  kind: 'operational_objective',
  code,
  title: `Obiettivo ${code}`,
  resources: null,
  strategicObjectiveCode: so,
  area,
  stakeholders: [],
  commonSystemObjective: false,
  section: 'performance',
});
const ind = (code: string, objective: string): PlanNode => ({
  kind: 'indicator',
  code,
  objectiveCode: objective,
  name: `Indicatore ${code}`,
  type: 'volume',
  unit: 'n',
  baseline: { nd: true },
  targets: [{ year: 2026, operator: '>=', value: 100 }],
  weight: 100,
});
const nodes: PlanNode[] = [
  { kind: 'ambito', code: '01', title: 'Competitività delle imprese' },
  { kind: 'strategic_objective', code: '01_01', title: 'Digitalizzazione', ambitoCode: '01' },
  oo('01_01_01', '01_01', 'Area promozione'),
  ind('01_01_01_I1', '01_01_01'),
  oo('01_01_02', '01_01', 'Area anagrafe'),
  ind('01_01_02_I1', '01_01_02'),
];
const m = (indicatorCode: string, value: number): PlanMeasurement => ({ indicatorCode, period: '2026', value, date: '2026-12-31', version: 9, by: 'u-r', role: 'rilevatore', at: '2026-12-31T10:00:00Z' });
const bands = standardBands({ minimum: 60 });
const view = planTreeView(nodes, [m('01_01_01_I1', 100), m('01_01_02_I1', 40)], { year: 2026, rules: { bands } });

const input = (over: Partial<RelazioneInput> = {}): RelazioneInput => ({
  chamber: { name: 'Camera di commercio di Prova' },
  cycle: { title: 'Relazione sulla performance 2026', year: 2026, version: 7, stageTitle: 'Redazione della Relazione' },
  piao: { title: 'PIAO 2026-2028', period: '2026-2028', version: 14 },
  figures: 'live',
  approval: null,
  validation: null,
  achievement: view,
  bands,
  narratives: { scostamenti: "## Obiettivo 01_01_02\n\nIl calo delle pratiche è dovuto alla **migrazione** del sistema.\n\n- primo motivo\n- secondo motivo" },
  asOf: new Date('2027-03-01T09:00:00Z'),
  ...over,
});

describe('renderRelazionePdf', () => {
  it('is byte-identical for the same input, tagged, in Italian, titled, with figures carrying a text alternative', async () => {
    const a = await renderRelazionePdf(input());
    expect((await renderRelazionePdf(input())).equals(a)).toBe(true);
    const { info } = poppler(a);
    expect(info).toMatch(/^Title:\s+Relazione sulla performance 2026 - Camera di commercio di Prova$/m);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    const raw = a.toString('latin1');
    expect(raw).toMatch(/\/Lang \(it-IT\)/);
    const count = (tag: string) => (raw.match(new RegExp(`/S /${tag}\\b`, 'g')) ?? []).length;
    expect(count('Figure')).toBe(3); // areas, strategic and operational objectives
    expect((raw.match(/\/Alt /g) ?? []).length).toBe(3);
    expect(count('L')).toBe(1);
    expect(count('LI')).toBe(2);
    expect((await renderRelazionePdf(input({ asOf: new Date('2027-03-02T09:00:00Z') }))).equals(a)).toBe(false);
  });

  it('prints the achievement by chamber, area, objective and indicator, the variances, and "non ancora validata" on every page', async () => {
    const { text, file } = poppler(await renderRelazionePdf(input()));
    for (const h of ['1. Sintesi dei risultati', '2. Raggiungimento per area', '3. Raggiungimento per obiettivo', '4. Indicatori', '5. Analisi degli scostamenti', "6. Validazione dell'OIV"]) expect(text).toContain(h);
    expect(text).toMatch(/complessivo dell'ente nel 2026: 70%/);
    expect(text).toContain('Area promozione');
    expect(text).toContain('Area anagrafe');
    expect(text).toContain('Sotto la soglia minima');
    expect(text).toContain('Tra target ed eccellenza');
    expect(text).toContain('Il calo delle pratiche è dovuto alla migrazione del sistema.');
    expect(text).toContain('secondo motivo');
    expect(text).not.toContain('**');
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(3);
    for (const p of pages) expect(p).toContain('non ancora validata');
    const out = resolve(__dirname, '../../../test-results/documents');
    mkdirSync(out, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '5', file, join(out, 'relazione-unit')]);
  });

  it('once validated: the reference and date, no "non ancora validata"', async () => {
    const { text } = poppler(
      await renderRelazionePdf(input({ figures: 'approved', approval: { organ: 'giunta', number: '55/2027', date: '2027-04-20' }, validation: { reference: 'Documento di validazione 1/2027', date: '2027-05-10' } })),
    );
    expect(text).toContain("Validata dall'OIV: Documento di validazione 1/2027 del 10/05/2027");
    expect(text).toContain('Approvata con deliberazione della Giunta n. 55/2027 del 20/04/2027');
    expect(text).toContain("fissata dall'approvazione della Giunta");
    expect(text).not.toMatch(/non ancora validata/i);
  });

  it('averages the measured operational objectives of each area', () => {
    expect(achievementByArea(view, bands).map((a) => [a.title, a.score, a.band?.key])).toEqual([
      ['Area promozione', 100, 'target_to_excellent'],
      ['Area anagrafe', 40, 'below_minimum'],
    ]);
  });
});
