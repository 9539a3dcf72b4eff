import { isRole, isTenantId, isUserId, PLATFORM_TENANT, type ChangeAuthor, type Role } from './actor';
import { directoryData } from './directory-events';
import { incompatibleGrant, independenceConflicts, type IndependenceConflict } from './directory-independence';
import { grantEnd, liveGrants, rolesAt, userStream, type RoleGrant, type UserRecord, type UserState } from './directory-model';
import type { ChangeMeta, DirectoryStreams } from './directory-streams';
import type { TenantDirectory } from './directory-tenants';
import { IdentityRefusal, invalidInput, type IdentityFieldProblem } from './errors';
import { readBound } from './time';

export interface GrantRoleInput {
  role: string;
  /** ISO instant or date (start of day in the tenant's time zone); default now. Never before now. */
  validFrom?: string;
  /** ISO instant or date (the grant includes that whole day); default open-ended. */
  validUntil?: string;
}

const EMAIL_RE =
  /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** A user stream's state as the record of `userId` in `tenant` (null: nothing recorded). */
const recordOf = (s: UserState, tenant: string, userId: string): UserRecord | null => (s.version > 0 ? { tenant, userId, ...s } : null);

/** Users of a tenant: role grants and profiles, `<tenant>/user-<userId>`. */
export class UserDirectory {
  constructor(
    private readonly streams: DirectoryStreams,
    private readonly tenants: TenantDirectory,
  ) {}

  /** One user's record in a tenant (null when nothing was ever recorded for them). */
  async user(tenant: string, userId: string): Promise<UserRecord | null> {
    if (!isTenantId(tenant) || !isUserId(userId)) return null;
    // Read on every request (the actor's roles): concurrent requests of one user share the read.
    return recordOf(await this.streams.users.loadShared(userStream(tenant, userId)), tenant, userId);
  }

  /** The roles `userId` holds in `tenant` at `at` (default now). */
  async rolesAt(tenant: string, userId: string, at: Date = this.streams.now()): Promise<Role[]> {
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
    const streams = await this.streams.store.listStreams({ tenant, kind: 'user' });
    const out: UserRecord[] = [];
    for (const r of streams) {
      const rec = await this.user(tenant, r.streamId.slice(prefix.length));
      if (rec) out.push(rec);
    }
    return out;
  }

  /** Users of a tenant holding `oiv` and an internal role over overlapping periods (grants made before the rule). */
  async independenceConflicts(tenant: string, at: Date = this.streams.now()): Promise<IndependenceConflict[]> {
    return independenceConflicts(await this.listUsers(tenant), at);
  }

  /**
   * Everyone with a record in `tenant`, with the roles they hold at `at` (for reminders and the
   * calendar); null when the directory records nobody there.
   */
  async peopleAt(tenant: string, at: Date = this.streams.now()): Promise<{ userId: string; name: string; email: string | null; roles: Role[] }[] | null> {
    const users = await this.listUsers(tenant);
    if (users.length === 0) return null;
    return users.map((u) => ({ userId: u.userId, name: u.name ?? u.userId, email: u.email ?? null, roles: rolesAt(u.grants, at) }));
  }

  /** Users holding `role` in `tenant` at `at` (e.g. whom to remind or escalate to). */
  async usersWithRole(tenant: string, role: Role, at: Date = this.streams.now()): Promise<UserRecord[]> {
    return (await this.listUsers(tenant)).filter((u) => rolesAt(u.grants, at).includes(role));
  }

