// Property: whatever JSON a client sends as a plan or register command, the parse step returns a
// command of the same type or refuses it with PLAN_INVALID_FIELDS naming fields; it never throws
// anything else (a TypeError would reach the client as a 500) and never changes its input.
import fc from 'fast-check';
import { DomainRefusal } from '../cycle/errors';
import { PLAN_COMMANDS, type PlanCommand, type PlanCommandName } from './model';
import { parsePlanCommand, type PlanParseContext } from './parse';
import { DEFAULT_RATING_METHOD } from './register/model';

const context: PlanParseContext = {
  years: [2027, 2028, 2029],
  narrativeSections: ['2.1', '4'],
  register: { method: DEFAULT_RATING_METHOD, monitoringDates: ['2027-06-30', '2027-12-31'] },
};

const ratings = Object.fromEntries(DEFAULT_RATING_METHOD.indicators.map((i) => [i.key, { level: 'medio', reason: 'motivo' }]));

/** A valid body of each command: mutated below so the parse reaches past the first field. */
const VALID: Record<PlanCommandName, Record<string, unknown>> = {
  add_node: {
    node: {
      kind: 'indicator',
      code: 'I1',
      objectiveCode: 'O1',
      name: 'n',
      unit: 'n',
      baseline: { value: 3, year: 2026 },
      targets: [{ year: 2027, operator: '>=', value: 4 }],
      weight: 50,
    },
  },
  update_node: { code: 'I1', changes: { weight: 40, note: null } },
  move_node: { code: 'I1', parentCode: 'O2' },
  remove_node: { code: 'O1', cascade: true },
  set_targets: { indicatorCode: 'I1', targets: [{ year: 2028, operator: 'entro_il', value: '2028-06-30' }], clearYears: [2027] },
  set_weights: { objectiveCode: 'O1', weights: { I1: 60, I2: null } },
  record_measurement: { indicatorCode: 'I1', period: '2027-Q2', value: 3, date: '2027-07-01', source: 's', note: 'n', attachmentHash: 'a'.repeat(64) },
  correct_measurement: { indicatorCode: 'I1', period: '2027', value: true, date: '2027-12-31', reason: 'r' },
  close_measurement_year: { year: 2027, reason: 'r' },
  open_variation: { variationId: 'v-1', reason: 'r' },
  approve_variation: { number: '1/2027', date: '2027-03-01', actHash: 'b'.repeat(64) },
  withdraw_variation: { reason: 'r' },
  set_scoring_rules: { rules: { allowOverachievement: true, bands: [{ key: 'a', label: 'A', from: 0, colour: '#000' }] }, weightTolerance: 1, reason: 'r' },
  write_narrative: { section: '4', text: 'testo' },
  add_register_item: {
    item: {
      kind: 'measure',
      code: 'M1',
      measureKind: 'specifica',
      category: 'trasparenza',
      title: 't',
      riskCodes: ['R1'],
      owner: { office: 'o', dirigente: 'd' },
      phases: [{ title: 'f', deadline: '2027-06-30' }],
      indicator: 'i',
      target: 't',
    },
  },
  update_register_item: { kind: 'risk', code: 'R1', changes: { description: 'd' } },
  remove_register_item: { kind: 'process', code: 'P1', cascade: true },
  assess_risk: { processCode: 'P1', rating: 'alto', motivation: 'm', indicators: ratings },
  set_rating_method: { method: { indicators: [{ key: 'a', title: 'A' }], levels: ['basso', 'alto'] }, reason: 'r' },
  set_monitoring_dates: { dates: ['2027-06-30', '2027-12-31'] },
  report_measure: { measureCode: 'M1', monitoringDate: '2027-06-30', status: 'attuata', evidence: 'e', date: '2027-07-01', note: 'n' },
  check_measure_report: { measureCode: 'M1', monitoringDate: '2027-06-30', outcome: 'rettificato', status: 'non_attuata', note: 'n' },
  set_rpct_report_figures: { year: 2027, whistleblowingReports: 2, training: 't', note: 'n' },
};

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, '', '   ', 'x'.repeat(5000), 0, -1, 1.5, 2027, 1e308, true, false, [], {}, [null], [[]], '2027-02-30', '2027-S1', 'I1', 'medio', { kind: 'euro' }, { from: 0 }),
  fc.jsonValue(),
);

/** The keys one level down (the fields of a node, of an item, of the rules...), to mutate them too. */
function nestedKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((_, i) => String(i));
  return value && typeof value === 'object' ? Object.keys(value) : [];
}

const mutated = (type: PlanCommandName): fc.Arbitrary<Record<string, unknown>> => {
  const base = VALID[type];
  const keys = Object.keys(base);
  return fc
    .record({
      drop: fc.subarray(keys),
      set: fc.dictionary(fc.constantFrom(...keys, 'extra'), junk, { maxKeys: 3 }),
      nested: fc.array(fc.record({ field: fc.constantFrom(...keys), pick: fc.nat(), value: junk }), { maxLength: 3 }),
    })
    .map(({ drop, set, nested }) => {
      const body: Record<string, unknown> = structuredClone(base);
      for (const { field, pick, value } of nested) {
        const inner = body[field];
        const innerKeys = nestedKeys(inner);
        if (innerKeys.length) (inner as Record<string, unknown>)[innerKeys[pick % innerKeys.length]] = value;
      }
      for (const k of drop) delete body[k];
      return { ...body, ...set, type };
    });
};

const anyJson = (type: PlanCommandName): fc.Arbitrary<Record<string, unknown>> => fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue()).map((body) => ({ ...body, type }));

const commandArb = fc.constantFrom(...PLAN_COMMANDS).chain((type) => fc.oneof({ weight: 4, arbitrary: mutated(type) }, { weight: 1, arbitrary: anyJson(type) }));

describe('parsePlanCommand on arbitrary JSON', () => {
  it('parses the valid body of every command', () => {
    for (const type of PLAN_COMMANDS) expect(parsePlanCommand({ ...VALID[type], type } as unknown as PlanCommand, context).type).toBe(type);
  });

  it('returns a command of the same type or refuses with PLAN_INVALID_FIELDS naming fields, and leaves the input as it was', () => {
    let refused = 0;
    fc.assert(
      fc.property(commandArb, (command) => {
        const before = structuredClone(command);
        try {
          expect(parsePlanCommand(command as unknown as PlanCommand, context).type).toBe(command.type);
        } catch (e) {
          if (!(e instanceof DomainRefusal)) throw e;
          refused++;
          expect(e.code).toBe('PLAN_INVALID_FIELDS');
          expect(e.fields.length).toBeGreaterThan(0);
          for (const p of e.fields) {
            expect(typeof p.field === 'string' && p.field.length > 0).toBe(true);
            expect(typeof p.problem === 'string' && p.problem.length > 0).toBe(true);
          }
        }
        expect(command).toEqual(before);
      }),
      { numRuns: 3000 },
    );
    // The generator reaches both outcomes (else the property says little).
    expect(refused).toBeGreaterThan(300);
    expect(refused).toBeLessThan(2900);
  });
});
