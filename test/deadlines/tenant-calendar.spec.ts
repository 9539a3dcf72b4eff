// One deadline, one date: for a chamber whose own calendar moves a deadline (Rome's patron day, 29
// June, is a legal holiday there), the projection row, the deadlines query, the cycle view, the
// inbox, the iCalendar feed, the reminder sent and the reminders scheduled all show the same date;
// the same deadline of a chamber without that holiday stays on 29 June everywhere. Rome's calendar
// is the identity directory's (registered through the API), the one source of every reader. When
// Rome's calendar changes, the reminder jobs already waiting move with it, with no event on the cycle.
import IORedis from 'ioredis';
import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import { ROMA_SANTI_PIETRO_E_PAOLO } from '@ciclo/domain';
import { DeadlinesRuntime, OffsetClock, REMINDER_QUEUE, type ReminderJobData } from '@ciclo/deadlines';
import { PostgresEventStore } from '@ciclo/event-store';
import { DirectoryService, TenantCalendars } from '@ciclo/identity';
import { DirectoryCalendarProfiles, GrantedRecipients, StaticTenantDirectory, type ReminderSentData } from '@ciclo/notifications';
import { CycleRepository } from '@ciclo/workflow';
import { startTestApi, type TestApi } from '../support/api';
import { testRedisPrefix } from '../support/database';
import { definitions, openCycle, ROOT, RPCT, run, startSmtp, waitFor, type Db } from './support';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROMA = 'cciaa-rm';
const PRATO = 'cciaa-po';

