// The parse step of the register commands: valid input becomes a typed command; every malformed
// field is refused with PLAN_INVALID_FIELDS naming it, with the messages the decider gave before.
import { DomainRefusal, type FieldProblem } from '../../cycle/errors';
import { DEFAULT_RATING_METHOD, type RegisterCommand } from './model';
import { parseRegisterCommand, type RegisterParseContext } from './parse';

const context: RegisterParseContext = { method: DEFAULT_RATING_METHOD, monitoringDates: ['2027-06-30', '2027-12-31'] };
const parse = (command: Record<string, unknown>, ctx = context) => parseRegisterCommand(command as unknown as RegisterCommand, ctx);

function refusalOf(fn: () => unknown): DomainRefusal {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainRefusal) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const ratings = Object.fromEntries(DEFAULT_RATING_METHOD.indicators.map((i) => [i.key, { level: 'medio', reason: ' perché ' }]));
const measure = {
  kind: 'measure',
  code: 'M1',
  measureKind: 'specifica',
  category: 'trasparenza',
  title: ' Pubblicazione ',
  riskCodes: ['R1'],
  owner: { office: 'Provveditorato', dirigente: 'Rossi' },
  phases: [{ title: 'Avvio', deadline: '2027-06-30' }],
  indicator: 'atti pubblicati',
  target: '100%',
};

describe('parseRegisterCommand: valid input becomes a typed command', () => {
  it('items: added whole, referred to by kind and code, removed with cascade false unless true', () => {
    expect(parse({ type: 'add_register_item', item: { kind: 'process', code: 'P1', title: ' Acquisti ' } })).toEqual({ type: 'add_register_item', item: { kind: 'process', code: 'P1', title: 'Acquisti' } });
    expect(parse({ type: 'add_register_item', item: measure })).toEqual({ type: 'add_register_item', item: { ...measure, title: 'Pubblicazione' } });
    expect(parse({ type: 'update_register_item', kind: 'risk', code: ' R1 ', changes: { note: null } })).toEqual({ type: 'update_register_item', kind: 'risk', code: 'R1', changes: { note: null } });
    expect(parse({ type: 'remove_register_item', kind: 'process', code: 'P1' })).toEqual({ type: 'remove_register_item', kind: 'process', code: 'P1', cascade: false });
    expect(parse({ type: 'remove_register_item', kind: 'process', code: 'P1', cascade: true })).toMatchObject({ cascade: true });
  });

  it('assess_risk: every indicator of the method in force rated, reasons trimmed', () => {
    expect(parse({ type: 'assess_risk', processCode: 'P1', rating: 'alto', motivation: ' m ', indicators: ratings })).toEqual({
      type: 'assess_risk',
      processCode: 'P1',
      rating: 'alto',
      motivation: 'm',
      indicators: Object.fromEntries(DEFAULT_RATING_METHOD.indicators.map((i) => [i.key, { level: 'medio', reason: 'perché' }])),
    });
    const own = { method: { indicators: [{ key: 'impatto', title: 'Impatto' }], levels: ['lieve', 'grave'] }, monitoringDates: [] };
    expect(parse({ type: 'assess_risk', processCode: 'P1', rating: 'grave', motivation: 'm', indicators: { impatto: { level: 'lieve', reason: 'r' } } }, own)).toMatchObject({ rating: 'grave', indicators: { impatto: { level: 'lieve', reason: 'r' } } });
  });

  it('the method, the monitoring dates (distinct, sorted), the reports, the checks, the figures', () => {
    const method = { indicators: [{ key: 'a', title: ' A ' }], levels: ['basso', 'alto'] };
    expect(parse({ type: 'set_rating_method', method })).toEqual({ type: 'set_rating_method', method: { indicators: [{ key: 'a', title: 'A' }], levels: ['basso', 'alto'] } });
    expect(parse({ type: 'set_monitoring_dates', dates: ['2027-12-31', '2027-06-30', '2027-12-31'] })).toEqual({ type: 'set_monitoring_dates', dates: ['2027-06-30', '2027-12-31'] });
    expect(parse({ type: 'report_measure', measureCode: 'M1', monitoringDate: '2027-06-30', status: 'attuata', evidence: ' e ', date: '2027-07-01' })).toEqual({
      type: 'report_measure',
      measureCode: 'M1',
      monitoringDate: '2027-06-30',
      status: 'attuata',
      evidence: 'e',
      date: '2027-07-01',
    });
    expect(parse({ type: 'check_measure_report', measureCode: 'M1', monitoringDate: '2027-06-30', outcome: 'confermato' })).toEqual({ type: 'check_measure_report', measureCode: 'M1', monitoringDate: '2027-06-30', outcome: 'confermato' });
    expect(parse({ type: 'check_measure_report', measureCode: 'M1', monitoringDate: '2027-06-30', outcome: 'rettificato', status: 'non_attuata', note: 'n' })).toEqual({
      type: 'check_measure_report',
      measureCode: 'M1',
      monitoringDate: '2027-06-30',
      outcome: 'rettificato',
      status: 'non_attuata',
      note: 'n',
    });
    expect(parse({ type: 'set_rpct_report_figures', year: 2027, whistleblowingReports: 0, training: ' corsi ' })).toEqual({ type: 'set_rpct_report_figures', year: 2027, whistleblowingReports: 0, training: 'corsi' });
  });
});

