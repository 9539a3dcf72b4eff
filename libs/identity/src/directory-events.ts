import type { PatronDay } from '@ciclo/domain';
import type { JsonObject, RecordedEvent } from '@ciclo/event-store';
import { isRole, type Role } from './actor';

/**
 * The directory's events, typed (docs/adr/0008-typed-events.md): one member per type,
 * discriminated by `kind` (= the type), and `other` for a type this code does not know (it only
 * advances the version). `classifyDirectoryEvent` reads a stored event's data defensively and
 * fills what older events left out from their metadata (who, when); the folds switch on the union
 * exhaustively.
 */

/** Who and when, and the stream version. */
export interface DirectoryEnvelope {
  actorId: string;
  occurredAt: string;
  version: number;
}

export interface TenantRegisteredData {
  tenantId: string;
  name: string;
  ipaCode: string;
  timeZone: string;
  patronDays: PatronDay[];
  extraClosures: string[];
}
/** The calendar fields are present only when the update changes them (schema version 2; version 1 never carries them). */
export interface TenantProfileUpdatedData {
  tenantId: string;
  address: string;
  legalRepresentative: string;
  employees: number;
  website: string;
  timeZone?: string;
  patronDays?: PatronDay[];
  extraClosures?: string[];
}
/** `role` null: not a role this code knows (the grant is ignored). */
export interface RoleGrantedData {
  userId: string;
  role: Role | null;
  grantedBy: string;
  validFrom: string;
  validUntil?: string;
}
export interface RoleRevokedData {
  userId: string;
  role: Role | null;
  revokedBy: string;
  effectiveAt: string;
}
/** `email` null clears it; absent leaves it. */
export interface UserProfileUpdatedData {
  userId: string;
  name?: string;
  email?: string | null;
}
export interface ApiKeyIssuedData {
  keyId: string;
  hash: string;
  roles: Role[];
  label: string;
  issuedBy: string;
  validUntil?: string;
}
export interface ApiKeyRevokedData {
  keyId: string;
  revokedBy: string;
}
export interface CalendarFeedCreatedData {
  feedId: string;
  userId: string;
  hash: string;
  scope: 'mine' | 'all';
  roles: Role[];
}
export interface CalendarFeedRevokedData {
  feedId: string;
  revokedBy: string;
}

/** The data of each directory event type. */
export interface DirectoryEventData {
  TenantRegistered: TenantRegisteredData;
  TenantProfileUpdated: TenantProfileUpdatedData;
  RoleGranted: RoleGrantedData;
  RoleRevoked: RoleRevokedData;
  UserProfileUpdated: UserProfileUpdatedData;
  ApiKeyIssued: ApiKeyIssuedData;
  ApiKeyRevoked: ApiKeyRevokedData;
  CalendarFeedCreated: CalendarFeedCreatedData;
  CalendarFeedRevoked: CalendarFeedRevokedData;
}

export type DirectoryEventType = keyof DirectoryEventData;

export type DirectoryEvent =
  | { [K in DirectoryEventType]: DirectoryEnvelope & { kind: K; data: DirectoryEventData[K] } }[DirectoryEventType]
  | (DirectoryEnvelope & { kind: 'other'; type: string });

/** The data schema version of each directory event type (written in `metadata.schemaVersion`). */
export const DIRECTORY_EVENT_SCHEMA_VERSIONS: Readonly<Record<DirectoryEventType, number>> = {
  TenantRegistered: 1,
  TenantProfileUpdated: 2,
  RoleGranted: 1,
  RoleRevoked: 1,
  UserProfileUpdated: 1,
  ApiKeyIssued: 1,
  ApiKeyRevoked: 1,
  CalendarFeedCreated: 1,
  CalendarFeedRevoked: 1,
};

export const DIRECTORY_EVENT_TYPES = Object.keys(DIRECTORY_EVENT_SCHEMA_VERSIONS) as readonly DirectoryEventType[];

export const directoryEventSchemaVersion = (type: string): number =>
  Object.hasOwn(DIRECTORY_EVENT_SCHEMA_VERSIONS, type) ? DIRECTORY_EVENT_SCHEMA_VERSIONS[type as DirectoryEventType] : 1;

