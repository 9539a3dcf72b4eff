import { RAW, countBy, loadSeed, rawLine, rawLines, type Source } from './helpers';

/**
 * seeds/catalogue/*.json against seeds 000 (process map, PIAO 2026-2028), 001 (process cards,
 * Torino) and 002 (process mapping with responsible structures, PTPCT 2019-2021).
 */

interface Process {
  code: string;
  printedCode?: string;
  level: number;
  parentCode: string | null;
  title: string | null;
  inferred?: boolean;
  codeSynthesized?: boolean;
  nonRicorre?: boolean | string;
  source: Source;
  note?: string;
}
interface Structure {
  processCode: string | null;
  processTitle: string | null;
  action: string;
  area: string | null;
  office: string | null;
  alignment?: 'group' | 'none';
  structureCandidates?: { area: string; office: string | null; line: number }[];
  source: Source;
  note?: string;
}
interface ProcessCard {
  code: string;
  printedCode?: string;
  variant?: string;
  title: string;
  input: string | null;
  inputRaw?: string;
  output: string | null;
  outputRaw?: string;
  activities: string[];
  responsibleRole: string;
  deadline?: { text: string; day: number | null; month: number; source: Source; appliesTo?: string };
  catalogueCode: string;
  source: Source;
  note?: string;
}

const processi = loadSeed<{ processi: Process[] }>('catalogue/processi.json').processi;
const strutture = loadSeed<{ strutture: Structure[] }>('catalogue/strutture.json').strutture;
const cards = loadSeed<{ schede: ProcessCard[] }>('catalogue/schede-processo.json').schede;

/** A process code as printed: a letter, an optional dot, then numbers separated by dots ("A1.1.2", "A.1", "B2.3."). */
const TOKEN = /(?<![\w.])([A-FZ]\.?\d+(?:\.\d+)*)\.?(?![\w])/g;

/** Macro-processes whose macro-function is not their letter (see processi.json source.note and E1's note). */
const MACRO_PARENT: Record<string, string> = { E1: 'D', F1: 'ALTRO', Z1: 'ALTRO' };

function expectedParent(code: string): string | null {
  if (!/^[A-Z]\d/.test(code)) return null; // macro-function
  const parts = code.split('.');
  if (parts.length === 1) return MACRO_PARENT[code] ?? code[0];
  return parts.slice(0, -1).join('.');
}

function depth(code: string): number {
  return /^[A-Z]\d/.test(code) ? code.split('.').length + 1 : 1;
}

