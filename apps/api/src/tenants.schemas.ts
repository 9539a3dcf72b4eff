// The tenants API's request schemas (zod, also its OpenAPI bodies), the views it answers with and
// the errors every operation documents.
import { ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { KEY_ID_RE, ROLES, rolesAt, TENANT_RE, USER_ID_RE, type ApiKeyRecord, type RoleGrant, type UserRecord } from '@ciclo/identity';

// ---------------------------------------------------------------- input schemas

export const tenantParam = z.string().max(63).regex(TENANT_RE, 'must be a tenant id such as cciaa-po');
export const userIdParam = z
  .string()
  .max(100)
  .regex(USER_ID_RE, 'must be a user id: 1-100 letters, digits, _ . : -');
export const roleParam = z.enum(ROLES, { error: `must be one of: ${ROLES.join(', ')}` });
export const keyIdParam = z
  .string()
  .max(120)
  .regex(KEY_ID_RE, 'must be an API key id such as cciaa-po:k0123456789abcdef01234567');
const KEY_ROLES = ROLES.filter((r) => r !== 'admin') as [
  Exclude<(typeof ROLES)[number], 'admin'>,
  ...Exclude<(typeof ROLES)[number], 'admin'>[],
];
const bound = z
  .string()
  .min(10)
  .max(40)
  .describe('ISO 8601 date (YYYY-MM-DD, read in the tenant time zone) or instant with offset');

/** The calendar every deadline of the tenant is computed with (registration and `PUT /tenants/{tenant}/profile`). */
const calendarFields = {
  patronDays: z
    .array(
      z
        .object({
          month: z.number().int().min(1).max(12).describe('Month (1-12)'),
          day: z.number().int().min(1).max(31).describe('Day of the month'),
          name: z.string().trim().min(1).max(100).describe('Italian name, e.g. "San Giovanni Battista"'),
          legalHoliday: z.boolean().default(false).describe('Whether deadlines roll past it too (default: only reminders wait)'),
        })
        .strict(),
    )
    .max(20)
    .optional()
    .describe(
      "Patron saint's days: office closures reminders respect; deadlines move past those that are legal holidays (legalHoliday)",
    ),
  extraClosures: z
    .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'))
    .max(366)
    .optional()
    .describe('One-off office closures (dates)'),
};

export const registerTenantBody = z
  .object({
    id: tenantParam.describe('Tenant id, lowercase: letters, digits, _ . - (e.g. cciaa-po)'),
    name: z
      .string()
      .trim()
      .min(1)
      .max(300)
      .describe('Name of the body, e.g. Camera di commercio di Pistoia-Prato'),
    ipaCode: z
      .string()
      .regex(/^[A-Za-z0-9_]{2,40}$/, 'must be an IPA code: 2-40 letters, digits or _')
      .describe('Code in the Indice dei domicili digitali della PA (IPA)'),
    timeZone: z.string().min(1).max(64).optional().describe('IANA time zone (default Europe/Rome)'),
    ...calendarFields,
  })
  .strict();

export const grantRoleBody = z
  .object({
    role: roleParam.describe('The role granted'),
    validFrom: bound
      .optional()
      .describe('From (default now; never in the past): date in the tenant time zone or ISO instant'),
    validUntil: bound.optional().describe('Until (a date includes that whole day); default open-ended'),
  })
  .strict();

export const profileBody = z
  .object({
    name: z.string().trim().min(1).max(200).describe('Display name'),
    email: z
      .string()
      .max(254)
      .email('must be an e-mail address')
      .nullable()
      .optional()
      .describe('E-mail for notifications (null removes it)'),
  })
  .strict();

export const tenantProfileBody = z
  .object({
    address: z.string().trim().min(1).max(300).describe('Address of the seat (sede legale), e.g. "Via del Romito 71, 59100 Prato"'),
    legalRepresentative: z.string().trim().min(1).max(200).describe('Legal representative, e.g. the President of the chamber'),
    employees: z.number().int().min(0).max(1_000_000).describe('Number of employees'),
    website: z
      .string()
      .max(500)
      .regex(/^https?:\/\/\S+$/, 'must be a web address starting with https:// or http://')
      .describe("The body's page the PIAO portal links to (e.g. its Amministrazione trasparente)"),
    timeZone: z.string().min(1).max(64).optional().describe('IANA time zone (absent: unchanged)'),
    patronDays: calendarFields.patronDays.describe("Patron saint's days, replacing the recorded ones (absent: unchanged); deadlines move past those that are legal holidays"),
    extraClosures: calendarFields.extraClosures.describe('One-off office closures, replacing the recorded ones (absent: unchanged)'),
  })
  .strict();

export const issueApiKeyBody = z
  .object({
    label: z.string().trim().min(1).max(200).describe('What the key is for, e.g. "Protocollo informatico"'),
    roles: z
      .array(
        z.enum(KEY_ROLES, { error: `must be one of: ${KEY_ROLES.join(', ')} (API keys never hold admin)` }),
      )
      .min(1)
      .max(12)
      .describe('Roles the key acts in (never admin)'),
    validUntil: bound.optional().describe('Expiry (default none)'),
  })
  .strict();

export const usersQuery = z
  .object({
    at: z
      .string()
      .max(40)
      .refine(
        (v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)),
        'must be an ISO 8601 instant',
      )
      .optional()
      .describe('Show the roles held at this instant (default now): who could act on a given date'),
    limit: z.coerce.number().int().min(1).max(1000).default(500).describe('At most this many (1-1000, default 500)'),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0).describe('Skip this many (paging)'),
  })
  .strict();

