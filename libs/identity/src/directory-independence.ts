import type { Role } from './actor';
import { grantEnd, liveGrants, type RoleGrant, type UserRecord } from './directory-model';

/**
 * The OIV is independent of the body it assesses (d.lgs. 150/2009 art. 14, art. 14-bis): nobody
 * holds `oiv` and, over an overlapping period, a role inside the same tenant: its staff, its organs
 * or the administration of its directory. `osservatore` (read only) and `revisori` (another external
 * control body) are not internal.
 */
export const INDEPENDENT_ROLE: Role = 'oiv';
export const INTERNAL_ROLES: readonly Role[] = [
  'segretario_generale',
  'rpct',
  'dirigente',
  'po',
  'rilevatore',
  'segreteria_organi',
  'struttura_tecnica',
  'presidente',
  'admin',
];

/** The roles that may not be held together with `role` (over overlapping periods). */
export function incompatibleRoles(role: Role): readonly Role[] {
  if (role === INDEPENDENT_ROLE) return INTERNAL_ROLES;
  return INTERNAL_ROLES.includes(role) ? [INDEPENDENT_ROLE] : [];
}

const overlaps = (g: RoleGrant, from: Date, until: Date | undefined): boolean => {
  const end = grantEnd(g);
  return (end === undefined || Date.parse(end) > from.getTime()) && (until === undefined || Date.parse(g.validFrom) < until.getTime());
};

/** A live grant of `grants` that granting `role` for [from, until) would contradict, or undefined. */
export function incompatibleGrant(grants: readonly RoleGrant[], role: Role, from: Date, until: Date | undefined, now: Date): RoleGrant | undefined {
  const against = incompatibleRoles(role);
  return liveGrants(grants, now).find((g) => against.includes(g.role) && overlaps(g, from, until));
}

/** A person whose live grants already break the OIV's independence. */
export interface IndependenceConflict {
  userId: string;
  name?: string;
  oiv: RoleGrant[];
  internal: RoleGrant[];
}

/** Users holding `oiv` and an internal role over overlapping periods, now or in the future. */
export function independenceConflicts(users: readonly UserRecord[], now: Date): IndependenceConflict[] {
  const out: IndependenceConflict[] = [];
  for (const u of users) {
    const live = liveGrants(u.grants, now);
    const oiv = live.filter((g) => g.role === INDEPENDENT_ROLE);
    const internal = live.filter(
      (g) => INTERNAL_ROLES.includes(g.role) && oiv.some((o) => overlaps(g, new Date(o.validFrom), grantEnd(o) ? new Date(grantEnd(o) as string) : undefined)),
    );
    if (internal.length > 0) {
      out.push({
        userId: u.userId,
        ...(u.name ? { name: u.name } : {}),
        oiv: oiv.filter((o) => internal.some((g) => overlaps(o, new Date(g.validFrom), grantEnd(g) ? new Date(grantEnd(g) as string) : undefined))),
        internal,
      });
    }
  }
  return out;
}