  /**
   * Grants a role to a user of a tenant for a period. Refused: on oneself (separation of duties:
   * nobody widens their own powers), for a period overlapping a live grant of the same role, `oiv`
   * to a holder of an internal role and an internal role to a holder of `oiv` over overlapping
   * periods (`OIV_NOT_INDEPENDENT`), and in the platform tenant for any role but `admin`. A grant never applies before it is recorded.
   */
  async grantRole(tenant: string, userId: string, input: GrantRoleInput, by: ChangeAuthor, meta: ChangeMeta): Promise<RoleGrant> {
    const tz = await this.tenants.requireTenant(tenant);
    const problems: IdentityFieldProblem[] = [];
    if (!isUserId(userId))
      problems.push({
        field: 'userId',
        problem: 'must be 1-100 characters: letters, digits, _ . : - (not starting with a symbol)',
      });
    if (!isRole(input.role)) problems.push({ field: 'role', problem: 'is not a known role' });
    else if (tenant === PLATFORM_TENANT && input.role !== 'admin') problems.push({ field: 'role', problem: `only admin can be granted in the ${PLATFORM_TENANT} tenant` });
    const now = this.streams.now();
    let from = now;
    if (input.validFrom !== undefined) {
      const f = readBound(input.validFrom, tz, 'start');
      if (!f) problems.push({ field: 'validFrom', problem: 'must be an ISO 8601 date or instant with offset' });
      else if (f.getTime() < now.getTime() - 86_400_000) problems.push({ field: 'validFrom', problem: 'must not be in the past: grants are never backdated' });
      else if (f > now) from = f;
    }
    let until: Date | undefined;
    if (input.validUntil !== undefined) {
      const u = readBound(input.validUntil, tz, 'end');
      if (!u) problems.push({ field: 'validUntil', problem: 'must be an ISO 8601 date or instant with offset' });
      else if (u <= from) problems.push({ field: 'validUntil', problem: 'must be after validFrom (and after now)' });
      else until = u;
    }
    if (problems.length) throw invalidInput(problems);
    if (by.userId === userId) throw new IdentityRefusal('SELF_GRANT', userId);
    const role = input.role as Role;
    return this.streams.write(this.streams.users, userStream(tenant, userId), tenant, by, meta, (rec) => {
      const overlapping = liveGrants(rec.grants, now, role).some((g) => {
        const end = grantEnd(g);
        return (end === undefined || Date.parse(end) > from.getTime()) && (until === undefined || Date.parse(g.validFrom) < until.getTime());
      });
      if (overlapping) throw new IdentityRefusal('ROLE_ALREADY_GRANTED', `${userId}: ${role}`);
      const clash = incompatibleGrant(rec.grants, role, from, until, now);
      if (clash) {
        throw new IdentityRefusal('OIV_NOT_INDEPENDENT', `${userId} holds ${clash.role}: ${role} cannot be granted for an overlapping period`, [
          { field: 'role', problem: `incompatible with the role ${clash.role} the user holds` },
        ]);
      }
      return {
        event: directoryData('RoleGranted', { userId, role, grantedBy: by.userId, validFrom: from.toISOString(), ...(until ? { validUntil: until.toISOString() } : {}) }),
        answer: (after) => after.grants[after.grants.length - 1],
      };
    });
  }

  /** Revokes a role now: every live or future grant of it ends at this instant. */
  async revokeRole(tenant: string, userId: string, role: string, by: ChangeAuthor, meta: ChangeMeta): Promise<{ userId: string; role: Role; revokedAt: string }> {
    await this.tenants.requireTenant(tenant);
    const problems: IdentityFieldProblem[] = [];
    if (!isUserId(userId)) problems.push({ field: 'userId', problem: 'is not a valid user id' });
    if (!isRole(role)) problems.push({ field: 'role', problem: 'is not a known role' });
    if (problems.length) throw invalidInput(problems);
    if (by.userId === userId) throw new IdentityRefusal('SELF_GRANT', userId);
    return this.streams.write(this.streams.users, userStream(tenant, userId), tenant, by, meta, (rec) => {
      if (rec.version === 0) throw new IdentityRefusal('USER_NOT_FOUND', userId);
      const now = this.streams.now();
      if (liveGrants(rec.grants, now, role as Role).length === 0) throw new IdentityRefusal('ROLE_NOT_GRANTED', `${userId}: ${role}`);
      const effectiveAt = now.toISOString();
      return {
        event: directoryData('RoleRevoked', { userId, role: role as Role, revokedBy: by.userId, effectiveAt }),
        answer: () => ({ userId, role: role as Role, revokedAt: effectiveAt }),
      };
    });
  }

  /** Records a user's display name and e-mail (for lists and notifications). */
  async setProfile(tenant: string, userId: string, input: { name: string; email?: string | null }, by: ChangeAuthor, meta: ChangeMeta): Promise<UserRecord> {
    await this.tenants.requireTenant(tenant);
    const problems: IdentityFieldProblem[] = [];
    if (!isUserId(userId)) problems.push({ field: 'userId', problem: 'is not a valid user id' });
    if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 200) problems.push({ field: 'name', problem: 'must be 1-200 characters' });
    if (input.email !== undefined && input.email !== null && (typeof input.email !== 'string' || input.email.length > 254 || !EMAIL_RE.test(input.email)))
      problems.push({ field: 'email', problem: 'must be an e-mail address' });
    if (problems.length) throw invalidInput(problems);
    return this.streams.write(this.streams.users, userStream(tenant, userId), tenant, by, meta, () => ({
      event: directoryData('UserProfileUpdated', { userId, name: input.name.trim(), ...(input.email !== undefined ? { email: input.email } : {}) }),
      answer: (after) => recordOf(after, tenant, userId) as UserRecord,
    }));
  }
}
