/** The plan decider's measurements: recorded, corrected, a year closed. */
import { DomainRefusal } from '../cycle/errors';
import type { DecisionContext, DomainEvent } from '../cycle/model';
import type { Role } from '../definitions';
import { acceptsValue } from '../performance/measurements';
import type { IndicatorValue } from '../performance/tree';
import type { ParsedMeasurementCommand } from './commands';
import { event, invalid, today } from './decide-common';
import { closedByMonitoring } from './decide-linked';
import type { MeasurementData } from './events';
import type { IndicatorNode, PlanState } from './model';

/** `record_measurement`, `correct_measurement`, `close_measurement_year`, parsed and issued in `role`. */
export function decideMeasurement(command: ParsedMeasurementCommand, role: Role, plan: PlanState, ctx: DecisionContext): DomainEvent[] {
  switch (command.type) {
    case 'record_measurement':
    case 'correct_measurement': {
      const { indicatorCode, period, range, value, date } = command;
      if (date > today(ctx)) throw new DomainRefusal('DATE_IN_FUTURE', `${date} is after ${today(ctx)}`);
      const indicator = plan.nodes.get(indicatorCode);
      if (indicator?.kind !== 'indicator') throw new DomainRefusal('PLAN_NODE_NOT_FOUND', `indicator ${indicatorCode}`);
      if (!acceptsValueOf(indicator, value)) {
        invalid([{ field: 'value', problem: `must be ${indicator.unit === 'data' ? 'a date YYYY-MM-DD (or false: not achieved)' : indicator.unit === 'si_no' ? 'true or false' : 'a number'} for unit ${indicator.unit}` }]);
      }
      if (plan.closedYears.includes(range.year)) throw new DomainRefusal('MEASUREMENT_PERIOD_CLOSED', `the measurements of ${range.year} are closed`);
      const monitored = closedByMonitoring(plan, range);
      if (monitored) throw new DomainRefusal('MEASUREMENT_PERIOD_CLOSED', `the monitoring of ${monitored} closed its collection of measurements (reopen_measurements reopens it)`);
      const previous = [...plan.measurements].reverse().find((m) => m.indicatorCode === indicator.code && m.period === period);
      if (command.type === 'record_measurement' && previous) {
        throw new DomainRefusal('MEASUREMENT_ALREADY_RECORDED', `${indicator.code} ${period} = ${String(previous.value)} (recorded ${previous.date}): correct it with a reason`);
      }
      if (command.type === 'correct_measurement' && !previous) throw new DomainRefusal('MEASUREMENT_NOT_FOUND', `${indicator.code} ${period}`);
      const data: MeasurementData = { indicatorCode: indicator.code, period, value, date };
      if (command.source) data.source = command.source;
      if (command.note) data.note = command.note;
      if (command.attachmentHash) data.attachmentHash = command.attachmentHash;
      if (command.type === 'correct_measurement') {
        return [event(ctx, role, 'MeasurementCorrected', { ...data, reason: command.reason, previousValue: (previous as NonNullable<typeof previous>).value })];
      }
      return [event(ctx, role, 'MeasurementRecorded', data)];
    }
    case 'close_measurement_year': {
      const { year, reason } = command;
      if (plan.closedYears.includes(year)) throw new DomainRefusal('MEASUREMENT_PERIOD_CLOSED', `${year} is already closed`);
      return [event(ctx, role, 'MeasurementYearClosed', { year, ...(reason ? { reason } : {}) })];
    }
  }
}

/** Whether the value suits the indicator's unit: a number, a date YYYY-MM-DD (or false), a yes/no. */
function acceptsValueOf(indicator: IndicatorNode, value: unknown): value is IndicatorValue {
  if (!(typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string')) return false;
  return acceptsValue({ unit: indicator.unit } as Parameters<typeof acceptsValue>[0], value);
}
