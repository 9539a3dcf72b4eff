/**
 * A worker process for the crash phase of `npm run bench -- reminders`: the deadlines runtime
 * (scheduler and reminder jobs) over BENCH_DB_URL and BENCH_REDIS_URL with the bench chamber, a
 * clock BENCH_CLOCK_OFFSET_MS ahead of the real one, short job locks and delivery leases so that a
 * killed worker's jobs are taken over quickly. Prints `STARTED` once running.
 */
import { DeadlinesRuntime, OffsetClock } from '@ciclo/deadlines';
import { PostgresEventStore } from '@ciclo/event-store';
import { directory, fireDefinitions } from './reminder-fixtures';

const env = process.env;

async function main(): Promise<void> {
  const store = new PostgresEventStore({ connectionString: env.BENCH_DB_URL as string, poolSize: 8 });
  const rt = new DeadlinesRuntime({
    store,
    redisUrl: env.BENCH_REDIS_URL as string,
    prefix: env.BENCH_PREFIX as string,
    definitions: fireDefinitions,
    directory,
    smtpUrl: env.BENCH_SMTP_URL as string,
    mailFrom: 'ciclo@bench.example.org',
    publicUrl: 'http://127.0.0.1',
    clock: new OffsetClock(new Date(Date.now() + Number(env.BENCH_CLOCK_OFFSET_MS))),
    name: env.BENCH_WORKER_NAME ?? 'bench-worker',
    concurrency: Number(env.BENCH_CONCURRENCY ?? 16),
    lockDurationMs: 1000,
    stalledIntervalMs: 500,
    retryDelayMs: 100,
    checkIntervalMs: 200,
    deliveryLeaseMs: Number(env.BENCH_LEASE_MS ?? 3000),
    deliverySweepMs: 500,
    run: { scheduler: true, reminders: true, inbox: false, webhooks: false },
  });
  await rt.start();
  process.stdout.write('STARTED\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
