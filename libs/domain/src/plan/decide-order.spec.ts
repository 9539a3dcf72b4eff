/* eslint-disable no-restricted-imports */
// The order of the refusals of a plan command, as clients see it: the cycle, the editability, the
// role, then the fields (the parse step), then what the plan's state refuses.
import { readFileSync } from 'fs';
import { join } from 'path';
import { DomainRefusal } from '../cycle/errors';
import { foldCycle } from '../cycle/fold';
import type { ActorContext, CycleState } from '../cycle/model';
import { actor, NOW, pathTo, TIME_ZONE } from '../cycle/testing';
import { parseCycleDefinition, type CycleDefinition } from '../definitions';
import { decidePlan } from './decide';
import { foldPlan } from './evolve';
import type { PlanCommand } from './model';

const piao = parseCycleDefinition(readFileSync(join(__dirname, '../../../../seeds/cycles/piao.v1.yaml'), 'utf8'), 'piao.v1.yaml');
const events = pathTo(piao, 'bozza', { year: 2027 }).events;
const bozza = foldCycle(events);
const plan = foldPlan(events);
const po = actor('po');

function codeOf(command: Record<string, unknown>, by: ActorContext = po, cycle: CycleState = bozza, definition: CycleDefinition = piao, viaCycleId?: string): string {
  try {
    decidePlan(command as unknown as PlanCommand, plan, cycle, { actor: by, now: NOW, definition, timeZone: TIME_ZONE, viaCycleId });
  } catch (e) {
    if (e instanceof DomainRefusal) return e.code;
    throw e;
  }
  return 'ACCEPTED';
}

const malformedNode = { type: 'add_node', node: { kind: 'indicator', code: '' } };

describe('plan decider: the order of the refusals', () => {
  it('the checks of the cycle come before the fields', () => {
    expect(codeOf(malformedNode, po, { ...bozza, tenant: 'altra-camera' })).toBe('CYCLE_NOT_FOUND');
    expect(codeOf(malformedNode, po, { ...bozza, status: 'cancelled' })).toBe('CYCLE_CLOSED');
    const linked = { ...piao, links: [{ plan: true }] } as unknown as CycleDefinition;
    expect(codeOf(malformedNode, po, bozza, linked)).toBe('PLAN_OF_LINKED_CYCLE');
    expect(codeOf({ type: 'add_register_item', item: 7 }, actor('rpct'), { ...bozza, cycleType: 'budget_direzionale' })).toBe('REGISTER_NOT_IN_CYCLE');
    expect(codeOf(malformedNode, po, { ...bozza, stage: 'adottato' })).toBe('PLAN_NOT_EDITABLE');
  });

  it('the role comes before the fields', () => {
    expect(codeOf(malformedNode, actor('rilevatore'))).toBe('ROLE_NOT_ALLOWED');
    expect(codeOf({ type: 'record_measurement' }, po)).toBe('ROLE_NOT_ALLOWED');
    expect(codeOf({ type: 'approve_variation' }, po)).toBe('ROLE_NOT_ALLOWED');
    expect(codeOf({ type: 'assess_risk' }, actor('rilevatore'))).toBe('ROLE_NOT_ALLOWED');
    // Only the monitoring cycle it names opens a variation on its behalf, whatever the reason says.
    expect(codeOf({ type: 'open_variation', variationId: 'v', monitoringCycleId: 'm-1' }, po)).toBe('ROLE_NOT_ALLOWED');
    expect(codeOf({ type: 'open_monitoring_period', period: '2027-X', monitoringCycleId: 'm-1' }, po)).toBe('ROLE_NOT_ALLOWED');
  });

  it('with the right role, the fields; then what the plan refuses', () => {
    expect(codeOf(malformedNode, po)).toBe('PLAN_INVALID_FIELDS');
    expect(codeOf({ ...malformedNode, node: { kind: 'ambito', code: '01', title: 'A' } }, po)).toBe('ACCEPTED');
    // A node that is not there, asked with a shape error: the shape is refused first.
    expect(codeOf({ type: 'update_node', code: 'NOPE', changes: {} }, po)).toBe('PLAN_INVALID_FIELDS');
    expect(codeOf({ type: 'update_node', code: 'NOPE', changes: { title: 'x' } }, po)).toBe('PLAN_NODE_NOT_FOUND');
    // Whether a value suits the unit needs the indicator: a missing one is refused as such.
    const m = { type: 'record_measurement', indicatorCode: 'I9', period: '2027', date: '2027-01-10', value: { n: 1 } };
    expect(codeOf(m, actor('rilevatore'))).toBe('PLAN_NODE_NOT_FOUND');
    expect(codeOf({ ...m, date: '2027-02-10' }, actor('rilevatore'))).toBe('DATE_IN_FUTURE');
    expect(codeOf({ type: 'open_variation', variationId: 'v' }, po)).toBe('PLAN_INVALID_FIELDS');
    expect(codeOf({ type: 'open_variation', variationId: 'v', reason: 'r' }, po)).toBe('PLAN_NOT_ADOPTED');
  });

  it('an unknown command is refused as such, whoever sends it', () => {
    expect(codeOf({ type: 'rename_plan' }, po)).toBe('UNKNOWN_PLAN_COMMAND');
    expect(codeOf({ type: 'constructor' }, actor('rilevatore'))).toBe('UNKNOWN_PLAN_COMMAND');
  });
});
