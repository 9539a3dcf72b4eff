// Tenants (chambers) and the people in them, as the notification channels need them. People and
// their roles come from the identity directory only (role grants are events: `GrantedRecipients`),
// and so do each tenant's calendar and time zone (`DirectoryCalendarProfiles` over the directory's
// `TenantCalendars`); the tenant files in seeds/tenants give the other settings (working hours,
// reminder overrides, webhooks). The people and the calendar a file lists are demo input that
// `ciclo seed demo` records as events (libs/identity demo.ts). Callers depend on the
// `RecipientResolver` and `TenantProfiles` interfaces only.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_TENANT_TIME, validateTenantCalendar, type ReminderPolicyOverride, type Role, type TenantCalendar, type TenantTime, type TenantTimeOf, type WorkingHours } from '@ciclo/domain';

export interface Recipient {
  userId: string;
  name: string;
  email: string | null;
  roles: Role[];
}

/** Who holds which roles in a tenant. */
export interface RecipientResolver {
  /** Users holding any of `roles` in `tenant`, each once, in directory order. */
  withRoles(tenant: string, roles: readonly string[]): Promise<Recipient[]>;
  user(tenant: string, userId: string): Promise<Recipient | null>;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Name of the environment variable holding the HMAC secret (never the secret itself). */
  secretEnv: string;
  /** Event kinds delivered: `reminder.sent`, `deadline.moved` (default both), `audit.anchor` (when listed). */
  events: string[];
  enabled: boolean;
}

export interface TenantProfile {
  id: string;
  name: string;
  timeZone: string;
  calendar: TenantCalendar;
  workingHours?: Partial<WorkingHours>;
  /** Reminder policy overrides: for every cycle type, then per cycle type. */
  reminders?: ReminderPolicyOverride & { byCycleType?: Record<string, ReminderPolicyOverride> };
  webhooks: WebhookEndpoint[];
}

/** Per-tenant settings: calendar, working hours, reminder overrides, webhooks. */
export interface TenantProfiles {
  profile(tenant: string): TenantProfile | null;
}

/**
 * The calendar and time zone every deadline of `tenant` is computed with (`deadlineDay`,
 * `cycleDeadlines`): its settings', or the national calendar in Rome's time zone for a tenant
 * without settings.
 */
export function tenantTimeOf(profiles: TenantProfiles, tenant: string): TenantTime {
  const p = profiles.profile(tenant);
  return p ? { calendar: p.calendar, timeZone: p.timeZone } : DEFAULT_TENANT_TIME;
}

/** `tenantTimeOf` for every tenant of `profiles`. */
export const tenantTimesOf =
  (profiles: TenantProfiles): TenantTimeOf =>
  (tenant) =>
    tenantTimeOf(profiles, tenant);

/** Each tenant's calendar and time zone as the identity directory records them (`TenantCalendars` of libs/identity). */
export interface TenantCalendarSource {
  entry(tenant: string): { name: string; time: TenantTime } | null;
}

/**
 * The tenants' settings with one source for the calendar: the calendar, the time zone and the name
 * come from the identity directory; working hours, reminder overrides and webhooks from `settings`
 * (the seed files). A tenant the directory does not know has the national calendar in Rome's time
 * zone, whatever its file says.
 */
export class DirectoryCalendarProfiles implements TenantProfiles {
  constructor(
    private readonly calendars: TenantCalendarSource,
    private readonly settings: TenantProfiles,
  ) {}

  profile(tenant: string): TenantProfile | null {
    const known = this.calendars.entry(tenant);
    const file = this.settings.profile(tenant);
    if (!known && !file) return null;
    const { calendar, timeZone } = known?.time ?? DEFAULT_TENANT_TIME;
    return {
      id: tenant,
      name: known?.name ?? file?.name ?? tenant,
      timeZone,
      calendar,
      workingHours: { ...(file?.workingHours ?? {}), timeZone },
      ...(file?.reminders ? { reminders: file.reminders } : {}),
      webhooks: file?.webhooks ?? [],
    };
  }
}

