// The transparency grid: its commands given/when/then, their refusals, and the status of each item per frequency.
import { DomainRefusal } from '../cycle/errors';
import type { DomainEvent } from '../cycle/model';
import { actor, NOW } from '../cycle/testing';
import { decideTransparency, foldTransparency, type TransparencyCommand } from './grid';
import type { TransparencyState, UpdateFrequency } from './model';
import { addMonths, transparencyGrid, transparencyItemStatus } from './status';

const rpct = actor('rpct');
const po = actor('po');

const obligation = (id: string, frequency: UpdateFrequency) => ({
  id,
  section: 'Personale',
  subsection: 'Tassi di assenza',
  title: `Obbligo ${id}`,
  legalReference: 'art. 16, c. 3, d.lgs. 33/2013',
  content: 'Tassi di assenza del personale',
  frequency,
});

function given(commands: [TransparencyCommand, typeof rpct][], from = foldTransparency([]), now = NOW): TransparencyState {
  let state = from;
  for (const [c, by] of commands) {
    const events: DomainEvent[] = decideTransparency(c, state, { actor: by, now });
    state = foldTransparency(events.map((e, i) => ({ ...e, version: state.version + i + 1 })), state);
  }
  return state;
}

function refusal(c: TransparencyCommand, state: TransparencyState, by = po): DomainRefusal {
  try {
    decideTransparency(c, state, { actor: by, now: NOW });
  } catch (e) {
    return e as DomainRefusal;
  }
  throw new Error('accepted');
}

const base = given([
  [{ type: 'add_obligation', obligation: obligation('assenze', 'trimestrale') }, rpct],
  [{ type: 'assign_offices', obligationId: 'assenze', producerOffice: 'Risorse umane e patrimonio', publisherOffice: 'Affari generali' }, rpct],
]);

describe('transparency grid: commands', () => {
  it('adds an obligation and assigns its offices', () => {
    const item = base.items.get('assenze');
    expect(item).toMatchObject({ obligation: { frequency: 'trimestrale', legalReference: 'art. 16, c. 3, d.lgs. 33/2013' }, producerOffice: 'Risorse umane e patrimonio', publisherOffice: 'Affari generali' });
    expect(base.version).toBe(2);
  });

  it('records a publication with its date, address and who recorded it', () => {
    const events = decideTransparency({ type: 'record_publication', obligationId: 'assenze', date: '2027-01-10', url: 'https://www.example.org/at/assenze', note: 'IV trimestre' }, base, { actor: po, now: NOW });
    expect(events).toEqual([expect.objectContaining({ type: 'TransparencyPublicationRecorded', actorId: po.userId, actorRole: 'po', data: { obligationId: 'assenze', date: '2027-01-10', url: 'https://www.example.org/at/assenze', note: 'IV trimestre' } })]);
  });

  it('refuses a publication dated after today in the tenant time zone, naming the field', () => {
    // NOW is 15 January 2027, 11:00 in Rome.
    const r = refusal({ type: 'record_publication', obligationId: 'assenze', date: '2027-01-16', url: 'https://www.example.org/x' }, base);
    expect(r.code).toBe('DATE_IN_FUTURE');
    expect(r.fields).toEqual([{ field: 'date', problem: 'must not be after 2027-01-15' }]);
    // 23:30 UTC on the 15th is already the 16th in Rome: the 16th is today there.
    const late = new Date('2027-01-15T23:30:00Z');
    expect(decideTransparency({ type: 'record_publication', obligationId: 'assenze', date: '2027-01-16', url: 'https://www.example.org/x' }, base, { actor: po, now: late, timeZone: 'Europe/Rome' })).toHaveLength(1);
  });

  it('refuses addresses that are not https and malformed dates, each field named', () => {
    for (const url of ['http://www.example.org/x', 'ftp://example.org', 'www.example.org', '', 42, 'https://user:pw@example.org/']) {
      const r = refusal({ type: 'record_publication', obligationId: 'assenze', date: '2027-01-10', url }, base);
      expect(r.code).toBe('INVALID_FIELDS');
      expect(r.fields).toEqual([{ field: 'url', problem: 'must be an https URL' }]);
    }
    const r = refusal({ type: 'record_publication', obligationId: 'assenze', date: '2027-02-30', url: 'https://example.org' }, base);
    expect(r.fields).toEqual([{ field: 'date', problem: 'must be a date YYYY-MM-DD' }]);
  });

  it('refuses unknown obligations, duplicates, unchanged offices and roles outside the grid', () => {
    expect(refusal({ type: 'record_publication', obligationId: 'nessuno', date: '2027-01-10', url: 'https://example.org' }, base).code).toBe('TRANSPARENCY_OBLIGATION_NOT_FOUND');
    expect(refusal({ type: 'add_obligation', obligation: obligation('assenze', 'annuale') }, base, rpct).code).toBe('TRANSPARENCY_OBLIGATION_EXISTS');
    expect(refusal({ type: 'assign_offices', obligationId: 'assenze', producerOffice: 'Risorse umane e patrimonio', publisherOffice: 'Affari generali' }, base, rpct).code).toBe('TRANSPARENCY_OFFICES_UNCHANGED');
    expect(refusal({ type: 'add_obligation', obligation: obligation('altro', 'annuale') }, base, po).code).toBe('ROLE_NOT_ALLOWED');
    expect(refusal({ type: 'record_publication', obligationId: 'assenze', date: '2027-01-10', url: 'https://example.org' }, base, actor('oiv')).code).toBe('ROLE_NOT_ALLOWED');
    const bad = refusal({ type: 'add_obligation', obligation: { ...obligation('Con Spazi', 'annuale'), frequency: 'mensile', extra: 1 } }, base, rpct);
    expect(bad.fields.map((f) => f.field).sort()).toEqual(['obligation.extra', 'obligation.frequency', 'obligation.id']);
  });
});

