/* eslint-disable no-restricted-imports */
// move_deadline: the decider, the fold and cycleDeadlines with a moved date.
import { NO_TENANT_CALENDAR } from '../calendar';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseCycleDefinition, type CycleDefinition } from '../definitions';
import { cycleDeadlines } from './deadlines';
import type { CycleCommand } from './model';
import { actor, given, NOW, pathTo, TIME_ZONE } from './testing';

const load = (id: string): CycleDefinition =>
  parseCycleDefinition(readFileSync(join(__dirname, '../../../../seeds/cycles', `${id}.v1.yaml`), 'utf8'), `${id}.v1.yaml`);
const rpct = load('relazione_rpct');
const piao = load('piao');

const move = (over: Partial<Extract<CycleCommand, { type: 'move_deadline' }>> = {}): CycleCommand => ({
  type: 'move_deadline',
  deadlineId: 'pubblicazione',
  newDate: '2028-01-31',
  reason: 'Comunicato ANAC: termine differito al 31 gennaio',
  reference: 'Comunicato del Presidente ANAC del 5 dicembre 2027',
  ...over,
});

describe('move_deadline', () => {
  const path = pathTo(rpct, rpct.initialStage, { year: 2027 });

  it('records DeadlineMoved with the old and new legal dates, the reason and the reference', () => {
    const g = given(rpct, ...path.events);
    const out = g.when(move(), actor('rpct'), { now: NOW });
    const [e] = out.then(['DeadlineMoved']);
    expect(e.data).toEqual({
      deadlineId: 'pubblicazione',
      fromDate: '2027-12-15',
      toDate: '2028-01-31',
      reason: 'Comunicato ANAC: termine differito al 31 gennaio',
      reference: 'Comunicato del Presidente ANAC del 5 dicembre 2027',
    });
    expect(e.actorRole).toBe('rpct');
    const d = cycleDeadlines(out.after, rpct, NOW, { timeZone: TIME_ZONE, calendar: NO_TENANT_CALENDAR })[0];
    expect(d).toMatchObject({ legalDate: '2028-01-31', effectiveDate: '2028-01-31', rescheduled: { fromDate: '2027-12-15', reference: expect.stringContaining('ANAC') } });
    // A second move starts from the moved date; the effective date still rolls off a Sunday.
    const again = given(rpct, ...out.history).when(move({ newDate: '2028-01-30' }), actor('admin'), { now: NOW });
    expect(again.then(['DeadlineMoved'])[0].data.fromDate).toBe('2028-01-31');
    expect(cycleDeadlines(again.after, rpct, NOW, { timeZone: TIME_ZONE, calendar: NO_TENANT_CALENDAR })[0]).toMatchObject({ legalDate: '2028-01-30', effectiveDate: '2028-01-31', moved: true });
  });

  it('is allowed to the cancel roles and admin; the RPCT only for editablePerYear deadlines', () => {
    const p = pathTo(piao, 'bozza');
    const g = given(piao, ...p.events);
    g.when(move({ deadlineId: 'adozione', newDate: '2027-03-02' }), actor('segretario_generale'), { now: NOW }).then(['DeadlineMoved']);
    g.when(move({ deadlineId: 'adozione', newDate: '2027-03-02' }), actor('admin'), { now: NOW }).then(['DeadlineMoved']);
    g.when(move({ deadlineId: 'adozione', newDate: '2027-03-02' }), actor('rpct'), { now: NOW }).then(['DeadlineMoved']);
    g.when(move({ deadlineId: 'adozione', newDate: '2027-03-02' }), actor('po'), { now: NOW }).then('ROLE_NOT_ALLOWED');
    const fixed = piao.deadlines.find((d) => !d.editablePerYear);
    if (fixed) g.when(move({ deadlineId: fixed.id, newDate: '2027-03-02' }), actor('rpct'), { now: NOW }).then('ROLE_NOT_ALLOWED');
  });

  it('refuses an unknown deadline, a malformed date, missing reason or reference, the same date', () => {
    const g = given(rpct, ...path.events);
    g.when(move({ deadlineId: 'nessuna' }), actor('rpct'), { now: NOW }).then('UNKNOWN_DEADLINE');
    for (const newDate of ['2028-02-30', '31/01/2028', '', '2028-1-31'])
      g.when(move({ newDate }), actor('rpct'), { now: NOW }).then('INVALID_DEADLINE_DATE');
    g.when(move({ newDate: '2027-12-15' }), actor('rpct'), { now: NOW }).then('INVALID_DEADLINE_DATE');
    g.when(move({ reason: '  ' }), actor('rpct'), { now: NOW }).then('INVALID_FIELDS');
    g.when(move({ reference: '' }), actor('rpct'), { now: NOW }).then('INVALID_FIELDS');
  });

  it('refuses a deadline already met, and any move on a closed cycle', () => {
    const p = pathTo(piao, 'adottato');
    given(piao, ...p.events)
      .when(move({ deadlineId: 'adozione', newDate: '2027-03-02' }), actor('segretario_generale'), { now: NOW })
      .then('DEADLINE_ALREADY_MET');
    const cancelled = given(rpct, ...path.events).when({ type: 'cancel', reason: 'errore' }, actor('rpct'), { now: NOW });
    given(rpct, ...cancelled.history).when(move(), actor('rpct'), { now: NOW }).then('CYCLE_CLOSED');
  });
});
