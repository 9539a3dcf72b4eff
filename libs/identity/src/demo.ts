import { readFileSync } from 'node:fs';
import type { PatronDay } from '@ciclo/domain';
import { isRole, type ChangeAuthor, type Role } from './actor';
import type { DirectoryService } from './directory';
import { liveGrants } from './directory-model';

export interface DemoDirectoryFile {
  id: string;
  name: string;
  ipaCode: string;
  timeZone?: string;
  patronDays?: PatronDay[];
  extraClosures?: string[];
  /** The registry data of the Scheda anagrafica (`TenantProfileUpdated`). */
  profile?: { address: string; legalRepresentative: string; employees: number; website: string };
  users: { id: string; name?: string; email?: string; roles: string[] }[];
}

export interface DemoLoadResult {
  tenant: string;
  tenantRegistered: boolean;
  /** Whether the registry data was recorded (missing or different, or the file's calendar differs from the directory's). */
  tenantProfile: boolean;
  grants: number;
  profiles: number;
}

/**
 * Loads a tenant and its users from a seed file (`seeds/tenants/demo.json`) through the directory
 * service, as an administrator would: the tenant is registered (with the file's calendar) when
 * missing, its registry data recorded when missing or different, and with it the file's calendar
 * when that differs from the directory's; each user gets their
 * profile and every listed role not already held. Running it again writes nothing.
 */
export async function loadDemoDirectory(
  directory: DirectoryService,
  file: string,
  options: { author?: ChangeAuthor; correlationId?: string } = {},
): Promise<DemoLoadResult> {
  const seed = JSON.parse(readFileSync(file, 'utf8')) as DemoDirectoryFile;
  const by = options.author ?? { userId: 'system:seed', role: 'system' };
  const meta = { correlationId: options.correlationId ?? `seed-${seed.id}` };
  let tenantRegistered = false;
  if (!(await directory.tenant(seed.id))) {
    await directory.registerTenant(
      {
        id: seed.id,
        name: seed.name,
        ipaCode: seed.ipaCode,
        timeZone: seed.timeZone,
        patronDays: seed.patronDays ?? [],
        extraClosures: seed.extraClosures ?? [],
      },
      by,
      meta,
    );
    tenantRegistered = true;
  }
  let tenantProfile = false;
  if (seed.profile) {
    const rec = await directory.tenant(seed.id);
    const current = rec?.profile;
    const p = seed.profile;
    // The file's calendar is demo input: recorded again when it no longer matches the directory's.
    const calendar = { timeZone: seed.timeZone ?? 'Europe/Rome', patronDays: seed.patronDays ?? [], extraClosures: [...new Set(seed.extraClosures ?? [])].sort() };
    const calendarChanged =
      !!rec &&
      (rec.timeZone !== calendar.timeZone ||
        JSON.stringify(rec.patronDays) !== JSON.stringify(calendar.patronDays.map((d) => ({ month: d.month, day: d.day, name: d.name.trim(), legalHoliday: d.legalHoliday }))) ||
        JSON.stringify(rec.extraClosures) !== JSON.stringify(calendar.extraClosures));
    if (calendarChanged || !current || current.address !== p.address || current.legalRepresentative !== p.legalRepresentative || current.employees !== p.employees || current.website !== p.website) {
      await directory.setTenantProfile(seed.id, { ...p, ...(calendarChanged ? calendar : {}) }, by, meta);
      tenantProfile = true;
    }
  }
  let grants = 0;
  let profiles = 0;
  const now = new Date();
  for (const u of seed.users ?? []) {
    const rec = await directory.user(seed.id, u.id);
    if (u.name && (rec?.name !== u.name || (u.email ?? undefined) !== rec?.email)) {
      await directory.setProfile(
        seed.id,
        u.id,
        { name: u.name, ...(u.email ? { email: u.email } : {}) },
        by,
        meta,
      );
      profiles++;
    }
    for (const role of u.roles) {
      if (!isRole(role)) throw new Error(`${file}: user ${u.id}: unknown role "${role}"`);
      if (liveGrants(rec?.grants ?? [], now, role as Role).length > 0) continue;
      await directory.grantRole(seed.id, u.id, { role }, by, meta);
      grants++;
    }
  }
  return { tenant: seed.id, tenantRegistered, tenantProfile, grants, profiles };
}
