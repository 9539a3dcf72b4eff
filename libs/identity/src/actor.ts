/** Roles a person can hold in a tenant (a body such as a Camera di commercio). */
export const ROLES = [
  'segretario_generale',
  'rpct',
  'oiv',
  'dirigente',
  'po',
  'rilevatore',
  'segreteria_organi',
  'struttura_tecnica',
  'osservatore',
  'admin',
  'presidente',
  'revisori',
] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (v: unknown): v is Role =>
  typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/** Tenant ids: lowercase, as in stream names (`cciaa-po`). */
export const TENANT_RE = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
/**
 * User ids: the token subject (OIDC `sub` or the configured claim). Restricted to characters that
 * can name a stream (`<tenant>/user-<userId>`); a subject outside this set is refused at login.
 */
export const USER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

export const isTenantId = (v: unknown): v is string => typeof v === 'string' && TENANT_RE.test(v);
export const isUserId = (v: unknown): v is string => typeof v === 'string' && USER_ID_RE.test(v);

/**
 * The reserved tenant of platform administrators: a user granted `admin` here may register
 * tenants and administer the directory (users, roles, API keys) of any tenant, and reads no
 * tenant's cycles. It is never registered as a body and holds no other role.
 */
export const PLATFORM_TENANT = 'platform';

/** How the request proved who it is. */
export type AuthMethod = 'dev_token' | 'oidc' | 'api_key' | 'system';

/** The authenticated person behind a request: who, in which tenant, with which roles. */
export interface Actor {
  userId: string;
  name?: string;
  tenant: string;
  roles: Role[];
  /** How the actor was authenticated (absent on actors built by hand, e.g. in tests). */
  via?: AuthMethod;
}

/** Who performs a directory change, as recorded in the events' metadata. */
export interface ChangeAuthor {
  userId: string;
  /** The role acted in (`admin`; `system` for the CLI bootstrap). */
  role: string;
  /** The author's own tenant when it differs from the changed tenant (a platform administrator). */
  tenant?: string;
}

export const isPlatformAdmin = (actor: Actor): boolean =>
  actor.tenant === PLATFORM_TENANT && actor.roles.includes('admin');
