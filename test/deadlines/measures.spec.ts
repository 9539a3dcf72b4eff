// Reminders for the measures of a risk register, through the deadline scheduler and the reminder
// worker, against real PostgreSQL, Redis and an SMTP server: a late phase and a monitoring date
// without report remind the dirigenti and, once overdue, the RPCT; reporting the measure as
// attuata removes the jobs still pending.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { parseCheckpoint } from '@ciclo/event-store';
import {
  DeadlinesRuntime,
  OffsetClock,
  REMINDER_QUEUE,
  SCHEDULER_SUBSCRIPTION,
  type ReminderJobData,
} from '@ciclo/deadlines';
import type { PlanCommand, Role } from '@ciclo/domain';
import { createPlanRuntime, ExecutePlanCommands } from '@ciclo/workflow';
import { testRedisPrefix } from '../support/database';
import {
  decodedText,
  definitions,
  directoryWith,
  openCycle,
  openDb,
  ROOT,
  RPCT,
  run,
  startSmtp,
  TENANT,
  waitFor,
  type Db,
} from './support';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DIRIGENTE = { userId: 'u-demo-dirigente', tenant: TENANT, roles: ['dirigente'] as Role[] };
const ORGANI = { userId: 'u-demo-segreteria', roles: ['segreteria_organi'] as Role[] };

