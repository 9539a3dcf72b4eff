import type { RecordedEvent } from '@ciclo/event-store';
import { calendarFeedsFold } from './calendar-feeds';
import { classifyDirectoryEvent, DIRECTORY_EVENT_SCHEMA_VERSIONS, DIRECTORY_EVENT_TYPES, directoryEventSchemaVersion } from './directory-events';
import { apiKeysFold, tenantFold, userFold } from './directory-model';

let version = 0;
const stored = (type: string, data: Record<string, unknown>, occurredAt = '2026-03-02T10:00:00.000Z'): RecordedEvent =>
  ({ type, data, version: ++version, metadata: { actorId: 'u-admin', actorRole: 'admin', occurredAt, tenant: 'cciaa-po' } }) as unknown as RecordedEvent;

/** The data of a known type (fails the test on `other`). */
function dataOf(e: RecordedEvent): unknown {
  const c = classifyDirectoryEvent(e);
  if (c.kind === 'other') throw new Error(`${c.type} not classified`);
  return c.data;
}

describe('typed directory events', () => {
  beforeEach(() => (version = 0));

  it('gives every type its member and its schema version; an unknown type is `other`', () => {
    expect([...DIRECTORY_EVENT_TYPES].sort()).toEqual(Object.keys(DIRECTORY_EVENT_SCHEMA_VERSIONS).sort());
    for (const type of DIRECTORY_EVENT_TYPES) {
      expect(classifyDirectoryEvent(stored(type, {})).kind).toBe(type);
      // TenantProfileUpdated is at 2: it may carry the tenant's calendar.
      expect(directoryEventSchemaVersion(type)).toBe(type === 'TenantProfileUpdated' ? 2 : 1);
    }
    expect(classifyDirectoryEvent(stored('SomethingNewer', { x: 1 }))).toMatchObject({ kind: 'other', type: 'SomethingNewer' });
  });

  it('fills what older events left out from their metadata, and drops roles this code does not know', () => {
    expect(dataOf(stored('RoleGranted', { userId: 'u-1', role: 'po' }))).toEqual({
      userId: 'u-1',
      role: 'po',
      grantedBy: 'u-admin',
      validFrom: '2026-03-02T10:00:00.000Z',
    });
    expect(dataOf(stored('RoleGranted', { userId: 'u-1', role: 'sovrano' }))).toMatchObject({ role: null });
    expect(dataOf(stored('ApiKeyIssued', { keyId: 'k', hash: 'h', roles: ['po', 'x'] }))).toMatchObject({ roles: ['po'], label: '', issuedBy: 'u-admin' });
    expect(dataOf(stored('UserProfileUpdated', { userId: 'u-1', email: null }))).toEqual({ userId: 'u-1', email: null });
  });

  it('folds a user: grants, a revocation ending them, a profile; the state folded from is not changed', () => {
    const granted = userFold.apply(userFold.initial(), [
      stored('RoleGranted', { userId: 'u-1', role: 'po', validFrom: '2026-03-02T10:00:00.000Z' }),
      stored('RoleGranted', { userId: 'u-1', role: 'sovrano' }),
      stored('UserProfileUpdated', { userId: 'u-1', name: 'Anna', email: 'anna@example.it' }),
    ]);
    expect(granted.grants.map((g) => g.role)).toEqual(['po']);
    const revoked = userFold.apply(granted, [stored('RoleRevoked', { userId: 'u-1', role: 'po', effectiveAt: '2026-03-05T00:00:00.000Z' }), stored('UserProfileUpdated', { userId: 'u-1', email: null })]);
    expect(revoked).toMatchObject({ version: 5, name: 'Anna', grants: [{ role: 'po', revokedAt: '2026-03-05T00:00:00.000Z', revokedBy: 'u-admin' }] });
    expect(revoked).not.toHaveProperty('email');
    expect(granted.grants[0]).not.toHaveProperty('revokedAt');
    expect(granted.email).toBe('anna@example.it');
  });

  it('folds a tenant, its keys and its feeds', () => {
    const t = tenantFold.apply(tenantFold.initial(), [
      stored('TenantRegistered', { tenantId: 'cciaa-po', name: 'CCIAA', ipaCode: 'cciaa_po', timeZone: 'Europe/Rome' }),
      stored('TenantProfileUpdated', { tenantId: 'cciaa-po', address: 'Via', legalRepresentative: 'P', employees: 80, website: 'https://x.it' }),
    ]);
    expect(t).toMatchObject({ version: 2, record: { id: 'cciaa-po', patronDays: [], version: 2, profile: { employees: 80, updatedBy: 'u-admin' } } });
    const moved = tenantFold.apply(t, [
      stored('TenantProfileUpdated', { tenantId: 'cciaa-po', address: 'Via', legalRepresentative: 'P', employees: 80, website: 'https://x.it', patronDays: [{ month: 6, day: 29, name: 'Santi Pietro e Paolo', legalHoliday: true }, 'x'], timeZone: 'Europe/Rome' }),
    ]);
    expect(moved.record).toMatchObject({ version: 3, patronDays: [{ month: 6, day: 29, legalHoliday: true }], extraClosures: [] });
    expect(t.record?.patronDays).toEqual([]);
    const keys = apiKeysFold.apply(apiKeysFold.initial(), [stored('ApiKeyIssued', { keyId: 'k1', hash: 'h', roles: ['po'], label: 'erp' }), stored('ApiKeyRevoked', { keyId: 'k1' })]);
    expect(keys.keys.get('k1')).toMatchObject({ revokedBy: 'u-admin', revokedAt: '2026-03-02T10:00:00.000Z' });
    const feeds = calendarFeedsFold.apply(calendarFeedsFold.initial(), [stored('CalendarFeedCreated', { feedId: 'f1', userId: 'u-1', hash: 'h', scope: 'everything', roles: ['po'] })]);
    expect(feeds.feeds.get('f1')).toMatchObject({ scope: 'mine', roles: ['po'], createdAt: '2026-03-02T10:00:00.000Z' });
  });
});
