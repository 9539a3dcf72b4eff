import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@ciclo/event-store';
import { foldRecorded } from './cycle-stream';

const T = 'cciaa-fold';
const cycleId = randomUUID();
let version = 0;
const event = (type: string, data: Record<string, unknown>): RecordedEvent => {
  version += 1;
  return {
    position: version,
    streamId: `${T}/cycle-${cycleId}`,
    version,
    eventId: randomUUID(),
    type,
    data: data as RecordedEvent['data'],
    metadata: { tenant: T, actorId: 'u-po', actorRole: 'po', occurredAt: `2027-01-0${Math.min(version, 9)}T10:00:00.000Z`, correlationId: randomUUID(), causationId: null, schemaVersion: 1 },
    recordedAt: new Date('2027-01-01T10:00:00Z'),
  } as RecordedEvent;
};
const comment = () => event('CommentAdded', { commentId: randomUUID(), text: 'nota' });
const node = (code: string) => event('PlanNodeAdded', { node: { kind: 'ambito', code, title: `Ambito ${code}` } });

describe('folding a cycle stream: the plan is copied only by an event that changes it', () => {
  const opened = event('CycleOpened', { cycleId, cycleType: 'piao', definitionVersion: 1, year: 2027, periodLabel: '2027-2029', title: 'PIAO 2027-2029', stage: 'draft' });
  const first = [opened, node('01')];
  const a = foldRecorded(first);
  const talk = [comment(), comment()];
  const b = foldRecorded(talk, a);
  const more = [comment(), node('02')];
  const c = foldRecorded(more, b);

  it('shares the plan content with the state before when only the version moved, and leaves that state as it was', () => {
    expect(b.plan).not.toBe(a.plan);
    expect(b.plan.version).toBe(4);
    expect(b.cycle.version).toBe(4);
    expect(b.plan.nodes).toBe(a.plan.nodes);
    expect(b.plan.register).toBe(a.plan.register);
    expect(a.plan.version).toBe(2);
    expect([...a.plan.nodes.keys()]).toEqual(['01']);
  });

  it('copies it at the first event that changes it, leaving every earlier state unchanged', () => {
    expect(c.plan.nodes).not.toBe(b.plan.nodes);
    expect([...c.plan.nodes.keys()]).toEqual(['01', '02']);
    expect([...b.plan.nodes.keys()]).toEqual(['01']);
    expect([...a.plan.nodes.keys()]).toEqual(['01']);
    expect(c.plan.version).toBe(6);
    expect(c.plan.planEvents).toBe(2);
    expect(b.plan.planEvents).toBe(1);
  });

  it('gives the same states as one fold of the whole stream', () => {
    const whole = foldRecorded([...first, ...talk, ...more]);
    expect(c.plan).toEqual(whole.plan);
    expect(c.cycle).toEqual(whole.cycle);
    expect(b.plan).toEqual(foldRecorded([...first, ...talk]).plan);
  });
});
