import { classifyCycleEvent, cycleEventSchemaVersion, upcastCycleEvent } from './events';
import { evolve } from './evolve';
import { initialCycleState } from './model';

const env = { actorId: 'u-1', actorRole: 'segreteria_organi', occurredAt: '2027-01-20T10:00:00.000Z', version: 3, tenant: 'cciaa-po' };

describe('typed cycle events', () => {
  it('types a transition by its kind: a deliberation carries its organ and act', () => {
    const e = classifyCycleEvent({
      ...env,
      type: 'PiaoAdoptedByGiunta',
      data: { command: 'adopt', kind: 'deliberation', from: 'revisione_sg', to: 'adottato', organ: 'giunta', fields: { number: '12', date: '2027-01-20', actHash: 'ab' }, linkedVersions: { relazione: 4, bad: 'x' } },
    });
    expect(e).toMatchObject({ kind: 'transition', transitionKind: 'deliberation', type: 'PiaoAdoptedByGiunta' });
    if (e.kind !== 'transition' || e.transitionKind !== 'deliberation') throw new Error('not a deliberation');
    expect(e.data).toMatchObject({ organ: 'giunta', number: '12', date: '2027-01-20', actHash: 'ab', linkedVersions: { relazione: 4 } });
  });

  it('reads engine events defensively and keeps unknown types as such', () => {
    expect(classifyCycleEvent({ ...env, type: 'CycleMigrated', data: { toVersion: '2' } })).toMatchObject({ kind: 'CycleMigrated', data: { toVersion: 2 } });
    expect(classifyCycleEvent({ ...env, type: 'DeadlineMoved', data: { deadlineId: 'd', toDate: '2027-02-01' } })).toMatchObject({
      kind: 'DeadlineMoved',
      data: { deadlineId: 'd', fromDate: null, toDate: '2027-02-01', reason: '', reference: '' },
    });
    const unknown = classifyCycleEvent({ ...env, type: 'SomethingNewer', data: { x: 1 } });
    expect(unknown).toMatchObject({ kind: 'unknown', type: 'SomethingNewer' });
    // Folding it only moves the version.
    const s = evolve(initialCycleState(), { ...env, type: 'SomethingNewer', data: { x: 1 } });
    expect(s).toEqual({ ...initialCycleState(), version: 3, lastChangeAt: env.occurredAt });
  });

  it('gives each type its schema version, and upcasts version 1 unchanged', () => {
    expect(cycleEventSchemaVersion('CycleOpened')).toBe(1);
    expect(cycleEventSchemaVersion('SubmittedForReview')).toBe(1);
    const data = { reason: 'x' };
    expect(upcastCycleEvent('CycleCancelled', data, 1)).toBe(data);
  });
});
