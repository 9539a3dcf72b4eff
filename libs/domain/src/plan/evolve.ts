/**
 * Folding the cycle stream into the plan state. Plan events build the tree and the measurements;
 * of the cycle's own events only the first deliberation matters: it adopts the plan, which is
 * frozen from then on (changes go through a variation). Unknown events only advance the version.
 */
import type { FoldableEvent } from '../cycle/evolve';
import type { JsonRecord } from '../cycle/model';
import { classifyPlanEvent } from './events';
import { clonePlanState, initialPlanState, openVariation, PARENT_FIELD, type PlanNode, type PlanState } from './model';
import { applyRegisterEvent } from './register/evolve';
import { registerContent, restoreRegisterContent } from './register/model';

/**
 * Applies one event to a state the caller owns (mutating it). The event is classified first
 * (`classifyPlanEvent`), then each member of the union is applied; the `never` check makes the
 * compiler refuse a member without its case.
 */
export function applyPlanEvent(s: PlanState, event: FoldableEvent): void {
  const e = classifyPlanEvent(event);
  s.version = e.version;
  const planEvent = (variationId?: string): void => {
    s.planEvents += 1;
    s.lastChangeAt = e.occurredAt;
    const open = openVariation(s);
    if (open && variationId !== undefined && variationId === open.variationId) open.changes += 1;
  };
  switch (e.kind) {
    case 'PlanNodeAdded':
      s.nodes.set(e.data.node.code, e.data.node);
      return planEvent(e.data.variationId);
    case 'PlanNodeUpdated': {
      const current = s.nodes.get(e.data.code);
      if (current) {
        const next = { ...current, ...e.data.set } as Record<string, unknown>;
        for (const k of e.data.unset) delete next[k];
        s.nodes.set(current.code, next as unknown as PlanNode);
      }
      return planEvent(e.data.variationId);
    }
    case 'PlanNodeMoved': {
      const current = s.nodes.get(e.data.code);
      const field = current ? PARENT_FIELD[current.kind] : null;
      if (current && field) s.nodes.set(current.code, { ...current, [field]: e.data.toParentCode } as PlanNode);
      return planEvent(e.data.variationId);
    }
    case 'PlanNodeRemoved':
      for (const r of e.data.removed) s.nodes.delete(r.code);
      s.nodes.delete(e.data.code);
      return planEvent(e.data.variationId);
    case 'IndicatorTargetsSet': {
      const current = s.nodes.get(e.data.indicatorCode);
      if (current?.kind === 'indicator') s.nodes.set(current.code, { ...current, targets: e.data.targets });
      return planEvent(e.data.variationId);
    }
    case 'IndicatorWeightsSet':
      for (const [code, weight] of Object.entries(e.data.weights)) {
        const current = s.nodes.get(code);
        if (current?.kind === 'indicator') s.nodes.set(code, { ...current, weight });
      }
      return planEvent(e.data.variationId);
    case 'MeasurementRecorded':
    case 'MeasurementCorrected': {
      const { indicatorCode, period, value, date, source, note, attachmentHash } = e.data;
      s.measurements.push({
        indicatorCode,
        period,
        value,
        date,
        version: e.version,
        by: e.actorId,
        role: e.actorRole,
        at: e.occurredAt,
        ...(source !== undefined ? { source } : {}),
        ...(note !== undefined ? { note } : {}),
        ...(attachmentHash !== undefined ? { attachmentHash } : {}),
        ...(e.kind === 'MeasurementCorrected' ? { correctionReason: e.data.reason } : {}),
      });
      return planEvent();
    }
    case 'MeasurementYearClosed': {
      const year = e.data.year;
      if (year !== null && !s.closedYears.includes(year)) s.closedYears = [...s.closedYears, year].sort((a, b) => a - b);
      return planEvent();
    }
    case 'MeasurementPeriodOpened':
    case 'MeasurementPeriodClosed':
    case 'MeasurementPeriodReopened': {
      const d = e.data;
      let p = s.monitoringPeriods.find((x) => x.period === d.period && x.monitoringCycleId === d.monitoringCycleId);
      if (!p) {
        p = { period: d.period, year: d.year, monitoringCycleId: d.monitoringCycleId, status: 'open', openedAt: e.occurredAt, version: e.version };
        s.monitoringPeriods = [...s.monitoringPeriods, p];
      }
      p.version = e.version;
      if (e.kind === 'MeasurementPeriodClosed') {
        p.status = 'closed';
        p.closedAt = e.occurredAt;
      } else if (e.kind === 'MeasurementPeriodReopened') {
        p.status = 'open';
        p.reopenedAt = e.occurredAt;
      }
      return planEvent();
    }
    case 'PlanVariationOpened': {
      const d = e.data;
      planEvent();
      s.variations.push({
        variationId: d.variationId,
        number: d.number ?? s.variations.length + 1,
        reason: d.reason,
        status: 'open',
        openedVersion: e.version,
        openedAt: e.occurredAt,
        openedBy: e.actorId,
        changes: 0,
        ...(d.monitoringCycleId !== undefined ? { monitoringCycleId: d.monitoringCycleId } : {}),
      });
      s.variationBase = [...s.nodes.values()];
      s.registerBase = registerContent(s.register);
      return;
    }
    case 'PlanVariationApproved':
    case 'PlanVariationWithdrawn': {
      const v = s.variations.find((x) => x.variationId === e.data.variationId);
      if (v) {
        v.status = e.kind === 'PlanVariationApproved' ? 'approved' : 'withdrawn';
        v.closedVersion = e.version;
        v.closedAt = e.occurredAt;
        v.closedBy = e.actorId;
        if (e.kind === 'PlanVariationApproved') v.deliberation = { organ: e.data.organ, ...e.data.fields };
        else v.withdrawnReason = e.data.reason;
      }
      if (e.kind === 'PlanVariationWithdrawn' && s.variationBase) s.nodes = new Map(s.variationBase.map((n) => [n.code, n]));
      if (e.kind === 'PlanVariationWithdrawn' && s.registerBase) restoreRegisterContent(s.register, s.registerBase);
      s.variationBase = null;
      s.registerBase = null;
      return planEvent(e.data.variationId);
    }
    case 'PlanScoringRulesSet':
      s.scoring = { ...e.data, version: e.version };
      return planEvent();
    case 'NarrativeSectionWritten': {
      const { section, text } = e.data;
      const next = { ...s.narratives };
      if (text) next[section] = { text, version: e.version, by: e.actorId, at: e.occurredAt };
      else delete next[section];
      s.narratives = next;
      return planEvent();
    }
    case 'RegisterItemAdded':
    case 'RegisterItemUpdated':
    case 'RegisterItemRemoved':
    case 'RiskAssessed':
    case 'RiskRatingMethodSet':
    case 'MeasureMonitoringDatesSet':
    case 'MeasureReported':
    case 'MeasureReportChecked':
    case 'RpctReportFiguresSet':
      applyRegisterEvent(s.register, e);
      return planEvent('variationId' in e.data ? e.data.variationId : undefined);
    case 'deliberation':
      // The cycle's first deliberation adopts the plan.
      if (!s.adopted) {
        s.adopted = { version: e.version, at: e.occurredAt, deliberation: e.data };
        s.adoptedNodes = [...s.nodes.values()];
        s.adoptedRegister = registerContent(s.register);
      }
      return;
    case 'other':
      return;
    default:
      return unreachable(e);
  }
}

function unreachable(e: never): never {
  throw new Error(`Unhandled plan event ${JSON.stringify(e)}`);
}

/**
 * Whether `applyPlanEvent` changes more than the plan's version for this event: false for the
 * events of a cycle that are not about its plan (most transitions, comments, attachments).
 */
export function changesPlanContent(event: FoldableEvent): boolean {
  return classifyPlanEvent(event).kind !== 'other';
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
