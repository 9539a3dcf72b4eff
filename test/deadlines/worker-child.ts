/**
 * A worker process for exactly-once.spec.ts: the deadlines runtime (scheduler and reminder jobs)
 * over CHILD_DB_URL and CHILD_REDIS_URL. CHILD_PAUSE is a JSON map from reminder key to the point
 * where the process stops for that key and hangs, so that the parent can kill it there:
 * `before-claim` (ReminderSent recorded, e-mail not claimed), `claimed` (claimed, not handed to
 * SMTP), `handed` (the SMTP server accepted it, not yet marked sent). It prints `PAUSED <point>
 * <key>` there, `STARTED` when running and `DONE <key> <status> <email>` for each completed job.
 */
import { resolve } from 'node:path';
import { DeadlinesRuntime, OffsetClock } from '@ciclo/deadlines';
import { PostgresEventStore } from '@ciclo/event-store';
import { directoryWith } from './support';
import { DefinitionRegistry } from '@ciclo/workflow';

const env = process.env;
const out = (s: string) => process.stdout.write(`${s}\n`);
const pauses = JSON.parse(env.CHILD_PAUSE ?? '{}') as Record<string, string>;
const pauseAt = (point: string) => async (key: string) => {
  if (pauses[key] !== point) return;
  out(`PAUSED ${point} ${key}`);
  await new Promise(() => undefined);
};

async function main(): Promise<void> {
  const store = new PostgresEventStore({ connectionString: env.CHILD_DB_URL as string, poolSize: 4 });
  const rt = new DeadlinesRuntime({
    store,
    redisUrl: env.CHILD_REDIS_URL as string,
    prefix: env.CHILD_PREFIX as string,
    definitions: DefinitionRegistry.fromDirectory(resolve(__dirname, '../../seeds/cycles')),
    directory: directoryWith(),
    smtpUrl: env.CHILD_SMTP_URL as string,
    mailFrom: 'ciclo@example.org',
    publicUrl: 'https://ciclo.example.org',
    clock: new OffsetClock(env.CHILD_CLOCK as string),
    name: env.CHILD_NAME ?? 'child',
    lockDurationMs: 1000,
    stalledIntervalMs: 300,
    retryDelayMs: 100,
    checkIntervalMs: 200,
    deliveryLeaseMs: Number(env.CHILD_LEASE_MS ?? 2000),
    deliverySweepMs: Number(env.CHILD_SWEEP_MS ?? 300),
    run: { scheduler: true, reminders: true, inbox: false, webhooks: false },
    beforeClaim: pauseAt('before-claim'),
    onClaimed: pauseAt('claimed'),
    onHandOff: pauseAt('handed'),
  });
  await rt.start();
  rt.worker?.on('completed', (job, r) => out(`DONE ${job.id} ${r.status} ${'email' in r ? r.email : '-'}`));
  out('STARTED');
}

main().catch((err: unknown) => {
  out(`ERROR ${(err as Error).stack}`);
  process.exit(1);
});
