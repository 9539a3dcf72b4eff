import { RAW, countBy, itNumber, loadSeed, rawLine, rawLines, type Source } from './helpers';

/**
 * seeds/plan/piano-performance-2022-2024.json against the raw text of seed 003 (Piano della
 * performance 2022-2024, Camera di commercio di Pistoia-Prato). Codes, counts and every indicator
 * row are re-derived from the text here, independently of how the JSON was produced.
 */

type Operator = '>=' | '<=' | '=' | '>' | '<' | 'entro_il' | 'si_no';
interface Value {
  year: number;
  value?: number | string | null;
  nd?: boolean;
  raw?: string;
}
interface Target extends Value {
  operator: Operator;
  operatorRaw?: string;
}
interface Indicator {
  code: string;
  objectiveCode: string;
  name: string;
  algorithm?: string;
  type: string;
  typeRaw?: string;
  unit: string;
  unitRaw?: string;
  baseline: Value;
  targets: Target[];
  weight: number | null;
  weightRaw?: string;
  source: Source;
  note?: string;
}
interface Operational {
  code: string;
  strategicCode: string;
  title: string;
  description: string;
  resources: { kind: 'euro'; amount: number } | { kind: 'risorse_interne' } | null;
  area: string;
  office: string | null;
  commonSystemObjective: boolean;
  source: Source;
  note?: string;
}
interface Plan {
  source: { file: string; title: string; deliberation: { number: string; date: string; text: string } };
  ambiti: { code: string; title: string; source: Source }[];
  obiettiviStrategici: { code: string; ambitoCode: string; number: string; title: string; source: Source }[];
  obiettiviOperativi: Operational[];
  indicatori: Indicator[];
}

const FILE = RAW.plan;
const plan = loadSeed<Plan>('plan/piano-performance-2022-2024.json');
const lines = rawLines(FILE);

const CODE_RE = /(?<![\d_])(0[1-3]_0\d_\d\d)(?![\d_])/g;
const TYPES: Record<string, string> = {
  Volume: 'volume',
  Efficacia: 'efficacia',
  Efficienza: 'efficienza',
  Qualità: 'qualita',
  'Salute economica': 'salute_economica',
  'Indicatori DFP': 'dfp',
  'Indicatore Funzione Pubblica': 'dfp',
};
const UNITS: Record<string, string> = {
  'n.': 'n',
  '%': '%',
  '€': '€',
  gg: 'gg',
  data: 'data',
  'si/no': 'si_no',
  numero: 'n',
};
const OPS: Record<string, string> = {
  '>=': '>=',
  '≥': '>=',
  '<=': '<=',
  '≤': '<=',
  '=': '=',
  '>': '>',
  '<': '<',
};

/** Where each operational objective's code is printed, in document order. */
function codeLines(): { code: string; line: number }[] {
  const out: { code: string; line: number }[] = [];
  lines.forEach((l, i) => {
    for (const m of l.matchAll(CODE_RE)) out.push({ code: m[1], line: i + 1 });
  });
  return out;
}

/** Text blocks of the objective cards: from one code to the next (the last ends at the closing notes). */
function blocks(): { code: string; start: number; end: number }[] {
  const cl = codeLines();
  const closing = lines.findIndex((l) => l.startsWith('Il CCNL Funzioni Locali')) + 1;
  return cl.map((c, i) => ({
    code: c.code,
    start: c.line,
    end: i + 1 < cl.length ? cl[i + 1].line : closing,
  }));
}

/** Indicator rows of a block: tab-separated rows whose second cell is an indicator type. */
function indicatorRows(start: number, end: number): number[] {
  const rows: number[] = [];
  for (let n = start; n < end; n++) {
    const cells = rawLine(FILE, n).split('\t');
    if (cells.length >= 5 && cells[0].trim() && TYPES[cells[1].trim()] !== undefined) rows.push(n);
  }
  return rows;
}

function isoDate(raw: string): string | null {
  let m = /^(\d{2})[/.](\d{2})[/.](\d{4})$/.exec(raw);
  if (m) return `${m[3]}-${m[2]}-${m[1]}`;
  m = /^(\d{1,2})-nov-(\d{2})$/.exec(raw);
  if (m) return `20${m[2]}-11-${m[1].padStart(2, '0')}`;
  return null;
}

/** What a printed value cell means: n.d., yes/no, a date or a number. */
function expectedValue(raw: string): { nd: true } | { value: string | number } {
  const r = raw.trim();
  if (['n.d.', 'ND', '-'].includes(r)) return { nd: true };
  if (r === 'si' || r === 'no') return { value: r };
  const d = isoDate(r);
  if (d) return { value: d };
  return { value: itNumber(r) };
}

