// seeds/catalogue/processi-anticorruzione.json: the processes of the PTPCT 2019-2021 mapping (seed
// 002), each with its responsible area and office and the catalogue 000 process it corresponds to,
// checked against the raw text: counts per area, every structure on the lines of its actions,
// sample rows field by field.
import { countBy, loadSeed, rawLine } from './helpers';

interface Structure {
  area: string;
  office: string | null;
  actions: number;
  lines: number[];
}
interface Processo {
  code: string;
  printedCode?: string;
  title: string;
  catalogueCode: string | null;
  catalogueTitle: string | null;
  catalogueMatch: 'titolo' | 'contenuto' | null;
  area: string | null;
  office: string | null;
  actions: number;
  actionsWithoutStructure: number;
  structures: Structure[];
  source: { file: string; ref: string; line: number };
  note?: string;
}

const processi = loadSeed<{ mappatura: Processo[] }>('catalogue/processi-anticorruzione.json').mappatura;
const catalogue = new Map(
  loadSeed<{ processi: { code: string; title: string | null }[] }>('catalogue/processi.json').processi.map(
    (c) => [c.code, c],
  ),
);
const actions = loadSeed<{ strutture: { processCode: string; area: string | null }[] }>(
  'catalogue/strutture.json',
).strutture;
const FILE = '002_7e7eac84144ac705.txt';

describe('curated seeds: processes of the anticorruption mapping (seed 002)', () => {
  it('holds every sub-process printed, with its actions, and the counts per area', () => {
    expect(processi).toHaveLength(64);
    expect(processi.reduce((n, p) => n + p.actions, 0)).toBe(actions.length);
    expect(countBy(processi, (p) => p.area ?? 'null')).toEqual({
      'Sviluppo economico': 28,
      'Segretario generale': 16,
      'Servizi amministrativi': 11,
      'Area di competenza per materia': 2,
      null: 7,
    });
    // B3.2.1 is printed twice (contabilità, liquidità): two records, told apart by title.
    expect(processi.filter((p) => p.code === 'B3.2.1').map((p) => p.title)).toEqual([
      'Gestione contabilità',
      'Gestione liquidità',
    ]);
  });

  it('prints the process code on its source line, and every structure on the lines of its actions', () => {
    for (const p of processi) {
      const line = rawLine(FILE, p.source.line);
      expect([p.code, line.includes(p.source.ref), line.includes(p.title.slice(0, 12))]).toEqual([
        p.code,
        true,
        true,
      ]);
      expect(p.source.ref.replace(/\.$/, '')).toBe(p.code);
      for (const s of p.structures)
        for (const l of s.lines) {
          const raw = rawLine(FILE, l);
          expect([p.code, l, raw.includes(s.area), s.office === null || raw.includes(s.office)]).toEqual([
            p.code,
            l,
            true,
            true,
          ]);
        }
      // Area and office are the structure of most actions.
      const top = p.structures[0];
      expect([p.code, p.area, p.office]).toEqual([p.code, top?.area ?? null, top?.office ?? null]);
      expect(p.structures.every((s) => s.actions <= (top?.actions ?? 0))).toBe(true);
      expect(p.structures.reduce((n, s) => n + s.actions, 0) + p.actionsWithoutStructure).toBe(p.actions);
    }
  });

  it('names an existing catalogue 000 process, with its title, or null with a note', () => {
    for (const p of processi) {
      if (p.catalogueCode === null) {
        expect([p.code, p.catalogueMatch, typeof p.note]).toEqual([p.code, null, 'string']);
        continue;
      }
      const c = catalogue.get(p.catalogueCode);
      expect([p.code, c?.title ?? null]).toEqual([p.code, p.catalogueTitle]);
      expect(['titolo', 'contenuto']).toContain(p.catalogueMatch);
    }
  });

  it('reads sample rows field by field', () => {
    const byKey = (code: string, title?: string) =>
      processi.find((p) => p.code === code && (!title || p.title === title));
    expect(byKey('C2.7.5')).toEqual({
      code: 'C2.7.5',
      title: 'Manifestazioni a premio',
      catalogueCode: 'C2.2.3',
      catalogueTitle: expect.stringMatching(
        /^Servizi a garanzia della regolarità di concorsi e operazioni a premio/,
      ),
      catalogueMatch: 'titolo',
      area: 'Sviluppo economico',
      office: 'Armonizzaz. e tutela del mercato',
      actions: 2,
      actionsWithoutStructure: 0,
      structures: [
        {
          area: 'Sviluppo economico',
          office: 'Armonizzaz. e tutela del mercato',
          actions: 2,
          lines: [225, 226],
        },
      ],
      source: { file: FILE, ref: 'C2.7.5', line: 225 },
    });
    expect(byKey('B1.1.1')).toMatchObject({
      catalogueCode: 'B1.1.1',
      area: 'Servizi amministrativi',
      office: 'Risorse umane e patrimonio',
      actions: 5,
      structures: [
        { area: 'Servizi amministrativi', office: 'Risorse umane e patrimonio', actions: 2, lines: [65, 67] },
        {
          area: 'Segretario generale/Servizi amministrativi',
          office: 'Affari generali/Risorse umane e patrimonio',
          actions: 1,
          lines: [63],
        },
        { area: 'Segretario generale', office: 'Affari generali', actions: 1, lines: [64] },
        { area: 'Segretario generale', office: null, actions: 1, lines: [66] },
      ],
      source: { ref: 'B1.1.1', line: 63 },
    });
    expect(byKey('A3.1.3')).toMatchObject({
      printedCode: 'A3.1.3.',
      source: { ref: 'A3.1.3.', line: 56 },
      area: 'Segretario generale',
      office: 'Affari generali',
    });
    expect(byKey('B3.2.1', 'Gestione liquidità')).toMatchObject({
      catalogueCode: 'B3.2.2',
      catalogueMatch: 'contenuto',
      source: { line: 126 },
      note: expect.stringContaining('due volte'),
    });
    expect(byKey('A1.1')).toMatchObject({ area: null, office: null, actionsWithoutStructure: 7 });
  });
});
