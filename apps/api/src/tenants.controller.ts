import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import {
  AccessPolicy,
  IdentityRefusal,
  rolesAt,
  type Actor,
  type ChangeAuthor,
  type IssuedApiKey,
  type Role,
  type RoleGrant,
  type TenantRecord,
} from '@ciclo/identity';
import { CurrentActor } from './auth.guard';
import { parseInput } from './validation';
import { toOpenApi } from './schemas';
import { ApiAnswer } from './openapi/document';
import {
  applyAll,
  ERRORS,
  grantRoleBody,
  issueApiKeyBody,
  keyIdParam,
  keyView,
  LIMIT_QUERY,
  OFFSET_QUERY,
  pageQuery,
  profileBody,
  registerTenantBody,
  roleParam,
  tenantParam,
  tenantProfileBody,
  userIdParam,
  userView,
  usersQuery,
  type ApiKeyView,
  type UserView,
} from './tenants.schemas';

export { grantRoleBody, issueApiKeyBody, pageQuery, profileBody, registerTenantBody, tenantProfileBody, usersQuery, type ApiKeyView, type UserView } from './tenants.schemas';

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
    summary: "Set the tenant's registry data (Scheda anagrafica) and, optionally, its calendar",
    description:
      'Administrators of the tenant. Address, legal representative, number of employees and website page, as the PIAO prints them in section 1 and the portal pack carries them in its metadata; replaces the previous values (event `TenantProfileUpdated`). `timeZone`, `patronDays` and `extraClosures`, when given, replace the recorded ones: every deadline of the tenant is computed with them from the next computation on (a patron day that is a legal holiday moves a deadline falling on it to the next working day).',
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
