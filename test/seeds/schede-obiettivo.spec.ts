import { RAW, loadSeed, rawLine, rawLines, type Source } from './helpers';

/** seeds/plan/schede-obiettivo-2022-2024.json against seed 004 (objective cards 2022-2024). */

interface Target {
  year: number;
  operator: '>=' | '<=' | '=' | '>' | '<' | null;
  value: number | null;
  unit?: string;
  notApplicable?: boolean;
  raw?: string;
}
interface CardIndicator {
  code: string;
  kpi: string | null;
  kpiStandard?: string;
  algorithm: string;
  observedValues: unknown[];
  observedValuesRaw: string | null;
  targets: Target[];
  targetsRaw: string;
  dataSource: string;
  source: Source;
  note?: string;
}
interface Card {
  code: string;
  title: string;
  mission: { code: string; title: string; source: Source };
  spendingProgramme: { title: string; source: Source };
  actions: string[];
  description: string;
  timeSpan: { from: number; to: number; raw: string };
  stakeholders: string[];
  cdr: { code: string; title: string };
  resources: { kind: 'euro'; amount: number } | null;
  resourcesRaw?: string | null;
  indicators: CardIndicator[];
  source: Source;
  note?: string;
}

const FILE = RAW.objectiveCards;
const cards = loadSeed<{ schede: Card[] }>('plan/schede-obiettivo-2022-2024.json').schede;
const lines = rawLines(FILE);
const strip = (s: string) => s.replace(/<\/?(b|i|p)>/g, '').trim();

describe('seed 004: objective cards 2022-2024', () => {
  const titleLines = lines
    .map((l, i) => ({ l, n: i + 1 }))
    .filter(({ l }) => /\t(<b>)?TITOLO(<\/b>)?\t/.test(l));

  it('has one card per TITOLO row, with the code printed in the title', () => {
    const codes = titleLines.map(({ l }) => /\((\w\d)\)/.exec(l)![1]);
    expect(cards.map((c) => c.code)).toEqual(codes);
    expect(cards.map((c) => c.source.line)).toEqual(titleLines.map((t) => t.n));
    // A1-A3 (missione 011), B1-B3 (016), C1-C2 (012), C3-C6 (032), as printed in the MISSIONE rows.
    expect(cards.map((c) => `${c.code}:${c.mission.code}`)).toEqual([
      'A1:011',
      'A2:011',
      'A3:011',
      'B1:016',
      'B2:016',
      'B3:016',
      'C1:012',
      'C2:012',
      'C3:032',
      'C4:032',
      'C5:032',
      'C6:032',
    ]);
  });

  it('has as many indicators per card as INDICATORE rows in the card', () => {
    titleLines.forEach((t, k) => {
      const end = k + 1 < titleLines.length ? titleLines[k + 1].n : lines.length + 1;
      // B2 and C6 print their 'Obiettivo' label on the row after TITOLO; indicators follow in both cases
      const rows = lines
        .slice(t.n - 1, end - 1)
        .filter(
          (l) =>
            strip(l.split('\t')[0] ?? '') === 'INDICATORE' ||
            (strip(l.split('\t')[0] ?? '') === '' && strip(l.split('\t')[1] ?? '') === 'INDICATORE'),
        );
      expect([cards[k].code, cards[k].indicators.length]).toEqual([cards[k].code, rows.length]);
    });
    expect(cards.reduce((a, c) => a + c.indicators.length, 0)).toBe(
      lines.filter((l) => /^(\t)?(<b>)?INDICATORE(<\/b>)?\t/.test(l)).length,
    );
  });

  it('keeps three yearly targets per indicator, as printed in RISULTATI ATTESI', () => {
    for (const c of cards) {
      for (const i of c.indicators) {
        expect(i.targets.map((t) => t.year)).toEqual([2022, 2023, 2024]);
        expect(lines.some((l) => l.includes(i.targetsRaw))).toBe(true);
        const line = rawLine(FILE, i.source.line);
        expect(line).toContain(i.kpi ?? i.algorithm);
        if (i.kpi === null) expect(i.note).toMatch(/KPI/);
        expect(i.observedValues).toEqual([]);
      }
    }
  });

  it('reads sample cards and indicators exactly', () => {
    const card = (code: string) => cards.find((c) => c.code === code)!;
    const ind = (code: string) => cards.flatMap((c) => c.indicators).find((i) => i.code === code)!;
    expect(card('A1')).toMatchObject({
      title: 'Valorizzare le peculiarità/potenzialità del territorio',
      mission: { code: '011', title: "COMPETITIVITA' E SVILUPPO DELLE IMPRESE" },
      actions: ['AA101', 'AA103', 'AA104', 'AA105'],
      timeSpan: { from: 2022, to: 2024 },
      cdr: { code: 'CDR 3', title: 'Studi, formazione, informazione e promozione economica' },
      resources: { kind: 'euro', amount: 955000 },
    });
    // "Euro 364,532,25 (BB1)": the thousands separator printed as a comma
    expect(card('B1')).toMatchObject({
      resources: { kind: 'euro', amount: 364532.25 },
      resourcesRaw: 'Euro 364,532,25 (BB1)',
    });
    expect(card('C3').resources).toBeNull();
    expect(ind('A3_I1').targets).toEqual([
      { year: 2022, operator: '>=', value: 3 },
      { year: 2023, operator: '>=', value: 2 },
      { year: 2024, operator: '>=', value: 2 },
    ]);
    expect(ind('C4_I4')).toMatchObject({
      kpi: 'Tempo medio di pagamento delle fatture passive',
      kpiStandard: 'STD 225',
      targets: [
        { year: 2022, operator: '<', value: 30, unit: 'gg' },
        { year: 2023, operator: '<', value: 30, unit: 'gg' },
        { year: 2024, operator: '<', value: 30, unit: 'gg' },
      ],
      dataSource: 'Rilevazione interna della Camera',
    });
    expect(ind('B2_I2').targets[1]).toMatchObject({
      year: 2023,
      operator: null,
      value: null,
      notApplicable: true,
      raw: '---',
    });
    expect(ind('C2_I1')).toMatchObject({
      kpiStandard: 'STD 166 (Qualità/tempestività)',
      targets: [{ operator: '>=', value: 90, unit: '%' }, {}, {}],
    });
    expect(ind('C1_I2').dataSource).toBe('U.O. Giustizia alternativa');
  });

  it('points every mission and programme at its printed line', () => {
    for (const c of cards) {
      expect(rawLine(FILE, c.mission.source.line)).toContain(`MISSIONE - ${c.mission.code}`);
      expect(rawLine(FILE, c.spendingProgramme.source.line)).toContain(c.spendingProgramme.title);
      expect(c.mission.source.line).toBeLessThan(c.source.line);
    }
  });
});
