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

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/** The authenticated person behind a request: who, in which tenant, with which roles. */
export interface Actor {
  userId: string;
  name?: string;
  tenant: string;
  roles: Role[];
}
