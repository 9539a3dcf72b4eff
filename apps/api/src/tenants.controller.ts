import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  AccessPolicy,
  IdentityRefusal,
  KEY_ID_RE,
  ROLES,
  rolesAt,
  TENANT_RE,
  USER_ID_RE,
  type Actor,
  type ApiKeyRecord,
  type ChangeAuthor,
  type IssuedApiKey,
  type Role,
  type RoleGrant,
  type TenantRecord,
  type UserRecord,
} from '@ciclo/identity';
import { CurrentActor } from './auth.guard';
import { parseInput } from './validation';
import { toOpenApi } from './schemas';
import { ApiAnswer } from './openapi/document';

// ---------------------------------------------------------------- input schemas

const tenantParam = z.string().max(63).regex(TENANT_RE, 'must be a tenant id such as cciaa-po');
const userIdParam = z
  .string()
  .max(100)
  .regex(USER_ID_RE, 'must be a user id: 1-100 letters, digits, _ . : -');
const roleParam = z.enum(ROLES, { error: `must be one of: ${ROLES.join(', ')}` });
const keyIdParam = z
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
        "Patron saint's days: office closures reminders respect (deadlines do not move unless legalHoliday)",
      ),
    extraClosures: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'))
      .max(366)
      .optional()
      .describe('One-off office closures (dates)'),
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
const LIMIT_QUERY = ApiQuery({ name: 'limit', required: false, type: Number, description: 'Most items to return (1-1000, default 500)' });
const OFFSET_QUERY = ApiQuery({ name: 'offset', required: false, type: Number, description: 'Items to skip (paging), default 0' });

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

const userView = (u: UserRecord, at: Date): UserView => ({
  userId: u.userId,
  ...(u.name ? { name: u.name } : {}),
  ...(u.email ? { email: u.email } : {}),
  roles: rolesAt(u.grants, at),
  grants: u.grants,
});