describe('seed 003: Piano della performance 2022-2024 (Pistoia-Prato)', () => {
  it('names the document and the adopting deliberation as printed on its cover', () => {
    expect(plan.source.file).toBe(FILE);
    expect(rawLine(FILE, 4)).toContain('Deliberazione di Giunta n. 12/22');
    expect(rawLine(FILE, 5)).toContain('23.02.2022');
    expect(plan.source.deliberation).toMatchObject({ number: '12/22', date: '2022-02-23' });
    expect(rawLine(FILE, 7)).toContain(plan.source.title);
  });

  it('has exactly the operational objective codes printed in the document', () => {
    const inText = new Set(codeLines().map((c) => c.code));
    const inJson = plan.obiettiviOperativi.map((o) => o.code);
    expect(new Set(inJson).size).toBe(inJson.length);
    expect([...inJson].sort()).toEqual([...inText].sort());
  });

  it("links each operational objective to the strategic code printed in its card ('Obiettivo strategico (OS)')", () => {
    const byCode = new Map(plan.obiettiviOperativi.map((o) => [o.code, o]));
    for (const b of blocks()) {
      const os = lines
        .slice(b.start - 1, b.end - 1)
        .findIndex((l) => l.trim().startsWith('Obiettivo strategico (OS)'));
      expect(os).toBeGreaterThanOrEqual(0);
      const after = lines.slice(b.start - 1 + os, b.end - 1).join('\n');
      const m = /(\d\d)[_.](\d\d)/.exec(after);
      expect(m).not.toBeNull();
      expect(byCode.get(b.code)?.strategicCode).toBe(`${m![1]}_${m![2]}`);
    }
    const strategic = new Set(plan.obiettiviStrategici.map((s) => s.code));
    for (const o of plan.obiettiviOperativi) expect(strategic.has(o.strategicCode)).toBe(true);
    const ambiti = new Set(plan.ambiti.map((a) => a.code));
    for (const s of plan.obiettiviStrategici) {
      expect(ambiti.has(s.ambitoCode)).toBe(true);
      expect(s.code.startsWith(`${s.ambitoCode}_`)).toBe(true);
    }
  });

  it('has the three strategic areas and eight strategic objectives of the performance tree', () => {
    // Slide "L'albero della performance 2022" (lines 44-89): three AMBITO STRATEGICO boxes and
    // eight OBIETTIVO STRATEGICO boxes numbered 01-08.
    expect(plan.ambiti).toHaveLength(3);
    expect(plan.obiettiviStrategici.map((s) => s.number)).toEqual([
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
      '07',
      '08',
    ]);
    const headings = lines.filter(
      (l) => /^Obiettivo strategico \d\d$/.test(l.trim()) || /^Obiettivo strategico \d\d\b/.test(l),
    );
    expect(new Set(headings.map((h) => h.trim().slice(0, 23))).size).toBe(8);
  });

  it('counts objectives and indicators per strategic objective as the document does', () => {
    // Derived from the text: objective codes by their strategic prefix, indicator rows by block.
    const objectivesFromText = countBy(codeLines(), (c) => c.code.slice(0, 5));
    const indicatorsFromText: Record<string, number> = {};
    for (const b of blocks()) {
      indicatorsFromText[b.code.slice(0, 5)] =
        (indicatorsFromText[b.code.slice(0, 5)] ?? 0) + indicatorRows(b.start, b.end).length;
    }
    expect(countBy(plan.obiettiviOperativi, (o) => o.strategicCode)).toEqual(objectivesFromText);
    expect(countBy(plan.indicatori, (i) => i.objectiveCode.slice(0, 5))).toEqual(indicatorsFromText);
    // The same counts as read in the cards under each heading "Obiettivo strategico 01" ... "08"
    // (01 Digitalizzazione: 01_01_01-03 with 4+8+5 indicator rows; 02 Internazionalizzazione:
    // 4+4+4; 03 Cultura e turismo: 3+7; 04 Competitività: 8+8+5+13; 05 Imprenditorialità: 4+9+8;
    // 06 Legalità: 6+10+10+7+8+6; 07 E-government: 4+13+9+6+7+5+6; 08 Ottimizzazione: 18 cards
    // 03_01_01-18 with 181 rows).
    expect(objectivesFromText).toEqual({
      '01_01': 3,
      '01_02': 3,
      '01_03': 2,
      '01_04': 4,
      '01_05': 3,
      '01_06': 6,
      '02_01': 7,
      '03_01': 18,
    });
    expect(indicatorsFromText).toEqual({
      '01_01': 17,
      '01_02': 12,
      '01_03': 10,
      '01_04': 34,
      '01_05': 21,
      '01_06': 47,
      '02_01': 50,
      '03_01': 181,
    });
  });

  it('has one indicator per row of each card, in order, coded <objective>_I<n>', () => {
    const byObjective = new Map<string, Indicator[]>();
    for (const i of plan.indicatori)
      byObjective.set(i.objectiveCode, [...(byObjective.get(i.objectiveCode) ?? []), i]);
    for (const b of blocks()) {
      const rows = indicatorRows(b.start, b.end);
      const inds = byObjective.get(b.code) ?? [];
      expect(inds.map((i) => i.source.line)).toEqual(rows);
      expect(inds.map((i) => i.code)).toEqual(rows.map((_, k) => `${b.code}_I${k + 1}`));
    }
  });

  it('reads every indicator row field by field: name, type, unit, 2021 baseline, 2022 operator and target, weight', () => {
    for (const ind of plan.indicatori) {
      const line = rawLine(FILE, ind.source.line);
      expect(line).toContain(ind.name);
      if (ind.algorithm) expect(line.replace(/\s+/g, ' ')).toContain(ind.algorithm.slice(0, 12));
      const cells = line.split('\t').map((c) => c.trim());
      const [, typ, unit, base] = cells;
      const rest = cells.slice(4).filter((c) => c !== '');
      let opRaw: string, tgtRaw: string, wRaw: string;
      if (rest.length === 3) [opRaw, tgtRaw, wRaw] = rest;
      else {
        const m = /^(>=|<=|≥|≤|=|>|<)\s*(.+)$/.exec(rest[0])!;
        [opRaw, tgtRaw, wRaw] = [m[1], m[2], rest[1]];
      }
      const ctx = `${ind.code} (line ${ind.source.line})`;
      expect([ctx, ind.type]).toEqual([ctx, TYPES[typ]]);
      expect([ctx, ind.unit]).toEqual([ctx, UNITS[unit]]);
      // baseline
      const b = expectedValue(base);
      if ('nd' in b) expect([ctx, ind.baseline.nd]).toEqual([ctx, true]);
      else expect([ctx, ind.baseline.value]).toEqual([ctx, b.value]);
      expect(ind.baseline.year).toBe(2021);
      // target 2022
      expect(ind.targets).toHaveLength(1);
      const t = ind.targets[0];
      expect(t.year).toBe(2022);
      const tv = expectedValue(tgtRaw);
      const op = OPS[opRaw];
      if ('nd' in tv) {
        expect([ctx, t.nd, t.value]).toEqual([ctx, true, null]);
        expect(t.operator).toBe(op);
      } else if (tv.value === 'si' || tv.value === 'no') {
        expect([ctx, t.operator, t.value]).toEqual([ctx, 'si_no', tv.value]);
      } else if (typeof tv.value === 'string') {
        expect([ctx, t.operator, t.value]).toEqual([ctx, op === '<=' ? 'entro_il' : op, tv.value]);
      } else {
        expect([ctx, t.operator, t.value]).toEqual([ctx, op, tv.value]);
      }
      // weight
      if (wRaw === 'n.d.') expect([ctx, ind.weight]).toEqual([ctx, null]);
      else expect([ctx, ind.weight]).toEqual([ctx, itNumber(wRaw)]);
    }
  });

  it('matches sample rows exactly as printed', () => {
    const get = (code: string) => plan.indicatori.find((i) => i.code === code)!;
    const samples: { code: string; expected: Partial<Indicator> }[] = [
      {
        code: '01_01_02_I1', // line 165: "... realizzate dai PID Numero di assesment ... Volume n. 130 ≥ 60 12,5%"
        expected: {
          name: 'Ampiezza delle attività di assesment della maturità digitale delle imprese realizzate dai PID',
          type: 'volume',
          unit: 'n',
          baseline: { year: 2021, value: 130 },
          targets: [{ year: 2022, operator: '>=', value: 60, operatorRaw: '≥' }],
          weight: 12.5,
        },
      },
      {
        code: '01_04_02_I3', // line 490: "Sviluppo di un progetto territoriale strategico ... Volume si/no no = si 12,5%"
        expected: {
          name: 'Sviluppo di un progetto territoriale strategico',
          type: 'volume',
          unit: 'si_no',
          baseline: { year: 2021, value: 'no' },
          targets: [{ year: 2022, operator: 'si_no', value: 'si', operatorRaw: '=' }],
          weight: 12.5,
        },
      },
      {
        code: '01_06_04_I6', // line 823: "... Efficienza data 12/03/2021 ≤ 30/04/2022 12,5%"
        expected: {
          name: 'Registro assegnatari metalli preziosi: Primo sollecito per mancato pagamento',
          type: 'efficienza',
          unit: 'data',
          baseline: { year: 2021, value: '2021-03-12' },
          targets: [{ year: 2022, operator: 'entro_il', value: '2022-04-30', operatorRaw: '≤' }],
          weight: 12.5,
        },
      },
      {
        code: '02_01_01_I1', // line 920: "... Volume n. n.d. >= n.d. n.d."
        expected: {
          name: 'Livello di utilizzo del portale impresainun giorno.gov',
          type: 'volume',
          unit: 'n',
          baseline: { year: 2021, nd: true },
          targets: [{ year: 2022, operator: '>=', value: null, nd: true, raw: 'n.d.' }],
          weight: null,
          weightRaw: 'n.d.',
        },
      },
      {
        code: '03_01_04_I1', // line 1289: "Giornata della Trasparenza ... Efficienza data 24-nov-21 <= 30.11.2022 10,0%"
        expected: {
          name: 'Giornata della Trasparenza',
          type: 'efficienza',
          unit: 'data',
          baseline: { year: 2021, value: '2021-11-24', raw: '24-nov-21' },
          targets: [
            { year: 2022, operator: 'entro_il', value: '2022-11-30', operatorRaw: '<=', raw: '30.11.2022' },
          ],
          weight: 10,
        },
      },
      {
        code: '03_01_14_I9', // line 1647: "Spesa per energia elettrica al metro quadro ... Indicatori DFP € 2,3 <= 2,3 8,3%"
        expected: {
          name: 'Spesa per energia elettrica al metro quadro',
          type: 'dfp',
          typeRaw: 'Indicatori DFP',
          unit: '€',
          baseline: { year: 2021, value: 2.3 },
          targets: [{ year: 2022, operator: '<=', value: 2.3 }],
          weight: 8.3,
        },
      },
      {
        code: '03_01_17_I9', // line 1752: "Consultazione del portale istituzionale ... Indicatore Funzione Pubblica n. 355.367 >= 400.000 11,1%"
        expected: {
          name: 'Consultazione del portale istituzionale',
          algorithm: 'N. di accessi unici assoluto/Numero di giorni annui standard',
          type: 'dfp',
          typeRaw: 'Indicatore Funzione Pubblica',
          unit: 'n',
          baseline: { year: 2021, value: 355367 },
          targets: [{ year: 2022, operator: '>=', value: 400000 }],
          weight: 11.1,
        },
      },
    ];
    for (const s of samples) {
      const ind = get(s.code);
      expect(ind).toMatchObject(s.expected);
      const line = rawLine(FILE, ind.source.line);
      expect(line.includes(ind.name) || line.includes(ind.code)).toBe(true);
    }
  });

  it('has weights summing to 100% per objective, or a note explaining the document', () => {
    const byObjective = new Map<string, number[]>();
    for (const i of plan.indicatori)
      byObjective.set(i.objectiveCode, [...(byObjective.get(i.objectiveCode) ?? []), i.weight ?? 0]);
    for (const o of plan.obiettiviOperativi) {
      const total = (byObjective.get(o.code) ?? []).reduce((a, b) => a + b, 0);
      if (Math.abs(total - 100) > 0.1 + 1e-9) {
        expect([o.code, o.note ?? '']).toEqual([o.code, expect.stringMatching(/pes[io]/)]);
      }
    }
    // The inconsistencies of the document itself (not rounding): 01_02_03 prints 4 x 33,3%,
    // 01_06_04 prints 7 x 12,5%, 03_01_15 prints 14 x 8,3%.
    for (const code of ['01_02_03', '01_06_04', '03_01_15']) {
      expect(plan.obiettiviOperativi.find((o) => o.code === code)?.note).toMatch(/Incoerenza del documento/);
    }
  });

  it('reads resources, area and office of the cards', () => {
    const get = (code: string) => plan.obiettiviOperativi.find((o) => o.code === code)!;
    expect(get('01_01_02')).toMatchObject({
      title: 'PID - Punto Impresa Digitale',
      resources: { kind: 'euro', amount: 335000 },
      area: 'Promozione e sviluppo economico',
      office: 'Punto Impresa Digitale',
      commonSystemObjective: false,
    });
    expect(
      rawLines(FILE)
        .slice(get('01_01_02').source.line, get('01_01_02').source.line + 25)
        .join('\n'),
    ).toContain('335.000,00 €');
    expect(get('01_06_02').resources).toEqual({ kind: 'risorse_interne' });
    expect(get('03_01_01')).toMatchObject({
      commonSystemObjective: true,
      resources: null,
      area: 'Obiettivo trasversale',
    });
    const common = plan.obiettiviOperativi.filter((o) => o.commonSystemObjective).map((o) => o.code);
    // The four cards whose title ends "(obiettivo comune di sistema)".
    expect(common).toEqual(['01_01_01', '01_02_01', '02_01_01', '03_01_01']);
    for (const o of plan.obiettiviOperativi) {
      if (o.resources === null) expect(o.note).toMatch(/Risorse economiche/);
      expect(o.description.length).toBeGreaterThan(20);
      expect(o.area).toBeTruthy();
    }
  });
});
