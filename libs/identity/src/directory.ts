import { randomUUID } from 'node:crypto';
import { InvalidTenantCalendar, validateTenantCalendar, type PatronDay } from '@ciclo/domain';
import {
  WrongExpectedVersion,
  type EventStore,
  type JsonObject,
  type RecordedEvent,
} from '@ciclo/event-store';
import { CommandRetries, expectedVersionOf, FoldCache, toNewEvents } from '@ciclo/commands';
import { apiKeyActorId, newApiKey, parseApiKey, secretMatches, tenantOfKeyId } from './api-keys';
import {
  isRole,
  isTenantId,
  isUserId,
  PLATFORM_TENANT,
  type Actor,
  type ChangeAuthor,
  type Role,
} from './actor';
import {
  apiKeysStream,
  evolveApiKeys,
  evolveUser,
  foldTenant,
  grantEnd,
  liveGrants,
  rolesAt,
  tenantStream,
  userStream,
  type ApiKeyRecord,
  type RoleGrant,
  type TenantProfile,
  type TenantRecord,
  type UserRecord,
} from './directory-model';
import {
  calendarFeedsStream,
  evolveCalendarFeeds,
  feedOpens,
  newCalendarFeed,
  parseFeedToken,
  type CalendarFeedRecord,
  type CalendarFeedScope,
} from './calendar-feeds';
import { incompatibleGrant, independenceConflicts, type IndependenceConflict } from './directory-independence';
import { AuthFailure, IdentityRefusal, invalidInput, type IdentityFieldProblem } from './errors';
import { isValidTimeZone, readBound } from './time';

export interface RegisterTenantInput {
  id: string;
  name: string;
  ipaCode: string;
  timeZone?: string;
  patronDays?: PatronDay[];
  extraClosures?: string[];
}

export interface GrantRoleInput {
  role: string;
  /** ISO instant or date (start of day in the tenant's time zone); default now. Never before now. */
  validFrom?: string;
  /** ISO instant or date (the grant includes that whole day); default open-ended. */
  validUntil?: string;
}

export interface IssueApiKeyInput {
  label: string;
  roles: string[];
  validUntil?: string;
}

export interface IssuedApiKey {
  /** Key id */
  keyId: string;
  /** `<keyId>.<secret>`: the value of `X-Api-Key`. Shown once; only its hash is stored. */
  apiKey: string;
  /** Roles the key acts in */
  roles: Role[];
  /** What the key is for */
  label: string;
  /** End of validity (ISO 8601) */
  validUntil?: string;
}

/** What every directory change carries besides its author. */
export interface ChangeMeta {
  correlationId: string;
}

const IPA_RE = /^[A-Za-z0-9_]{2,40}$/;
const EMAIL_RE =
  /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const DEFAULT_TZ = 'Europe/Rome';

/** An absolute http(s) address with a host. */
function isWebPage(v: string): boolean {
  try {
    const u = new URL(v.trim());
    return (u.protocol === 'https:' || u.protocol === 'http:') && !!u.hostname && !/\s/.test(v.trim());
  } catch {
    return false;
  }
}

interface Cached<S> {
  version: number;
  state: S;
}

/**
 * The directory of tenants, users, role grants and API keys, kept as events in the event store.
 *
 * Reads fold the streams; folded states are cached (bounded, least recently used out), but every
 * read asks the store for events after the cached version, so a grant or revocation written by
 * another process counts on the very next request. Writes append with the folded version as
 * expected version and are decided again once on a concurrent write.
 */
export class DirectoryService {
  private readonly users: FoldCache<Cached<UserRecord>>;
  private readonly keys: FoldCache<Cached<Map<string, ApiKeyRecord>>>;
  private readonly tenants: FoldCache<TenantRecord>;
  private readonly feeds: FoldCache<Cached<Map<string, CalendarFeedRecord>>>;

