// The register view on a state built by hand: which report and check each monitoring date shows,
// what is late on a given day, the measures of each risk and process, exactly as read (no field
// added, none missing).
import {
  cloneRegisterState,
  initialRegisterState,
  type MeasureCheck,
  type MeasureReport,
  type RegisterMeasure,
  type RegisterRisk,
  type RegisterState,
} from './model';
import { applyRegisterEvent } from './evolve';
import { registerView } from './view';

const measure = (code: string, riskCodes: string[], deadlines: string[]): RegisterMeasure => ({
  kind: 'measure',
  code,
  measureKind: 'specifica',
  category: 'controllo',
  title: `Misura ${code}`,
  riskCodes,
  owner: { office: 'Ufficio gare', dirigente: 'Dirigente area 2' },
  phases: deadlines.map((deadline, i) => ({ title: `Fase ${i + 1}`, deadline })),
  indicator: 'Pratiche controllate',
  target: '100%',
});

const report = (
  measureCode: string,
  monitoringDate: string,
  status: MeasureReport['status'],
  version: number,
): MeasureReport => ({
  measureCode,
  monitoringDate,
  status,
  evidence: `atti v${version}`,
  date: monitoringDate,
  version,
  by: 'u-dir',
  role: 'dirigente',
  at: '2027-07-01T08:00:00Z',
});

const check = (
  measureCode: string,
  monitoringDate: string,
  status: MeasureCheck['status'],
  version: number,
): MeasureCheck => ({
  measureCode,
  monitoringDate,
  outcome: 'rettificato',
  status,
  version,
  by: 'u-rpct',
  at: '2027-07-03T08:00:00Z',
});

/** Reports and checks folded into the state as their events are (the lists and the index by measure). */
function record(r: RegisterState, ...entries: (MeasureReport | MeasureCheck)[]): void {
  for (const x of entries) {
    const envelope = { version: x.version, actorId: x.by, occurredAt: x.at, tenant: 'cciaa-test' };
    if ('outcome' in x) {
      const { measureCode, monitoringDate, outcome, status } = x;
      applyRegisterEvent(r, {
        ...envelope,
        actorRole: 'rpct',
        kind: 'MeasureReportChecked',
        type: 'MeasureReportChecked',
        data: { measureCode, monitoringDate, outcome, status },
      });
    } else {
      const { measureCode, monitoringDate, status, evidence, date } = x;
      applyRegisterEvent(r, {
        ...envelope,
        actorRole: x.role,
        kind: 'MeasureReported',
        type: 'MeasureReported',
        data: { measureCode, monitoringDate, status, evidence, date },
      });
    }
  }
}

function state(): RegisterState {
  const r = initialRegisterState();
  r.monitoringDates = ['2027-06-30', '2027-12-15'];
  r.processes.set('P1', { kind: 'process', code: 'P1', title: 'Appalti' });
  r.risks.set('R1', {
    kind: 'risk',
    code: 'R1',
    processCode: 'P1',
    description: 'Frazionamento',
    factors: [],
  });
  r.risks.set('R2', { kind: 'risk', code: 'R2', processCode: 'P1', description: 'Proroghe', factors: [] });
  // M1 treats both risks of P1: the process lists it once.
  r.measures.set('M1', measure('M1', ['R1', 'R2'], ['2027-03-31', '2027-09-30']));
  r.measures.set('M2', measure('M2', ['R2'], ['2027-05-31']));
  r.measures.set('M3', measure('M3', ['R1'], []));
  record(
    r,
    report('M1', '2027-06-30', 'non_attuata', 10),
    // A later report for the same date supersedes the earlier one.
    report('M1', '2027-06-30', 'parzialmente_attuata', 11),
    // A date the plan does not set is not shown.
    report('M2', '2027-03-15', 'attuata', 12),
    report('M2', '2027-06-30', 'attuata', 13),
    report('M3', '2027-12-15', 'non_attuata', 14),
  );
  record(r, check('M1', '2027-06-30', 'non_attuata', 15), check('M3', '2027-12-15', 'attuata', 16));
  return r;
}

