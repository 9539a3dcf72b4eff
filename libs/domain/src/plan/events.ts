/**
 * The plan's events, typed (docs/adr/0008-typed-events.md). They live in the cycle's stream with
 * the cycle's own events; of those the plan folds only the deliberations (the first adopts the
 * plan). `classifyPlanEvent` turns a stored event into the union, reading the data defensively
 * (an older or foreign shape folds, it does not throw); `applyPlanEvent` switches on it
 * exhaustively.
 */
import type { EventEnvelope } from '../cycle/events';
import type { DomainEvent, JsonRecord } from '../cycle/model';
import type { Role } from '../definitions';
import type { SmvpRules } from '../performance/smvp-rules';
import type { IndicatorValue } from '../performance/tree';
import type { PlanDeliberation, PlanEventType, PlanNode, PlanTarget } from './model';
import { classifyRegisterEvent, REGISTER_EVENT_SCHEMA_VERSIONS, type RegisterEvent, type RegisterEventData, type RegisterItemRef } from './register/events';

/** The variation an edit of the adopted tree belongs to. */
interface InVariation {
  variationId?: string;
}

export interface MeasurementData {
  indicatorCode: string;
  period: string;
  value: IndicatorValue;
  date: string;
  source?: string;
  note?: string;
  attachmentHash?: string;
}

export interface MonitoringPeriodData {
  period: string;
  year: number;
  monitoringCycleId: string;
}

/** What a deliberation carries: its organ, and the act's number, date and hash. */
export interface DeliberationData {
  kind: 'deliberation';
  organ: string;
  fields: { number: string; date: string; actHash?: string };
}

/** The data of each plan event type (the register's included). */
export interface PlanEventData extends RegisterEventData {
  PlanNodeAdded: { node: PlanNode } & InVariation;
  PlanNodeUpdated: { code: string; kind: string; set: JsonRecord; unset: string[] } & InVariation;
  PlanNodeMoved: { code: string; kind: string; fromParentCode: string; toParentCode: string } & InVariation;
  PlanNodeRemoved: { code: string; kind: string; removed: RegisterItemRef[] } & InVariation;
  IndicatorTargetsSet: { indicatorCode: string; targets: PlanTarget[] } & InVariation;
  /** A weight that is not a number is null (n.d.). */
  IndicatorWeightsSet: { objectiveCode: string; weights: Record<string, number | null> } & InVariation;
  MeasurementRecorded: MeasurementData;
  MeasurementCorrected: MeasurementData & { reason: string; previousValue?: IndicatorValue };
  /** `year` null when the stored data carries no number (the fold then skips it). */
  MeasurementYearClosed: { year: number | null; reason?: string };
  MeasurementPeriodOpened: MonitoringPeriodData;
  MeasurementPeriodClosed: MonitoringPeriodData;
  MeasurementPeriodReopened: MonitoringPeriodData;
  /** `number` null when the stored data carries none (the fold counts the variations). */
  PlanVariationOpened: { variationId: string; number: number | null; reason: string; monitoringCycleId?: string };
  PlanVariationApproved: { variationId: string; number: number } & DeliberationData & { monitoringCycleId?: string };
  PlanVariationWithdrawn: { variationId: string; number: number; reason: string };
  PlanScoringRulesSet: { rules: Partial<SmvpRules>; weightTolerance?: number; reason?: string };
  NarrativeSectionWritten: { section: string; text: string };
}

type Typed<K extends PlanEventType> = EventEnvelope & { kind: K; type: K; data: PlanEventData[K] };

/** The plan's own events (not the register's). */
type PlanOwnEventType = Exclude<PlanEventType, RegisterEvent['kind']>;

/**
 * An event of a cycle stream as the plan sees it: one member per plan (and register) event type,
 * discriminated by `kind` (= the type); a deliberation of the cycle (`deliberation`, the
 * transition's type in `type`); anything else of the stream (`other`), which only advances the
 * version.
 */