  constructor(
    private readonly store: EventStore,
    private readonly options: { cacheSize?: number; clock?: () => Date } = {},
  ) {
    const size = options.cacheSize ?? 10000;
    this.users = new FoldCache(size);
    this.keys = new FoldCache(size);
    this.tenants = new FoldCache(size);
    this.feeds = new FoldCache(size);
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  private remember<V>(cache: FoldCache<V>, key: string, value: V): void {
    cache.set(key, value);
  }

  // ---------------------------------------------------------------- reads

  /**
   * The tenant as registered, with its registry data, or null. Cached once found; every read asks
   * the store only for the events after the cached version (a profile update counts at once).
   */
  async tenant(id: string): Promise<TenantRecord | null> {
    if (!isTenantId(id) || id === PLATFORM_TENANT) return null;
    const cached = this.tenants.get(id) ?? null;
    const events = await this.store.readStream(tenantStream(id), { fromVersion: (cached?.version ?? 0) + 1 });
    if (cached && events.length === 0) return cached;
    const rec = foldTenant(events, id, cached);
    if (rec) this.remember(this.tenants, id, rec);
    return rec;
  }

  /** The tenant as it was recorded at an instant (its registry data then), or null; not cached. */
  async tenantAt(id: string, at: Date): Promise<TenantRecord | null> {
    if (!isTenantId(id) || id === PLATFORM_TENANT) return null;
    return foldTenant(await this.store.readStream(tenantStream(id), { until: at }), id);
  }

  /** Whether `tenant` can hold users: a registered tenant, or the platform tenant. */
  async tenantExists(tenant: string): Promise<boolean> {
    return tenant === PLATFORM_TENANT || (await this.tenant(tenant)) !== null;
  }

  /** One user's record in a tenant (null when nothing was ever recorded for them). */
  async user(tenant: string, userId: string): Promise<UserRecord | null> {
    if (!isTenantId(tenant) || !isUserId(userId)) return null;
    const stream = userStream(tenant, userId);
    const cached = this.users.get(stream);
    const events = await this.store.readStream(stream, { fromVersion: (cached?.version ?? 0) + 1 });
    if (events.length === 0) return cached && cached.version > 0 ? cached.state : null;
    const state: UserRecord = cached
      ? structuredClone(cached.state)
      : { tenant, userId, grants: [], version: 0 };
    for (const e of events) evolveUser(state, e);
    this.remember(this.users, stream, { version: state.version, state });
    return state;
  }

  /** The roles `userId` holds in `tenant` at `at` (default now). */
  async rolesAt(tenant: string, userId: string, at: Date = this.now()): Promise<Role[]> {
    const rec = await this.user(tenant, userId);
    return rec ? rolesAt(rec.grants, at) : [];
  }

  /** Whether any role was ever granted to the user in the tenant (then grants, not tokens, decide). */
  async hasGrants(tenant: string, userId: string): Promise<boolean> {
    return ((await this.user(tenant, userId))?.grants.length ?? 0) > 0;
  }

  /** Every user of a tenant with a record (the tenant's user streams, listed by the event store). */
  async listUsers(tenant: string): Promise<UserRecord[]> {
    const prefix = `${tenant}/user-`;
    const streams = await this.store.listStreams({ tenant, kind: 'user' });
    const out: UserRecord[] = [];
    for (const r of streams) {
      const rec = await this.user(tenant, r.streamId.slice(prefix.length));
      if (rec) out.push(rec);
    }
    return out;
  }

  /** Users of a tenant holding `oiv` and an internal role over overlapping periods (grants made before the rule). */
  async independenceConflicts(tenant: string, at: Date = this.now()): Promise<IndependenceConflict[]> {
    return independenceConflicts(await this.listUsers(tenant), at);
  }

  /**
   * Everyone with a record in `tenant`, with the roles they hold at `at` (for reminders and the
   * calendar); null when the directory records nobody there.
   */
  async peopleAt(tenant: string, at: Date = this.now()): Promise<{ userId: string; name: string; email: string | null; roles: Role[] }[] | null> {
    const users = await this.listUsers(tenant);
    if (users.length === 0) return null;
    return users.map((u) => ({ userId: u.userId, name: u.name ?? u.userId, email: u.email ?? null, roles: rolesAt(u.grants, at) }));
  }

  /** Users holding `role` in `tenant` at `at` (e.g. whom to remind or escalate to). */
  async usersWithRole(tenant: string, role: Role, at: Date = this.now()): Promise<UserRecord[]> {
    return (await this.listUsers(tenant)).filter((u) => rolesAt(u.grants, at).includes(role));
  }

  /** The tenant's API keys (hashes included: callers must not show them). */
  async apiKeys(tenant: string): Promise<ApiKeyRecord[]> {
    return [...(await this.keyMap(tenant)).state.values()];
  }

  private async keyMap(tenant: string): Promise<Cached<Map<string, ApiKeyRecord>>> {
    const stream = apiKeysStream(tenant);
    const cached = this.keys.get(stream);
    const events = await this.store.readStream(stream, { fromVersion: (cached?.version ?? 0) + 1 });
    if (events.length === 0 && cached) return cached;
    const state = new Map<string, ApiKeyRecord>();
    for (const [k, v] of cached?.state ?? []) state.set(k, { ...v, roles: [...v.roles] });
    for (const e of events) evolveApiKeys(state, e);
    const folded = {
      version: events.length ? events[events.length - 1].version : (cached?.version ?? 0),
      state,
    };
    this.remember(this.keys, stream, folded);
    return folded;
  }

  /**
   * Checks an `X-Api-Key` value and returns the key's actor (its roles are the key's scope).
   * Throws `AuthFailure` for a malformed, unknown, wrong, revoked or expired key.
   */
  async verifyApiKey(value: string, at: Date = this.now()): Promise<Actor> {
    const parsed = parseApiKey(value);
    if (!parsed) throw new AuthFailure('malformed API key (expected <keyId>.<secret>)');
    const key = (await this.keyMap(parsed.tenant)).state.get(parsed.keyId);
    if (!key || !secretMatches(parsed.secret, key.hash)) throw new AuthFailure('invalid API key');
    if (key.revokedAt && Date.parse(key.revokedAt) <= at.getTime()) throw new AuthFailure('API key revoked');
    if (key.validUntil && Date.parse(key.validUntil) <= at.getTime())
      throw new AuthFailure('API key expired');
    return {
      userId: apiKeyActorId(parsed.keyId),
      name: key.label,
      tenant: parsed.tenant,
      roles: [...key.roles],
      via: 'api_key',
    };
  }

  private async feedMap(tenant: string): Promise<Cached<Map<string, CalendarFeedRecord>>> {
    const stream = calendarFeedsStream(tenant);
    const cached = this.feeds.get(stream);
    const events = await this.store.readStream(stream, { fromVersion: (cached?.version ?? 0) + 1 });
    if (events.length === 0 && cached) return cached;
    const state = new Map<string, CalendarFeedRecord>();
    for (const [k, v] of cached?.state ?? []) state.set(k, { ...v, roles: [...v.roles] });
    for (const e of events) evolveCalendarFeeds(state, e);
    const folded = { version: events.length ? events[events.length - 1].version : (cached?.version ?? 0), state };
    this.remember(this.feeds, stream, folded);
    return folded;
  }

  /** A person's calendar feeds, active first (hashes included: callers must not show them). */
  async calendarFeeds(tenant: string, userId: string): Promise<CalendarFeedRecord[]> {
    if (!isTenantId(tenant)) return [];
    return [...(await this.feedMap(tenant)).state.values()].filter((f) => f.userId === userId);
  }

  /**
   * The feed a calendar application's secret address opens, with the roles its owner holds now
   * (their grants when the directory has any, else the roles recorded when the feed was made).
   * Throws `CALENDAR_FEED_NOT_FOUND` for a malformed, unknown, wrong or revoked address.
   */
  async openCalendarFeed(tenant: string, token: string, at: Date = this.now()): Promise<CalendarFeedRecord> {
    const parsed = parseFeedToken(token);
    if (!parsed || !isTenantId(tenant) || tenant === PLATFORM_TENANT) throw new IdentityRefusal('CALENDAR_FEED_NOT_FOUND');
    const feed = (await this.feedMap(tenant)).state.get(parsed.feedId);
    if (!feedOpens(feed, parsed.secret)) throw new IdentityRefusal('CALENDAR_FEED_NOT_FOUND');
    const roles = (await this.hasGrants(tenant, feed.userId)) ? await this.rolesAt(tenant, feed.userId, at) : feed.roles;
    return { ...feed, roles };
  }

  // ---------------------------------------------------------------- writes

  private async append(
    stream: string,
    tenant: string,
    type: string,
    data: JsonObject,
    expected: number,
    by: ChangeAuthor,
    meta: ChangeMeta,
  ): Promise<RecordedEvent['position']> {
    const decided = { type, data, actorId: by.userId, actorRole: by.role, occurredAt: this.now().toISOString() };
    const extra: Record<string, string> = by.tenant && by.tenant !== tenant ? { actorTenant: by.tenant } : {};
    const r = await this.store.append(stream, toNewEvents([decided], [randomUUID()], { tenant, correlationId: meta.correlationId, extra }), {
      expectedVersion: expectedVersionOf(expected),
    });
    return r.positions[0];
  }

  /** Runs a read-decide-append step, deciding again once when another write came in between. */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    const retries = new CommandRetries(() => new IdentityRefusal('CONCURRENT_MODIFICATION'));
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        retries.afterAppend(err);
      }
    }
  }

  private async requireTenant(tenant: string): Promise<string> {
    if (!isTenantId(tenant))
      throw invalidInput([{ field: 'tenant', problem: 'must be a tenant id such as cciaa-po' }]);
    if (tenant === PLATFORM_TENANT) return DEFAULT_TZ;
    const rec = await this.tenant(tenant);
    if (!rec) throw new IdentityRefusal('TENANT_NOT_FOUND', tenant);
    return rec.timeZone;
  }

  /** Registers a body (a chamber). Refused when the id is taken or reserved. */
  async registerTenant(
    input: RegisterTenantInput,
    by: ChangeAuthor,
    meta: ChangeMeta,
  ): Promise<TenantRecord> {
    const problems: IdentityFieldProblem[] = [];
    if (!isTenantId(input.id))
      problems.push({
        field: 'id',
        problem: 'must be 1-63 characters: lowercase letters, digits, _ . - (e.g. cciaa-po)',
      });
    else if (input.id === PLATFORM_TENANT)
      problems.push({ field: 'id', problem: `"${PLATFORM_TENANT}" is reserved for platform administrators` });
    if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 300)
      problems.push({ field: 'name', problem: 'must be 1-300 characters' });
    if (typeof input.ipaCode !== 'string' || !IPA_RE.test(input.ipaCode))
      problems.push({ field: 'ipaCode', problem: 'must be an IPA code: 2-40 letters, digits or _' });
    const timeZone = input.timeZone ?? DEFAULT_TZ;
    if (!isValidTimeZone(timeZone))
      problems.push({ field: 'timeZone', problem: 'must be an IANA time zone such as Europe/Rome' });
    const patronDays = input.patronDays ?? [];
    const extraClosures = input.extraClosures ?? [];
    try {
      validateTenantCalendar({ patronDays, extraClosures });
    } catch (err) {
      if (!(err instanceof InvalidTenantCalendar)) throw err;
      problems.push({
        field: /closure/i.test(err.message) ? 'extraClosures' : 'patronDays',
        problem: err.message,
      });
    }
    if (patronDays.length > 20) problems.push({ field: 'patronDays', problem: 'at most 20' });
    if (extraClosures.length > 366) problems.push({ field: 'extraClosures', problem: 'at most 366' });
    if (problems.length) throw invalidInput(problems);
    try {
      await this.append(
        tenantStream(input.id),
        input.id,
        'TenantRegistered',
        {
          tenantId: input.id,
          name: input.name.trim(),
          ipaCode: input.ipaCode,
          timeZone,
          patronDays: patronDays.map((p) => ({
            month: p.month,
            day: p.day,
            name: p.name.trim(),
            legalHoliday: p.legalHoliday,
          })),
          extraClosures: [...new Set(extraClosures)].sort(),
        },
        0,
        by,
        meta,
      );
    } catch (err) {
      if (err instanceof WrongExpectedVersion) throw new IdentityRefusal('TENANT_EXISTS', input.id);
      throw err;
    }
    return (await this.tenant(input.id)) as TenantRecord;
  }

  /**
   * Grants a role to a user of a tenant for a period. Refused: on oneself (separation of duties:
   * nobody widens their own powers), for a period overlapping a live grant of the same role, `oiv`
   * to a holder of an internal role and an internal role to a holder of `oiv` over overlapping
   * periods (`OIV_NOT_INDEPENDENT`), and in the platform tenant for any role but `admin`. A grant never applies before it is recorded.
   */
  async grantRole(
    tenant: string,
    userId: string,
    input: GrantRoleInput,
    by: ChangeAuthor,
    meta: ChangeMeta,
  ): Promise<RoleGrant> {
    const tz = await this.requireTenant(tenant);
    const problems: IdentityFieldProblem[] = [];
    if (!isUserId(userId))
      problems.push({
        field: 'userId',
        problem: 'must be 1-100 characters: letters, digits, _ . : - (not starting with a symbol)',
      });
    if (!isRole(input.role)) problems.push({ field: 'role', problem: 'is not a known role' });
    else if (tenant === PLATFORM_TENANT && input.role !== 'admin')
      problems.push({ field: 'role', problem: `only admin can be granted in the ${PLATFORM_TENANT} tenant` });
    const now = this.now();
    let from = now;
    if (input.validFrom !== undefined) {
      const f = readBound(input.validFrom, tz, 'start');
      if (!f)
        problems.push({ field: 'validFrom', problem: 'must be an ISO 8601 date or instant with offset' });
      else if (f.getTime() < now.getTime() - 86_400_000)
        problems.push({ field: 'validFrom', problem: 'must not be in the past: grants are never backdated' });
      else if (f > now) from = f;
    }
    let until: Date | undefined;
    if (input.validUntil !== undefined) {
      const u = readBound(input.validUntil, tz, 'end');
      if (!u)
        problems.push({ field: 'validUntil', problem: 'must be an ISO 8601 date or instant with offset' });
      else if (u <= from)
        problems.push({ field: 'validUntil', problem: 'must be after validFrom (and after now)' });
      else until = u;
    }
    if (problems.length) throw invalidInput(problems);
    if (by.userId === userId) throw new IdentityRefusal('SELF_GRANT', userId);
    const role = input.role as Role;
    return this.retrying(async () => {
      const rec = await this.user(tenant, userId);
      const overlapping = liveGrants(rec?.grants ?? [], now, role).some((g) => {
        const end = grantEnd(g);
        return (
          (end === undefined || Date.parse(end) > from.getTime()) &&
          (until === undefined || Date.parse(g.validFrom) < until.getTime())
        );
      });
      if (overlapping) throw new IdentityRefusal('ROLE_ALREADY_GRANTED', `${userId}: ${role}`);
      const clash = incompatibleGrant(rec?.grants ?? [], role, from, until, now);
      if (clash) {
        throw new IdentityRefusal('OIV_NOT_INDEPENDENT', `${userId} holds ${clash.role}: ${role} cannot be granted for an overlapping period`, [
          { field: 'role', problem: `incompatible with the role ${clash.role} the user holds` },
        ]);
      }
      await this.append(
        userStream(tenant, userId),
        tenant,
        'RoleGranted',
        {
          userId,
          role,
          grantedBy: by.userId,
          validFrom: from.toISOString(),
          ...(until ? { validUntil: until.toISOString() } : {}),
        },
        rec?.version ?? 0,
        by,
        meta,
      );
      const after = (await this.user(tenant, userId)) as UserRecord;
      return after.grants[after.grants.length - 1];
    });
  }

  /** Revokes a role now: every live or future grant of it ends at this instant. */
  async revokeRole(
    tenant: string,
    userId: string,
    role: string,
    by: ChangeAuthor,
    meta: ChangeMeta,
  ): Promise<{ userId: string; role: Role; revokedAt: string }> {
    await this.requireTenant(tenant);
    const problems: IdentityFieldProblem[] = [];
    if (!isUserId(userId)) problems.push({ field: 'userId', problem: 'is not a valid user id' });
    if (!isRole(role)) problems.push({ field: 'role', problem: 'is not a known role' });
    if (problems.length) throw invalidInput(problems);
    if (by.userId === userId) throw new IdentityRefusal('SELF_GRANT', userId);
    return this.retrying(async () => {
      const rec = await this.user(tenant, userId);
      if (!rec) throw new IdentityRefusal('USER_NOT_FOUND', userId);
      const now = this.now();
      if (liveGrants(rec.grants, now, role as Role).length === 0)
        throw new IdentityRefusal('ROLE_NOT_GRANTED', `${userId}: ${role}`);
      const effectiveAt = now.toISOString();
      await this.append(
        userStream(tenant, userId),
        tenant,
        'RoleRevoked',
        { userId, role, revokedBy: by.userId, effectiveAt },
        rec.version,
        by,
        meta,
      );
      return { userId, role: role as Role, revokedAt: effectiveAt };
    });
  }

  /**
   * Records the tenant's registry data (Scheda anagrafica of the PIAO, portal metadata): address,
   * legal representative, number of employees, website page. Replaces the previous values.
   */
  async setTenantProfile(
    tenant: string,
    input: { address: string; legalRepresentative: string; employees: number; website: string },
    by: ChangeAuthor,
    meta: ChangeMeta,
  ): Promise<TenantRecord> {
    if (!isTenantId(tenant) || tenant === PLATFORM_TENANT) throw invalidInput([{ field: 'tenant', problem: 'must be a tenant id such as cciaa-po' }]);
    const problems: IdentityFieldProblem[] = [];
    const text = (field: 'address' | 'legalRepresentative', max: number) => {
      const v = input[field];
      if (typeof v !== 'string' || !v.trim() || v.length > max) problems.push({ field, problem: `must be 1-${max} characters` });
    };
    text('address', 300);
    text('legalRepresentative', 200);
    if (typeof input.employees !== 'number' || !Number.isInteger(input.employees) || input.employees < 0 || input.employees > 1_000_000)
      problems.push({ field: 'employees', problem: 'must be a whole number from 0 to 1000000' });
    if (typeof input.website !== 'string' || input.website.length > 500 || !isWebPage(input.website))
      problems.push({ field: 'website', problem: 'must be a web address starting with https:// or http://' });
    if (problems.length) throw invalidInput(problems);
    return this.retrying(async () => {
      const rec = await this.tenant(tenant);
      if (!rec) throw new IdentityRefusal('TENANT_NOT_FOUND', tenant);
      const data: Omit<TenantProfile, 'updatedAt' | 'updatedBy'> = {
        address: input.address.trim(),
        legalRepresentative: input.legalRepresentative.trim(),
        employees: input.employees,
        website: input.website.trim(),
      };
      await this.append(tenantStream(tenant), tenant, 'TenantProfileUpdated', { tenantId: tenant, ...data }, rec.version, by, meta);
      return (await this.tenant(tenant)) as TenantRecord;
    });
  }

  /** Records a user's display name and e-mail (for lists and notifications). */
  async setProfile(
    tenant: string,
    userId: string,
    input: { name: string; email?: string | null },
    by: ChangeAuthor,
    meta: ChangeMeta,
  ): Promise<UserRecord> {
    await this.requireTenant(tenant);
    const problems: IdentityFieldProblem[] = [];
    if (!isUserId(userId)) problems.push({ field: 'userId', problem: 'is not a valid user id' });
    if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 200)
      problems.push({ field: 'name', problem: 'must be 1-200 characters' });
    if (
      input.email !== undefined &&
      input.email !== null &&
      (typeof input.email !== 'string' || input.email.length > 254 || !EMAIL_RE.test(input.email))
    )
      problems.push({ field: 'email', problem: 'must be an e-mail address' });
    if (problems.length) throw invalidInput(problems);
    return this.retrying(async () => {
      const rec = await this.user(tenant, userId);
      await this.append(
        userStream(tenant, userId),
        tenant,
        'UserProfileUpdated',
        { userId, name: input.name.trim(), ...(input.email !== undefined ? { email: input.email } : {}) },
        rec?.version ?? 0,
        by,
        meta,
      );
      return (await this.user(tenant, userId)) as UserRecord;
    });
  }

  /** Issues an API key scoped to roles (never `admin`: keys do not administer the directory). */
  async issueApiKey(
    tenant: string,
    input: IssueApiKeyInput,
    by: ChangeAuthor,
    meta: ChangeMeta,
  ): Promise<IssuedApiKey> {
    if (tenant === PLATFORM_TENANT)
      throw invalidInput([
        { field: 'tenant', problem: `API keys belong to a body, not to the ${PLATFORM_TENANT} tenant` },
      ]);
    const tz = await this.requireTenant(tenant);
    const problems: IdentityFieldProblem[] = [];
    if (typeof input.label !== 'string' || !input.label.trim() || input.label.length > 200)
      problems.push({ field: 'label', problem: 'must be 1-200 characters' });
    const roles = Array.isArray(input.roles) ? input.roles : [];
    if (roles.length === 0 || roles.length > 12)
      problems.push({ field: 'roles', problem: 'must list 1-12 roles' });
    roles.forEach((r, i) => {
      if (!isRole(r)) problems.push({ field: `roles.${i}`, problem: 'is not a known role' });
      else if (r === 'admin')
        problems.push({ field: `roles.${i}`, problem: 'API keys cannot hold the admin role' });
    });
    if (new Set(roles).size !== roles.length)
      problems.push({ field: 'roles', problem: 'must not repeat a role' });
    let until: Date | undefined;
    if (input.validUntil !== undefined) {
      const u = readBound(input.validUntil, tz, 'end');
      if (!u)
        problems.push({ field: 'validUntil', problem: 'must be an ISO 8601 date or instant with offset' });
      else if (u <= this.now()) problems.push({ field: 'validUntil', problem: 'must be in the future' });
      else until = u;
    }
    if (problems.length) throw invalidInput(problems);
    const { keyId, secret, hash } = newApiKey(tenant);
    const label = input.label.trim();
    await this.retrying(async () => {
      const { version } = await this.keyMap(tenant);
      await this.append(
        apiKeysStream(tenant),
        tenant,
        'ApiKeyIssued',
        {
          keyId,
          hash,
          roles: roles as Role[],
          label,
          issuedBy: by.userId,
          ...(until ? { validUntil: until.toISOString() } : {}),
        },
        version,
        by,
        meta,
      );
    });
    return {
      keyId,
      apiKey: `${keyId}.${secret}`,
      roles: roles as Role[],
      label,
      ...(until ? { validUntil: until.toISOString() } : {}),
    };
  }

  async revokeApiKey(
    tenant: string,
    keyId: string,
    by: ChangeAuthor,
    meta: ChangeMeta,
  ): Promise<{ keyId: string; revokedAt: string }> {
    await this.requireTenant(tenant);
    if (tenantOfKeyId(keyId) !== tenant) throw new IdentityRefusal('API_KEY_NOT_FOUND', keyId);
    return this.retrying(async () => {
      const { state, version } = await this.keyMap(tenant);
      const key = state.get(keyId);
      if (!key) throw new IdentityRefusal('API_KEY_NOT_FOUND', keyId);
      if (key.revokedAt) throw new IdentityRefusal('API_KEY_REVOKED', keyId);
      await this.append(
        apiKeysStream(tenant),
        tenant,
        'ApiKeyRevoked',
        { keyId, revokedBy: by.userId },
        version,
        by,
        meta,
      );
      return { keyId, revokedAt: (await this.keyMap(tenant)).state.get(keyId)?.revokedAt as string };
    });
  }

  /** Creates a personal calendar feed; the answer carries its secret token (`<feedId>.<secret>`) once. */
  async createCalendarFeed(
    tenant: string,
    owner: { userId: string; roles: Role[] },
    scope: CalendarFeedScope,
    by: ChangeAuthor,
    meta: ChangeMeta,
  ): Promise<{ feed: CalendarFeedRecord; token: string }> {
    // The tenant is the caller's own (its token or session names it); it may be known only from the seed files.
    if (!isTenantId(tenant) || tenant === PLATFORM_TENANT) throw new IdentityRefusal('TENANT_NOT_FOUND', tenant);
    const { feedId, secret, hash } = newCalendarFeed();
    await this.retrying(async () => {
      const { state, version } = await this.feedMap(tenant);
      if ([...state.values()].filter((f) => f.userId === owner.userId && !f.revokedAt).length >= 10)
        throw new IdentityRefusal('CALENDAR_FEED_LIMIT');
      await this.append(
        calendarFeedsStream(tenant),
        tenant,
        'CalendarFeedCreated',
        { feedId, userId: owner.userId, hash, scope, roles: owner.roles },
        version,
        by,
        meta,
      );
    });
    const feed = (await this.feedMap(tenant)).state.get(feedId) as CalendarFeedRecord;
    return { feed, token: `${feedId}.${secret}` };
  }

  /** Revokes one of the person's feeds: its address answers 404 from the next request on. */
  async revokeCalendarFeed(
    tenant: string,
    userId: string,
    feedId: string,
    by: ChangeAuthor,
    meta: ChangeMeta,
  ): Promise<CalendarFeedRecord> {
    if (!isTenantId(tenant)) throw new IdentityRefusal('CALENDAR_FEED_NOT_FOUND', feedId);
    return this.retrying(async () => {
      const { state, version } = await this.feedMap(tenant);
      const feed = state.get(feedId);
      if (!feed || feed.userId !== userId || feed.revokedAt) throw new IdentityRefusal('CALENDAR_FEED_NOT_FOUND', feedId);
      await this.append(calendarFeedsStream(tenant), tenant, 'CalendarFeedRevoked', { feedId, revokedBy: by.userId }, version, by, meta);
      return (await this.feedMap(tenant)).state.get(feedId) as CalendarFeedRecord;
    });
  }
}
