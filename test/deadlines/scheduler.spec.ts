// The deadline scheduler against real PostgreSQL, Redis, an SMTP server and an HTTP receiver
// started here, with an injected clock: jobs per (cycle, deadline, offset), moves, meeting,
// cancelling, reminders going out through every channel, escalation, working hours.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { parseCheckpoint } from '@ciclo/event-store';
import { DeadlinesRuntime, OffsetClock, REMINDER_QUEUE, SCHEDULER_SUBSCRIPTION, type ReminderJobData } from '@ciclo/deadlines';
import { Inbox, verifyWebhookSignature, type ReminderSentData } from '@ciclo/notifications';
import { testRedisPrefix } from '../support/database';
import { decodedText, definitions, directoryWith, openCycle, openDb, PO, RPCT, run, SG, startReceiver, startSmtp, TENANT, waitFor, type Db } from './support';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'test-webhook-secret-0123456789abcdef';

describe('deadline scheduler and reminders', () => {
  let d: Db;
  let rt: DeadlinesRuntime;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  let queue: Queue<ReminderJobData>;
  let redis: IORedis;
  const clock = new OffsetClock('2027-06-01T10:00:00Z'); // Tuesday 12:00 in Rome
  const prefix = testRedisPrefix('dl').replace(/:$/, '');

  /** Waits until the scheduler has processed everything written so far. */
  const settle = async () => {
    const head = await d.store.headPosition();
    await waitFor('the scheduler to catch up', async () => {
      const cp = await d.store.checkpointOf(SCHEDULER_SUBSCRIPTION);
      return cp !== null && parseCheckpoint(cp).position >= head;
    });
  };
  const jobsOf = async (cycleId: string) => {
    const jobs = await queue.getJobs(['delayed', 'waiting', 'active', 'completed', 'failed', 'prioritized']);
    return jobs.filter((j) => j.data.cycleId === cycleId).sort((a, b) => (a.data.dueAt < b.data.dueAt ? -1 : 1));
  };

  beforeAll(async () => {
    d = await openDb('deadlines');
    smtp = await startSmtp();
    hook = await startReceiver();
    redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue<ReminderJobData>(REMINDER_QUEUE, { connection: redis, prefix });
    rt = new DeadlinesRuntime({
      store: d.store,
      redisUrl: REDIS_URL,
      prefix,
      definitions,
      directory: directoryWith(hook.url),
      smtpUrl: smtp.url,
      mailFrom: 'Ciclo <ciclo@cciaa-po.example.org>',
      publicUrl: 'https://ciclo.example.org',
      clock,
      retryDelayMs: 100,
      checkIntervalMs: 200,
      webhookAttempts: 3,
      webhookBackoffMs: 50,
      env: { WEBHOOK_SECRET_TEST: SECRET },
      name: 'w1',
    });
    await rt.start();
  });

  afterAll(async () => {
    await rt?.stop();
    await queue?.close();
    redis?.disconnect();
    await smtp?.close();
    await hook?.close();
    await d?.close();
  });

  it('opening a cycle schedules one delayed job per reminder, with a deterministic id and the due time by the injected clock', async () => {
    clock.set('2027-06-01T10:00:00Z');
    const id = await openCycle(d, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT);
    await settle();
    const jobs = await jobsOf(id);
    expect(jobs.map((j) => j.id)).toEqual([30, 15, 7, 1, 0, -7].map((o) => `rem|${TENANT}|${id}|pubblicazione|2027-12-15|${o}`));
    expect(jobs.map((j) => j.data.dueAt)).toEqual([
      '2027-11-15T08:00:00.000Z',
      '2027-11-30T08:00:00.000Z',
      '2027-12-09T08:00:00.000Z', // 8 December (Immacolata) → 9 December 09:00
      '2027-12-14T08:00:00.000Z',
      '2027-12-15T08:00:00.000Z',
      '2027-12-22T08:00:00.000Z',
    ]);
    for (const j of jobs) {
      expect(await j.getState()).toBe('delayed');
      // The delay is what separates the injected "now" from the due time (to within the test's run time).
      const expected = Date.parse(j.data.dueAt) - Date.parse('2027-06-01T10:00:00Z');
      expect(Math.abs(j.opts.delay! - expected)).toBeLessThan(60_000);
    }
    expect(await rt.jobs.indexed(TENANT, id)).toEqual(jobs.map((j) => j.id).sort());
  });

  it('moving a deadline removes the old jobs and creates the new ones; the reason is recorded', async () => {
    clock.set('2027-06-01T10:00:00Z');
    const id = await openCycle(d, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT);
    await settle();
    const before = (await jobsOf(id)).map((j) => j.id as string);
    await run(d, TENANT, id, { type: 'move_deadline', deadlineId: 'pubblicazione', newDate: '2028-01-31', reason: 'Comunicato ANAC: differimento al 31 gennaio', reference: 'Comunicato ANAC 2027' }, RPCT, clock.now());
    await settle();
    const after = await jobsOf(id);
    // 30 January 2028 ("1 day before") is a Sunday: it goes out with the deadline day, Monday 31, once.
    expect(after.map((j) => j.id)).toEqual([30, 15, 7, 0, -7].map((o) => `rem|${TENANT}|${id}|pubblicazione|2028-01-31|${o}`));
    for (const old of before) expect(await queue.getJob(old)).toBeUndefined();
    expect(after.find((j) => j.data.offset === 0)?.data.dueAt).toBe('2028-01-31T08:00:00.000Z');
    const moved = (await d.store.readStream(`${TENANT}/cycle-${id}`)).find((e) => e.type === 'DeadlineMoved');
    expect(moved?.metadata.reason).toBe('Comunicato ANAC: differimento al 31 gennaio');
    expect(moved?.data).toMatchObject({ fromDate: '2027-12-15', toDate: '2028-01-31', reference: 'Comunicato ANAC 2027' });
  });

  it('meeting a deadline removes its pending jobs; so does cancelling the cycle', async () => {
    clock.set('2026-11-02T10:00:00Z');
    const piao = await openCycle(d, TENANT, 'piao', 2027, clock.now(), SG);
    await settle();
    const all = await jobsOf(piao);
    expect(new Set(all.map((j) => j.data.deadlineId))).toEqual(new Set(['adozione', 'pubblicazione']));
    const piaoStream = `${TENANT}/cycle-${piao}`;
    expect(rt.scheduler.keeps(piaoStream)).toBe(true);
    await run(d, TENANT, piao, { type: 'cancel', reason: 'Aperto per errore' }, SG, clock.now());
    await settle();
    expect(await jobsOf(piao)).toEqual([]);
    expect(await rt.jobs.indexed(TENANT, piao)).toEqual([]);
    // Closed, it plans nothing and is no longer kept; an event that still reaches it (written here
    // straight to the store, as a link would) is folded from the store and plans nothing again.
    expect(rt.scheduler.keeps(piaoStream)).toBe(false);
    const written = await d.store.readStream(piaoStream);
    const late = { commentId: 'c-late', text: 'Nota successiva', stage: 'bozza' };
    await d.store.append(piaoStream, [{ eventId: randomUUID(), type: 'CommentAdded', data: late, metadata: { ...written[written.length - 1].metadata } }], { expectedVersion: written.length });
    await settle();
    expect(await jobsOf(piao)).toEqual([]);
    expect(rt.scheduler.keeps(piaoStream)).toBe(false);

    // Met: the RPCT report published (stage "pubblicata") ends its reminders.
    clock.set('2027-06-01T10:00:00Z');
    const id = await openCycle(d, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT);
    await settle();
    expect((await jobsOf(id)).length).toBe(6);
    const today = '2027-06-01';
    await run(d, TENANT, id, { type: 'attach', documentId: 'doc-1', name: 'relazione.pdf', mediaType: 'application/pdf', size: 10, sha256: 'ab'.repeat(32) }, RPCT, clock.now());
    await run(d, TENANT, id, { type: 'transition', command: 'close_managers_reports', fields: {} }, RPCT, clock.now());
    await run(d, TENANT, id, { type: 'transition', command: 'complete_controls', fields: {} }, RPCT, clock.now());
    await run(d, TENANT, id, { type: 'transition', command: 'transmit_anac', fields: { recipient: 'anac', protocol: 'ANAC-1', date: today } }, RPCT, clock.now());
    await settle();
    expect((await jobsOf(id)).length).toBe(6); // not met yet: published is the stage that meets it
    expect(rt.scheduler.keeps(`${TENANT}/cycle-${id}`)).toBe(true);
    await run(d, TENANT, id, { type: 'transition', command: 'publish', fields: { channel: 'amministrazione_trasparente', url: 'https://example.org/rpct', date: today } }, PO, clock.now());
    await settle();
    expect(await jobsOf(id)).toEqual([]);
    // Published is the terminal stage: closed, not kept.
    expect(rt.scheduler.keeps(`${TENANT}/cycle-${id}`)).toBe(false);
  });

  it('keeps with each cycle the digest of the plan Redis holds: an unchanged plan is not sent again, and after a failed reconcile the retry is', async () => {
    clock.set('2027-06-01T10:00:00Z');
    type Reconcile = typeof rt.jobs.reconcile;
    const calls: { applied: (string | undefined)[]; result: Awaited<ReturnType<Reconcile>> | 'failed' }[] = [];
    const original: Reconcile = rt.jobs.reconcile.bind(rt.jobs);
    let failNext = false;
    rt.jobs.reconcile = (async (all) => {
      if (failNext) {
        failNext = false;
        calls.push({ applied: all.map((p) => p.applied), result: 'failed' });
        throw new Error('Redis unreachable (injected)');
      }
      const result = await original(all);
      calls.push({ applied: all.map((p) => p.applied), result });
      return result;
    }) as Reconcile;
    try {
      const id = await openCycle(d, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT);
      await settle();
      const opened = calls.at(-1)!;
      expect(opened.result).toMatchObject({ added: 6, unchanged: 0 });
      const digest = (opened.result as { applied: string[] }).applied[0];

      // A comment changes no deadline: the plan is the one applied, passed with its digest, left alone.
      calls.length = 0;
      await run(d, TENANT, id, { type: 'comment', commentId: 'c-digest-1', text: 'Bozza in corso' }, RPCT, clock.now());
      await settle();
      expect(calls).toEqual([{ applied: [digest], result: { added: 0, removed: 0, rescheduled: 0, unchanged: 1, applied: [digest] } }]);

      // The reconcile of the next batch fails: the digest is cleared, so the retry goes to Redis.
      calls.length = 0;
      failNext = true;
      await run(d, TENANT, id, { type: 'comment', commentId: 'c-digest-2', text: 'Seconda nota' }, RPCT, clock.now());
      await settle();
      expect(calls.map((c) => c.applied)).toEqual([[digest], [undefined]]);
      expect(calls[1].result).toMatchObject({ unchanged: 0, applied: [digest] });
      expect((await jobsOf(id)).length).toBe(6);
    } finally {
      rt.jobs.reconcile = original;
    }
  });

  it('a due reminder goes out once: e-mail in Italian, ReminderSent recorded, in-app list, signed webhook', async () => {
    clock.set('2027-12-10T10:00:00Z'); // Friday 11:00: the 7-day reminder (due 9 December) is the current one
    const id = await openCycle(d, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT);
    const key = `rem|${TENANT}|${id}|pubblicazione|2027-12-15|7`;
    const mail = await waitFor('the e-mail', async () => smtp.mails.find((m) => m.key === key)).catch(async (err) => {
      const j = await queue.getJob(key);
      throw new Error(`${(err as Error).message}: job ${j ? `${await j.getState()} ${j.failedReason} ${JSON.stringify(j.returnvalue)}` : 'missing'}`);
    });
    expect(mail.to.sort()).toEqual(['andrea.campione@example.org', 'marco.finzione@example.org']);
    const text = decodedText(mail.raw);
    expect(text).toContain('Subject: =?UTF-8?');
    expect(text).toContain('Relazione annuale');
    expect(text).toContain('Scadenza: Pubblicazione della Relazione annuale del RPCT');
    expect(text).toContain('Data effettiva di scadenza: mercoledì 15 dicembre 2027');
    expect(text).toContain('Giorni rimanenti: 5');
    expect(text).toContain(`https://ciclo.example.org/cicli/${id}`);
    const job = await waitFor('the job to complete', async () => {
      const j = await queue.getJob(key);
      // Read the job again once completed: the copy fetched before completion has no return value.
      return j && (await j.getState()) === 'completed' ? queue.getJob(key) : null;
    });
    expect(job.returnvalue).toMatchObject({ status: 'sent', email: 'sent', worker: 'w1' });
    const sent = await d.store.readStream(`${TENANT}/reminders-${id}`);
    expect(sent).toHaveLength(1);
    const data = sent[0].data as unknown as ReminderSentData;
    expect(data).toMatchObject({ key, daysLeft: 5, escalation: false, effectiveDate: '2027-12-15' });
    // The message names the cycle as it was opened.
    const [opened] = await d.store.readStream(`${TENANT}/cycle-${id}`);
    const { title, periodLabel } = opened.data as { title: string; periodLabel: string };
    expect(title).toMatch(/Relazione/);
    expect(data).toMatchObject({ cycleTitle: title, periodLabel });
    expect(text).toContain(`Ciclo: ${title}`);

    const inbox = new Inbox(d.store.pool);
    const items = await waitFor('the in-app notification', async () => {
      const l = await inbox.list(TENANT, 'u-demo-rpct');
      return l.find((x) => x.cycleId === id) ? l : null;
    });
    expect(items.find((x) => x.cycleId === id)).toMatchObject({ title: 'Scade tra 5 giorni: Pubblicazione della Relazione annuale del RPCT', readAt: null, link: `https://ciclo.example.org/cicli/${id}` });
    expect(await inbox.markRead(TENANT, 'u-demo-rpct', items[0].id)).toBe(true);
    expect(await inbox.markRead(TENANT, 'u-demo-po-1', items[0].id)).toBe(false);

    const delivery = await waitFor('the webhook', async () => hook.received.find((r) => JSON.parse(r.body).data?.key === key));
    expect(delivery.headers['x-ciclo-event']).toBe('reminder.sent');
    expect(verifyWebhookSignature(SECRET, String(delivery.headers['x-ciclo-timestamp']), delivery.body, String(delivery.headers['x-ciclo-signature']))).toBe(true);
    expect(verifyWebhookSignature('another-secret', String(delivery.headers['x-ciclo-timestamp']), delivery.body, String(delivery.headers['x-ciclo-signature']))).toBe(false);

    // Running the job again (a stalled job, a re-added one): nothing more is sent.
    const again = await rt.processor.process(job);
    expect(again).toMatchObject({ status: 'already_sent', email: 'already' });
    expect(smtp.mails.filter((m) => m.key === key)).toHaveLength(1);
    expect(await d.store.readStream(`${TENANT}/reminders-${id}`)).toHaveLength(1);
  });

  it('overdue: the Segretario Generale is told too, and the next overdue reminder is scheduled', async () => {
    clock.set('2027-12-23T10:00:00Z'); // the first overdue reminder (22 December) is due
    const id = await openCycle(d, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT);
    const key = `rem|${TENANT}|${id}|pubblicazione|2027-12-15|-7`;
    const mail = await waitFor('the escalation e-mail', async () => smtp.mails.find((m) => m.key === key));
    expect(mail.to).toContain('giulia.esempio@example.org');
    expect(mail.raw).toMatch(/^Cc: .*giulia\.esempio@example\.org/m);
    expect(mail.raw).toContain('SOLLECITO');
    const next = await waitFor('the next overdue job', async () => queue.getJob(`rem|${TENANT}|${id}|pubblicazione|2027-12-15|-14`));
    expect(next.data.dueAt).toBe('2027-12-29T08:00:00.000Z');
  });

  it('outside working hours a due reminder waits for the next working morning', async () => {
    clock.set('2027-12-11T10:00:00Z'); // Saturday
    const id = await openCycle(d, TENANT, 'relazione_rpct', 2027, clock.now(), RPCT);
    const key = `rem|${TENANT}|${id}|pubblicazione|2027-12-15|7`;
    // Planned at 09:00 Thursday 9 December (already past): the job runs at once, finds Saturday, moves itself.
    await waitFor('the job to be delayed to Monday', async () => {
      const j = await queue.getJob(key);
      return j && (await j.getState()) === 'delayed' && j.attemptsStarted > 0 ? j : null;
    });
    const delayedUntil = Number(await redis.zscore(`${prefix}:${REMINDER_QUEUE}:delayed`, key)) / 0x1000;
    // Monday 13 December 09:00 Rome is 46 hours after Saturday 11:00 (the clock's now).
    expect(Math.abs(delayedUntil - (Date.now() + 46 * 3600_000))).toBeLessThan(120_000);
    expect(smtp.mails.find((m) => m.key === key)).toBeUndefined();
  });

  it('a webhook endpoint that keeps failing ends in the dead-letter list after its retries', async () => {
    const bad = await startReceiver(() => 503);
    const rt2 = new DeadlinesRuntime({
      store: d.store,
      redisUrl: REDIS_URL,
      prefix: `${prefix}-wh`,
      definitions,
      directory: directoryWith(bad.url),
      smtpUrl: smtp.url,
      mailFrom: 'ciclo@example.org',
      publicUrl: 'https://ciclo.example.org',
      clock,
      run: { scheduler: false, reminders: false, inbox: false, webhooks: true },
      webhookAttempts: 3,
      webhookBackoffMs: 20,
      env: { WEBHOOK_SECRET_TEST: SECRET },
    });
    try {
      // A separate dispatcher subscription name is not needed: rt2 is a standby of "webhook-dispatcher"
      // here, so deliver through its queue directly, as the dispatcher would.
      const events = (await d.store.readAll({ limit: 10000 })).filter((e) => e.type === 'DeadlineMoved');
      const jobs = rt2.webhooks.jobsFor(events, directoryWith(bad.url));
      expect(jobs.length).toBeGreaterThan(0);
      await rt2.start();
      await rt2.webhooks.queue.addBulk(jobs.map((j) => ({ ...j, opts: { ...j.opts, attempts: 3, backoff: { type: 'exponential', delay: 20 } } })));
      const dead = await waitFor('the dead letter', async () => {
        const l = await rt2.webhooks.deadLetters(TENANT);
        return l.length >= jobs.length ? l : null;
      });
      expect(dead[0]).toMatchObject({ endpointId: 'protocollo', eventType: 'deadline.moved', attempts: 3, lastError: 'HTTP 503' });
      expect(bad.received.length).toBe(3 * jobs.length);
    } finally {
      await rt2.stop();
      await bad.close();
    }
  });
});
