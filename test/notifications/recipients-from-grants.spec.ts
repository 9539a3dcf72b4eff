// Who is reminded comes from the role grants (events) only, never from the seed files: a role
// granted through the API makes its holder a recipient of the next reminder, a revoked one stops
// it; a tenant the directory records nobody for has nobody to remind, whatever its seed file lists.
import { resolve } from 'node:path';
import { DeadlinesRuntime, OffsetClock } from '@ciclo/deadlines';
import { PostgresEventStore } from '@ciclo/event-store';
import { DirectoryService } from '@ciclo/identity';
import { GrantedRecipients, StaticTenantDirectory, type ReminderSentData } from '@ciclo/notifications';
import { CycleRepository } from '@ciclo/workflow';
import { startTestApi, type TestApi } from '../support/api';
import { testRedisPrefix } from '../support/database';
import { definitions, openCycle, RPCT, startSmtp, waitFor, type Db } from '../deadlines/support';

describe('reminder recipients from the role grants', () => {
  let api: TestApi;
  let recipients: GrantedRecipients;
  let root: string;
  let d: Db;
  let rt: DeadlinesRuntime;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  // Thursday 23 December 2027, 11:00 in Rome: a 2027 RPCT report's first overdue reminder (22 December)
  // is due, and goes to the RPCT and, as an escalation, to the Segretario Generale.
  const clock = new OffsetClock('2027-12-23T10:00:00Z');

  beforeAll(async () => {
    api = await startTestApi('grants');
    root = await api.token('u-root', ['admin'], 'platform');
    const store = new PostgresEventStore({ connectionString: api.db.url, poolSize: 4 });
    d = { db: api.db, store, repo: new CycleRepository(store), close: () => store.close() };
    const directory = new DirectoryService(store);
    recipients = new GrantedRecipients(
      { people: (tenant, at) => directory.peopleAt(tenant, at) },
      StaticTenantDirectory.fromDirectory(resolve(__dirname, '../../seeds/tenants')),
    );
    smtp = await startSmtp();
    rt = new DeadlinesRuntime({
      store,
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      prefix: testRedisPrefix('grants').replace(/:$/, ''),
      definitions,
      directory: recipients,
      smtpUrl: smtp.url,
      mailFrom: 'ciclo@example.org',
      publicUrl: 'https://ciclo.example.org',
      clock,
      retryDelayMs: 100,
      checkIntervalMs: 200,
      run: { scheduler: true, reminders: true, inbox: false, webhooks: false },
      name: 'grants',
    });
    await rt.start();
  });
  afterAll(async () => {
    await rt?.stop();
    await smtp?.close();
    await d?.close();
    await api?.close();
  });

  const ids = async (roles: string[]) => (await recipients.withRoles('cciaa-po', roles)).map((r) => r.userId).sort();

  /** Opens a 2027 RPCT report now (by the clock) and answers its first overdue reminder once sent. */
  const nextReminder = async (): Promise<ReminderSentData> => {
    const id = await openCycle(d, 'cciaa-po', 'relazione_rpct', 2027, clock.now(), RPCT);
    return waitFor('the overdue reminder', async () => {
      const sent = await d.store.readStream(`cciaa-po/reminders-${id}`);
      return sent.map((e) => e.data as unknown as ReminderSentData).find((x) => x.offset === -7);
    });
  };

  it('reminds nobody while the directory records nobody in the tenant, though the seed file lists people', async () => {
    expect(await ids(['segretario_generale', 'rpct', 'po'])).toEqual([]);
    expect(recipients.profile('cciaa-po')?.name).toBeTruthy();
    const reminder = await nextReminder();
    expect(reminder.recipients).toEqual([]);
  });

  it('reminds whoever holds the role now, with the name and e-mail of their profile', async () => {
    const register = await api.call('POST', '/tenants', { token: root, body: { id: 'cciaa-po', name: 'Camera di commercio di Pistoia-Prato', ipaCode: 'cciaa_po' } });
    expect(register.status).toBe(201);
    const profile = await api.call('PUT', '/tenants/cciaa-po/users/u-nuova-sg', { token: root, body: { name: 'Nuova Segretaria', email: 'nuova.segretaria@example.org' } });
    expect(profile.status).toBe(200);
    const grant = await api.call('POST', '/tenants/cciaa-po/users/u-nuova-sg/roles', { token: root, body: { role: 'segretario_generale' } });
    expect(grant.status).toBe(201);
    // The directory now knows the tenant: its grants decide.
    expect(await recipients.withRoles('cciaa-po', ['segretario_generale'])).toEqual([
      { userId: 'u-nuova-sg', name: 'Nuova Segretaria', email: 'nuova.segretaria@example.org', roles: ['segretario_generale'] },
    ]);
    expect(await ids(['po'])).toEqual([]);
    expect((await recipients.user('cciaa-po', 'u-nuova-sg'))?.email).toBe('nuova.segretaria@example.org');

    // The next reminder goes to her: recorded with her as recipient, and e-mailed to her.
    const reminder = await nextReminder();
    expect(reminder.recipients).toEqual([{ userId: 'u-nuova-sg', name: 'Nuova Segretaria', email: 'nuova.segretaria@example.org', reason: 'escalation' }]);
    const mail = await waitFor('the e-mail', async () => smtp.mails.find((m) => m.key === reminder.key));
    expect(mail.to).toEqual(['nuova.segretaria@example.org']);
  });

  it('stops reminding a person whose role was revoked', async () => {
    const revoke = await api.call('DELETE', '/tenants/cciaa-po/users/u-nuova-sg/roles/segretario_generale', { token: root });
    expect(revoke.status).toBe(200);
    expect(await ids(['segretario_generale'])).toEqual([]);
    // Still a person of the tenant, with no role.
    expect((await recipients.user('cciaa-po', 'u-nuova-sg'))?.roles).toEqual([]);

    const reminder = await nextReminder();
    expect(reminder.recipients).toEqual([]);
    expect(smtp.mails.filter((m) => m.key === reminder.key)).toEqual([]);
  });
});
