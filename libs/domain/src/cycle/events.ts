import type { TransitionKind } from '../definitions';
import type { JsonRecord } from './model';

/**
 * The events of a cycle stream, typed. Most types are the engine's own (`CycleOpened`,
 * `CycleLinked`…); the transitions' types come from the definitions (`SubmittedForReview`,
 * `PiaoAdoptedByGiunta`…), so a transition event is typed by what every transition carries
 * (command, kind, from, to, fields) and, for the kinds that carry more, by its kind (a
 * deliberation names its organ). `classifyCycleEvent` turns a stored event into this union; the
 * fold switches on it exhaustively (docs/adr/0008-typed-events.md).
 */

/** Who, when and where: what every folded event carries besides its data. */
export interface EventEnvelope {
  actorId: string;
  actorRole: string;
  occurredAt: string;
  /** Stream version (1-based). */
  version: number;
  tenant: string;
}

export interface CycleOpenedData {
  cycleId: string;
  cycleType: string;
  definitionVersion: number;
  year: number;
  periodLabel: string;
  title: string;
  stage: string;
}
export interface DocumentAttachedData {
  documentId: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
}
export interface CommentAddedData {
  commentId: string;
  text: string;
}
export interface CycleCancelledData {
  reason: string;
}
export interface CycleMigratedData {
  toVersion: number;
}
export interface DeadlineMovedData {
  deadlineId: string;
  fromDate: string | null;
  toDate: string;
  reason: string;
  reference: string;
}
export interface CycleLinkedData {
  linkId: string;
  relation: string;
  targetType: string;
  targetCycleId: string;
  targetYear: number;
  targetPeriod: string;
  targetVersion: number;
  mode: 'command' | 'automatic';
  reason?: string;
  previousTargetCycleId?: string;
}
export interface CycleLinkedFromData {
  linkId: string;
  relation: string;
  sourceType: string;
  sourceCycleId: string;
  sourceYear: number;
  sourceVersion: number;
}
export interface CycleUnlinkedFromData {
  linkId: string;
  sourceCycleId: string;
}
export interface LinkedEventRecordedData {
  linkId: string;
  event: string;
  date: string;
  targetVersion: number;
}
/** A row of an attestation's survey grid set or removed (its values stay in the event's data). */
export interface AttestationGridRowData {
  obligationId: string;
}
export interface DeadlineRuleSwitchedData {
  deadlineId: string;
  active: boolean;
  reason: string;
  reference: string;
}

/** What every transition event carries. */
export interface TransitionData {
  command: string;
  from: string;
  to: string;
  fields: JsonRecord;
  /** Versions of linked cycles the transition fixed (deliberations of reports on another cycle). */
  linkedVersions?: Record<string, number>;
}

/** A transition of a kind that carries nothing more. */
export interface PlainTransition extends EventEnvelope {
  kind: 'transition';
  type: string;
  transitionKind: Exclude<TransitionKind, 'deliberation'>;
  data: TransitionData;
}

/** A deliberation: its organ, and the act's number, date and hash among its fields. */
export interface DeliberationTransition extends EventEnvelope {
  kind: 'transition';
  type: string;
  transitionKind: 'deliberation';
  data: TransitionData & { organ: string; number: string; date: string; actHash: string };
}

type Engine<K extends string, D> = EventEnvelope & { kind: K; type: K; data: D };

export type CycleEvent =
  | Engine<'CycleOpened', CycleOpenedData>
  | Engine<'DocumentAttached', DocumentAttachedData>
  | Engine<'CommentAdded', CommentAddedData>
  | Engine<'CycleCancelled', CycleCancelledData>
  | Engine<'CycleMigrated', CycleMigratedData>
  | Engine<'DeadlineMoved', DeadlineMovedData>
  | Engine<'CycleLinked', CycleLinkedData>
  | Engine<'CycleLinkedFrom', CycleLinkedFromData>
  | Engine<'CycleUnlinkedFrom', CycleUnlinkedFromData>
  | Engine<'LinkedEventRecorded', LinkedEventRecordedData>
  | Engine<'DeadlineRuleSwitched', DeadlineRuleSwitchedData>
  | Engine<'AttestationGridRowSet', AttestationGridRowData>
  | Engine<'AttestationGridRowRemoved', AttestationGridRowData>
  | PlainTransition
  | DeliberationTransition
  /** A type this code does not know (written by a newer version): it only advances the version. */
  | (EventEnvelope & { kind: 'unknown'; type: string; data: JsonRecord });

/** The engine's own event types. */
export type EngineEventType = Exclude<CycleEvent['kind'], 'transition' | 'unknown'>;

/**
 * The data schema version of each event type, written in `metadata.schemaVersion`. A change of an
 * event's data shape raises its number, and `upcastCycleEvent` maps older shapes to the current one.
 */
export const CYCLE_EVENT_SCHEMA_VERSIONS: Readonly<Record<EngineEventType | 'transition', number>> = {
  CycleOpened: 1,
  DocumentAttached: 1,
  CommentAdded: 1,
  CycleCancelled: 1,
  CycleMigrated: 1,
  DeadlineMoved: 1,
  CycleLinked: 1,
  CycleLinkedFrom: 1,
  CycleUnlinkedFrom: 1,
  LinkedEventRecorded: 1,
  DeadlineRuleSwitched: 1,
  AttestationGridRowSet: 1,
  AttestationGridRowRemoved: 1,
  transition: 1,
};

const ENGINE_TYPES = new Set<string>(Object.keys(CYCLE_EVENT_SCHEMA_VERSIONS).filter((k) => k !== 'transition'));

