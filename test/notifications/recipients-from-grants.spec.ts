// Who is reminded comes from the role grants (events), not from the seed files: a role granted
// through the API makes its holder a recipient from the next reminder on, a revoked one stops it;
// a tenant the directory does not know still reminds the people of its seed file.
import { resolve } from 'node:path';
import type { EventStore } from '@ciclo/event-store';
import { DirectoryService } from '@ciclo/identity';
import { GrantedRecipients, StaticTenantDirectory } from '@ciclo/notifications';
import { EVENT_STORE } from '@ciclo/platform';
import { startTestApi, type TestApi } from '../support/api';

describe('reminder recipients from the role grants', () => {
  let api: TestApi;
  let recipients: GrantedRecipients;
  let root: string;

  beforeAll(async () => {
    api = await startTestApi('grants');
    root = await api.token('u-root', ['admin'], 'platform');
    const directory = new DirectoryService(api.app.get<EventStore>(EVENT_STORE));
    recipients = new GrantedRecipients(
      { people: (tenant, at) => directory.peopleAt(tenant, at) },
      StaticTenantDirectory.fromDirectory(resolve(__dirname, '../../seeds/tenants')),
    );
  });
  afterAll(async () => api?.close());

  const ids = async (roles: string[]) => (await recipients.withRoles('cciaa-po', roles)).map((r) => r.userId).sort();

  it('falls back to the seed file while the directory records nobody in the tenant', async () => {
    expect(await ids(['segretario_generale'])).toEqual(['u-demo-sg']);
    expect(recipients.profile('cciaa-po')?.name).toBeTruthy();
  });

  it('reminds whoever holds the role now, with the name and e-mail of their profile', async () => {
    const register = await api.call('POST', '/tenants', { token: root, body: { id: 'cciaa-po', name: 'Camera di commercio di Pistoia-Prato', ipaCode: 'cciaa_po' } });
    expect(register.status).toBe(201);
    const profile = await api.call('PUT', '/tenants/cciaa-po/users/u-nuova-sg', { token: root, body: { name: 'Nuova Segretaria', email: 'nuova.segretaria@example.org' } });
    expect(profile.status).toBe(200);
    const grant = await api.call('POST', '/tenants/cciaa-po/users/u-nuova-sg/roles', { token: root, body: { role: 'segretario_generale' } });
    expect(grant.status).toBe(201);
    // The directory now knows the tenant: its grants decide, the file's people no longer do.
    expect(await recipients.withRoles('cciaa-po', ['segretario_generale'])).toEqual([
      { userId: 'u-nuova-sg', name: 'Nuova Segretaria', email: 'nuova.segretaria@example.org', roles: ['segretario_generale'] },
    ]);
    expect(await ids(['po'])).toEqual([]);
    expect((await recipients.user('cciaa-po', 'u-nuova-sg'))?.email).toBe('nuova.segretaria@example.org');
  });

  it('stops reminding a person whose role was revoked', async () => {
    const revoke = await api.call('DELETE', '/tenants/cciaa-po/users/u-nuova-sg/roles/segretario_generale', { token: root });
    expect(revoke.status).toBe(200);
    expect(await ids(['segretario_generale'])).toEqual([]);
    // Still a person of the tenant, with no role.
    expect((await recipients.user('cciaa-po', 'u-nuova-sg'))?.roles).toEqual([]);
  });
});
