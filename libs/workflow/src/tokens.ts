export const DEFINITIONS = Symbol('DEFINITIONS');
/** The `TenantTimeOf` every deadline is computed with: each tenant's calendar and time zone. */
export const TENANT_TIMES = Symbol('TENANT_TIMES');
