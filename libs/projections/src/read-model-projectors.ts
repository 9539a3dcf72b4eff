import type { DefinitionRegistry } from '@ciclo/workflow';
import { AuditProjector } from './audit.projector';
import { CyclesProjector, type TenantCalendarView } from './cycles.projector';
import type { Projector } from './projector';

/**
 * The projectors that build the read models, as every process runs them (worker, CLI,
 * benchmarks): cycles (with the tenants' calendars from the identity directory, which it keeps
 * current from the log) and audit.
 */
export function readModelProjectors(definitions: DefinitionRegistry, calendars: TenantCalendarView): Projector[] {
  return [new CyclesProjector(definitions, calendars.tenantTime, calendars), new AuditProjector(definitions)];
}
