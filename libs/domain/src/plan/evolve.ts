/**
 * Folding the cycle stream into the plan state. Plan events build the tree and the measurements;
 * of the cycle's own events only the first deliberation matters: it adopts the plan, which is
 * frozen from then on (changes go through a variation). Unknown events only advance the version.
 */
import type { FoldableEvent } from '../cycle/evolve';
import type { JsonRecord } from '../cycle/model';
import type { SmvpRules } from '../performance/smvp-rules';
import type { IndicatorValue } from '../performance/tree';
import {
  clonePlanState,
  initialPlanState,
  openVariation,
  PARENT_FIELD,
  type PlanDeliberation,
  type PlanMeasurement,
  type PlanNode,
  type PlanState,
  type PlanTarget,
} from './model';
import { applyRegisterEvent } from './register/evolve';
import { registerContent, restoreRegisterContent } from './register/model';

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const isRecord = (v: unknown): v is JsonRecord => typeof v === 'object' && v !== null && !Array.isArray(v);

function deliberationOf(d: JsonRecord): PlanDeliberation {
  const f = isRecord(d.fields) ? d.fields : {};
  return { organ: str(d.organ), number: str(f.number), date: str(f.date), ...(typeof f.actHash === 'string' ? { actHash: f.actHash } : {}) };
}

function measurementOf(d: JsonRecord, e: FoldableEvent): PlanMeasurement {
  const m: PlanMeasurement = {
    indicatorCode: str(d.indicatorCode),
    period: str(d.period),
    value: d.value as IndicatorValue,
    date: str(d.date),
    version: e.version,
    by: e.actorId,
    role: e.actorRole,
    at: e.occurredAt,
  };
  if (typeof d.source === 'string') m.source = d.source;
  if (typeof d.note === 'string') m.note = d.note;
  if (typeof d.attachmentHash === 'string') m.attachmentHash = d.attachmentHash;
  if (typeof d.reason === 'string') m.correctionReason = d.reason;
  return m;
}

