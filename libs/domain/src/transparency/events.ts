/**
 * The events of the transparency grid's stream (`<tenant>/transparency`), typed
 * (docs/adr/0008-typed-events.md): one member per type, discriminated by `kind` (= the type), and
 * `other` for a type this code does not know (it only advances the version).
 * `classifyTransparencyEvent` reads a stored event's data defensively (an older or foreign shape
 * folds, it does not throw); the fold switches on the union exhaustively.
 */
import type { IsoDate } from '../calendar';
import type { FoldableEvent } from '../cycle/evolve';
import type { DomainEvent, JsonRecord } from '../cycle/model';
import type { Role } from '../definitions';
import { UPDATE_FREQUENCIES, type TransparencyObligation, type UpdateFrequency } from './model';

/** Who and when, and the stream version. */
export interface TransparencyEnvelope {
  actorId: string;
  actorRole: string;
  occurredAt: string;
  version: number;
}

/** The data of each transparency event type. */
export interface TransparencyEventData {
  /** `obligation` null when the stored data carries no obligation with an id (the fold skips it). */
  TransparencyObligationAdded: { obligation: TransparencyObligation | null };
  TransparencyOfficesAssigned: { obligationId: string; producerOffice: string; publisherOffice: string };
  TransparencyPublicationRecorded: { obligationId: string; date: IsoDate; url: string; note?: string };
  TransparencyChangeReported: { obligationId: string; date: IsoDate; note: string };
}

export type TransparencyEventType = keyof TransparencyEventData;

export type TransparencyEvent =
  | { [K in TransparencyEventType]: TransparencyEnvelope & { kind: K; data: TransparencyEventData[K] } }[TransparencyEventType]
  | (TransparencyEnvelope & { kind: 'other'; type: string });

/**
 * The data schema version of each transparency event type, written in `metadata.schemaVersion` by
 * the one metadata builder. A change of an event's data shape raises its number, and
 * `classifyTransparencyEvent` reads the older shape too.
 */
export const TRANSPARENCY_EVENT_SCHEMA_VERSIONS: Readonly<Record<TransparencyEventType, number>> = {
  TransparencyObligationAdded: 1,
  TransparencyOfficesAssigned: 1,
  TransparencyPublicationRecorded: 1,
  TransparencyChangeReported: 1,
};

export const TRANSPARENCY_EVENTS = Object.keys(TRANSPARENCY_EVENT_SCHEMA_VERSIONS) as readonly TransparencyEventType[];

/** The schema version of a type of the grid's stream (1 for a type this code does not know). */
export const transparencyEventSchemaVersion = (type: string): number =>
  Object.hasOwn(TRANSPARENCY_EVENT_SCHEMA_VERSIONS, type) ? TRANSPARENCY_EVENT_SCHEMA_VERSIONS[type as TransparencyEventType] : 1;

/** A transparency event as the decider returns it: the data checked against its type by the compiler. */
export function transparencyEvent<K extends TransparencyEventType>(type: K, data: TransparencyEventData[K], actorId: string, actorRole: Role, occurredAt: string): DomainEvent {
  return { type, data: data as unknown as JsonRecord, actorId, actorRole, occurredAt };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const isRecord = (v: unknown): v is JsonRecord => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The obligation an event recorded, or null without an id. A frequency this code does not know
 * reads as `annuale` (the item then asks for a yearly update rather than none).
 */
function obligationOf(v: unknown): TransparencyObligation | null {
  if (!isRecord(v) || typeof v.id !== 'string' || !v.id) return null;
  const frequency: UpdateFrequency = UPDATE_FREQUENCIES.includes(v.frequency as UpdateFrequency) ? (v.frequency as UpdateFrequency) : 'annuale';
  return {
    id: v.id,
    section: str(v.section),
    subsection: str(v.subsection),
    title: str(v.title),
    legalReference: str(v.legalReference),
    content: str(v.content),
    frequency,
    order: typeof v.order === 'number' && Number.isFinite(v.order) ? v.order : 0,
  };
}

/** A stored event of the grid's stream as a member of the union. */
export function classifyTransparencyEvent(e: Pick<FoldableEvent, 'type' | 'data' | 'version' | 'actorId' | 'actorRole' | 'occurredAt'>): TransparencyEvent {
  const d = isRecord(e.data) ? e.data : {};
  const env: TransparencyEnvelope = { actorId: e.actorId, actorRole: e.actorRole, occurredAt: e.occurredAt, version: e.version };
  switch (e.type) {
    case 'TransparencyObligationAdded':
      return { ...env, kind: e.type, data: { obligation: obligationOf(d.obligation) } };
    case 'TransparencyOfficesAssigned':
      return { ...env, kind: e.type, data: { obligationId: str(d.obligationId), producerOffice: str(d.producerOffice), publisherOffice: str(d.publisherOffice) } };
    case 'TransparencyPublicationRecorded':
      return { ...env, kind: e.type, data: { obligationId: str(d.obligationId), date: str(d.date), url: str(d.url), ...(typeof d.note === 'string' ? { note: d.note } : {}) } };
    case 'TransparencyChangeReported':
      return { ...env, kind: e.type, data: { obligationId: str(d.obligationId), date: str(d.date), note: str(d.note) } };
    default:
      return { ...env, kind: 'other', type: e.type };
  }
}

/** For a `never` default of the fold: a member without its case does not compile. */
export function unhandledTransparencyEvent(e: never): never {
  throw new Error(`Unhandled transparency event ${JSON.stringify(e)}`);
}
