import { InvalidTenantCalendar, validateTenantCalendar, type PatronDay } from '@ciclo/domain';
import { isTenantId, PLATFORM_TENANT, type ChangeAuthor } from './actor';
import { directoryData } from './directory-events';
import { tenantFold, tenantStream, type TenantProfile, type TenantRecord, type TenantState } from './directory-model';
import type { ChangeMeta, DirectoryStreams } from './directory-streams';
import { IdentityRefusal, invalidInput, type IdentityFieldProblem } from './errors';
import { isValidTimeZone } from './time';

export interface RegisterTenantInput {
  id: string;
  name: string;
  ipaCode: string;
  timeZone?: string;
  patronDays?: PatronDay[];
  extraClosures?: string[];
}

/** The tenant's calendar as `PUT /tenants/{tenant}/profile` may change it: each field absent stays as it is. */
export interface TenantCalendarInput {
  timeZone?: string;
  patronDays?: PatronDay[];
  extraClosures?: string[];
}

const IPA_RE = /^[A-Za-z0-9_]{2,40}$/;
export const DEFAULT_TZ = 'Europe/Rome';

/** Checks the calendar fields given, adding a problem per field; returns them as recorded (names trimmed, closures sorted once each). */
function checkCalendar(input: TenantCalendarInput, problems: IdentityFieldProblem[]): TenantCalendarInput {
  if (input.timeZone !== undefined && !isValidTimeZone(input.timeZone)) problems.push({ field: 'timeZone', problem: 'must be an IANA time zone such as Europe/Rome' });
  const patronDays = input.patronDays ?? [];
  const extraClosures = input.extraClosures ?? [];
  try {
    validateTenantCalendar({ patronDays, extraClosures });
  } catch (err) {
    if (!(err instanceof InvalidTenantCalendar)) throw err;
    problems.push({ field: /closure/i.test(err.message) ? 'extraClosures' : 'patronDays', problem: err.message });
  }
  if (patronDays.length > 20) problems.push({ field: 'patronDays', problem: 'at most 20' });
  if (extraClosures.length > 366) problems.push({ field: 'extraClosures', problem: 'at most 366' });
  return {
    ...(input.timeZone !== undefined ? { timeZone: input.timeZone } : {}),
    ...(input.patronDays ? { patronDays: input.patronDays.map((p) => ({ month: p.month, day: p.day, name: p.name.trim(), legalHoliday: p.legalHoliday })) } : {}),
    ...(input.extraClosures ? { extraClosures: [...new Set(input.extraClosures)].sort() } : {}),
  };
}

/** An absolute http(s) address with a host. */
function isWebPage(v: string): boolean {
  try {
    const u = new URL(v.trim());
    return (u.protocol === 'https:' || u.protocol === 'http:') && !!u.hostname && !/\s/.test(v.trim());
  } catch {
    return false;
  }
}

/** The record of a tenant's stream, named by the stream's tenant. */
const recordOf = (s: TenantState, tenant: string): TenantRecord | null => (s.record ? { ...s.record, id: tenant } : null);

/** Tenants (the bodies) and their registry data: `<tenant>/tenant`. */
export class TenantDirectory {
  constructor(private readonly streams: DirectoryStreams) {}

  /**
   * The tenant as registered, with its registry data, or null. Cached once found; every read asks
   * the store only for the events after the cached version (a profile update counts at once).
   */
  async tenant(id: string): Promise<TenantRecord | null> {
    if (!isTenantId(id) || id === PLATFORM_TENANT) return null;
    return recordOf((await this.streams.tenants.load(tenantStream(id))).state, id);
  }

  /** The tenant as it was recorded at an instant (its registry data then), or null; not cached. */
  async tenantAt(id: string, at: Date): Promise<TenantRecord | null> {
    if (!isTenantId(id) || id === PLATFORM_TENANT) return null;
    return recordOf(tenantFold.apply(tenantFold.initial(), await this.streams.store.readStream(tenantStream(id), { until: at })), id);
  }

