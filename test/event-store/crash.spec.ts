import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { PostgresEventStore, serializeCheckpoint, type Checkpoint } from '@ciclo/event-store';
import type { PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { anEvent, sleep } from './fixtures';

/**
 * A subscriber process is killed (SIGKILL) in the middle of a batch it is applying, twice; a new
 * runner resumes. The `applied` table, written through the batch's transaction, must end with
 * exactly one row per event: the half-applied batch rolled back with its checkpoint, nothing
 * committed is redelivered, nothing is lost.
 */
const ROOT = resolve(__dirname, '../..');
const SUB = 'crash-applier';
const BATCH = 500;
const EVENTS = 3000;
const T = 'cciaa-crash';

interface Child {
  proc: ChildProcess;
  lines: string[];
  waitFor(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(dbUrl: string, stallBatch: number): Child {
  const proc = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      'test/event-store/crash-child.ts',
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TS_NODE_PROJECT: 'tsconfig.json',
        CRASH_DB_URL: dbUrl,
        CRASH_SUBSCRIPTION: SUB,
        CRASH_BATCH_SIZE: String(BATCH),
        CRASH_PAUSE_MS: '60000',
        CRASH_STALL_BATCH: String(stallBatch),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  let stderr = '';
  const waiters = new Set<() => void>();
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters) w();
  });
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    proc.on('exit', (code, signal) => {
      res({ code, signal });
      for (const w of waiters) w();
    }),
  );
  const waitFor = (pred: (line: string) => boolean, timeoutMs = 30000) =>
    new Promise<string>((res, rej) => {
      const check = () => {
        const hit = lines.find(pred);
        if (hit !== undefined) {
          done();
          res(hit);
        } else if (proc.exitCode !== null || proc.signalCode !== null) {
          done();
          rej(
            new Error(
              `child exited before the expected line; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        rej(new Error(`timed out waiting for a line; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { proc, lines, waitFor, exited };
}

describe('subscription killed mid-batch', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const children: Child[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('crash');
    store = new PostgresEventStore({ connectionString: db.url });
    await store.migrate();
    await store.pool.query('CREATE TABLE applied (event_id uuid PRIMARY KEY, position bigint NOT NULL)');
    // 3000 events over 40 streams, appended in batches of 1..10.
    const versions = new Array<number>(40).fill(0);
    let written = 0;
    for (let i = 0; written < EVENTS; i++) {
      const s = i % 40;
      const n = Math.min(1 + (i % 10), EVENTS - written);
      const r = await store.append(
        `${T}/cycle-${s}`,
        Array.from({ length: n }, (_, k) => anEvent(T, 'Step', { i, k })),
        { expectedVersion: versions[s] },
      );
      versions[s] = r.nextVersion;
      written += n;
    }
  }, 60000);

  afterAll(async () => {
    for (const c of children)
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await store?.close();
    await db?.drop();
  });

  /** Number of `applied` rows, and number of events up to the stored checkpoint in commit order. */
  async function state(): Promise<{
    applied: number;
    upToCheckpoint: number;
    checkpoint: Checkpoint | null;
  }> {
    const checkpoint = await store.checkpointOf(SUB);
    const { rows } = await store.pool.query<{ applied: number; upto: number }>(
      `SELECT (SELECT count(*)::int FROM applied) AS applied,
              (SELECT count(*)::int FROM es_events e, es_checkpoints c
                WHERE c.name = $1 AND (e.tx_id, e.position) <= (c.tx_id, c.position)) AS upto`,
      [SUB],
    );
    return { applied: rows[0].applied, upToCheckpoint: rows[0].upto, checkpoint };
  }

  async function killMidBatch(child: Child, nthMid: number): Promise<void> {
    await child.waitFor((l) => l.startsWith('ACTIVE'));
    await child.waitFor(() => child.lines.filter((l) => l.startsWith('MID ')).length >= nthMid);
    child.proc.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');
    expect(child.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
  }

  it('applies every event exactly once across two crashes and a resume', async () => {
    // First runner: commits two batches, is killed halfway through the third.
    const first = startChild(db.url, 3);
    children.push(first);
    await killMidBatch(first, 3);
    expect(first.lines.filter((l) => l.startsWith('COMMITTED'))).toHaveLength(2);
    let s = await state();
    expect(s.upToCheckpoint).toBe(2 * BATCH);
    expect(s.applied).toBe(2 * BATCH); // the half-applied third batch left nothing

    // Second runner: takes the lease once the dead one's session is gone, resumes at the
    // checkpoint, and is killed halfway through its first batch.
    const second = startChild(db.url, 1);
    children.push(second);
    await killMidBatch(second, 1);
    const mid = second.lines.find((l) => l.startsWith('MID '))!.split(' ');
    expect(second.lines.filter((l) => l.startsWith('COMMITTED'))).toHaveLength(0);
    s = await state();
    expect(s.applied).toBe(2 * BATCH);
    expect(s.upToCheckpoint).toBe(2 * BATCH);
    // It restarted exactly after the checkpoint, not from the start or from its predecessor's batch.
    const { rows: next } = await store.pool.query<{ position: string }>(
      `SELECT e.position FROM es_events e, es_checkpoints c
        WHERE c.name = $1 AND (e.tx_id, e.position) > (c.tx_id, c.position)
        ORDER BY e.tx_id, e.position LIMIT 1`,
      [SUB],
    );
    expect(mid[1]).toBe(next[0].position);
    expect(Number(mid[2])).toBe(BATCH);

    // Third runner, in this process under the same name: finishes the log.
    const errors: unknown[] = [];
    let delivered = 0;
    const sub = store.subscribe<PoolClient>(
      SUB,
      async (events, client) => {
        delivered += events.length;
        for (const e of events) {
          await client.query('INSERT INTO applied (event_id, position) VALUES ($1, $2)', [
            e.eventId,
            e.position,
          ]);
        }
      },
      {
        batchSize: BATCH,
        pollIntervalMs: 200,
        standbyPollMs: 100,
        retryDelayMs: 200,
        onError: (err) => errors.push(err),
      },
    );
    const { rows: lastRows } = await store.pool.query<{ tx_id: string; position: string }>(
      'SELECT e.tx_id::text AS tx_id, e.position FROM es_events e ORDER BY e.tx_id DESC, e.position DESC LIMIT 1',
    );
    const end = serializeCheckpoint({ txId: lastRows[0].tx_id, position: Number(lastRows[0].position) });
    for (let i = 0; i < 600 && (await store.checkpointOf(SUB)) !== end; i++) await sleep(50);
    await sub.stop();

    expect(errors).toEqual([]);
    s = await state();
    expect(s.checkpoint).toBe(end);
    expect(s.upToCheckpoint).toBe(EVENTS);
    expect(delivered).toBe(EVENTS - 2 * BATCH); // nothing committed was delivered again
    expect(s.applied).toBe(EVENTS); // no loss; the primary key forbids doubles
    const { rows: diff } = await store.pool.query<{ missing: number; wrong: number }>(
      `SELECT (SELECT count(*)::int FROM es_events e LEFT JOIN applied a USING (event_id) WHERE a.event_id IS NULL) AS missing,
              (SELECT count(*)::int FROM applied a LEFT JOIN es_events e USING (event_id)
                WHERE e.event_id IS NULL OR e.position <> a.position) AS wrong`,
    );
    expect(diff[0]).toEqual({ missing: 0, wrong: 0 });
  }, 90000);
});
