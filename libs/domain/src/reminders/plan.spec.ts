/* eslint-disable no-restricted-imports */
import { readFileSync } from 'fs';
import { join } from 'path';
import { NO_TENANT_CALENDAR } from '../calendar';
import { parseCycleDefinition, type CycleDefinition } from '../definitions';
import { pathTo, given, actor } from '../cycle/testing';
import { parseReminderKey, planReminders, reminderKey, resolveReminderPolicy } from './plan';

const load = (id: string): CycleDefinition =>
  parseCycleDefinition(readFileSync(join(__dirname, '../../../../seeds/cycles', `${id}.v1.yaml`), 'utf8'), `${id}.v1.yaml`);
const rpct = load('relazione_rpct');
const piao = load('piao');
const at = (iso: string) => new Date(iso);

describe('planReminders (pinned dates, Europe/Rome working hours)', () => {
  const state = pathTo(rpct, rpct.initialStage, { year: 2027, now: at('2027-06-01T10:00:00Z') }).state;

  it('RPCT report due Wednesday 15 December 2027: 30, 15, 7, 1 days before, the day, then weekly', () => {
    const plan = planReminders(state, rpct, { now: at('2027-06-01T10:00:00Z'), calendar: NO_TENANT_CALENDAR });
    expect(plan.map((r) => [r.offset, r.kind, r.date, r.dueAt])).toEqual([
      // 15 Nov 2027 is a Monday: 09:00 CET = 08:00Z
      [30, 'before', '2027-11-15', '2027-11-15T08:00:00.000Z'],
      // 30 Nov Tuesday
      [15, 'before', '2027-11-30', '2027-11-30T08:00:00.000Z'],
      // 8 Dec is the Immacolata (Wednesday): next working morning
      [7, 'before', '2027-12-08', '2027-12-09T08:00:00.000Z'],
      [1, 'before', '2027-12-14', '2027-12-14T08:00:00.000Z'],
      [0, 'due', '2027-12-15', '2027-12-15T08:00:00.000Z'],
      // 22 Dec Wednesday: the first overdue reminder, escalated; the chain goes on when it fires
      [-7, 'overdue', '2027-12-22', '2027-12-22T08:00:00.000Z'],
    ]);
    expect(plan[5].escalate).toBe(true);
    expect(plan[0].key).toBe(`rem|cciaa-test|${state.cycleId}|pubblicazione|2027-12-15|30`);
    expect(parseReminderKey(plan[0].key)).toEqual({ tenant: 'cciaa-test', cycleId: state.cycleId, deadlineId: 'pubblicazione', legalDate: '2027-12-15', offset: 30 });
  });

  it('keeps the latest reminder already due (it may not have gone out) and what is still to come', () => {
    const plan = planReminders(state, rpct, { now: at('2027-12-10T10:00:00Z'), calendar: NO_TENANT_CALENDAR });
    expect(plan.map((r) => r.offset)).toEqual([7, 1, 0, -7]);
    // Overdue: the current overdue reminder and the next one only.
    const late = planReminders(state, rpct, { now: at('2028-01-06T10:00:00Z'), calendar: NO_TENANT_CALENDAR });
    expect(late.map((r) => [r.offset, r.date])).toEqual([
      [-21, '2028-01-05'],
      [-28, '2028-01-12'],
    ]);
  });

  it('collapses a "1 day before" that lands on the deadline day (31 January 2027 is a Sunday)', () => {
    const s = pathTo(piao, 'bozza', { year: 2027, now: at('2026-11-01T10:00:00Z') }).state;
    const adozione = planReminders(s, piao, { now: at('2026-11-01T10:00:00Z'), calendar: NO_TENANT_CALENDAR }).filter((r) => r.deadlineId === 'adozione');
    // 30 Jan (Saturday, -1) and 31 Jan (Sunday, the day) both go out on Monday 1 February: once, as "the day".
    expect(adozione.map((r) => [r.offset, r.dueAt])).toEqual([
      [30, '2027-01-04T08:00:00.000Z'], // 1 Jan (Capodanno) → Mon 4 Jan (6 Jan is the Epifania, not in between)
      [15, '2027-01-18T08:00:00.000Z'], // 16 Jan Saturday → Monday 18
      [7, '2027-01-25T08:00:00.000Z'], // 24 Jan Sunday → Monday 25
      [0, '2027-02-01T08:00:00.000Z'],
      [-7, '2027-02-08T08:00:00.000Z'], // effective 1 Feb + 7
    ]);
  });

  it('respects per-tenant offsets, closures and working hours', () => {
    const policy = resolveReminderPolicy(rpct, { offsetsDays: [10, 0] }, { overdueEveryDays: 14 });
    const plan = planReminders(state, rpct, {
      now: at('2027-06-01T10:00:00Z'),
      policy,
      calendar: { patronDays: [], extraClosures: ['2027-12-06'] },
      workingHours: { start: '08:30', end: '14:00' },
    });
    expect(plan.map((r) => [r.offset, r.dueAt])).toEqual([
      [10, '2027-12-07T07:30:00.000Z'], // Sun 5 Dec → Mon 6 closed → Tue 7 08:30
      [0, '2027-12-15T07:30:00.000Z'],
      [-14, '2027-12-29T07:30:00.000Z'],
    ]);
  });

  it('plans nothing for met deadlines, cancelled or closed cycles, and rule-none deadlines without a date', () => {
    const met = pathTo(piao, 'adottato', { year: 2027, now: at('2027-01-20T10:00:00Z') }).state;
    expect(planReminders(met, piao, { now: at('2027-01-20T10:00:00Z'), calendar: NO_TENANT_CALENDAR }).map((r) => r.deadlineId)).not.toContain('adozione');
    const cancelled = given(rpct, ...pathTo(rpct, rpct.initialStage).events).when({ type: 'cancel', reason: 'x' }, actor('rpct'), { now: at('2027-06-01T10:00:00Z') }).after;
    expect(planReminders(cancelled, rpct, { now: at('2027-06-01T10:00:00Z'), calendar: NO_TENANT_CALENDAR })).toEqual([]);
    const smvp = load('smvp');
    expect(planReminders(pathTo(smvp, smvp.initialStage).state, smvp, { now: at('2027-01-15T10:00:00Z'), calendar: NO_TENANT_CALENDAR })).toEqual([]);
  });

  it('follows a moved date: the keys change with the legal date', () => {
    const moved = given(rpct, ...pathTo(rpct, rpct.initialStage, { year: 2027 }).events).when(
      { type: 'move_deadline', deadlineId: 'pubblicazione', newDate: '2028-01-31', reason: 'ANAC', reference: 'Comunicato ANAC' },
      actor('rpct'),
      { now: at('2027-06-01T10:00:00Z') },
    ).after;
    const plan = planReminders(moved, rpct, { now: at('2027-06-01T10:00:00Z'), calendar: NO_TENANT_CALENDAR });
    expect(plan[0].key).toBe(reminderKey('cciaa-test', moved.cycleId, 'pubblicazione', '2028-01-31', 30));
    expect(plan.find((r) => r.offset === 0)?.dueAt).toBe('2028-01-31T08:00:00.000Z');
  });
});
