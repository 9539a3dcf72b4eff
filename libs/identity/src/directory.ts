import type { EventStore } from '@ciclo/event-store';
import type { Actor, ChangeAuthor, Role } from './actor';
import type { CalendarFeedRecord, CalendarFeedScope } from './calendar-feeds';
import { ApiKeyDirectory, type IssueApiKeyInput, type IssuedApiKey } from './directory-api-keys';
import { CalendarFeedDirectory } from './directory-feeds';
import type { IndependenceConflict } from './directory-independence';
import type { ApiKeyRecord, RoleGrant, TenantRecord, UserRecord } from './directory-model';
import { DirectoryStreams, type ChangeMeta } from './directory-streams';
import { TenantDirectory, type RegisterTenantInput, type TenantCalendarInput } from './directory-tenants';
import { UserDirectory, type GrantRoleInput } from './directory-users';

export type { ChangeMeta } from './directory-streams';
export type { RegisterTenantInput, TenantCalendarInput } from './directory-tenants';
export type { GrantRoleInput } from './directory-users';
export type { IssueApiKeyInput, IssuedApiKey } from './directory-api-keys';

/**
 * The directory of tenants, users, role grants, API keys and calendar feeds, kept as events in the
 * event store (typed: `directory-events.ts`), one part per job: tenants and their registry data
 * (`directory-tenants.ts`), users and grants (`directory-users.ts`), API keys
 * (`directory-api-keys.ts`), calendar feeds (`directory-feeds.ts`).
 *
 * Reads fold the streams through bounded caches, but every read asks the store for events after
 * the cached version, so a grant or revocation written by another process counts on the very next
 * request. Writes go through the one command path (`runCommand`): appended with the folded version
 * as expected version, decided again once on a concurrent write, the cache moved forward by the
 * event written.
 */
export class DirectoryService {
  private readonly streams: DirectoryStreams;
  private readonly tenants: TenantDirectory;
  private readonly users: UserDirectory;
  private readonly keys: ApiKeyDirectory;
  private readonly feeds: CalendarFeedDirectory;

  constructor(store: EventStore, options: { cacheSize?: number; clock?: () => Date } = {}) {
    this.streams = new DirectoryStreams(store, options);
    this.tenants = new TenantDirectory(this.streams);
    this.users = new UserDirectory(this.streams, this.tenants);
    this.keys = new ApiKeyDirectory(this.streams, this.tenants);
    this.feeds = new CalendarFeedDirectory(this.streams, this.users);
  }

  // ---------------------------------------------------------------- tenants

  tenant(id: string): Promise<TenantRecord | null> {
    return this.tenants.tenant(id);
  }
  tenantAt(id: string, at: Date): Promise<TenantRecord | null> {
    return this.tenants.tenantAt(id, at);
  }
  tenantExists(tenant: string): Promise<boolean> {
    return this.tenants.tenantExists(tenant);
  }
  registerTenant(input: RegisterTenantInput, by: ChangeAuthor, meta: ChangeMeta): Promise<TenantRecord> {
    return this.tenants.registerTenant(input, by, meta);
  }
  setTenantProfile(
    tenant: string,
    input: { address: string; legalRepresentative: string; employees: number; website: string } & TenantCalendarInput,
    by: ChangeAuthor,
    meta: ChangeMeta,
  ): Promise<TenantRecord> {
    return this.tenants.setTenantProfile(tenant, input, by, meta);
  }

  // ---------------------------------------------------------------- users and grants

  user(tenant: string, userId: string): Promise<UserRecord | null> {
    return this.users.user(tenant, userId);
  }
  rolesAt(tenant: string, userId: string, at?: Date): Promise<Role[]> {
    return this.users.rolesAt(tenant, userId, at);
  }
  hasGrants(tenant: string, userId: string): Promise<boolean> {
    return this.users.hasGrants(tenant, userId);
  }
  listUsers(tenant: string): Promise<UserRecord[]> {
    return this.users.listUsers(tenant);
  }
  independenceConflicts(tenant: string, at?: Date): Promise<IndependenceConflict[]> {
    return this.users.independenceConflicts(tenant, at);
  }
  peopleAt(tenant: string, at?: Date): Promise<{ userId: string; name: string; email: string | null; roles: Role[] }[] | null> {
    return this.users.peopleAt(tenant, at);
  }
  usersWithRole(tenant: string, role: Role, at?: Date): Promise<UserRecord[]> {
    return this.users.usersWithRole(tenant, role, at);
  }
  grantRole(tenant: string, userId: string, input: GrantRoleInput, by: ChangeAuthor, meta: ChangeMeta): Promise<RoleGrant> {
    return this.users.grantRole(tenant, userId, input, by, meta);
  }
  revokeRole(tenant: string, userId: string, role: string, by: ChangeAuthor, meta: ChangeMeta): Promise<{ userId: string; role: Role; revokedAt: string }> {
    return this.users.revokeRole(tenant, userId, role, by, meta);
  }
  setProfile(tenant: string, userId: string, input: { name: string; email?: string | null }, by: ChangeAuthor, meta: ChangeMeta): Promise<UserRecord> {
    return this.users.setProfile(tenant, userId, input, by, meta);
  }

  // ---------------------------------------------------------------- API keys

  apiKeys(tenant: string): Promise<ApiKeyRecord[]> {
    return this.keys.apiKeys(tenant);
  }
  verifyApiKey(value: string, at?: Date): Promise<Actor> {
    return this.keys.verifyApiKey(value, at);
  }
  issueApiKey(tenant: string, input: IssueApiKeyInput, by: ChangeAuthor, meta: ChangeMeta): Promise<IssuedApiKey> {
    return this.keys.issueApiKey(tenant, input, by, meta);
  }
  revokeApiKey(tenant: string, keyId: string, by: ChangeAuthor, meta: ChangeMeta): Promise<{ keyId: string; revokedAt: string }> {
    return this.keys.revokeApiKey(tenant, keyId, by, meta);
  }

  // ---------------------------------------------------------------- calendar feeds

  calendarFeeds(tenant: string, userId: string): Promise<CalendarFeedRecord[]> {
    return this.feeds.calendarFeeds(tenant, userId);
  }
  openCalendarFeed(tenant: string, token: string, at?: Date): Promise<CalendarFeedRecord> {
    return this.feeds.openCalendarFeed(tenant, token, at);
  }
  createCalendarFeed(tenant: string, owner: { userId: string; roles: Role[] }, scope: CalendarFeedScope, by: ChangeAuthor, meta: ChangeMeta): Promise<{ feed: CalendarFeedRecord; token: string }> {
    return this.feeds.createCalendarFeed(tenant, owner, scope, by, meta);
  }
  revokeCalendarFeed(tenant: string, userId: string, feedId: string, by: ChangeAuthor, meta: ChangeMeta): Promise<CalendarFeedRecord> {
    return this.feeds.revokeCalendarFeed(tenant, userId, feedId, by, meta);
  }
}