describe('transparency grid: status by frequency', () => {
  const withItem = (frequency: UpdateFrequency, published: string[], changes: { date: string; note: string }[] = []) => {
    let s = given([[{ type: 'add_obligation', obligation: obligation('x', frequency) }, rpct]]);
    for (const date of published) s = given([[{ type: 'record_publication', obligationId: 'x', date, url: 'https://example.org/x' }, po]], s);
    for (const c of changes) s = given([[{ type: 'report_change', obligationId: 'x', ...c }, po]], s);
    return s.items.get('x')!;
  };

  it('adds months keeping the day, or the last day of a shorter month', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(addMonths('2026-01-31', 12)).toBe('2027-01-31');
  });

  it('is "mai pubblicato" with no publication', () => {
    expect(transparencyItemStatus(withItem('annuale', []), '2027-01-15')).toMatchObject({ status: 'mai_pubblicato', statusIt: 'Mai pubblicato', dueDate: null });
  });

  it('trimestrale: due 3 months after the last publication; in scadenza from 15 days before; scaduto after', () => {
    const item = withItem('trimestrale', ['2026-07-10', '2026-10-20']);
    expect(transparencyItemStatus(item, '2027-01-04')).toMatchObject({ status: 'aggiornato', dueDate: '2027-01-20', daysLeft: 16, lastPublishedOn: '2026-10-20' });
    expect(transparencyItemStatus(item, '2027-01-05')).toMatchObject({ status: 'in_scadenza', daysLeft: 15 });
    expect(transparencyItemStatus(item, '2027-01-20')).toMatchObject({ status: 'in_scadenza', daysLeft: 0 });
    expect(transparencyItemStatus(item, '2027-01-21')).toMatchObject({ status: 'scaduto', daysLeft: -1, statusIt: 'Scaduto' });
  });

  it('semestrale and annuale count 6 and 12 months', () => {
    expect(transparencyItemStatus(withItem('semestrale', ['2026-03-15']), '2027-01-15')).toMatchObject({ status: 'scaduto', dueDate: '2026-09-15' });
    expect(transparencyItemStatus(withItem('semestrale', ['2026-08-15']), '2027-01-15')).toMatchObject({ status: 'aggiornato', dueDate: '2027-02-15' });
    expect(transparencyItemStatus(withItem('annuale', ['2026-01-20']), '2027-01-15')).toMatchObject({ status: 'in_scadenza', dueDate: '2027-01-20', daysLeft: 5 });
  });

  it('a due date on a Sunday or holiday moves to the next working day (tenant calendar)', () => {
    // 2 June 2027 (Festa della Repubblica) is a Wednesday: due on the 3rd.
    const s = transparencyItemStatus(withItem('annuale', ['2026-06-02']), '2027-06-03');
    expect(s).toMatchObject({ dueDate: '2027-06-02', effectiveDueDate: '2027-06-03', status: 'in_scadenza', daysLeft: 0 });
    expect(s.reasonIt).toMatch(/slitta/);
    // A patron day that is a legal holiday moves it too.
    const rome = transparencyItemStatus(withItem('annuale', ['2026-06-29']), '2027-06-30', { patronDays: [{ month: 6, day: 29, name: 'Santi Pietro e Paolo', legalHoliday: true }], extraClosures: [] });
    expect(rome).toMatchObject({ effectiveDueDate: '2027-06-30', status: 'in_scadenza' });
    expect(transparencyItemStatus(withItem('annuale', ['2026-06-29']), '2027-06-30').status).toBe('scaduto');
  });

  it('tempestivo: up to date until a change is reported, then due 30 days after the change', () => {
    expect(transparencyItemStatus(withItem('tempestivo', ['2025-01-10']), '2027-01-15')).toMatchObject({ status: 'aggiornato', dueDate: null });
    const changed = withItem('tempestivo', ['2026-10-01'], [{ date: '2026-12-01', note: 'Nuovo incarico' }]);
    expect(transparencyItemStatus(changed, '2027-01-15')).toMatchObject({ status: 'scaduto', dueDate: '2026-12-31' });
    const republished = withItem('tempestivo', ['2026-10-01', '2026-12-10'], [{ date: '2026-12-01', note: 'Nuovo incarico' }]);
    expect(transparencyItemStatus(republished, '2027-01-15').status).toBe('aggiornato');
    // A change before the first publication counts once it is published: nothing pending.
    const early = withItem('tempestivo', ['2027-01-10'], [{ date: '2027-01-02', note: 'x' }]);
    expect(transparencyItemStatus(early, '2027-01-15').status).toBe('aggiornato');
  });

  it('lists the grid with counts and filters by status and office', () => {
    let s = given([
      [{ type: 'add_obligation', obligation: { ...obligation('a', 'annuale'), order: 2 } }, rpct],
      [{ type: 'add_obligation', obligation: { ...obligation('b', 'trimestrale'), order: 1 } }, rpct],
      [{ type: 'assign_offices', obligationId: 'a', producerOffice: 'Registro imprese', publisherOffice: 'Affari generali' }, rpct],
    ]);
    s = given([[{ type: 'record_publication', obligationId: 'a', date: '2026-06-01', url: 'https://example.org/a' }, po]], s);
    const all = transparencyGrid(s, '2027-01-15');
    expect(all.rows.map((r) => r.id)).toEqual(['b', 'a']);
    expect(all.counts).toEqual({ aggiornato: 1, in_scadenza: 0, scaduto: 0, mai_pubblicato: 1 });
    expect(all.offices).toEqual(['Affari generali', 'Registro imprese']);
    expect(transparencyGrid(s, '2027-01-15', undefined, { status: 'mai_pubblicato' }).rows.map((r) => r.id)).toEqual(['b']);
    expect(transparencyGrid(s, '2027-01-15', undefined, { office: 'Registro imprese' }).rows.map((r) => r.id)).toEqual(['a']);
    expect(transparencyGrid(s, '2027-06-15', undefined, { status: 'scaduto' }).rows.map((r) => r.id)).toEqual(['a']);
  });
});