describe("deadlines with the tenant's calendar", () => {
  let api: TestApi;
  let d: Db;
  let rt: DeadlinesRuntime;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let redis: IORedis;
  let queue: Queue<ReminderJobData>;
  // Monday 28 June 2027, 12:00 in Rome: the "1 day before" reminder of a 29 June deadline is due.
  const clock = new OffsetClock('2027-06-28T10:00:00Z');
  const prefix = testRedisPrefix('dlcal').replace(/:$/, '');
  const cycles: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestApi('dlcal', {}, { projections: true });
    // One more chamber, registered by a platform administrator: Rome, whose patron day is a legal holiday.
    const root = await api.token('u-root', ['admin'], 'platform');
    const registered = await api.call('POST', '/tenants', { token: root, body: { id: ROMA, name: 'Camera di commercio di Roma', ipaCode: 'cciaa_rm', patronDays: [ROMA_SANTI_PIETRO_E_PAOLO] } });
    expect(registered.status).toBe(201);
    const store = new PostgresEventStore({ connectionString: api.db.url, poolSize: 4 });
    d = { db: api.db, store, repo: new CycleRepository(store), close: () => store.close() };
    // The same attestation in both chambers, its deadline moved by ANAC's delibera to Tuesday 29 June.
    for (const tenant of [ROMA, PRATO]) {
      const id = await openCycle(d, tenant, 'attestazione_oiv', 2027, clock.now(), RPCT);
      await run(d, tenant, id, { type: 'move_deadline', deadlineId: 'pubblicazione', newDate: '2027-06-29', reason: 'Delibera ANAC sulle attestazioni 2027', reference: 'Delibera ANAC n. 1/2027' }, RPCT, clock.now());
      cycles[tenant] = id;
    }

    smtp = await startSmtp();
    redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue<ReminderJobData>(REMINDER_QUEUE, { connection: redis, prefix });
    const people = new DirectoryService(store);
    // As the worker wires it: calendars from the directory, the other settings from the seed files.
    const calendars = TenantCalendars.of(store);
    await calendars.ready();
    rt = new DeadlinesRuntime({
      store,
      redisUrl: REDIS_URL,
      prefix,
      definitions,
      directory: new GrantedRecipients({ people: (t, at) => people.peopleAt(t, at) }, new DirectoryCalendarProfiles(calendars, StaticTenantDirectory.fromDirectory(resolve(ROOT, 'seeds/tenants')))),
      calendars,
      smtpUrl: smtp.url,
      mailFrom: 'ciclo@example.org',
      publicUrl: 'https://ciclo.example.org',
      clock,
      retryDelayMs: 100,
      checkIntervalMs: 200,
      run: { scheduler: true, reminders: true, inbox: false, webhooks: false },
      name: 'dlcal',
    });
    await rt.start();
  });

  afterAll(async () => {
    await rt?.stop();
    await queue?.close();
    redis?.disconnect();
    await smtp?.close();
    await d?.close();
    await api?.close();
  });

  /** Every date the system shows for the deadline of `tenant`'s attestation. */
  async function datesShown(tenant: string): Promise<Record<string, string | null>> {
    const id = cycles[tenant];
    const token = await api.token('u-rpct', ['rpct'], tenant);
    const row = await waitFor('the projection row', async () => {
      const { rows } = await api.pool.query<{ legal: string; effective: string }>(
        `SELECT legal_date::text AS legal, effective_date::text AS effective FROM rm_deadlines WHERE cycle_id = $1 AND deadline_id = 'pubblicazione'`,
        [id],
      );
      return rows[0]?.legal === '2027-06-29' ? rows[0] : null;
    });
    const query = await api.call<{ deadlineId: string; effectiveDate: string; status: string }[]>('GET', `/deadlines?cycleId=${id}`, { token });
    const inbox = await api.call<{ cycleId: string; dueDate: string; dueStatus: string }[]>('GET', '/inbox', { token });
    const item = inbox.body.find((x) => x.cycleId === id);
    // The inbox classifies its due date as the deadlines query does (one rule, one due-soon window).
    expect(item?.dueStatus).toBe(query.body.find((x) => x.deadlineId === 'pubblicazione')?.status);
    const listed = await api.call<{ id: string; nextDeadline: { date: string } | null }[]>('GET', '/cycles?type=attestazione_oiv', { token });
    const view = await api.call<{ deadlines: { id: string; effectiveDate: string }[] }>('GET', `/cycles/${id}`, { token });
    const ics = await api.call<string>('GET', '/calendar.ics', { token });
    const event = ics.body.split('BEGIN:VEVENT').find((e) => e.includes(`UID:${id}-pubblicazione@ciclo`)) ?? '';
    const sent = await waitFor('the reminder of the day before', async () => {
      const events = await d.store.readStream(`${tenant}/reminders-${id}`);
      return events.map((e) => e.data as unknown as ReminderSentData).find((x) => x.offset === 1);
    });
    const firstOverdue = await waitFor('the first overdue reminder job', async () => (await queue.getJobs(['delayed', 'waiting'])).find((j) => j.data.cycleId === id && j.data.kind === 'overdue'));
    return {
      projection: row.effective,
      query: query.body.find((x) => x.deadlineId === 'pubblicazione')?.effectiveDate ?? null,
      cycles: listed.body.find((c) => c.id === id)?.nextDeadline?.date ?? null,
      inbox: item?.dueDate ?? null,
      view: view.body.deadlines.find((x) => x.id === 'pubblicazione')?.effectiveDate ?? null,
      ics: /DTSTART;VALUE=DATE:(\d{4})(\d{2})(\d{2})/.exec(event)?.slice(1).join('-') ?? null,
      reminderSent: sent.effectiveDate,
      // Overdue reminders count weekly from the effective date: the first is 7 days after it.
      overdueJobFrom: new Date(Date.parse(firstOverdue.data.dueAt) - 7 * 86_400_000).toISOString().slice(0, 10),
    };
  }

  it("Rome: 29 June is Santi Pietro e Paolo, and every reader moves the deadline to 30 June", async () => {
    const shown = await datesShown(ROMA);
    expect(shown).toEqual({ projection: '2027-06-30', query: '2027-06-30', cycles: '2027-06-30', inbox: '2027-06-30', view: '2027-06-30', ics: '2027-06-30', reminderSent: '2027-06-30', overdueJobFrom: '2027-06-30' });
  });

  it('Prato: no such holiday, 29 June everywhere', async () => {
    const shown = await datesShown(PRATO);
    expect(shown).toEqual({ projection: '2027-06-29', query: '2027-06-29', cycles: '2027-06-29', inbox: '2027-06-29', view: '2027-06-29', ics: '2027-06-29', reminderSent: '2027-06-29', overdueJobFrom: '2027-06-29' });
  });

  it("Rome's calendar changed: the waiting reminder jobs move to the new instants", async () => {
    const id = cycles[ROMA];
    const jobOf = async (kind: string) => (await queue.getJobs(['delayed', 'waiting'])).find((j) => j.data.cycleId === id && j.data.kind === kind);
    expect((await jobOf('due'))?.data.dueAt).toBe('2027-06-30T07:00:00.000Z');
    const events = async () => Number((await api.pool.query<{ n: string }>(`SELECT count(*) AS n FROM es_events WHERE stream_id = $1`, [`${ROMA}/cycle-${id}`])).rows[0].n);
    const before = await events();
    const admin = await api.token('u-admin-rm', ['admin'], ROMA);
    const registry = { address: 'Via de Burrò 147, 00186 Roma', legalRepresentative: 'Presidente', employees: 200, website: 'https://www.rm.camcom.it' };
    const cleared = await api.call('PUT', `/tenants/${ROMA}/profile`, { token: admin, body: { ...registry, patronDays: [] } });
    expect(cleared.status).toBe(200);
    // 29 June is a working day again: the "due" reminder goes out that morning, the overdue chain a day earlier.
    const moved = await waitFor('the due reminder on 29 June', async () => {
      const job = await jobOf('due');
      return job?.data.dueAt === '2027-06-29T07:00:00.000Z' ? job : undefined;
    });
    // Its delay runs to the new instant (on the test's clock), not to the old one a day later.
    expect(Math.abs(moved.delay - (Date.parse('2027-06-29T07:00:00.000Z') - clock.now().getTime()))).toBeLessThan(60_000);
    expect((await jobOf('overdue'))?.data.dueAt).toBe('2027-07-06T07:00:00.000Z');
    expect(await events()).toBe(before);
  });
});