describe('seed 000: process catalogue (PIAO 2026-2028, Allegato 1)', () => {
  const printedTokens = new Map<string, number[]>();
  rawLines(RAW.processMap).forEach((l, i) => {
    for (const m of l.matchAll(TOKEN)) printedTokens.set(m[1], [...(printedTokens.get(m[1]) ?? []), i + 1]);
  });

  it('contains every process code printed in the document, and claims no code it does not print', () => {
    const asPrinted = new Set(
      processi
        .filter((p) => !p.inferred && !p.codeSynthesized)
        .map((p) => (p.printedCode ?? p.code).replace(/\.$/, '')),
    );
    expect([...asPrinted].sort()).toEqual([...printedTokens.keys()].sort());
    // a printed record sits on a line where its printed code appears
    for (const p of processi.filter((x) => !x.inferred && !x.codeSynthesized)) {
      const token = (p.printedCode ?? p.code).replace(/\.$/, '');
      expect([p.code, printedTokens.get(token)]).toEqual([p.code, expect.arrayContaining([p.source.line])]);
    }
  });

  it('has unique codes, each with the right parent and level', () => {
    const codes = processi.map((p) => p.code);
    expect(new Set(codes).size).toBe(codes.length);
    const byCode = new Map(processi.map((p) => [p.code, p]));
    for (const p of processi) {
      expect([p.code, p.parentCode]).toEqual([p.code, expectedParent(p.code)]);
      expect([p.code, p.level]).toEqual([p.code, Math.min(5, depth(p.code))]);
      if (p.parentCode !== null) {
        const parent = byCode.get(p.parentCode);
        expect([p.code, parent?.code]).toEqual([p.code, p.parentCode]);
        expect(parent!.level).toBeLessThanOrEqual(p.level);
      } else {
        expect(p.level).toBe(1);
      }
    }
  });

  it('has the five macro-functions printed in the first column', () => {
    const mf = processi.filter((p) => p.level === 1);
    expect(mf.map((p) => p.title)).toEqual([
      'GOVERNO CAMERALE',
      'PROCESSI DI SUPPORTO',
      'TRASPARENZA, SEMPLIFICAZIONE E TUTELA',
      'SVILUPPO DELLA COMPETITIVITÀ',
      'ALTRO',
    ]);
    for (const p of mf) expect(rawLine(RAW.processMap, p.source.line)).toContain(p.title!);
  });

  it('titles of printed codes appear on their line; inferred codes say so', () => {
    for (const p of processi) {
      const line = rawLine(RAW.processMap, p.source.line);
      if (p.inferred) {
        expect(p.title).toBeNull();
        expect(p.note).toMatch(/non stampato/);
        // an inferred code is the prefix of the printed code it was deduced from
        expect(p.source.ref.startsWith(p.code + '.')).toBe(true);
      } else {
        expect([p.code, line.includes(p.title!)]).toEqual([p.code, true]);
      }
    }
  });

  it("keeps every 'Non ricorre' note on the activities of its row", () => {
    const nrLines = rawLines(RAW.processMap)
      .map((l, i) => ({ n: i + 1, count: (l.match(/Non ricorre/g) ?? []).length }))
      .filter((x) => x.count > 0);
    for (const { n, count } of nrLines) {
      const onRow = processi.filter((p) => p.source.line === n && p.nonRicorre);
      expect([n, onRow.length >= count]).toEqual([n, true]);
    }
    for (const p of processi.filter((x) => x.nonRicorre)) {
      expect(rawLine(RAW.processMap, p.source.line)).toContain('Non ricorre');
      if (typeof p.nonRicorre === 'string') expect(p.nonRicorre).toMatch(/^ambiguo/);
    }
  });

  it('maps the A1 codes the approval cycles use to the right activities', () => {
    const title = (code: string) => processi.find((p) => p.code === code)?.title;
    expect(title('A1.1.1.1')).toBe('Relazione Previsionale e Programmatica');
    expect(title('A1.1.1.3')).toMatch(/^Redazione PIAO/);
    expect(title('A1.1.3.3')).toBe('Relazione sulla performance');
    expect(title('A1.2.1.1')).toMatch(/^Piano triennale di prevenzione della corruzione/);
    expect(title('A1.2.1.2')).toBe('Relazione del Responsabile della prevenzione della corruzione');
  });
});

describe('seed 002: responsible structures (PTPCT 2019-2021, Allegato 1)', () => {
  const AREAS = [
    'Segretario generale',
    'Servizi amministrativi',
    'Sviluppo economico',
    'Area di competenza per materia',
    'Dirigente della struttura/UCPD',
    'Segretario generale/Servizi amministrativi',
  ];

  it('reads area and office from the line of each action', () => {
    for (const s of strutture) {
      const cells = rawLine(RAW.riskMap, s.source.line)
        .split('\t')
        .map((c) => c.trim())
        .filter(Boolean);
      if (s.area !== null && s.alignment === undefined) {
        expect([s.action, cells.includes(s.area)]).toEqual([s.action, true]);
        if (s.office !== null) expect(cells[cells.indexOf(s.area) + 1]).toBe(s.office);
      }
      if (s.area !== null) expect(AREAS).toContain(s.area);
      if (s.area === null || s.office === null) expect(s.note).toBeTruthy();
      for (const c of s.structureCandidates ?? []) expect(rawLine(RAW.riskMap, c.line)).toContain(c.area);
    }
  });

  it('has a record for every printed row that pairs an action with a structure', () => {
    const structureOnly = (cells: string[]) => cells.length === 2 && AREAS.includes(cells[0]);
    const recordLines = new Set(strutture.map((s) => s.source.line));
    rawLines(RAW.riskMap).forEach((l, i) => {
      const cells = l
        .split('\t')
        .map((c) => c.trim())
        .filter(Boolean);
      if (cells.some((c) => AREAS.includes(c)) && !structureOnly(cells))
        expect([i + 1, recordLines.has(i + 1)]).toEqual([i + 1, true]);
    });
  });

  it('records a few known rows', () => {
    const find = (a: string) => strutture.find((s) => s.action === a)!;
    expect(find('Gestione del magazzino')).toMatchObject({
      processCode: 'B2.1.1',
      area: 'Servizi amministrativi',
      office: 'Risorse umane e patrimonio',
    });
    expect(find('Gestione Mediazioni')).toMatchObject({
      processCode: 'C2.6.1',
      area: 'Sviluppo economico',
      office: 'Armonizzaz. e tutela del mercato',
    });
    expect(find('Rilascio carnet ATA')).toMatchObject({
      processCode: 'C1.5.1',
      area: 'Sviluppo economico',
      office: 'Promozione economica',
    });
    // merged cell with non-alignable structure rows (lines 14-23)
    expect(find('Elaborazione Piano delle performance')).toMatchObject({
      area: null,
      office: null,
      alignment: 'none',
    });
  });
});

