import type { Fold } from '@ciclo/commands';
import type { PatronDay } from '@ciclo/domain';
import type { Role } from './actor';
import { classifyDirectoryEvent, unhandledDirectoryEvent, type DirectoryEvent } from './directory-events';
import { revocableRecordsFold, type RecordChange } from './revocable-records';

export { DIRECTORY_EVENT_TYPES } from './directory-events';

/**
 * The directory as events. Each tenant has:
 * - `<tenant>/tenant`: `TenantRegistered` (the body: IPA code, name, time zone, closure days), then
 *   `TenantProfileUpdated` (the registry data the documents print: address, legal representative,
 *   number of employees, website page; and the time zone and closure days when they change). The
 *   calendar is the one every deadline of the tenant is computed with (`TenantCalendars`);
 * - `<tenant>/user-<userId>`: `RoleGranted`, `RoleRevoked`, `UserProfileUpdated` of one person;
 * - `<tenant>/api-keys`: `ApiKeyIssued`, `ApiKeyRevoked` of the tenant's integrations;
 * - `<tenant>/calendar-feeds`: `CalendarFeedCreated`, `CalendarFeedRevoked` (personal calendar feeds).
 * The reserved tenant `platform` has only user streams (platform administrators).
 */
export const tenantStream = (tenant: string) => `${tenant}/tenant`;
export const userStream = (tenant: string, userId: string) => `${tenant}/user-${userId}`;
export const apiKeysStream = (tenant: string) => `${tenant}/api-keys`;


export interface TenantRecord {
  /** Tenant id */
  id: string;
  /** Name of the body */
  name: string;
  /** Code in the IPA index */
  ipaCode: string;
  /** IANA time zone */
  timeZone: string;
  /** Patron saint's days: closures reminders respect; deadlines move past those that are legal holidays. */
  patronDays: PatronDay[];
  /** One-off closure days */
  extraClosures: string[];
  /** When registered (ISO 8601) */
  registeredAt: string;
  /** Who registered it */
  registeredBy: string;
  /** The registry data of the Scheda anagrafica, once recorded (`PUT /tenants/{tenant}/profile`). */
  profile?: TenantProfile;
  /** Version of the tenant stream folded. */
  version: number;
}

export interface TenantProfile {
  /** Address of the seat (sede legale) */
  address: string;
  /** Legal representative (e.g. the President) */
  legalRepresentative: string;
  /** Number of employees */
  employees: number;
  /** The body's page (https URL), e.g. its Amministrazione trasparente */
  website: string;
  /** When last updated (ISO 8601) */
  updatedAt: string;
  /** Who last updated it */
  updatedBy: string;
}

export interface RoleGrant {
  /** Role granted */
  role: Role;
  /** Who granted it */
  grantedBy: string;
  /** When the grant was recorded. */
  grantedAt: string;
  /** The grant applies from this instant (never before it was recorded)... */
  validFrom: string;
  /** ...until this instant, exclusive (absent: open-ended). */
  validUntil?: string;
  /** Set by `RoleRevoked`: the grant stops applying at this instant. */
  revokedAt?: string;
  /** Who revoked it */
  revokedBy?: string;
}

export interface UserRecord {
  tenant: string;
  userId: string;
  name?: string;
  email?: string;
  grants: RoleGrant[];
  /** Stream version folded. */
  version: number;
}