const MALFORMED: [string, Record<string, unknown>, FieldProblem[]][] = [
  ['an item that is not an object', { type: 'add_register_item', item: [] }, [{ field: 'item', problem: 'must be an object' }]],
  ['a measure without owner, with a risk twice', { type: 'add_register_item', item: { ...measure, owner: undefined, riskCodes: ['R1', 'R1'] } }, [{ field: 'item.riskCodes', problem: 'lists a risk twice' }, { field: 'item.owner', problem: 'is required: {office, dirigente}' }]],
  ['an item of no known kind', { type: 'add_register_item', item: { kind: 'rischio' } }, [{ field: 'item.kind', problem: 'must be one of: process, risk, measure' }]],
  ['an update naming neither kind nor code', { type: 'update_register_item', changes: { note: 'n' } }, [{ field: 'kind', problem: 'is required' }, { field: 'code', problem: 'is required' }]],
  ['an update with no changes', { type: 'update_register_item', kind: 'risk', code: 'R1', changes: {} }, [{ field: 'changes', problem: 'must name at least one field to change' }]],
  ['a removal of a kind unknown', { type: 'remove_register_item', kind: 'rule', code: 'X' }, [{ field: 'kind', problem: 'must be one of: process, risk, measure' }]],
  [
    'an assessment with a level not of the method, an indicator unknown and one missing',
    { type: 'assess_risk', processCode: 'P1', rating: 'altissimo', motivation: 'm', indicators: { ...ratings, urgenza: { level: 'alto', reason: 'r' }, opacita: 'alto' } },
    [
      { field: 'rating', problem: 'must be one of: basso, medio, alto' },
      { field: 'indicators.urgenza', problem: 'is not an indicator of the rating method' },
      { field: 'indicators.opacita', problem: 'is required: {level, reason}' },
    ],
  ],
  ['an assessment with indicators that are no object', { type: 'assess_risk', processCode: 'P1', rating: 'alto', motivation: 'm', indicators: 3 }, [{ field: 'indicators', problem: `must rate every indicator of the method: ${DEFAULT_RATING_METHOD.indicators.map((i) => i.key).join(', ')}` }]],
  ['a method with one level and a reason that is a number', { type: 'set_rating_method', method: { indicators: [{ key: 'a', title: 'A' }], levels: ['solo'] }, reason: 5 }, [{ field: 'method.levels', problem: 'must list 2 to 7 levels, lowest first' }, { field: 'reason', problem: 'must be a string' }]],
  ['no monitoring dates', { type: 'set_monitoring_dates', dates: [] }, [{ field: 'dates', problem: 'must list 1 to 24 dates YYYY-MM-DD' }]],
  ['a monitoring date that is no date', { type: 'set_monitoring_dates', dates: ['2027-06-30', '30/06/2027'] }, [{ field: 'dates[1]', problem: 'must be a date YYYY-MM-DD' }]],
  [
    'a report on a date that is not a monitoring date, with no evidence',
    { type: 'report_measure', measureCode: 'M1', monitoringDate: '2027-09-30', status: 'fatto', date: '2027-10-01' },
    [
      { field: 'status', problem: 'must be one of: attuata, parzialmente_attuata, non_attuata' },
      { field: 'evidence', problem: 'is required' },
      { field: 'monitoringDate', problem: 'must be a monitoring date of the plan (2027-06-30, 2027-12-31)' },
    ],
  ],
  ['a report when the plan has no monitoring dates', { type: 'report_measure', measureCode: 'M1', monitoringDate: '2027-06-30', status: 'attuata', evidence: 'e', date: '2027-07-01' }, [{ field: 'monitoringDate', problem: 'must be a monitoring date of the plan (none set)' }]],
  ['a check that rectifies without status and note', { type: 'check_measure_report', measureCode: 'M1', monitoringDate: '2027-06-30', outcome: 'rettificato' }, [{ field: 'status', problem: 'is required' }, { field: 'note', problem: 'is required' }]],
  ['a check that confirms and gives a status', { type: 'check_measure_report', measureCode: 'M1', monitoringDate: '2027-06-30', outcome: 'confermato', status: 'attuata' }, [{ field: 'status', problem: 'is given only when the outcome is rettificato' }]],
  ['figures of a year out of range, a count below zero', { type: 'set_rpct_report_figures', year: 1999, whistleblowingReports: -1 }, [{ field: 'year', problem: 'must be between 2000 and 2100' }, { field: 'whistleblowingReports', problem: 'must be between 0 and 100000' }]],
];

describe('parseRegisterCommand: each malformed field is refused, named', () => {
  it.each(MALFORMED)('%s', (what, command, problems) => {
    const ctx = what.includes('no monitoring dates') ? { ...context, monitoringDates: [] } : context;
    const refusal = refusalOf(() => parse(command, ctx));
    expect(refusal.code).toBe('PLAN_INVALID_FIELDS');
    expect(refusal.fields).toEqual(problems);
  });

  it('refuses a command that is not of the register as unknown', () => {
    expect(refusalOf(() => parse({ type: 'add_node', node: {} }))).toMatchObject({ code: 'UNKNOWN_PLAN_COMMAND', detail: 'add_node' });
  });
});