/** The event data of a type, checked by the compiler, as the store takes it. */
export const directoryData = <K extends DirectoryEventType>(type: K, data: DirectoryEventData[K]): { type: K; data: JsonObject } => ({
  type,
  data: data as unknown as JsonObject,
});

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const roles = (v: unknown): Role[] => (Array.isArray(v) ? v : []).filter(isRole);
const patronDays = (v: unknown): PatronDay[] => (Array.isArray(v) ? (v.filter((p) => typeof p === 'object' && p !== null && !Array.isArray(p)) as PatronDay[]) : []);
const dates = (v: unknown): string[] => (Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string') : []);

/** A stored directory event as a member of the union. */
export function classifyDirectoryEvent(e: Pick<RecordedEvent, 'type' | 'data' | 'metadata' | 'version'>): DirectoryEvent {
  const d = e.data as Record<string, unknown>;
  const env: DirectoryEnvelope = { actorId: e.metadata.actorId, occurredAt: e.metadata.occurredAt, version: e.version };
  switch (e.type) {
    case 'TenantRegistered':
      return {
        ...env,
        kind: e.type,
        data: {
          tenantId: String(d.tenantId ?? ''),
          name: String(d.name),
          ipaCode: String(d.ipaCode),
          timeZone: String(d.timeZone),
          patronDays: patronDays(d.patronDays),
          extraClosures: dates(d.extraClosures),
        },
      };
    case 'TenantProfileUpdated':
      return {
        ...env,
        kind: e.type,
        data: {
          tenantId: String(d.tenantId ?? ''),
          address: String(d.address),
          legalRepresentative: String(d.legalRepresentative),
          employees: Number(d.employees),
          website: String(d.website),
          ...(str(d.timeZone) ? { timeZone: str(d.timeZone) } : {}),
          ...(Array.isArray(d.patronDays) ? { patronDays: patronDays(d.patronDays) } : {}),
          ...(Array.isArray(d.extraClosures) ? { extraClosures: dates(d.extraClosures) } : {}),
        },
      };
    case 'RoleGranted':
      return {
        ...env,
        kind: e.type,
        data: {
          userId: String(d.userId ?? ''),
          role: isRole(d.role) ? d.role : null,
          grantedBy: str(d.grantedBy) ?? env.actorId,
          validFrom: str(d.validFrom) ?? env.occurredAt,
          ...(str(d.validUntil) ? { validUntil: str(d.validUntil) } : {}),
        },
      };
    case 'RoleRevoked':
      return {
        ...env,
        kind: e.type,
        data: { userId: String(d.userId ?? ''), role: isRole(d.role) ? d.role : null, revokedBy: str(d.revokedBy) ?? env.actorId, effectiveAt: str(d.effectiveAt) ?? env.occurredAt },
      };
    case 'UserProfileUpdated':
      return {
        ...env,
        kind: e.type,
        data: { userId: String(d.userId ?? ''), ...(str(d.name) ? { name: str(d.name) } : {}), ...(d.email === null ? { email: null } : str(d.email) ? { email: str(d.email) } : {}) },
      };
    case 'ApiKeyIssued':
      return {
        ...env,
        kind: e.type,
        data: {
          keyId: str(d.keyId) ?? '',
          hash: String(d.hash),
          roles: roles(d.roles),
          label: String(d.label ?? ''),
          issuedBy: str(d.issuedBy) ?? env.actorId,
          ...(str(d.validUntil) ? { validUntil: str(d.validUntil) } : {}),
        },
      };
    case 'ApiKeyRevoked':
      return { ...env, kind: e.type, data: { keyId: str(d.keyId) ?? '', revokedBy: str(d.revokedBy) ?? env.actorId } };
    case 'CalendarFeedCreated':
      return {
        ...env,
        kind: e.type,
        data: { feedId: str(d.feedId) ?? '', userId: String(d.userId), hash: String(d.hash), scope: d.scope === 'all' ? 'all' : 'mine', roles: roles(d.roles) },
      };
    case 'CalendarFeedRevoked':
      return { ...env, kind: e.type, data: { feedId: str(d.feedId) ?? '', revokedBy: str(d.revokedBy) ?? env.actorId } };
    default:
      return { ...env, kind: 'other', type: e.type };
  }
}

/** For a `never` default of the folds: a member without its case does not compile. */
export function unhandledDirectoryEvent(e: never): never {
  throw new Error(`Unhandled directory event ${JSON.stringify(e)}`);
}
