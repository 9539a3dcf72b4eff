/**
 * The register's events, typed (part of the plan's union, in the cycle's stream). Their data is
 * read defensively by `classifyRegisterEvent`: an older or foreign shape folds, it does not throw.
 */
import type { EventEnvelope } from '../../cycle/events';
import type { JsonRecord } from '../../cycle/model';
import type { IndicatorRating, MeasureStatus, RatingMethod, RatingMethodRef, RegisterEventType, RegisterItem } from './model';

/** A register item named by kind and code (as removed items are listed). */
export interface RegisterItemRef {
  kind: string;
  code: string;
}

/** The data of each register event type. */
export interface RegisterEventData {
  /** `item` null when the stored data carries no item object. */
  RegisterItemAdded: { item: RegisterItem | null; variationId?: string };
  RegisterItemUpdated: RegisterItemRef & { set: JsonRecord; unset: string[]; variationId?: string };
  RegisterItemRemoved: RegisterItemRef & { removed: RegisterItemRef[]; variationId?: string };
  /** `method`: the rating method the assessment was made under (absent on older events: the register's method then). */
  RiskAssessed: { processCode: string; indicators: Record<string, IndicatorRating>; rating: string; motivation: string; suggestedRating: string; method?: RatingMethodRef; variationId?: string };
  /** `source: 'ente'` with `tenantVersion`: the chamber's method pinned to the plan; otherwise the plan's own. */
  RiskRatingMethodSet: { method: Partial<RatingMethod>; reason?: string; source?: 'ente' | 'piano'; tenantVersion?: number; variationId?: string };
  MeasureMonitoringDatesSet: { dates: string[]; variationId?: string };
  MeasureReported: { measureCode: string; monitoringDate: string; status: MeasureStatus; evidence: string; date: string; note?: string };
  /** `reportedStatus`: what the report said (kept in the event, not folded). */
  MeasureReportChecked: { measureCode: string; monitoringDate: string; outcome: 'confermato' | 'rettificato'; status: MeasureStatus; reportedStatus?: MeasureStatus; note?: string };
  /** `year` null when the stored data carries no number (the fold then skips it). */
  RpctReportFiguresSet: { year: number | null; whistleblowingReports: number; training?: string; note?: string };
}

type Typed<K extends RegisterEventType> = EventEnvelope & { kind: K; type: K; data: RegisterEventData[K] };

/** A register event: one member per type, discriminated by `kind` (= the type). */
export type RegisterEvent = { [K in RegisterEventType]: Typed<K> }[RegisterEventType];

/** The data schema version of each register event type (written in `metadata.schemaVersion`). */
export const REGISTER_EVENT_SCHEMA_VERSIONS: Readonly<Record<RegisterEventType, number>> = {
  RegisterItemAdded: 1,
  RegisterItemUpdated: 1,
  RegisterItemRemoved: 1,
  RiskAssessed: 1,
  RiskRatingMethodSet: 1,
  MeasureMonitoringDatesSet: 1,
  MeasureReported: 1,
  MeasureReportChecked: 1,
  RpctReportFiguresSet: 1,
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const isRecord = (v: unknown): v is JsonRecord => typeof v === 'object' && v !== null && !Array.isArray(v);
const opt = <K extends string>(k: K, v: unknown): { [P in K]?: string } => (typeof v === 'string' ? ({ [k]: v } as { [P in K]?: string }) : {});
const refs = (v: unknown): RegisterItemRef[] => (Array.isArray(v) ? v.filter(isRecord).map((x) => ({ kind: str(x.kind), code: str(x.code) })) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const METHOD_SOURCES: readonly string[] = ['pna2019', 'ente', 'piano'];
/** The method reference recorded on an assessment, when it is a well-formed one. */
const methodRef = (v: unknown): { method?: RatingMethodRef } =>
  isRecord(v) && typeof v.source === 'string' && METHOD_SOURCES.includes(v.source) && typeof v.version === 'number'
    ? { method: { source: v.source as RatingMethodRef['source'], version: v.version } }
    : {};

/** The register's part of the variation an edit belongs to. */
const inVariation = (d: JsonRecord): { variationId?: string } => opt('variationId', d.variationId);

/** A stored register event as a member of the union (null: not a register event type). */
export function classifyRegisterEvent(env: EventEnvelope, type: string, d: JsonRecord): RegisterEvent | null {
  switch (type) {
    case 'RegisterItemAdded':
      return { ...env, kind: type, type, data: { item: isRecord(d.item) ? (d.item as unknown as RegisterItem) : null, ...inVariation(d) } };
    case 'RegisterItemUpdated':
      return { ...env, kind: type, type, data: { kind: str(d.kind), code: str(d.code), set: isRecord(d.set) ? d.set : {}, unset: strings(d.unset), ...inVariation(d) } };
    case 'RegisterItemRemoved':
      return { ...env, kind: type, type, data: { kind: str(d.kind), code: str(d.code), removed: refs(d.removed), ...inVariation(d) } };
    case 'RiskAssessed':
      return {
        ...env,
        kind: type,
        type,
        data: {
          processCode: str(d.processCode),
          indicators: (isRecord(d.indicators) ? d.indicators : {}) as unknown as Record<string, IndicatorRating>,
          rating: str(d.rating),
          motivation: str(d.motivation),
          suggestedRating: str(d.suggestedRating),
          ...methodRef(d.method),
          ...inVariation(d),
        },
      };
    case 'RiskRatingMethodSet':
      return {
        ...env,
        kind: type,
        type,
        data: {
          method: (isRecord(d.method) ? d.method : {}) as unknown as Partial<RatingMethod>,
          ...opt('reason', d.reason),
          ...(d.source === 'ente' && typeof d.tenantVersion === 'number' ? { source: 'ente' as const, tenantVersion: d.tenantVersion } : {}),
          ...inVariation(d),
        },
      };
    case 'MeasureMonitoringDatesSet':
      return { ...env, kind: type, type, data: { dates: strings(d.dates), ...inVariation(d) } };
    case 'MeasureReported':
      return {
        ...env,
        kind: type,
        type,
        data: {
          measureCode: str(d.measureCode),
          monitoringDate: str(d.monitoringDate),
          status: str(d.status) as MeasureStatus,
          evidence: str(d.evidence),
          date: str(d.date),
          ...opt('note', d.note),
        },
      };
    case 'MeasureReportChecked':
      return {
        ...env,
        kind: type,
        type,
        data: {
          measureCode: str(d.measureCode),
          monitoringDate: str(d.monitoringDate),
          outcome: d.outcome === 'rettificato' ? 'rettificato' : 'confermato',
          status: str(d.status) as MeasureStatus,
          ...(typeof d.reportedStatus === 'string' ? { reportedStatus: d.reportedStatus as MeasureStatus } : {}),
          ...opt('note', d.note),
        },
      };
    case 'RpctReportFiguresSet':
      return {
        ...env,
        kind: type,
        type,
        data: {
          year: typeof d.year === 'number' ? d.year : null,
          whistleblowingReports: typeof d.whistleblowingReports === 'number' ? d.whistleblowingReports : 0,
          ...opt('training', d.training),
          ...opt('note', d.note),
        },
      };
    default:
      return null;
  }
}
