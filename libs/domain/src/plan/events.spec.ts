import { classifyPlanEvent, planEventSchemaVersion, PLAN_EVENT_SCHEMA_VERSIONS } from './events';
import { applyPlanEvent, foldPlan } from './evolve';
import { initialPlanState, PLAN_EVENT_TYPES } from './model';

const env = { actorId: 'u-1', actorRole: 'po', occurredAt: '2027-01-20T10:00:00.000Z', version: 3, tenant: 'cciaa-po' };
const at = (version: number, type: string, data: Record<string, never> | object) => ({ ...env, version, type, data: data as never });

describe('typed plan events', () => {
  it('classifies every plan and register type as its own member, with a schema version each', () => {
    for (const type of PLAN_EVENT_TYPES) {
      expect(classifyPlanEvent(at(1, type, {})).kind).toBe(type);
      expect(planEventSchemaVersion(type)).toBe(1);
    }
    expect(Object.keys(PLAN_EVENT_SCHEMA_VERSIONS).sort()).toEqual([...PLAN_EVENT_TYPES].sort());
    expect(planEventSchemaVersion('CycleOpened')).toBeUndefined();
  });

  it('reads the data defensively: wrong shapes become empty values, not exceptions', () => {
    expect(classifyPlanEvent(at(1, 'IndicatorWeightsSet', { objectiveCode: 'O1', weights: { I1: 40, I2: 'x' } }))).toMatchObject({
      data: { objectiveCode: 'O1', weights: { I1: 40, I2: null } },
    });
    expect(classifyPlanEvent(at(1, 'PlanNodeUpdated', { code: 7, set: [1], unset: ['a', 2] })).data).toEqual({ code: '', kind: '', set: {}, unset: ['a'] });
    expect(classifyPlanEvent(at(1, 'MeasurementYearClosed', { year: '2027' })).data).toEqual({ year: null });
    expect(classifyPlanEvent(at(1, 'MeasurementPeriodClosed', { period: '2027-S1', monitoringCycleId: 'm' })).data).toEqual({ period: '2027-S1', year: 2027, monitoringCycleId: 'm' });
    expect(classifyPlanEvent(at(1, 'RegisterItemRemoved', { kind: 'risk', code: 'R1', removed: [{ kind: 'measure', code: 'M1' }, 'x'] })).data).toEqual({
      kind: 'risk',
      code: 'R1',
      removed: [{ kind: 'measure', code: 'M1' }],
    });
  });

  it("tells the cycle's deliberations from its other events", () => {
    const adopted = classifyPlanEvent(
      at(4, 'PiaoAdoptedByGiunta', { command: 'adopt', kind: 'deliberation', from: 'revisione_sg', to: 'adottato', organ: 'giunta', fields: { number: '12', date: '2027-01-20', actHash: 'ab' } }),
    );
    expect(adopted).toMatchObject({ kind: 'deliberation', type: 'PiaoAdoptedByGiunta', data: { organ: 'giunta', number: '12', date: '2027-01-20', actHash: 'ab' } });
    expect(classifyPlanEvent(at(5, 'SubmittedForReview', { command: 'submit', kind: 'submission', from: 'bozza', to: 'revisione_sg' })).kind).toBe('other');
    // A variation's approval names a deliberation but is not the cycle's: it does not adopt the plan.
    expect(classifyPlanEvent(at(6, 'PlanVariationApproved', { variationId: 'v', number: 1, kind: 'deliberation', organ: 'giunta', fields: { number: '3', date: '2027-05-01' } })).kind).toBe(
      'PlanVariationApproved',
    );
  });

  it('folds typed events: a correction keeps its reason, an unknown type only moves the version', () => {
    const s = foldPlan([
      at(1, 'PlanNodeAdded', { node: { kind: 'indicator', code: 'I1', objectiveCode: 'O1', targets: [], weight: null } }),
      at(2, 'MeasurementRecorded', { indicatorCode: 'I1', period: '2027', value: 4, date: '2027-12-31' }),
      at(3, 'MeasurementCorrected', { indicatorCode: 'I1', period: '2027', value: 5, date: '2027-12-31', reason: 'refuso', previousValue: 4 }),
      at(4, 'PiaoAdoptedByGiunta', { command: 'adopt', kind: 'deliberation', from: 'a', to: 'b', organ: 'giunta', fields: { number: '12', date: '2027-01-20' } }),
    ]);
    expect(s.measurements.map((m) => [m.value, m.correctionReason])).toEqual([
      [4, undefined],
      [5, 'refuso'],
    ]);
    expect(s.measurements[1]).not.toHaveProperty('previousValue');
    expect(s.adopted).toMatchObject({ version: 4, deliberation: { organ: 'giunta', number: '12' } });
    expect(s.planEvents).toBe(3);
    const later = initialPlanState();
    applyPlanEvent(later, at(9, 'SomethingNewer', { x: 1 }));
    expect(later).toEqual({ ...initialPlanState(), version: 9 });
  });
});