/** Paging of the tenant's lists (people, API keys): ordered by id, at most 1,000 a page. */
export const pageQuery = usersQuery.pick({ limit: true, offset: true }).strict();
export const LIMIT_QUERY = ApiQuery({ name: 'limit', required: false, type: Number, description: 'Most items to return (1-1000, default 500)' });
export const OFFSET_QUERY = ApiQuery({ name: 'offset', required: false, type: Number, description: 'Items to skip (paging), default 0' });

// ---------------------------------------------------------------- views

export interface UserView {
  /** User id */
  userId: string;
  /** Display name */
  name?: string;
  /** E-mail address for reminders */
  email?: string;
  /** Roles held at the requested instant. */
  roles: string[];
  /** Every grant, past, current and future, with who granted it */
  grants: RoleGrant[];
}

export interface ApiKeyView {
  /** Key id (`<tenant>:k<hex>`) */
  keyId: string;
  /** What the key is for */
  label: string;
  /** Roles the key acts in */
  roles: string[];
  /** Who issued it */
  issuedBy: string;
  /** When (ISO 8601) */
  issuedAt: string;
  /** End of validity (ISO 8601) */
  validUntil?: string;
  /** When it was revoked */
  revokedAt?: string;
  /** Who revoked it */
  revokedBy?: string;
  /** `active`, `revoked` or `expired` */
  status: 'active' | 'revoked' | 'expired';
}

export const userView = (u: UserRecord, at: Date): UserView => ({
  userId: u.userId,
  ...(u.name ? { name: u.name } : {}),
  ...(u.email ? { email: u.email } : {}),
  roles: rolesAt(u.grants, at),
  grants: u.grants,
});

export const keyView = (k: ApiKeyRecord, now: Date): ApiKeyView => ({
  keyId: k.keyId,
  label: k.label,
  roles: k.roles,
  issuedBy: k.issuedBy,
  issuedAt: k.issuedAt,
  ...(k.validUntil ? { validUntil: k.validUntil } : {}),
  ...(k.revokedAt ? { revokedAt: k.revokedAt, revokedBy: k.revokedBy } : {}),
  status: k.revokedAt
    ? 'revoked'
    : k.validUntil && Date.parse(k.validUntil) <= now.getTime()
      ? 'expired'
      : 'active',
});

// ---------------------------------------------------------------- errors

export const ERRORS = [
  ApiResponse({
    status: 400,
    description: 'Malformed input: `fields` names each offending field; nothing written',
  }),
  ApiResponse({ status: 401, description: 'Missing or invalid credentials' }),
  ApiResponse({
    status: 403,
    description:
      "Not an administrator of the tenant (`ROLE_NOT_ALLOWED`), or a change to one's own roles (`SELF_GRANT`)",
  }),
  ApiResponse({
    status: 404,
    description:
      'No such tenant, user, role grant or key visible to the caller (another tenant is "not found")',
  }),
  ApiResponse({ status: 409, description: 'Already exists / already granted / already revoked' }),
];
export const applyAll =
  (decorators: MethodDecorator[]): MethodDecorator =>
  (t, k, d) => {
    for (const dec of decorators) dec(t, k, d);
  };