const role = z.string().min(1);
const override = z.object({
  offsetsDays: z.array(z.number().int().min(0).max(366)).optional(),
  overdueEveryDays: z.number().int().min(1).optional(),
  escalateTo: role.optional(),
});
const tenantFile = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/),
  name: z.string().min(1),
  timeZone: z.string().default('Europe/Rome'),
  patronDays: z.array(z.object({ month: z.number(), day: z.number(), name: z.string(), legalHoliday: z.boolean().default(false) })).default([]),
  extraClosures: z.array(z.string()).default([]),
  workingHours: z
    .object({ start: z.string().optional(), end: z.string().optional(), weekdays: z.array(z.number().int().min(0).max(6)).optional() })
    .optional(),
  reminders: override.extend({ byCycleType: z.record(z.string(), override).optional() }).optional(),
  webhooks: z
    .array(
      z.object({
        id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
        url: z.string().url(),
        secretEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
        events: z.array(z.string()).default(['reminder.sent', 'deadline.moved']),
        enabled: z.boolean().default(true),
      }),
    )
    .default([]),
  // Demo input for `ciclo seed demo` (recorded as grants there): checked, not kept.
  users: z.array(z.object({ id: z.string().min(1), name: z.string().min(1), email: z.string().email().optional(), roles: z.array(role) })).default([]),
});

export type TenantFile = z.input<typeof tenantFile>;

/** The tenants' settings held in memory: from the seed files, or built by tests. No people: those are the identity directory's. */
export class StaticTenantDirectory implements TenantProfiles {
  private readonly tenants = new Map<string, TenantProfile>();

  constructor(files: readonly TenantFile[]) {
    for (const raw of files) {
      const t = tenantFile.parse(raw);
      if (this.tenants.has(t.id)) throw new Error(`Duplicate tenant ${t.id}`);
      const calendar = validateTenantCalendar({ patronDays: t.patronDays, extraClosures: t.extraClosures });
      this.tenants.set(t.id, {
        id: t.id,
        name: t.name,
        timeZone: t.timeZone,
        calendar,
        workingHours: { timeZone: t.timeZone, ...(t.workingHours as Partial<WorkingHours> | undefined) },
        ...(t.reminders ? { reminders: t.reminders as TenantProfile['reminders'] } : {}),
        webhooks: t.webhooks,
      });
    }
  }

  /** Every `*.json` of `dir` (seeds/tenants). */
  static fromDirectory(dir: string): StaticTenantDirectory {
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    } catch {
      names = [];
    }
    return new StaticTenantDirectory(
      names.map((f) => {
        try {
          return JSON.parse(readFileSync(join(dir, f), 'utf8')) as TenantFile;
        } catch (err) {
          throw new Error(`Invalid tenant file ${f}: ${(err as Error).message}`);
        }
      }),
    );
  }

  profile(tenant: string): TenantProfile | null {
    return this.tenants.get(tenant) ?? null;
  }
}

/** The people of a tenant as the identity directory records them (role grants are events). */
export interface PeopleSource {
  /**
   * Everyone the directory records in `tenant`, with the roles they hold at `at` (possibly none);
   * null when it records nobody there.
   */
  people(tenant: string, at: Date): Promise<Recipient[] | null>;
}

/**
 * Recipients from the role grants: whoever holds a role now is reminded, whoever lost it is not; a
 * tenant the directory records nobody for has nobody to remind. The tenant's settings come from
 * `profiles`.
 */
export class GrantedRecipients implements RecipientResolver, TenantProfiles {
  constructor(
    private readonly source: PeopleSource,
    private readonly profiles: TenantProfiles,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  profile(tenant: string): TenantProfile | null {
    return this.profiles.profile(tenant);
  }

  private async people(tenant: string): Promise<Recipient[]> {
    return (await this.source.people(tenant, this.clock())) ?? [];
  }

  async withRoles(tenant: string, roles: readonly string[]): Promise<Recipient[]> {
    return (await this.people(tenant)).filter((u) => u.roles.some((r) => roles.includes(r)));
  }

  async user(tenant: string, userId: string): Promise<Recipient | null> {
    return (await this.people(tenant)).find((u) => u.userId === userId) ?? null;
  }
}