describe('seed 001: process cards of section A1 (Torino)', () => {
  /** OCR reads "A1." as "Al1." or "A.1.": both are accepted. */
  const CARD_CODE = /(?<![\w.])A(?:\.|l)?1\.(\d)\.(\d)\.(\d)/g;
  const a2 = rawLines(RAW.processCards).findIndex((l) => l.startsWith('A2 ORGANI CAMERALI'));

  it('has a card for every A1 code printed before section A2', () => {
    const inText = new Set<string>();
    rawLines(RAW.processCards)
      .slice(0, a2)
      .forEach((l) => {
        for (const m of l.matchAll(CARD_CODE)) inText.add(`A1.${m[1]}.${m[2]}.${m[3]}`);
      });
    expect([...new Set(cards.map((c) => c.code))].sort()).toEqual([...inText].sort());
    for (const c of cards) expect(c.source.line).toBeLessThan(a2 + 1);
  });

  it('has the fields of each card', () => {
    const catalogue = new Set(processi.map((p) => p.code));
    for (const c of cards) {
      expect(c.activities.length).toBeGreaterThan(0);
      expect(c.responsibleRole).toBeTruthy();
      expect(c.input ?? c.inputRaw).toBeTruthy();
      expect(c.output ?? c.outputRaw).toBeTruthy();
      if (c.input === null || c.output === null) expect(c.note).toBeTruthy();
      expect(catalogue.has(c.catalogueCode)).toBe(true);
    }
    // codes covering more than one card carry a variant
    const byCode = countBy(cards, (c) => c.code);
    for (const c of cards) if (byCode[c.code] > 1) expect(c.variant).toBeTruthy();
  });

  it('reads the statutory deadlines of the approval cycles', () => {
    const card = (code: string) => cards.find((c) => c.code === code)!;
    expect(card('A1.1.1.1').deadline).toMatchObject({ day: 31, month: 10 });
    expect(card('A1.1.1.1').responsibleRole).toBe('Segretario Generale');
    expect(card('A1.1.1.3').deadline).toMatchObject({ day: 31, month: 1 });
    expect(card('A1.1.1.4').deadline).toMatchObject({ day: 31, month: 12, appliesTo: 'budget' });
    expect(card('A1.2.1.1').deadline).toMatchObject({ day: 31, month: 1 });
    expect(card('A1.2.1.1').responsibleRole).toBe('RPCT (Segretario Generale)');
    expect(card('A1.2.1.2').responsibleRole).toBe('RPCT (Segretario Generale)');
    // the day of the Relazione sulla performance term is not legible: only the month is kept
    expect(card('A1.1.3.3').deadline).toMatchObject({ day: null, month: 6 });
    for (const c of cards.filter((x) => x.deadline)) {
      expect(rawLine(RAW.processCards, c.deadline!.source.line)).toContain(c.deadline!.source.ref);
    }
  });
});