export type PlanEvent =
  | { [K in PlanOwnEventType]: Typed<K> }[PlanOwnEventType]
  | RegisterEvent
  | (EventEnvelope & { kind: 'deliberation'; type: string; data: PlanDeliberation })
  | (EventEnvelope & { kind: 'other'; type: string; data: JsonRecord });

/**
 * The data schema version of each plan event type, written in `metadata.schemaVersion`. A change
 * of an event's data shape raises its number and maps the older shape in `upcastPlanEvent`.
 */
export const PLAN_EVENT_SCHEMA_VERSIONS: Readonly<Record<PlanEventType, number>> = {
  PlanNodeAdded: 1,
  PlanNodeUpdated: 1,
  PlanNodeMoved: 1,
  PlanNodeRemoved: 1,
  IndicatorTargetsSet: 1,
  IndicatorWeightsSet: 1,
  MeasurementRecorded: 1,
  MeasurementCorrected: 1,
  MeasurementYearClosed: 1,
  MeasurementPeriodOpened: 1,
  MeasurementPeriodClosed: 1,
  MeasurementPeriodReopened: 1,
  PlanVariationOpened: 1,
  PlanVariationApproved: 1,
  PlanVariationWithdrawn: 1,
  PlanScoringRulesSet: 1,
  NarrativeSectionWritten: 1,
  ...REGISTER_EVENT_SCHEMA_VERSIONS,
};

/** The schema version of a plan event type (undefined: not a plan event type). */
export const planEventSchemaVersion = (type: string): number | undefined =>
  Object.hasOwn(PLAN_EVENT_SCHEMA_VERSIONS, type) ? PLAN_EVENT_SCHEMA_VERSIONS[type as PlanEventType] : undefined;

/** Brings the data of an older schema version to the current shape (every type is at version 1 so far). */
export function upcastPlanEvent(type: string, data: JsonRecord, schemaVersion: number): JsonRecord {
  void type;
  void schemaVersion;
  return data;
}