describe('registerView', () => {
  it('shows each monitoring date with its latest report and the check, only when there is one', () => {
    const r = state();
    const v = registerView(r, '2027-07-15');
    const [m1, m2, m3] = v.measures;
    expect(m1).toStrictEqual({
      ...r.measures.get('M1'),
      status: 'non_attuata',
      checked: true,
      monitoring: [
        { date: '2027-06-30', report: r.reports[1], check: r.checks[0], missing: false },
        { date: '2027-12-15', missing: false },
      ],
      latePhases: [{ title: 'Fase 1', deadline: '2027-03-31' }],
      overdue: true,
    });
    expect(m2).toStrictEqual({
      ...r.measures.get('M2'),
      status: 'attuata',
      checked: false,
      monitoring: [
        { date: '2027-06-30', report: r.reports[3], missing: false },
        { date: '2027-12-15', missing: false },
      ],
      latePhases: [],
      overdue: false,
    });
    // A report at the second date and nothing at the first, which has passed.
    expect(m3).toStrictEqual({
      ...r.measures.get('M3'),
      status: 'attuata',
      checked: true,
      monitoring: [
        { date: '2027-06-30', missing: true },
        { date: '2027-12-15', report: r.reports[4], check: r.checks[1], missing: false },
      ],
      latePhases: [],
      overdue: true,
    });
    expect(v.summary).toStrictEqual({
      processes: 1,
      risks: 2,
      measures: 3,
      byRating: [
        { level: 'alto', processes: 0 },
        { level: 'medio', processes: 0 },
        { level: 'basso', processes: 0 },
        { level: 'non_valutato', processes: 1 },
      ],
      measuresByStatus: { attuata: 2, parzialmente_attuata: 0, non_attuata: 1, non_rendicontata: 0 },
      overdue: 2,
      byKind: { generale: 0, specifica: 3 },
    });
  });

  it('judges lateness on the day asked: phases and monitoring dates past that day only', () => {
    const r = state();
    const before = registerView(r, '2027-04-01');
    expect(before.measures.map((m) => [m.code, m.latePhases.map((p) => p.deadline), m.overdue])).toEqual([
      ['M1', ['2027-03-31'], true],
      ['M2', [], false],
      ['M3', [], false],
    ]);
    expect(before.measures.map((m) => m.monitoring.map((x) => x.missing))).toEqual([
      [false, false],
      [false, false],
      [false, false],
    ]);
    const after = registerView(r, '2028-01-10');
    // M1 is still not attuata: both phases late; M2 was never reported at the second date.
    expect(after.measures.map((m) => [m.code, m.latePhases.map((p) => p.deadline), m.overdue])).toEqual([
      ['M1', ['2027-03-31', '2027-09-30'], true],
      ['M2', [], true],
      ['M3', [], true],
    ]);
    expect(after.measures.map((m) => m.monitoring.map((x) => x.missing))).toEqual([
      [false, true],
      [false, true],
      [true, false],
    ]);
    expect(after.summary.overdue).toBe(3);
  });

  it('lists the measures of each risk, and of each process once', () => {
    const v = registerView(state(), '2027-07-15');
    expect(v.processes).toHaveLength(1);
    expect(v.processes[0]).toMatchObject({ code: 'P1', rating: null, measureCodes: ['M1', 'M3', 'M2'] });
    expect(v.processes[0]?.risks).toStrictEqual([
      {
        kind: 'risk',
        code: 'R1',
        processCode: 'P1',
        description: 'Frazionamento',
        factors: [],
        measureCodes: ['M1', 'M3'],
      },
      {
        kind: 'risk',
        code: 'R2',
        processCode: 'P1',
        description: 'Proroghe',
        factors: [],
        measureCodes: ['M1', 'M2'],
      },
    ]);
  });

  it('reads the state as it is at each call: a report folded in after a first view shows in the next', () => {
    const r = state();
    expect(registerView(r, '2028-01-10').measures[1]?.monitoring[1]).toStrictEqual({
      date: '2027-12-15',
      missing: true,
    });
    record(r, report('M2', '2027-12-15', 'attuata', 20));
    expect(registerView(r, '2028-01-10').measures[1]).toMatchObject({
      monitoring: [{ missing: false }, { date: '2027-12-15', report: { version: 20 }, missing: false }],
      overdue: false,
    });
  });

  it('copies every field of a measure and of a risk, the optional ones when present', () => {
    const r = state();
    // Required<...>: a field added to the model must be added here, and then the view must copy it.
    const full: Required<RegisterMeasure> = {
      ...measure('M9', ['R1'], ['2027-03-31']),
      description: 'Verifica a campione',
      note: 'Nota della misura',
    };
    const risk: Required<RegisterRisk> = {
      kind: 'risk',
      code: 'R9',
      processCode: 'P1',
      description: 'Conflitto',
      factors: ['opacità'],
      note: 'Nota del rischio',
    };
    r.measures.set('M9', full);
    r.risks.set('R9', risk);
    const v = registerView(r, '2027-01-10');
    const m9 = v.measures.find((m) => m.code === 'M9');
    expect(m9).toStrictEqual({
      ...full,
      status: null,
      checked: false,
      monitoring: [
        { date: '2027-06-30', missing: false },
        { date: '2027-12-15', missing: false },
      ],
      latePhases: [],
      overdue: false,
    });
    const r9 = v.processes[0]?.risks.find((x) => x.code === 'R9');
    expect(r9).toStrictEqual({ ...risk, measureCodes: [] });
    // Without the optional fields, the view has none of them (not even as undefined).
    expect(Object.keys(v.measures.find((m) => m.code === 'M1') ?? {})).not.toContain('note');
    expect(Object.keys(v.measures.find((m) => m.code === 'M1') ?? {})).not.toContain('description');
  });

  it('shows a measure never reported as missing at each date passed, in entries it cannot change', () => {
    const r = state();
    r.measures.set('M7', measure('M7', ['R1'], ['2028-12-31']));
    r.measures.set('M8', measure('M8', ['R1'], ['2028-12-31']));
    const v = registerView(r, '2027-07-15');
    const [m7, m8] = ['M7', 'M8'].map((c) => v.measures.find((m) => m.code === c));
    const expected = [
      { date: '2027-06-30', missing: true },
      { date: '2027-12-15', missing: false },
    ];
    expect(m7?.monitoring).toStrictEqual(expected);
    expect(m8?.monitoring).toStrictEqual(expected);
    expect([m7?.status, m7?.overdue, m7?.latePhases]).toEqual([null, true, []]);
    expect(v.summary.measuresByStatus.non_rendicontata).toBe(2);
    // One list serves every unreported measure: read-only, so a change through one cannot show in another.
    expect(() => (m7?.monitoring as { date: string }[]).push({ date: 'x' })).toThrow(TypeError);
    expect(() => Object.assign(m7?.monitoring[0] ?? {}, { missing: false })).toThrow(TypeError);
    expect(m8?.monitoring).toStrictEqual(expected);
    // A reported measure's date without report or check reads the same, and is as read-only.
    const m2 = v.measures.find((m) => m.code === 'M2');
    const blank = m2?.monitoring.find((x) => !x.report && !x.check);
    expect(blank).toStrictEqual({ date: '2027-12-15', missing: false });
    expect(Object.isFrozen(blank)).toBe(true);
    // The next call, on a later day, has its own entries.
    expect(
      registerView(r, '2028-01-10')
        .measures.find((m) => m.code === 'M7')
        ?.monitoring.map((x) => x.missing),
    ).toEqual([true, true]);
  });
  it('the fold keeps, for each measure and date, the latest report and check of the lists', () => {
    const r = state();
    for (const [code, slots] of r.monitoring) {
      for (const slot of slots) {
        const latest = <T extends { measureCode: string; monitoringDate: string }>(list: T[]) =>
          [...list].reverse().find((x) => x.measureCode === code && x.monitoringDate === slot.date);
        expect(slot.report).toBe(latest(r.reports));
        expect(slot.check).toBe(latest(r.checks));
      }
    }
    expect([...r.monitoring.keys()].sort()).toEqual(['M1', 'M2', 'M3']);
    expect(r.monitoring.get('M2')?.map((x) => x.date)).toEqual(['2027-03-15', '2027-06-30']);
    // A copy of the state shares the lists; a report folded into the copy leaves the original as it was.
    const copy = cloneRegisterState(r);
    record(copy, report('M1', '2027-12-15', 'attuata', 30));
    expect(r.monitoring.get('M1')?.map((x) => x.date)).toEqual(['2027-06-30']);
    expect(copy.monitoring.get('M1')?.map((x) => x.date)).toEqual(['2027-06-30', '2027-12-15']);
  });
});
