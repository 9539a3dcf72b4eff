export const DEFINITIONS = Symbol('DEFINITIONS');
/** The `TenantTimeOf` every deadline is computed with: each tenant's calendar and time zone (`TENANT_CALENDARS.tenantTime`). */
export const TENANT_TIMES = Symbol('TENANT_TIMES');
/** The identity directory's tenant calendars (`TenantCalendars`), read before the first deadline is computed. */
export const TENANT_CALENDARS = Symbol('TENANT_CALENDARS');