/** A plan event as the decider returns it: the data checked against its type by the compiler. */
export function planEvent<K extends PlanEventType>(type: K, data: PlanEventData[K], actorId: string, actorRole: Role, occurredAt: string): DomainEvent {
  return { type, data: data as unknown as JsonRecord, actorId, actorRole, occurredAt };
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const isRecord = (v: unknown): v is JsonRecord => typeof v === 'object' && v !== null && !Array.isArray(v);
const opt = <K extends string>(k: K, v: unknown): { [P in K]?: string } => (typeof v === 'string' ? ({ [k]: v } as { [P in K]?: string }) : {});
const inVariation = (d: JsonRecord): InVariation => opt('variationId', d.variationId);

/** The deliberation a transition or a variation's approval records. */
export function deliberationOf(d: JsonRecord): PlanDeliberation {
  const f = isRecord(d.fields) ? d.fields : {};
  return { organ: str(d.organ), number: str(f.number), date: str(f.date), ...(typeof f.actHash === 'string' ? { actHash: f.actHash } : {}) };
}

function measurement(d: JsonRecord): MeasurementData {
  return {
    indicatorCode: str(d.indicatorCode),
    period: str(d.period),
    value: d.value as IndicatorValue,
    date: str(d.date),
    ...opt('source', d.source),
    ...opt('note', d.note),
    ...opt('attachmentHash', d.attachmentHash),
  };
}

function monitoringPeriod(d: JsonRecord): MonitoringPeriodData {
  const period = str(d.period);
  return { period, year: typeof d.year === 'number' ? d.year : Number(period.slice(0, 4)), monitoringCycleId: str(d.monitoringCycleId) };
}

/** A stored event of a cycle stream as a member of the plan's union. */
export function classifyPlanEvent(e: EventEnvelope & { type: string; data: JsonRecord }): PlanEvent {
  const d = e.data;
  const env: EventEnvelope = { actorId: e.actorId, actorRole: e.actorRole, occurredAt: e.occurredAt, version: e.version, tenant: e.tenant };
  const type = e.type;
  switch (type) {
    case 'PlanNodeAdded':
      return { ...env, kind: type, type, data: { node: d.node as unknown as PlanNode, ...inVariation(d) } };
    case 'PlanNodeUpdated':
      return {
        ...env,
        kind: type,
        type,
        data: {
          code: str(d.code),
          kind: str(d.kind),
          set: isRecord(d.set) ? d.set : {},
          unset: Array.isArray(d.unset) ? d.unset.filter((k): k is string => typeof k === 'string') : [],
          ...inVariation(d),
        },
      };
    case 'PlanNodeMoved':
      return { ...env, kind: type, type, data: { code: str(d.code), kind: str(d.kind), fromParentCode: str(d.fromParentCode), toParentCode: str(d.toParentCode), ...inVariation(d) } };
    case 'PlanNodeRemoved': {
      const removed = Array.isArray(d.removed) ? d.removed.filter(isRecord).map((r) => ({ code: str(r.code), kind: str(r.kind) })) : [];
      return { ...env, kind: type, type, data: { code: str(d.code), kind: str(d.kind), removed, ...inVariation(d) } };
    }
    case 'IndicatorTargetsSet':
      return { ...env, kind: type, type, data: { indicatorCode: str(d.indicatorCode), targets: (d.targets ?? []) as unknown as PlanTarget[], ...inVariation(d) } };
    case 'IndicatorWeightsSet': {
      const weights: Record<string, number | null> = {};
      for (const [code, w] of Object.entries(isRecord(d.weights) ? d.weights : {})) weights[code] = typeof w === 'number' ? w : null;
      return { ...env, kind: type, type, data: { objectiveCode: str(d.objectiveCode), weights, ...inVariation(d) } };
    }
    case 'MeasurementRecorded':
      return { ...env, kind: type, type, data: measurement(d) };
    case 'MeasurementCorrected':
      return {
        ...env,
        kind: type,
        type,
        data: { ...measurement(d), reason: str(d.reason), ...(d.previousValue !== undefined ? { previousValue: d.previousValue as IndicatorValue } : {}) },
      };
    case 'MeasurementYearClosed':
      return { ...env, kind: type, type, data: { year: typeof d.year === 'number' ? d.year : null, ...opt('reason', d.reason) } };
    case 'MeasurementPeriodOpened':
    case 'MeasurementPeriodClosed':
    case 'MeasurementPeriodReopened':
      return { ...env, kind: type, type, data: monitoringPeriod(d) } as PlanEvent;
    case 'PlanVariationOpened':
      return {
        ...env,
        kind: type,
        type,
        data: { variationId: str(d.variationId), number: typeof d.number === 'number' ? d.number : null, reason: str(d.reason), ...opt('monitoringCycleId', d.monitoringCycleId) },
      };
    case 'PlanVariationApproved': {
      const { organ, ...fields } = deliberationOf(d);
      return {
        ...env,
        kind: type,
        type,
        data: { variationId: str(d.variationId), number: Number(d.number), kind: 'deliberation', organ, fields, ...opt('monitoringCycleId', d.monitoringCycleId) },
      };
    }
    case 'PlanVariationWithdrawn':
      return { ...env, kind: type, type, data: { variationId: str(d.variationId), number: Number(d.number), reason: str(d.reason) } };
    case 'PlanScoringRulesSet':
      return {
        ...env,
        kind: type,
        type,
        data: {
          rules: (isRecord(d.rules) ? d.rules : {}) as Partial<SmvpRules>,
          ...(typeof d.weightTolerance === 'number' ? { weightTolerance: d.weightTolerance } : {}),
          ...opt('reason', d.reason),
        },
      };
    case 'NarrativeSectionWritten':
      return { ...env, kind: type, type, data: { section: str(d.section), text: str(d.text) } };
    default:
      break;
  }
  const register = classifyRegisterEvent(env, type, d);
  if (register) return register;
  // A transition of kind deliberation (the cycle's own event: command, from, to).
  if (d.kind === 'deliberation' && typeof d.command === 'string' && typeof d.to === 'string') return { ...env, kind: 'deliberation', type, data: deliberationOf(d) };
  return { ...env, kind: 'other', type, data: d };
}
