/**
 * Builders for the performance specs (not exported from the module's index). Defaults are drawn
 * from seed 003 (Pistoia-Prato, Piano della performance 2022-2024).
 */
import type { Measurement } from './measurements';
import type {
  AmbitoStrategico,
  Indicatore,
  ObiettivoOperativo,
  ObiettivoStrategico,
  PlanNodeRecord,
  Target,
} from './tree';

export function ambito(code: string, extra: Partial<AmbitoStrategico> = {}): PlanNodeRecord {
  return { kind: 'ambito', code, title: `Ambito ${code}`, ...extra };
}

export function strategic(
  code: string,
  ambitoCode: string,
  extra: Partial<ObiettivoStrategico> = {},
): PlanNodeRecord {
  return { kind: 'strategic_objective', code, title: `Obiettivo strategico ${code}`, ambitoCode, ...extra };
}

export function operational(
  code: string,
  strategicObjectiveCode: string,
  extra: Partial<ObiettivoOperativo> = {},
): PlanNodeRecord {
  return {
    kind: 'operational_objective',
    code,
    title: 'PID - Punto Impresa Digitale',
    description: 'Supporto alla digitalizzazione delle imprese',
    resources: { kind: 'euro', amount: 335_000 },
    strategicObjectiveCode,
    area: 'Promozione e sviluppo economico',
    office: 'Punto Impresa Digitale',
    stakeholders: ['Imprese'],
    commonSystemObjective: false,
    ...extra,
  };
}

export function indicator(
  code: string,
  objectiveCode: string,
  weight: number,
  target: Omit<Target, 'year'> & { year?: number },
  extra: Partial<Indicatore> = {},
): PlanNodeRecord {
  return {
    kind: 'indicator',
    code,
    objectiveCode,
    name: `Indicatore ${code}`,
    type: 'volume',
    unit: 'n',
    baseline: { nd: true },
    targets: [{ year: 2027, ...target }],
    weight,
    ...extra,
  };
}

export function measure(
  indicatorCode: string,
  period: string,
  value: Measurement['value'],
  extra: Partial<Measurement> = {},
): Measurement {
  return { indicatorCode, period, value, date: '2028-01-15', ...extra };
}

/**
 * A small plan with hand-computed scores (docs/achievement.md, "A worked roll-up"):
 *
 * ambito 01
 *   01_01 → 01_01_01 (weight 60): i1 25% (>= 60, actual 45 → 75), i2 75% (>= 4, actual 4 → 100) = 93.75
 *         → 01_01_02 (weight 40): i3 100% (<= 2, actual 2.5 → 80)                               = 80
 *         = 0.6 × 93.75 + 0.4 × 80 = 88.25
 *   01_02 → 01_02_01: i4 50% (si_no true → 100), i5 50% (entro_il 2027-06-30, done 07-10 → 0)  = 50
 *   = (88.25 + 50) / 2 = 69.125
 * ambito 02
 *   02_01 → 02_01_01: i6 (= 100 %, actual 100 → 100); 02_01_02: i7 (>= 10, actual 2 → 20)
 *         = (100 + 20) / 2 = 60
 * chamber = (69.125 + 60) / 2 = 64.5625
 */
export function workedPlan(): { records: PlanNodeRecord[]; measurements: Measurement[] } {
  const records: PlanNodeRecord[] = [
    ambito('01'),
    ambito('02'),
    strategic('01_01', '01'),
    strategic('01_02', '01'),
    strategic('02_01', '02'),
    operational('01_01_01', '01_01', { weight: 60 }),
    operational('01_01_02', '01_01', { weight: 40 }),
    operational('01_02_01', '01_02', { resources: { kind: 'risorse_interne' } }),
    operational('02_01_01', '02_01', { cdr: 'CDR 3', area: undefined, office: undefined }),
    operational('02_01_02', '02_01'),
    indicator('i1', '01_01_01', 25, { operator: '>=', value: 60 }, { baseline: { value: 130 } }),
    indicator('i2', '01_01_01', 75, { operator: '>=', value: 4 }),
    indicator('i3', '01_01_02', 100, { operator: '<=', value: 2 }, { baseline: { value: 2 } }),
    indicator('i4', '01_02_01', 50, { operator: 'si_no', value: true }, { unit: 'si_no' }),
    indicator(
      'i5',
      '01_02_01',
      50,
      { operator: 'entro_il', value: '2027-06-30' },
      { unit: 'data', type: 'efficienza' },
    ),
    indicator('i6', '02_01_01', 100, { operator: '=', value: 100 }, { unit: '%', type: 'efficienza' }),
    indicator('i7', '02_01_02', 100, { operator: '>=', value: 10 }),
  ];
  const measurements: Measurement[] = [
    measure('i1', '2027', 45),
    measure('i2', '2027', 4),
    measure('i3', '2027', 2.5),
    measure('i4', '2027', true),
    measure('i5', '2027', '2027-07-10'),
    measure('i6', '2027', 100),
    measure('i7', '2027', 2),
  ];
  return { records, measurements };
}
