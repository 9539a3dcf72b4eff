/** Folding register events into the register state (part of the plan state of the cycle). */
import type { RegisterEvent } from './events';
import { methodRefOf, type MonitoringSlot, type RegisterItem, type RegisterState } from './model';

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

/** Sets the latest report or check of a measure at a date: a new list for the measure, new slot. */
function record(r: RegisterState, code: string, day: string, latest: Pick<MonitoringSlot, 'report'> | Pick<MonitoringSlot, 'check'>): void {
  // Keyed by the measure's own code string and dated with the plan's own date string when they
  // exist: the view's look-ups then find the very same strings (compared by identity first).
  const measureCode = r.measures.get(code)?.code ?? code;
  const date = r.monitoringDates.find((d) => d === day) ?? day;
  const slots = r.monitoring.get(measureCode) ?? [];
  const at = slots.findIndex((s) => s.date === date);
  if (at < 0) r.monitoring.set(measureCode, [...slots, { date, ...latest }]);
  else r.monitoring.set(measureCode, slots.map((s, i) => (i === at ? { ...s, ...latest } : s)));
}

/**
 * Applies a register event to a state the caller owns. Exhaustive over the register's union: a
 * type without its case does not compile.
 */
export function applyRegisterEvent(r: RegisterState, e: RegisterEvent): void {
  switch (e.kind) {
    case 'RegisterItemAdded':
      if (e.data.item) put(r, e.data.item);
      return;
    case 'RegisterItemUpdated': {
      const d = e.data;
      const current = get(r, d.kind, d.code);
      if (current) {
        const next = { ...current, ...d.set } as Record<string, unknown>;
        for (const k of d.unset) delete next[k];
        put(r, next as unknown as RegisterItem);
      }
      return;
    }
    case 'RegisterItemRemoved':
      for (const x of e.data.removed) remove(r, x.kind, x.code);
      remove(r, e.data.kind, e.data.code);
      return;
    case 'RiskAssessed': {
      const d = e.data;
      r.assessments.set(d.processCode, {
        processCode: d.processCode,
        indicators: d.indicators,
        rating: d.rating,
        motivation: d.motivation,
        suggestedRating: d.suggestedRating,
        method: d.method ?? methodRefOf(r),
        version: e.version,
        by: e.actorId,
        at: e.occurredAt,
      });
      return;
    }
    case 'RiskRatingMethodSet': {
      const m = e.data.method;
      r.method = {
        indicators: m.indicators ?? [],
        levels: m.levels ?? [],
        ...(e.data.reason !== undefined ? { reason: e.data.reason } : {}),
        version: e.version,
        ...(e.data.source === 'ente' && e.data.tenantVersion !== undefined
          ? { source: 'ente' as const, tenantVersion: e.data.tenantVersion }
          : { source: 'piano' as const }),
      };
      return;
    }
    case 'MeasureMonitoringDatesSet':
      r.monitoringDates = [...e.data.dates];
      return;
    case 'MeasureReported': {
      const report = { ...e.data, version: e.version, by: e.actorId, role: e.actorRole, at: e.occurredAt };
      r.reports.push(report);
      record(r, report.measureCode, report.monitoringDate, { report });
      return;
    }
    case 'MeasureReportChecked': {
      const { measureCode, monitoringDate, outcome, status, note } = e.data;
      const check = { measureCode, monitoringDate, outcome, status, ...(note !== undefined ? { note } : {}), version: e.version, by: e.actorId, at: e.occurredAt };
      r.checks.push(check);
      record(r, measureCode, monitoringDate, { check });
      return;
    }
    case 'RpctReportFiguresSet': {
      const { year, ...figures } = e.data;
      if (year !== null) r.reportFigures.set(year, { year, ...figures, version: e.version });
      return;
    }
    default:
      unreachable(e);
  }
}

function unreachable(e: never): never {
  throw new Error(`Unhandled register event ${JSON.stringify(e)}`);
}
