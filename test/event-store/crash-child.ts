/**
 * Child process of crash.spec.ts: runs the durable subscription CRASH_SUBSCRIPTION over the
 * database CRASH_DB_URL. The handler inserts one `applied` row per event through the batch's
 * transaction client, pausing halfway through each batch: 20 ms before the CRASH_STALL_BATCH-th
 * batch (1-based), CRASH_PAUSE_MS from it on, so the parent can kill the process while that batch
 * is half applied and uncommitted.
 *
 * Prints one line per step on stdout:
 *   ACTIVE                       this process holds the subscription's lease
 *   MID <first-position> <n>     half of a batch of n events is inserted, not committed
 *   COMMITTED <checkpoint> <n>   a batch of n events and its checkpoint are committed
 *   ERROR <message>              the subscription reported an error
 */
import { PostgresEventStore } from '@ciclo/event-store';
import type { PoolClient } from 'pg';

const url = process.env.CRASH_DB_URL;
const name = process.env.CRASH_SUBSCRIPTION ?? 'crash-test';
const batchSize = Number(process.env.CRASH_BATCH_SIZE ?? 500);
const pauseMs = Number(process.env.CRASH_PAUSE_MS ?? 60000);
const stallBatch = Number(process.env.CRASH_STALL_BATCH ?? 1);
if (!url) {
  process.stderr.write('CRASH_DB_URL is required\n');
  process.exit(2);
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const store = new PostgresEventStore({ connectionString: url });
let batchNo = 0;

const sub = store.subscribe<PoolClient>(
  name,
  async (events, client) => {
    batchNo++;
    const half = Math.ceil(events.length / 2);
    for (const [i, e] of events.entries()) {
      if (i === half) {
        say(`MID ${events[0].position} ${events.length}`);
        await sleep(batchNo >= stallBatch ? pauseMs : 20);
      }
      await client.query('INSERT INTO applied (event_id, position) VALUES ($1, $2)', [e.eventId, e.position]);
    }
  },
  {
    batchSize,
    pollIntervalMs: 200,
    standbyPollMs: 100,
    retryDelayMs: 200,
    onActive: () => say('ACTIVE'),
    onBatch: ({ count, checkpoint }) => say(`COMMITTED ${checkpoint} ${count}`),
    onError: (err) => say(`ERROR ${(err as Error).message}`),
  },
);

process.on('SIGTERM', () => {
  void sub
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});
