/** The plan decider's measurements: recorded, corrected, a year closed. */
import { DomainRefusal } from '../cycle/errors';
import type { DecisionContext, DomainEvent } from '../cycle/model';
import { actingRole } from '../cycle/decide';
import { acceptsValue } from '../performance/measurements';
import { parseMeasurementPeriod } from '../performance/periods';
import { event, invalid, PLAN_ROLES, today } from './decide-common';
import { closedByMonitoring } from './decide-linked';
import type { MeasurementData } from './events';
import { FieldReader } from './fields';
import type { IndicatorNode, PlanCommand, PlanState } from './model';

/** `record_measurement`, `correct_measurement`, `close_measurement_year`. */
export function decideMeasurement(command: Extract<PlanCommand, { type: 'record_measurement' | 'correct_measurement' | 'close_measurement_year' }>, plan: PlanState, ctx: DecisionContext, years: readonly number[]): DomainEvent[] {
  switch (command.type) {
    case 'record_measurement':
    case 'correct_measurement': {
      const role = actingRole(ctx, PLAN_ROLES.measure);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const indicatorCode = r.code('indicatorCode');
      const periodText = r.string('period', { required: true, max: 10 });
      const date = r.isoDate('date');
      const value = r.raw('value');
      if (value === undefined || value === null) r.problem('value', 'is required');
      const source = r.string('source', { max: 500 });
      const note = r.string('note', { max: 4000 });
      const attachmentHash = r.sha256('attachmentHash');
      const reason = command.type === 'correct_measurement' ? r.string('reason', { required: true, max: 4000 }) : undefined;
      const period = periodText ? parseMeasurementPeriod(periodText) : null;
      if (periodText && !period) r.problem('period', 'must be a year (2027), a month (2027-06), a semester (2027-S1) or a quarter (2027-Q2)');
      if (period && !years.includes(period.year)) r.problem('period', `must fall in a year of the plan (${years.join(', ')})`);
      if (period && date && date < `${String(period.year).padStart(4, '0')}-${String(period.startMonth).padStart(2, '0')}-01`) r.problem('date', 'is before the period starts');
      if (r.problems.length) invalid(r.problems);
      if ((date as string) > today(ctx)) throw new DomainRefusal('DATE_IN_FUTURE', `${date} is after ${today(ctx)}`);
      const indicator = plan.nodes.get(indicatorCode as string);
      if (indicator?.kind !== 'indicator') throw new DomainRefusal('PLAN_NODE_NOT_FOUND', `indicator ${indicatorCode}`);
      if (!acceptsValueOf(indicator, value)) {
        invalid([{ field: 'value', problem: `must be ${indicator.unit === 'data' ? 'a date YYYY-MM-DD (or false: not achieved)' : indicator.unit === 'si_no' ? 'true or false' : 'a number'} for unit ${indicator.unit}` }]);
      }
      if (plan.closedYears.includes((period as NonNullable<typeof period>).year)) {
        throw new DomainRefusal('MEASUREMENT_PERIOD_CLOSED', `the measurements of ${(period as NonNullable<typeof period>).year} are closed`);
      }
      const monitored = closedByMonitoring(plan, period as NonNullable<typeof period>);
      if (monitored) throw new DomainRefusal('MEASUREMENT_PERIOD_CLOSED', `the monitoring of ${monitored} closed its collection of measurements (reopen_measurements reopens it)`);
      const previous = [...plan.measurements].reverse().find((m) => m.indicatorCode === indicator.code && m.period === periodText);
      if (command.type === 'record_measurement' && previous) {
        throw new DomainRefusal('MEASUREMENT_ALREADY_RECORDED', `${indicator.code} ${periodText} = ${String(previous.value)} (recorded ${previous.date}): correct it with a reason`);
      }
      if (command.type === 'correct_measurement' && !previous) throw new DomainRefusal('MEASUREMENT_NOT_FOUND', `${indicator.code} ${periodText}`);
      const data: MeasurementData = { indicatorCode: indicator.code, period: periodText as string, value: value as number, date: date as string };
      if (source) data.source = source;
      if (note) data.note = note;
      if (attachmentHash) data.attachmentHash = attachmentHash;
      if (command.type === 'correct_measurement') {
        return [event(ctx, role, 'MeasurementCorrected', { ...data, reason: reason as string, previousValue: (previous as NonNullable<typeof previous>).value })];
      }
      return [event(ctx, role, 'MeasurementRecorded', data)];
    }
    case 'close_measurement_year': {
      const role = actingRole(ctx, PLAN_ROLES.closeYear);
      const r = new FieldReader(command as unknown as Record<string, unknown>);
      const year = r.number('year', { integer: true, required: true });
      const reason = r.string('reason', { max: 4000 });
      if (year !== undefined && !years.includes(year)) r.problem('year', `must be a year of the plan (${years.join(', ')})`);
      if (r.problems.length) invalid(r.problems);
      if (plan.closedYears.includes(year as number)) throw new DomainRefusal('MEASUREMENT_PERIOD_CLOSED', `${year} is already closed`);
      return [event(ctx, role, 'MeasurementYearClosed', { year: year as number, ...(reason ? { reason } : {}) })];
    }
  }
}

function acceptsValueOf(indicator: IndicatorNode, value: unknown): boolean {
  if (!(typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string')) return false;
  return acceptsValue({ unit: indicator.unit } as Parameters<typeof acceptsValue>[0], value);
}