describe('reminders for the measures of the risk register', () => {
  let d: Db;
  let rt: DeadlinesRuntime;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let queue: Queue<ReminderJobData>;
  let redis: IORedis;
  const clock = new OffsetClock('2027-07-08T08:00:00Z'); // Thursday 10:00 in Rome
  const prefix = testRedisPrefix('dlm').replace(/:$/, '');

  /** Reminder jobs held before their delivery claim, by key (see `beforeClaim` below). */
  const held = new Map<string, { reached: () => void; atGate: Promise<void>; release: () => void; released: Promise<void> }>();
  const hold = (key: string) => {
    let reached = () => undefined as void;
    let release = () => undefined as void;
    const atGate = new Promise<void>((r) => (reached = r));
    const released = new Promise<void>((r) => (release = r));
    held.set(key, { reached, atGate, release, released });
    return held.get(key)!;
  };
  /** What the runtime warned about (a failing batch is retried in silence otherwise). */
  const warnings: string[] = [];
  const settle = async () => {
    const head = await d.store.headPosition();
    await waitFor('the scheduler to catch up', async () => {
      const cp = await d.store.checkpointOf(SCHEDULER_SUBSCRIPTION);
      return cp !== null && parseCheckpoint(cp).position >= head;
    }).catch((err: Error) => {
      throw new Error(`${err.message} (head ${head}; the runtime's last warnings: ${warnings.slice(-5).join(' | ') || 'none'})`);
    });
  };
  const measureJobs = async (cycleId: string) => {
    const jobs = await queue.getJobs(['delayed', 'waiting', 'active', 'completed', 'failed', 'prioritized']);
    return jobs
      .filter((j) => j.data.cycleId === cycleId && j.data.deadlineId.startsWith('misura.'))
      .map((j) => j.id as string)
      .sort();
  };

  beforeAll(async () => {
    d = await openDb('deadlines-measures');
    smtp = await startSmtp();
    redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue<ReminderJobData>(REMINDER_QUEUE, { connection: redis, prefix });
    rt = new DeadlinesRuntime({
      store: d.store,
      redisUrl: REDIS_URL,
      prefix,
      definitions,
      directory: directoryWith(),
      smtpUrl: smtp.url,
      mailFrom: 'Ciclo <ciclo@cciaa-po.example.org>',
      publicUrl: 'https://ciclo.example.org',
      clock,
      retryDelayMs: 100,
      checkIntervalMs: 200,
      name: 'w1',
      log: { log: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
      // A job of `held` waits here (its cycle folded, its plan checked) until the test releases it.
      beforeClaim: async (key) => {
        const h = held.get(key);
        if (!h) return;
        h.reached();
        await h.released;
      },
    });
    await rt.start();
  });

  afterAll(async () => {
    await rt?.stop();
    await queue?.close();
    redis?.disconnect();
    await smtp?.close();
    await d?.close();
  });

  /** A PTPCT of 2027 with one measure (a phase due 2027-07-01) and monitoring dates 2027-06-30 and 2027-12-15. */
  const openRegister = async () => {
    const plans = createPlanRuntime(d.store, resolve(ROOT, 'seeds'));
    const id = await openCycle(d, TENANT, 'ptpct', 2027, clock.now(), RPCT);
    const plan = async (commands: PlanCommand[], by: { userId: string; roles: Role[] }) => {
      const r = await plans.plans.execute(
        new ExecutePlanCommands({ ...by, tenant: TENANT }, id, commands, {
          correlationId: 'test',
          now: clock.now(),
          atomic: true,
        }),
      );
      expect(r.events.length).toBe(commands.length);
    };
    await plan(
      [
        {
          type: 'add_register_item',
          item: { kind: 'process', code: 'C2.2.3', title: 'Manifestazioni a premio' },
        },
        {
          type: 'add_register_item',
          item: {
            kind: 'risk',
            code: 'R1',
            processCode: 'C2.2.3',
            description: 'Omesso controllo',
            factors: [],
          },
        },
        {
          type: 'add_register_item',
          item: {
            kind: 'measure',
            code: 'MS1',
            measureKind: 'specifica',
            category: 'controllo',
            title: 'Check list',
            riskCodes: ['R1'],
            owner: { office: 'Regolazione del mercato', dirigente: 'Andrea Campione' },
            phases: [{ title: 'Adozione della check list', deadline: '2027-07-01' }],
            indicator: 'Pratiche con check list',
            target: '100%',
          },
        },
        {
          type: 'assess_risk',
          processCode: 'C2.2.3',
          indicators: Object.fromEntries(
            [
              'interesse_esterno',
              'discrezionalita',
              'eventi_passati',
              'opacita',
              'collaborazione',
              'attuazione_misure',
            ].map((k) => [k, { level: 'medio', reason: 'r' }]),
          ),
          rating: 'medio',
          motivation: 'm',
        },
        { type: 'set_monitoring_dates', dates: ['2027-06-30', '2027-12-15'] },
      ],
      RPCT,
    );
    return { id, plan };
  };
  /** The Giunta adopts the PTPCT: its measures' reminders start. */
  const adopt = async (id: string) => {
    await run(d, TENANT, id, { type: 'transition', command: 'submit', fields: {} }, RPCT, clock.now());
    await run(
      d,
      TENANT,
      id,
      {
        type: 'transition',
        command: 'record_giunta_deliberation',
        fields: {
          number: '3/2027',
          date: '2027-07-08',
          actHash: createHash('sha256').update('ptpct').digest('hex'),
        },
      },
      ORGANI,
      clock.now(),
    );
  };
  /** The dirigente reports the measure as attuata at June's monitoring. */
  const reportDone = (plan: (commands: PlanCommand[], by: { userId: string; roles: Role[] }) => Promise<void>) =>
    plan(
      [
        {
          type: 'report_measure',
          measureCode: 'MS1',
          monitoringDate: '2027-06-30',
          status: 'attuata',
          evidence: 'Determinazione n. 40',
          date: '2027-07-08',
        },
      ],
      DIRIGENTE,
    );

  it('reminds the dirigenti of a late phase and a missing report, the RPCT when overdue; the report ends them', async () => {
    const { id, plan } = await openRegister();
    await settle();
    expect(await measureJobs(id)).toEqual([]); // not adopted yet: no reminders
    await adopt(id);
    await settle();

    const phaseKey = `rem|${TENANT}|${id}|misura.MS1.fase1|2027-07-01|-7`;
    const reportKey = `rem|${TENANT}|${id}|misura.MS1.monitoraggio|2027-06-30|-7`;
    const mail = await waitFor('the overdue phase e-mail', async () =>
      smtp.mails.find((m) => m.key === phaseKey),
    );
    expect(mail.to).toContain('andrea.campione@example.org');
    expect(mail.to).toContain('marco.finzione@example.org'); // the RPCT, for an overdue measure
    expect(decodedText(mail.raw)).toContain('Misura «MS1»: Adozione della check list');
    await waitFor('the missing-report e-mail', async () => smtp.mails.find((m) => m.key === reportKey)).catch(
      async (err) => {
        const j = await queue.getJob(reportKey);
        throw new Error(
          `${(err as Error).message}: job ${j ? `${await j.getState()} ${j.failedReason} ${JSON.stringify(j.returnvalue)}` : 'missing'} ${JSON.stringify(await measureJobs(id))}`,
        );
      },
    );
    // The next monitoring date's reminder is planned once the scheduler has seen the sent one.
    const next = `rem|${TENANT}|${id}|misura.MS1.monitoraggio|2027-12-15|30`;
    await waitFor('the next monitoring reminder', async () => (await measureJobs(id)).includes(next)).catch(() => undefined);
    const pending = await measureJobs(id);
    expect(pending).toEqual(expect.arrayContaining([next]));
    // A job still running cannot be removed from the queue: the report below must find both
    // overdue jobs finished, each having planned its next step of the overdue chain (-14).
    const overdue = [phaseKey, reportKey];
    await waitFor('the overdue jobs to finish and extend their chain', async () => {
      const states = await Promise.all(overdue.map(async (k) => (await queue.getJob(k))?.getState()));
      const jobs = await measureJobs(id);
      return states.every((s) => s === 'completed') && overdue.every((k) => jobs.includes(k.replace(/\|-7$/, '|-14')));
    });

    await reportDone(plan);
    await settle();
    const left = await measureJobs(id);
    // The phase is met (attuata) and the June report is in: only December's monitoring remains.
    // The next overdue reminders of the phase and of June's report (-14) are gone.
    expect(left.filter((k) => !k.includes('|2027-12-15|'))).toEqual([]);
    expect(left.filter((k) => k.includes('|2027-12-15|'))).toHaveLength(6);
  });

  it('a reminder job that folded its cycle before the report does not plan the reported measure again', async () => {
    const { id, plan } = await openRegister();
    await settle();
    // Both overdue jobs of the measure wait before their delivery: they have folded the cycle
    // (adopted, not reported) and found themselves planned.
    const keys = [`rem|${TENANT}|${id}|misura.MS1.fase1|2027-07-01|-7`, `rem|${TENANT}|${id}|misura.MS1.monitoraggio|2027-06-30|-7`];
    const gates = keys.map(hold);
    await adopt(id);
    await Promise.all(gates.map((g) => g.atGate));
    // Meanwhile the measure is reported and the scheduler applies it.
    await reportDone(plan);
    await settle();
    for (const g of gates) g.release();
    await waitFor('the held jobs to finish', async () => {
      const states = await Promise.all(keys.map(async (k) => (await queue.getJob(k))?.getState()));
      return states.every((st) => st === 'completed');
    });
    await settle();
    // Each job, done, extends the overdue chain from the cycle as it is now: reported, so no -14
    // step. (The held jobs themselves were running when the report's plan removed their
    // reminders, and a running job cannot be removed: they stay as finished jobs.)
    const left = (await measureJobs(id)).filter((k) => !keys.includes(k));
    expect(left.filter((k) => !k.includes('|2027-12-15|'))).toEqual([]);
    expect(left.filter((k) => k.includes('|2027-12-15|'))).toHaveLength(6);
  });
});