/** Applies one event to a state the caller owns (mutating it). */
export function applyPlanEvent(s: PlanState, e: FoldableEvent): void {
  const d = e.data;
  s.version = e.version;
  const planEvent = (): void => {
    s.planEvents += 1;
    s.lastChangeAt = e.occurredAt;
    const open = openVariation(s);
    if (open && typeof d.variationId === 'string' && d.variationId === open.variationId) open.changes += 1;
  };
  switch (e.type) {
    case 'PlanNodeAdded': {
      const node = d.node as unknown as PlanNode;
      s.nodes.set(node.code, node);
      planEvent();
      return;
    }
    case 'PlanNodeUpdated': {
      const current = s.nodes.get(str(d.code));
      if (current) {
        const next = { ...current, ...(isRecord(d.set) ? d.set : {}) } as Record<string, unknown>;
        if (Array.isArray(d.unset)) for (const k of d.unset) if (typeof k === 'string') delete next[k];
        s.nodes.set(current.code, next as unknown as PlanNode);
      }
      planEvent();
      return;
    }
    case 'PlanNodeMoved': {
      const current = s.nodes.get(str(d.code));
      const field = current ? PARENT_FIELD[current.kind] : null;
      if (current && field) s.nodes.set(current.code, { ...current, [field]: str(d.toParentCode) } as PlanNode);
      planEvent();
      return;
    }
    case 'PlanNodeRemoved': {
      const removed = Array.isArray(d.removed) ? d.removed : [];
      for (const r of removed) if (isRecord(r)) s.nodes.delete(str(r.code));
      s.nodes.delete(str(d.code));
      planEvent();
      return;
    }
    case 'IndicatorTargetsSet': {
      const current = s.nodes.get(str(d.indicatorCode));
      if (current?.kind === 'indicator') s.nodes.set(current.code, { ...current, targets: (d.targets ?? []) as unknown as PlanTarget[] });
      planEvent();
      return;
    }
    case 'IndicatorWeightsSet': {
      const weights = isRecord(d.weights) ? d.weights : {};
      for (const [code, w] of Object.entries(weights)) {
        const current = s.nodes.get(code);
        if (current?.kind === 'indicator') s.nodes.set(code, { ...current, weight: typeof w === 'number' ? w : null });
      }
      planEvent();
      return;
    }
    case 'MeasurementRecorded':
    case 'MeasurementCorrected':
      s.measurements.push(measurementOf(d, e));
      planEvent();
      return;
    case 'MeasurementYearClosed':
      if (typeof d.year === 'number' && !s.closedYears.includes(d.year)) s.closedYears = [...s.closedYears, d.year].sort((a, b) => a - b);
      planEvent();
      return;
    case 'MeasurementPeriodOpened':
    case 'MeasurementPeriodClosed':
    case 'MeasurementPeriodReopened': {
      const key = (p: { period: string; monitoringCycleId: string }) => p.period === str(d.period) && p.monitoringCycleId === str(d.monitoringCycleId);
      let p = s.monitoringPeriods.find(key);
      if (!p) {
        p = { period: str(d.period), year: typeof d.year === 'number' ? d.year : Number(str(d.period).slice(0, 4)), monitoringCycleId: str(d.monitoringCycleId), status: 'open', openedAt: e.occurredAt, version: e.version };
        s.monitoringPeriods = [...s.monitoringPeriods, p];
      }
      p.version = e.version;
      if (e.type === 'MeasurementPeriodClosed') {
        p.status = 'closed';
        p.closedAt = e.occurredAt;
      } else if (e.type === 'MeasurementPeriodReopened') {
        p.status = 'open';
        p.reopenedAt = e.occurredAt;
      }
      planEvent();
      return;
    }
    case 'PlanVariationOpened':
      planEvent();
      s.variations.push({
        variationId: str(d.variationId),
        number: typeof d.number === 'number' ? d.number : s.variations.length + 1,
        reason: str(d.reason),
        status: 'open',
        openedVersion: e.version,
        openedAt: e.occurredAt,
        openedBy: e.actorId,
        changes: 0,
        ...(typeof d.monitoringCycleId === 'string' ? { monitoringCycleId: d.monitoringCycleId } : {}),
      });
      s.variationBase = [...s.nodes.values()];
      s.registerBase = registerContent(s.register);
      return;
    case 'PlanVariationApproved':
    case 'PlanVariationWithdrawn': {
      const v = s.variations.find((x) => x.variationId === str(d.variationId));
      if (v) {
        v.status = e.type === 'PlanVariationApproved' ? 'approved' : 'withdrawn';
        v.closedVersion = e.version;
        v.closedAt = e.occurredAt;
        v.closedBy = e.actorId;
        if (e.type === 'PlanVariationApproved') v.deliberation = deliberationOf(d);
        else v.withdrawnReason = str(d.reason);
      }
      if (e.type === 'PlanVariationWithdrawn' && s.variationBase) s.nodes = new Map(s.variationBase.map((n) => [n.code, n]));
      if (e.type === 'PlanVariationWithdrawn' && s.registerBase) restoreRegisterContent(s.register, s.registerBase);
      s.variationBase = null;
      s.registerBase = null;
      planEvent();
      return;
    }
    case 'PlanScoringRulesSet':
      s.scoring = {
        rules: (isRecord(d.rules) ? d.rules : {}) as Partial<SmvpRules>,
        ...(typeof d.weightTolerance === 'number' ? { weightTolerance: d.weightTolerance } : {}),
        ...(typeof d.reason === 'string' ? { reason: d.reason } : {}),
        version: e.version,
      };
      planEvent();
      return;
    case 'NarrativeSectionWritten': {
      const section = str(d.section);
      const text = str(d.text);
      const next = { ...s.narratives };
      if (text) next[section] = { text, version: e.version, by: e.actorId, at: e.occurredAt };
      else delete next[section];
      s.narratives = next;
      planEvent();
      return;
    }
    default:
      if (applyRegisterEvent(s.register, e)) {
        planEvent();
        return;
      }
      break;
  }
  // The cycle's first deliberation (a transition event of kind deliberation) adopts the plan.
  if (!s.adopted && d.kind === 'deliberation' && typeof d.command === 'string' && typeof d.to === 'string') {
    s.adopted = { version: e.version, at: e.occurredAt, deliberation: deliberationOf(d) };
    s.adoptedNodes = [...s.nodes.values()];
    s.adoptedRegister = registerContent(s.register);
  }
}

/** The plan state after `events` (stream order), starting from `from` (which is not changed). */
export function foldPlan(events: readonly FoldableEvent[], from: PlanState = initialPlanState()): PlanState {
  const s = clonePlanState(from);
  for (const e of events) applyPlanEvent(s, e);
  return s;
}

/** One event applied to a state: a new state (the argument is not changed). */
export function evolvePlan(state: PlanState, event: FoldableEvent): PlanState {
  return foldPlan([event], state);
}

/** JSON-safe copy of a node (for event data). */
export function nodeJson(node: PlanNode): JsonRecord {
  return JSON.parse(JSON.stringify(node)) as JsonRecord;
}