/** The schema version of an event type of a cycle stream (transitions share one). */
export const cycleEventSchemaVersion = (type: string): number =>
  ENGINE_TYPES.has(type) ? CYCLE_EVENT_SCHEMA_VERSIONS[type as EngineEventType] : CYCLE_EVENT_SCHEMA_VERSIONS.transition;

/** Brings the data of an older schema version to the current shape (every type is at version 1 so far). */
export function upcastCycleEvent(type: string, data: JsonRecord, schemaVersion: number): JsonRecord {
  void type;
  void schemaVersion;
  return data;
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const record = (v: unknown): JsonRecord => (v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonRecord) : {});

/** A stored event as an element of the union: its data read defensively (older or foreign shapes fold, they do not throw). */
export function classifyCycleEvent(e: EventEnvelope & { type: string; data: JsonRecord }): CycleEvent {
  const d = e.data;
  const env: EventEnvelope = { actorId: e.actorId, actorRole: e.actorRole, occurredAt: e.occurredAt, version: e.version, tenant: e.tenant };
  switch (e.type) {
    case 'CycleOpened':
      return {
        ...env,
        kind: e.type,
        type: e.type,
        data: {
          cycleId: str(d.cycleId),
          cycleType: str(d.cycleType),
          definitionVersion: Number(d.definitionVersion),
          year: Number(d.year),
          periodLabel: str(d.periodLabel),
          title: str(d.title),
          stage: str(d.stage),
        },
      };
    case 'DocumentAttached':
      return { ...env, kind: e.type, type: e.type, data: { documentId: str(d.documentId), name: str(d.name), mediaType: str(d.mediaType), size: Number(d.size), sha256: str(d.sha256) } };
    case 'CommentAdded':
      return { ...env, kind: e.type, type: e.type, data: { commentId: str(d.commentId), text: str(d.text) } };
    case 'CycleCancelled':
      return { ...env, kind: e.type, type: e.type, data: { reason: str(d.reason) } };
    case 'CycleMigrated':
      return { ...env, kind: e.type, type: e.type, data: { toVersion: Number(d.toVersion) } };
    case 'DeadlineMoved':
      return {
        ...env,
        kind: e.type,
        type: e.type,
        data: { deadlineId: str(d.deadlineId), fromDate: typeof d.fromDate === 'string' ? d.fromDate : null, toDate: str(d.toDate), reason: str(d.reason), reference: str(d.reference) },
      };
    case 'CycleLinked':
      return {
        ...env,
        kind: e.type,
        type: e.type,
        data: {
          linkId: str(d.linkId),
          relation: str(d.relation),
          targetType: str(d.targetType),
          targetCycleId: str(d.targetCycleId),
          targetYear: Number(d.targetYear),
          targetPeriod: str(d.targetPeriod),
          targetVersion: Number(d.targetVersion),
          mode: d.mode === 'command' ? 'command' : 'automatic',
          ...(typeof d.reason === 'string' ? { reason: d.reason } : {}),
          ...(typeof d.previousTargetCycleId === 'string' ? { previousTargetCycleId: d.previousTargetCycleId } : {}),
        },
      };
    case 'CycleLinkedFrom':
      return {
        ...env,
        kind: e.type,
        type: e.type,
        data: {
          linkId: str(d.linkId),
          relation: str(d.relation),
          sourceType: str(d.sourceType),
          sourceCycleId: str(d.sourceCycleId),
          sourceYear: Number(d.sourceYear),
          sourceVersion: Number(d.sourceVersion),
        },
      };
    case 'CycleUnlinkedFrom':
      return { ...env, kind: e.type, type: e.type, data: { linkId: str(d.linkId), sourceCycleId: str(d.sourceCycleId) } };
    case 'LinkedEventRecorded':
      return { ...env, kind: e.type, type: e.type, data: { linkId: str(d.linkId), event: str(d.event), date: str(d.date), targetVersion: Number(d.targetVersion) } };
    case 'DeadlineRuleSwitched':
      return { ...env, kind: e.type, type: e.type, data: { deadlineId: str(d.deadlineId), active: d.active === true, reason: str(d.reason), reference: str(d.reference) } };
    case 'AttestationGridRowSet':
      return { ...env, kind: e.type, type: e.type, data: { obligationId: str(d.obligationId) } };
    case 'AttestationGridRowRemoved':
      return { ...env, kind: e.type, type: e.type, data: { obligationId: str(d.obligationId) } };
    default:
      break;
  }
  // Transition events carry command, kind, from and to.
  if (typeof d.command === 'string' && typeof d.to === 'string' && typeof d.from === 'string') {
    const fields = record(d.fields);
    const linked = record(d.linkedVersions);
    const data: TransitionData = { command: d.command, from: d.from, to: d.to, fields };
    if (d.linkedVersions !== undefined) {
      data.linkedVersions = {};
      for (const [k, v] of Object.entries(linked)) if (typeof v === 'number') data.linkedVersions[k] = v;
    }
    if (d.kind === 'deliberation') {
      return {
        ...env,
        kind: 'transition',
        type: e.type,
        transitionKind: 'deliberation',
        data: { ...data, organ: str(d.organ), number: str(fields.number), date: str(fields.date), actHash: str(fields.actHash) },
      };
    }
    // A kind this code does not know still folds as a transition.
    return { ...env, kind: 'transition', type: e.type, transitionKind: str(d.kind) as PlainTransition['transitionKind'], data };
  }
  return { ...env, kind: 'unknown', type: e.type, data: d };
}