const keyView = (k: ApiKeyRecord, now: Date): ApiKeyView => ({
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

const ERRORS = [
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
const applyAll =
  (decorators: MethodDecorator[]): MethodDecorator =>
  (t, k, d) => {
    for (const dec of decorators) dec(t, k, d);
  };

/**
 * The directory over HTTP: tenants (platform administrators), users and role grants, API keys
 * (administrators of the tenant). Every change is an event; the author and the role acted in are
 * in its metadata.
 */
@ApiTags('tenants')
@ApiBearerAuth()
@Controller('tenants')
export class TenantsController {
  constructor(private readonly policy: AccessPolicy) {}

  private get directory() {
    return this.policy.directory;
  }

  private static author(actor: Actor): ChangeAuthor {
    return { userId: actor.userId, role: 'admin', tenant: actor.tenant };
  }

  private static meta(req: Request & { id?: string }) {
    return { correlationId: String(req.id ?? randomUUID()) };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register a tenant (a body, e.g. a Camera di commercio)',
    description: 'Platform administrators only (role admin in the `platform` tenant).',
  })
  @ApiBody({ schema: toOpenApi(registerTenantBody) })
  @applyAll(ERRORS)
  @ApiAnswer(201, 'TenantRecord', 'Registered')
  async register(
    @CurrentActor() actor: Actor,
    @Body() body: unknown,
    @Req() req: Request & { id?: string },
  ): Promise<TenantRecord> {
    this.policy.assertPlatformAdmin(actor);
    const input = parseInput(registerTenantBody, body, 'body');
    return this.directory.registerTenant(input, TenantsController.author(actor), TenantsController.meta(req));
  }

  @Get(':tenant')
  @ApiOperation({
    summary: 'A tenant: name, IPA code, time zone, closure days',
    description: 'Members of the tenant and platform administrators.',
  })
  @ApiParam({ name: 'tenant', description: 'Tenant id' })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'TenantRecord')
  async get(@CurrentActor() actor: Actor, @Param('tenant') tenantId: string): Promise<TenantRecord> {
    const tenant = parseInput(tenantParam, tenantId, 'path.tenant');
    this.policy.assertMember(actor, tenant);
    const rec = await this.directory.tenant(tenant);
    if (!rec) throw new IdentityRefusal('TENANT_NOT_FOUND', tenant);
    return rec;
  }

  @Get(':tenant/users')
  @ApiOperation({
    summary: "The tenant's users with their roles and grant history",
    description: 'With `at`, the roles each held at that instant.',
  })
  @ApiParam({ name: 'tenant', description: 'Tenant id' })
  @ApiQuery({ name: 'at', required: false, description: 'ISO 8601 instant' })
  @LIMIT_QUERY
  @OFFSET_QUERY
  @applyAll(ERRORS)
  @ApiAnswer(200, 'UserViewList')
  async users(
    @CurrentActor() actor: Actor,
    @Param('tenant') tenantId: string,
    @Query() query: unknown,
  ): Promise<UserView[]> {
    const tenant = parseInput(tenantParam, tenantId, 'path.tenant');
    const q = parseInput(usersQuery, query ?? {}, 'query');
    this.policy.assertAdministers(actor, tenant);
    if (!(await this.directory.tenantExists(tenant))) throw new IdentityRefusal('TENANT_NOT_FOUND', tenant);
    const at = q.at ? new Date(q.at) : new Date();
    return (await this.directory.listUsers(tenant)).slice(q.offset, q.offset + q.limit).map((u) => userView(u, at));
  }

  @Get(':tenant/people')
  @ApiOperation({
    summary: "Names of the tenant's people, for showing who did what",
    description:
      'Every member of the tenant (not only administrators) may read it: user id, display name and the roles held now. No e-mail addresses and no grant history (see `GET /tenants/{tenant}/users`).',
  })
  @ApiParam({ name: 'tenant', description: 'Tenant id' })
  @applyAll(ERRORS)
  @LIMIT_QUERY
  @OFFSET_QUERY
  @ApiAnswer(200, 'PersonList')
  async people(@CurrentActor() actor: Actor, @Param('tenant') tenantId: string, @Query() query: unknown): Promise<{ userId: string; name: string | null; roles: Role[] }[]> {
    const tenant = parseInput(tenantParam, tenantId, 'path.tenant');
    const q = parseInput(pageQuery, query ?? {}, 'query');
    this.policy.assertMember(actor, tenant);
    if (!(await this.directory.tenantExists(tenant))) throw new IdentityRefusal('TENANT_NOT_FOUND', tenant);
    const now = new Date();
    return (await this.directory.listUsers(tenant)).slice(q.offset, q.offset + q.limit).map((u) => ({ userId: u.userId, name: u.name ?? null, roles: rolesAt(u.grants, now) }));
  }

  @Put(':tenant/profile')
  @ApiOperation({
    summary: "Set the tenant's registry data (Scheda anagrafica)",
    description:
      'Administrators of the tenant. Address, legal representative, number of employees and website page, as the PIAO prints them in section 1 and the portal pack carries them in its metadata; replaces the previous values (event `TenantProfileUpdated`).',
  })
  @ApiParam({ name: 'tenant', description: 'Tenant id' })
  @ApiBody({ schema: toOpenApi(tenantProfileBody) })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'TenantRecord')
  async tenantProfile(
    @CurrentActor() actor: Actor,
    @Param('tenant') tenantId: string,
    @Body() body: unknown,
    @Req() req: Request & { id?: string },
  ): Promise<TenantRecord> {
    const tenant = parseInput(tenantParam, tenantId, 'path.tenant');
    this.policy.assertAdministers(actor, tenant);
    const input = parseInput(tenantProfileBody, body, 'body');
    return this.directory.setTenantProfile(tenant, input, TenantsController.author(actor), TenantsController.meta(req));
  }

  @Put(':tenant/users/:userId')
  @ApiOperation({ summary: "Set a user's display name and e-mail" })
  @ApiParam({ name: 'tenant', description: 'Tenant id' })
  @ApiParam({ name: 'userId', description: 'User id (the identity provider subject)' })
  @ApiBody({ schema: toOpenApi(profileBody) })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'UserView')
  async profile(
    @CurrentActor() actor: Actor,
    @Param('tenant') tenantId: string,
    @Param('userId') userId: string,
    @Body() body: unknown,
    @Req() req: Request & { id?: string },
  ): Promise<UserView> {
    const tenant = parseInput(tenantParam, tenantId, 'path.tenant');
    const user = parseInput(userIdParam, userId, 'path.userId');
    this.policy.assertAdministers(actor, tenant);
    const input = parseInput(profileBody, body, 'body');
    return userView(
      await this.directory.setProfile(
        tenant,
        user,
        input,
        TenantsController.author(actor),
        TenantsController.meta(req),
      ),
      new Date(),
    );
  }

  @Post(':tenant/users/:userId/roles')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Grant a role to a user',
    description:
      'Administrators of the tenant; nobody grants roles to themselves. The grant is an event: who granted, when, from and until when.',
  })
  @ApiParam({ name: 'tenant', description: 'Tenant id' })
  @ApiParam({ name: 'userId', description: 'User id (the identity provider subject)' })
  @ApiBody({ schema: toOpenApi(grantRoleBody) })
  @applyAll(ERRORS)
  @ApiAnswer(201, 'GrantAnswer', 'Granted')
  async grant(
    @CurrentActor() actor: Actor,
    @Param('tenant') tenantId: string,
    @Param('userId') userId: string,
    @Body() body: unknown,
    @Req() req: Request & { id?: string },
  ): Promise<RoleGrant & { userId: string }> {
    const tenant = parseInput(tenantParam, tenantId, 'path.tenant');
    const user = parseInput(userIdParam, userId, 'path.userId');
    this.policy.assertAdministers(actor, tenant);
    const input = parseInput(grantRoleBody, body, 'body');
    const grant = await this.directory.grantRole(
      tenant,
      user,
      input,
      TenantsController.author(actor),
      TenantsController.meta(req),
    );
    return { userId: user, ...grant };
  }

  @Delete(':tenant/users/:userId/roles/:role')
  @ApiOperation({
    summary: 'Revoke a role now',
    description: 'Every current or future grant of the role ends now.',
  })
  @ApiParam({ name: 'tenant', description: 'Tenant id' })
  @ApiParam({ name: 'userId', description: 'User id' })
  @ApiParam({ name: 'role', description: 'Role' })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'RevokeAnswer', 'Revoked')
  async revoke(
    @CurrentActor() actor: Actor,
    @Param('tenant') tenantId: string,
    @Param('userId') userId: string,
    @Param('role') role: string,
    @Req() req: Request & { id?: string },
  ): Promise<{ userId: string; role: string; revokedAt: string }> {
    const tenant = parseInput(tenantParam, tenantId, 'path.tenant');
    const user = parseInput(userIdParam, userId, 'path.userId');
    const r = parseInput(roleParam, role, 'path.role');
    this.policy.assertAdministers(actor, tenant);
    return this.directory.revokeRole(
      tenant,
      user,
      r,
      TenantsController.author(actor),
      TenantsController.meta(req),
    );
  }

  @Get(':tenant/api-keys')
  @ApiOperation({ summary: "The tenant's API keys (never their secrets)" })
  @ApiParam({ name: 'tenant', description: 'Tenant id' })
  @applyAll(ERRORS)
  @LIMIT_QUERY
  @OFFSET_QUERY
  @ApiAnswer(200, 'ApiKeyViewList')
  async apiKeys(@CurrentActor() actor: Actor, @Param('tenant') tenantId: string, @Query() query: unknown): Promise<ApiKeyView[]> {
    const tenant = parseInput(tenantParam, tenantId, 'path.tenant');
    const q = parseInput(pageQuery, query ?? {}, 'query');
    this.policy.assertAdministers(actor, tenant);
    if (!(await this.directory.tenant(tenant))) throw new IdentityRefusal('TENANT_NOT_FOUND', tenant);
    const now = new Date();
    return (await this.directory.apiKeys(tenant)).slice(q.offset, q.offset + q.limit).map((k) => keyView(k, now));
  }

  @Post(':tenant/api-keys')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Issue an API key for an integration',
    description:
      'The answer carries `apiKey` (`<keyId>.<secret>`, for the `X-Api-Key` header) once: only its SHA-256 is stored. Keys act in the roles listed, never as admin.',
  })
  @ApiParam({ name: 'tenant', description: 'Tenant id' })
  @ApiBody({ schema: toOpenApi(issueApiKeyBody) })
  @applyAll(ERRORS)
  @ApiAnswer(201, 'IssuedApiKey', 'Issued: `apiKey` is shown once')
  async issue(
    @CurrentActor() actor: Actor,
    @Param('tenant') tenantId: string,
    @Body() body: unknown,
    @Req() req: Request & { id?: string },
  ): Promise<IssuedApiKey> {
    const tenant = parseInput(tenantParam, tenantId, 'path.tenant');
    this.policy.assertAdministers(actor, tenant);
    const input = parseInput(issueApiKeyBody, body, 'body');
    return this.directory.issueApiKey(
      tenant,
      input,
      TenantsController.author(actor),
      TenantsController.meta(req),
    );
  }

  @Delete(':tenant/api-keys/:keyId')
  @ApiOperation({ summary: 'Revoke an API key', description: 'Refused from the next request on.' })
  @ApiParam({ name: 'tenant', description: 'Tenant id' })
  @ApiParam({ name: 'keyId', description: 'Key id, e.g. cciaa-po:k0123456789abcdef01234567' })
  @applyAll(ERRORS)
  @ApiAnswer(200, 'KeyRevoked', 'Revoked')
  async revokeKey(
    @CurrentActor() actor: Actor,
    @Param('tenant') tenantId: string,
    @Param('keyId') keyId: string,
    @Req() req: Request & { id?: string },
  ): Promise<{ keyId: string; revokedAt: string }> {
    const tenant = parseInput(tenantParam, tenantId, 'path.tenant');
    const key = parseInput(keyIdParam, keyId, 'path.keyId');
    this.policy.assertAdministers(actor, tenant);
    return this.directory.revokeApiKey(
      tenant,
      key,
      TenantsController.author(actor),
      TenantsController.meta(req),
    );
  }
}
