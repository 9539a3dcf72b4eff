import type { PatronDay } from '@ciclo/domain';
import type { RecordedEvent } from '@ciclo/event-store';
import { isRole, type Role } from './actor';

/**
 * The directory as events. Each tenant has:
 * - `<tenant>/tenant`: `TenantRegistered` (the body: IPA code, name, time zone, closure days), then
 *   `TenantProfileUpdated` (the registry data the documents print: address, legal representative,
 *   number of employees, website page);
 * - `<tenant>/user-<userId>`: `RoleGranted`, `RoleRevoked`, `UserProfileUpdated` of one person;
 * - `<tenant>/api-keys`: `ApiKeyIssued`, `ApiKeyRevoked` of the tenant's integrations;
 * - `<tenant>/calendar-feeds`: `CalendarFeedCreated`, `CalendarFeedRevoked` (personal calendar feeds).
 * The reserved tenant `platform` has only user streams (platform administrators).
 */
export const tenantStream = (tenant: string) => `${tenant}/tenant`;
export const userStream = (tenant: string, userId: string) => `${tenant}/user-${userId}`;
export const apiKeysStream = (tenant: string) => `${tenant}/api-keys`;

export const DIRECTORY_EVENT_TYPES = [
  'TenantRegistered',
  'TenantProfileUpdated',
  'RoleGranted',
  'RoleRevoked',
  'UserProfileUpdated',
  'ApiKeyIssued',
  'ApiKeyRevoked',
  'CalendarFeedCreated',
  'CalendarFeedRevoked',
] as const;

export interface TenantRecord {
  /** Tenant id */
  id: string;
  /** Name of the body */
  name: string;
  /** Code in the IPA index */
  ipaCode: string;
  /** IANA time zone */
  timeZone: string;
  /** Closure days: patron saint's days (reminders respect them; deadlines do not move) and one-off closures. */
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

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The tenant record after `events` of its stream, starting from `from` (not changed). */
export function foldTenant(events: readonly RecordedEvent[], tenant: string, from: TenantRecord | null = null): TenantRecord | null {
  let rec: TenantRecord | null = from ? { ...from } : null;
  for (const e of events) {
    const d = e.data as Record<string, unknown>;
    if (e.type === 'TenantRegistered') {
      rec = {
        id: tenant,
        name: String(d.name),
        ipaCode: String(d.ipaCode),
        timeZone: String(d.timeZone),
        patronDays: Array.isArray(d.patronDays) ? (d.patronDays as unknown as PatronDay[]) : [],
        extraClosures: Array.isArray(d.extraClosures) ? (d.extraClosures as string[]) : [],
        registeredAt: e.metadata.occurredAt,
        registeredBy: e.metadata.actorId,
        version: e.version,
      };
    } else if (rec && e.type === 'TenantProfileUpdated') {
      rec.profile = {
        address: String(d.address),
        legalRepresentative: String(d.legalRepresentative),
        employees: Number(d.employees),
        website: String(d.website),
        updatedAt: e.metadata.occurredAt,
        updatedBy: e.metadata.actorId,
      };
    }
    if (rec) rec.version = e.version;
  }
  return rec;
}

/** Applies a user stream's events (mutating `rec`, which the caller owns). */
export function evolveUser(rec: UserRecord, e: RecordedEvent): void {
  const d = e.data as Record<string, unknown>;
  rec.version = e.version;
  if (e.type === 'RoleGranted' && isRole(d.role)) {
    rec.grants.push({
      role: d.role,
      grantedBy: str(d.grantedBy) ?? e.metadata.actorId,
      grantedAt: e.metadata.occurredAt,
      validFrom: str(d.validFrom) ?? e.metadata.occurredAt,
      ...(str(d.validUntil) ? { validUntil: str(d.validUntil) } : {}),
    });
  } else if (e.type === 'RoleRevoked' && isRole(d.role)) {
    const at = str(d.effectiveAt) ?? e.metadata.occurredAt;
    for (const g of rec.grants) {
      if (g.role !== d.role) continue;
      const end = grantEnd(g);
      if (end !== undefined && ms(end) <= ms(at)) continue;
      g.revokedAt = ms(g.validFrom) > ms(at) ? g.validFrom : at;
      g.revokedBy = str(d.revokedBy) ?? e.metadata.actorId;
    }
  } else if (e.type === 'UserProfileUpdated') {
    if (str(d.name)) rec.name = str(d.name);
    if (d.email === null) delete rec.email;
    else if (str(d.email)) rec.email = str(d.email);
  }
}

/** Applies an API-keys stream's events to the map (mutating it). */
export function evolveApiKeys(keys: Map<string, ApiKeyRecord>, e: RecordedEvent): void {
  const d = e.data as Record<string, unknown>;
  const keyId = str(d.keyId);
  if (!keyId) return;
  if (e.type === 'ApiKeyIssued') {
    keys.set(keyId, {
      keyId,
      hash: String(d.hash),
      roles: (Array.isArray(d.roles) ? d.roles : []).filter(isRole),
      label: String(d.label ?? ''),
      issuedBy: str(d.issuedBy) ?? e.metadata.actorId,
      issuedAt: e.metadata.occurredAt,
      ...(str(d.validUntil) ? { validUntil: str(d.validUntil) } : {}),
    });
  } else if (e.type === 'ApiKeyRevoked') {
    const k = keys.get(keyId);
    if (k && !k.revokedAt) {
      k.revokedAt = e.metadata.occurredAt;
      k.revokedBy = str(d.revokedBy) ?? e.metadata.actorId;
    }
  }
}