  /** Whether `tenant` can hold users: a registered tenant, or the platform tenant. */
  async tenantExists(tenant: string): Promise<boolean> {
    return tenant === PLATFORM_TENANT || (await this.tenant(tenant)) !== null;
  }

  /** The tenant's time zone; refused when the tenant id is malformed or not registered. */
  async requireTenant(tenant: string): Promise<string> {
    if (!isTenantId(tenant)) throw invalidInput([{ field: 'tenant', problem: 'must be a tenant id such as cciaa-po' }]);
    if (tenant === PLATFORM_TENANT) return DEFAULT_TZ;
    const rec = await this.tenant(tenant);
    if (!rec) throw new IdentityRefusal('TENANT_NOT_FOUND', tenant);
    return rec.timeZone;
  }

  /** Registers a body (a chamber). Refused when the id is taken or reserved. */
  async registerTenant(input: RegisterTenantInput, by: ChangeAuthor, meta: ChangeMeta): Promise<TenantRecord> {
    const problems: IdentityFieldProblem[] = [];
    if (!isTenantId(input.id))
      problems.push({
        field: 'id',
        problem: 'must be 1-63 characters: lowercase letters, digits, _ . - (e.g. cciaa-po)',
      });
    else if (input.id === PLATFORM_TENANT) problems.push({ field: 'id', problem: `"${PLATFORM_TENANT}" is reserved for platform administrators` });
    if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 300) problems.push({ field: 'name', problem: 'must be 1-300 characters' });
    if (typeof input.ipaCode !== 'string' || !IPA_RE.test(input.ipaCode)) problems.push({ field: 'ipaCode', problem: 'must be an IPA code: 2-40 letters, digits or _' });
    const calendar = checkCalendar({ timeZone: input.timeZone ?? DEFAULT_TZ, patronDays: input.patronDays ?? [], extraClosures: input.extraClosures ?? [] }, problems);
    if (problems.length) throw invalidInput(problems);
    const exists = () => new IdentityRefusal('TENANT_EXISTS', input.id);
    return this.streams.write(
      this.streams.tenants,
      tenantStream(input.id),
      input.id,
      by,
      meta,
      (s) => {
        if (s.version > 0) throw exists();
        return {
          event: directoryData('TenantRegistered', {
            tenantId: input.id,
            name: input.name.trim(),
            ipaCode: input.ipaCode,
            timeZone: calendar.timeZone ?? DEFAULT_TZ,
            patronDays: calendar.patronDays ?? [],
            extraClosures: calendar.extraClosures ?? [],
          }),
          answer: (after) => recordOf(after, input.id) as TenantRecord,
        };
      },
      exists,
    );
  }

  /**
   * Records the tenant's registry data (Scheda anagrafica of the PIAO, portal metadata): address,
   * legal representative, number of employees, website page, replacing the previous values; and,
   * when given, its time zone, patron days and closures (the calendar every deadline of the tenant
   * is computed with), each replacing the one recorded.
   */
  async setTenantProfile(
    tenant: string,
    input: { address: string; legalRepresentative: string; employees: number; website: string } & TenantCalendarInput,
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
    const calendar = checkCalendar(input, problems);
    if (problems.length) throw invalidInput(problems);
    return this.streams.write(this.streams.tenants, tenantStream(tenant), tenant, by, meta, (s) => {
      if (!s.record) throw new IdentityRefusal('TENANT_NOT_FOUND', tenant);
      const data: Omit<TenantProfile, 'updatedAt' | 'updatedBy'> = {
        address: input.address.trim(),
        legalRepresentative: input.legalRepresentative.trim(),
        employees: input.employees,
        website: input.website.trim(),
      };
      return { event: directoryData('TenantProfileUpdated', { tenantId: tenant, ...data, ...calendar }), answer: (after) => recordOf(after, tenant) as TenantRecord };
    });
  }
}