export interface ApiKeyRecord {
  keyId: string;
  /** SHA-256 (hex) of the secret; the secret itself is shown once and never stored. */
  hash: string;
  roles: Role[];
  label: string;
  issuedBy: string;
  issuedAt: string;
  validUntil?: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** When a grant stops applying: the earlier of its end and its revocation (undefined: never). */
export function grantEnd(g: RoleGrant): string | undefined {
  if (g.validUntil && g.revokedAt) return g.validUntil < g.revokedAt ? g.validUntil : g.revokedAt;
  return g.validUntil ?? g.revokedAt;
}

const ms = (iso: string) => Date.parse(iso);

/** Whether `g` applies at `at`. */
export function grantAppliesAt(g: RoleGrant, at: Date): boolean {
  const t = at.getTime();
  const end = grantEnd(g);
  return ms(g.validFrom) <= t && (end === undefined || t < ms(end));
}

/** The roles granted to a user at an instant, in the order of `ROLES`-independent first grant. */
export function rolesAt(grants: readonly RoleGrant[], at: Date): Role[] {
  const out: Role[] = [];
  for (const g of grants) if (grantAppliesAt(g, at) && !out.includes(g.role)) out.push(g.role);
  return out;
}

/** Grants still applying at `at` or starting later: not revoked, not ended. */
export function liveGrants(grants: readonly RoleGrant[], at: Date, role?: Role): RoleGrant[] {
  return grants.filter(
    (g) =>
      (role === undefined || g.role === role) &&
      !g.revokedAt &&
      (g.validUntil === undefined || ms(g.validUntil) > at.getTime()),
  );
}

/** A tenant stream folded: the record once registered. */
export interface TenantState {
  version: number;
  record: TenantRecord | null;
}

/** A tenant stream folded (the record's id is the tenant the stream's name gives: callers set it). */
export const tenantFold: Fold<TenantState> = {
  initial: () => ({ version: 0, record: null }),
  version: (s) => s.version,
  keep: (s) => s.record !== null,
  apply(from, events) {
    let rec: TenantRecord | null = from.record ? { ...from.record } : null;
    let version = from.version;
    for (const stored of events) {
      const e = classifyDirectoryEvent(stored);
      version = e.version;
      switch (e.kind) {
        case 'TenantRegistered': {
          const { name, ipaCode, timeZone, patronDays, extraClosures } = e.data;
          rec = { id: e.data.tenantId, name, ipaCode, timeZone, patronDays, extraClosures, registeredAt: e.occurredAt, registeredBy: e.actorId, version: e.version };
          break;
        }
        case 'TenantProfileUpdated': {
          const { address, legalRepresentative, employees, website, timeZone, patronDays, extraClosures } = e.data;
          if (!rec) break;
          rec.profile = { address, legalRepresentative, employees, website, updatedAt: e.occurredAt, updatedBy: e.actorId };
          if (timeZone) rec.timeZone = timeZone;
          if (patronDays) rec.patronDays = patronDays;
          if (extraClosures) rec.extraClosures = extraClosures;
          break;
        }
        case 'RoleGranted':
        case 'RoleRevoked':
        case 'UserProfileUpdated':
        case 'ApiKeyIssued':
        case 'ApiKeyRevoked':
        case 'CalendarFeedCreated':
        case 'CalendarFeedRevoked':
        case 'other':
          break;
        default:
          unhandledDirectoryEvent(e);
      }
      if (rec) rec.version = e.version;
    }
    return { version, record: rec };
  },
};

/** A user stream folded (the tenant and user id come from the stream's name). */
export type UserState = Omit<UserRecord, 'tenant' | 'userId'>;

function applyUserEvent(rec: UserState, e: DirectoryEvent): void {
  rec.version = e.version;
  switch (e.kind) {
    case 'RoleGranted': {
      const { role, grantedBy, validFrom, validUntil } = e.data;
      if (role) rec.grants.push({ role, grantedBy, grantedAt: e.occurredAt, validFrom, ...(validUntil ? { validUntil } : {}) });
      return;
    }
    case 'RoleRevoked': {
      const { role, revokedBy, effectiveAt: at } = e.data;
      if (!role) return;
      for (const g of rec.grants) {
        if (g.role !== role) continue;
        const end = grantEnd(g);
        if (end !== undefined && ms(end) <= ms(at)) continue;
        g.revokedAt = ms(g.validFrom) > ms(at) ? g.validFrom : at;
        g.revokedBy = revokedBy;
      }
      return;
    }
    case 'UserProfileUpdated':
      if (e.data.name) rec.name = e.data.name;
      if (e.data.email === null) delete rec.email;
      else if (e.data.email) rec.email = e.data.email;
      return;
    case 'TenantRegistered':
    case 'TenantProfileUpdated':
    case 'ApiKeyIssued':
    case 'ApiKeyRevoked':
    case 'CalendarFeedCreated':
    case 'CalendarFeedRevoked':
    case 'other':
      return;
    default:
      unhandledDirectoryEvent(e);
  }
}

export const userFold: Fold<UserState> = {
  initial: () => ({ grants: [], version: 0 }),
  version: (s) => s.version,
  apply(from, events) {
    const rec = structuredClone(from);
    for (const e of events) applyUserEvent(rec, classifyDirectoryEvent(e));
    return rec;
  },
};

/** A tenant's API keys by id, and the version of their stream. */
export interface ApiKeysState {
  version: number;
  keys: Map<string, ApiKeyRecord>;
}

export const apiKeysFold: Fold<ApiKeysState> = revocableRecordsFold('keys', (e): RecordChange<ApiKeyRecord> => {
  switch (e.kind) {
    case 'ApiKeyIssued': {
      const { keyId, hash, roles, label, issuedBy, validUntil } = e.data;
      return { id: keyId, add: { keyId, hash, roles, label, issuedBy, issuedAt: e.occurredAt, ...(validUntil ? { validUntil } : {}) } };
    }
    case 'ApiKeyRevoked':
      return { revoke: e.data.keyId, by: e.data.revokedBy, at: e.occurredAt };
    case 'TenantRegistered':
    case 'TenantProfileUpdated':
    case 'RoleGranted':
    case 'RoleRevoked':
    case 'UserProfileUpdated':
    case 'CalendarFeedCreated':
    case 'CalendarFeedRevoked':
    case 'other':
      return null;
    default:
      return unhandledDirectoryEvent(e);
  }
});
