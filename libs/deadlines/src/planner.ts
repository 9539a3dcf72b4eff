import {
  cycleDeadlines,
  planReminders,
  resolveReminderPolicy,
  type CycleDeadline,
  type CycleDefinition,
  type CycleState,
  type IsoDate,
  type PlannedReminder,
  type ReminderPolicy,
  type TenantTime,
  type WorkingTimeContext,
} from '@ciclo/domain';
import { tenantTimeOf, type TenantProfiles } from '@ciclo/notifications';

/** Where cycle definitions come from (the workflow's DefinitionRegistry). */
export interface DefinitionSource {
  get(type: string, version: number): CycleDefinition | undefined;
}

/** The pure planner with each tenant's calendar, working hours and reminder overrides applied. */
export class ReminderPlanner {
  /**
   * Per tenant: the first working instant of each date, for the calendar and time zone it was
   * computed with. A tenant's calendar can change while the process runs (the directory's
   * `TenantProfileUpdated`): a new calendar object or time zone starts a new cache.
   */
  private readonly dueCaches = new Map<string, { calendar: object; timeZone: string; due: Map<string, number> }>();

  constructor(
    readonly definitions: DefinitionSource,
    readonly tenants: TenantProfiles,
  ) {}

  definitionOf(state: CycleState): CycleDefinition | undefined {
    return this.definitions.get(state.cycleType, state.definitionVersion);
  }

  /** Definition policy, then the tenant's overrides for every type, then for this type. */
  policy(tenant: string, def: CycleDefinition): ReminderPolicy {
    const r = this.tenants.profile(tenant)?.reminders;
    return resolveReminderPolicy(def, r, r?.byCycleType?.[def.id]);
  }

  /** The tenant's calendar and time zone, with which every one of its deadlines is computed. */
  tenantTime(tenant: string): TenantTime {
    return tenantTimeOf(this.tenants, tenant);
  }

  workingTime(tenant: string): WorkingTimeContext & TenantTime {
    const t = this.tenantTime(tenant);
    return { ...(this.tenants.profile(tenant)?.workingHours ?? {}), ...t };
  }

  /** The cycle's deadlines with the tenant's calendar and time zone (empty without its definition). */
  deadlines(state: CycleState, now: Date): CycleDeadline[] {
    const def = this.definitionOf(state);
    return def ? cycleDeadlines(state, def, now, this.tenantTime(state.tenant)) : [];
  }

  /** `extra`: the dates of the cycle's register measures (`measureDeadlines`), planned with the same policy. */
  plan(state: CycleState, now: Date, extra: readonly { id: string; legalDate: string }[] = []): PlannedReminder[] {
    const def = this.definitionOf(state);
    if (!def || !state.exists) return [];
    const wt = this.workingTime(state.tenant);
    const { calendar, ...hours } = wt;
    let held = this.dueCaches.get(state.tenant);
    if (!held || held.calendar !== calendar || held.timeZone !== hours.timeZone)
      this.dueCaches.set(state.tenant, (held = { calendar, timeZone: hours.timeZone, due: new Map() }));
    return planReminders(state, def, { now, policy: this.policy(state.tenant, def), calendar, workingHours: hours, dueCache: held.due, ...(extra.length ? { extraDeadlines: extra as { id: string; legalDate: IsoDate }[] } : {}) });
  }
}
