/** Folding register events into the register state (part of the plan state of the cycle). */
import type { FoldableEvent } from '../../cycle/evolve';
import type { JsonRecord } from '../../cycle/model';
import {
  methodRefOf,
  type IndicatorRating,
  type MeasureStatus,
  type RatingMethod,
  type RatingMethodRef,
  type RegisterItem,
  type RegisterState,
} from './model';

const SOURCES: readonly string[] = ['pna2019', 'ente', 'piano'];

/** The method recorded on an assessment; older events (without it) were made under the register's method then. */
function refOf(r: RegisterState, v: unknown): RatingMethodRef {
  if (
    isRecord(v) &&
    typeof v.source === 'string' &&
    SOURCES.includes(v.source) &&
    typeof v.version === 'number'
  )
    return { source: v.source as RatingMethodRef['source'], version: v.version };
  return methodRefOf(r);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const isRecord = (v: unknown): v is JsonRecord => typeof v === 'object' && v !== null && !Array.isArray(v);

function put(r: RegisterState, item: RegisterItem): void {
  if (item.kind === 'process') r.processes.set(item.code, item);
  else if (item.kind === 'risk') r.risks.set(item.code, item);
  else if (item.kind === 'measure') r.measures.set(item.code, item);
}

function get(r: RegisterState, kind: string, code: string): RegisterItem | undefined {
  return kind === 'process'
    ? r.processes.get(code)
    : kind === 'risk'
      ? r.risks.get(code)
      : kind === 'measure'
        ? r.measures.get(code)
        : undefined;
}

function remove(r: RegisterState, kind: string, code: string): void {
  if (kind === 'process') {
    r.processes.delete(code);
    r.assessments.delete(code);
  } else if (kind === 'risk') {
    r.risks.delete(code);
    for (const m of r.measures.values())
      if (m.riskCodes.includes(code))
        r.measures.set(m.code, { ...m, riskCodes: m.riskCodes.filter((c) => c !== code) });
  } else if (kind === 'measure') r.measures.delete(code);
}

/** Applies a register event to a state the caller owns; false when the event is not a register event. */
export function applyRegisterEvent(r: RegisterState, e: FoldableEvent): boolean {
  const d = e.data;
  switch (e.type) {
    case 'RegisterItemAdded':
      if (isRecord(d.item)) put(r, d.item as unknown as RegisterItem);
      return true;
    case 'RegisterItemUpdated': {
      const current = get(r, str(d.kind), str(d.code));
      if (current) {
        const next = { ...current, ...(isRecord(d.set) ? d.set : {}) } as Record<string, unknown>;
        if (Array.isArray(d.unset)) for (const k of d.unset) if (typeof k === 'string') delete next[k];
        put(r, next as unknown as RegisterItem);
      }
      return true;
    }
    case 'RegisterItemRemoved':
      if (Array.isArray(d.removed))
        for (const x of d.removed) if (isRecord(x)) remove(r, str(x.kind), str(x.code));
      remove(r, str(d.kind), str(d.code));
      return true;
    case 'RiskAssessed':
      r.assessments.set(str(d.processCode), {
        processCode: str(d.processCode),
        indicators: (isRecord(d.indicators) ? d.indicators : {}) as unknown as Record<
          string,
          IndicatorRating
        >,
        rating: str(d.rating),
        motivation: str(d.motivation),
        suggestedRating: str(d.suggestedRating),
        method: refOf(r, d.method),
        version: e.version,
        by: e.actorId,
        at: e.occurredAt,
      });
      return true;
    case 'RiskRatingMethodSet': {
      const m = (isRecord(d.method) ? d.method : {}) as unknown as RatingMethod;
      r.method = {
        indicators: m.indicators ?? [],
        levels: m.levels ?? [],
        ...(typeof d.reason === 'string' ? { reason: d.reason } : {}),
        version: e.version,
        ...(d.source === 'ente' && typeof d.tenantVersion === 'number'
          ? { source: 'ente' as const, tenantVersion: d.tenantVersion }
          : { source: 'piano' as const }),
      };
      return true;
    }
    case 'MeasureMonitoringDatesSet':
      r.monitoringDates = Array.isArray(d.dates)
        ? (d.dates.filter((x) => typeof x === 'string') as string[])
        : [];
      return true;
    case 'MeasureReported':
      r.reports.push({
        measureCode: str(d.measureCode),
        monitoringDate: str(d.monitoringDate),
        status: str(d.status) as MeasureStatus,
        evidence: str(d.evidence),
        date: str(d.date),
        ...(typeof d.note === 'string' ? { note: d.note } : {}),
        version: e.version,
        by: e.actorId,
        role: e.actorRole,
        at: e.occurredAt,
      });
      return true;
    case 'MeasureReportChecked':
      r.checks.push({
        measureCode: str(d.measureCode),
        monitoringDate: str(d.monitoringDate),
        outcome: d.outcome === 'rettificato' ? 'rettificato' : 'confermato',
        status: str(d.status) as MeasureStatus,
        ...(typeof d.note === 'string' ? { note: d.note } : {}),
        version: e.version,
        by: e.actorId,
        at: e.occurredAt,
      });
      return true;
    case 'RpctReportFiguresSet':
      if (typeof d.year === 'number')
        r.reportFigures.set(d.year, {
          year: d.year,
          whistleblowingReports: typeof d.whistleblowingReports === 'number' ? d.whistleblowingReports : 0,
          ...(typeof d.training === 'string' ? { training: d.training } : {}),
          ...(typeof d.note === 'string' ? { note: d.note } : {}),
          version: e.version,
        });
      return true;
    default:
      return false;
  }
}
