import { Client } from 'pg';
import {
  PostgresEventStore,
  SEAL_SUBSCRIPTION,
  contentHash,
  sha256Hex,
  type ChainAnchor,
  serializeCheckpoint,
  startSealer,
  verifyChain,
  type ChainProblem,
  type ChainVerification,
} from '@ciclo/event-store';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { anEvent, sleep } from './fixtures';

/**
 * Tamper evidence of the sealed log. A sealed source database is built once; each case edits a
 * fresh copy of it (CREATE DATABASE ... TEMPLATE) as a superuser with the immutability triggers
 * disabled, and `verifyChain` must name the first bad position and what is wrong there.
 */
const T = 'cciaa-tamper';
const STREAMS = 6;

interface LogRow {
  position: number;
  streamId: string;
  version: number;
  txId: string;
  amount: number;
}

describe('tamper evidence of the sealed log', () => {
  let src: TestDatabase;
  /** The sealed log, in seal (= commit) order. */
  let log: LogRow[];
  let copies = 0;

  beforeAll(async () => {
    src = await createTestDatabase('tamper');
    const store = new PostgresEventStore({ connectionString: src.url });
    try {
      await store.migrate();
      const versions = new Array<number>(STREAMS).fill(0);
      for (let round = 0; round < 8; round++) {
        for (let s = 0; s < STREAMS; s++) {
          const n = 1 + ((round + s) % 3);
          const events = Array.from({ length: n }, (_, k) =>
            anEvent(T, 'Recorded', { stream: s, round, k, amount: round * 1000 + s * 10 + k }),
          );
          const r = await store.append(`${T}/cycle-${s}`, events, { expectedVersion: versions[s] });
          versions[s] = r.nextVersion;
          // Rolled-back appends leave holes in the positions: make a few.
          if ((round * STREAMS + s) % 7 === 3)
            await store.pool.query(`SELECT nextval(pg_get_serial_sequence('es_events', 'position'))`);
        }
      }
      const sealer = startSealer(store, { pollIntervalMs: 100 });
      const { rows } = await store.pool.query<{ tx_id: string; position: string }>(
        'SELECT e.tx_id::text AS tx_id, e.position FROM es_events e ORDER BY e.tx_id DESC, e.position DESC LIMIT 1',
      );
      const end = serializeCheckpoint({ txId: rows[0].tx_id, position: Number(rows[0].position) });
      for (let i = 0; i < 600 && (await store.checkpointOf(SEAL_SUBSCRIPTION)) !== end; i++) await sleep(50);
      await sealer.stop();
      expect(await store.checkpointOf(SEAL_SUBSCRIPTION)).toBe(end);

      const walk = await store.pool.query<{
        position: string;
        stream_id: string;
        version: number;
        tx_id: string;
        amount: number;
      }>(
        `SELECT e.position, e.stream_id, e.version, e.tx_id::text AS tx_id, (e.data->>'amount')::int AS amount
           FROM es_seals s JOIN es_events e ON e.position = s.position ORDER BY s.seq`,
      );
      log = walk.rows.map((r) => ({
        position: Number(r.position),
        streamId: r.stream_id,
        version: r.version,
        txId: r.tx_id,
        amount: r.amount,
      }));
    } finally {
      await store.close(); // the source must have no connection left to serve as a template
    }
  }, 60000);

  afterAll(async () => {
    await src?.drop();
  });

  /** Copies the sealed source, applies `tamper` with triggers off, and verifies the copy. */
  async function tamperCopy(tamper: (c: Client) => Promise<void>, anchors: ChainAnchor[] = []): Promise<ChainVerification> {
    const name = `${src.name}_c${copies++}`;
    const admin = new Client({ connectionString: adminUrl(src.url) });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${src.name}"`);
    await admin.end();
    const url = dbUrl(src.url, name);
    try {
      const c = new Client({ connectionString: url });
      await c.connect();
      try {
        await c.query('BEGIN');
        await c.query('ALTER TABLE es_events DISABLE TRIGGER USER');
        await c.query('ALTER TABLE es_seals DISABLE TRIGGER USER');
        await tamper(c);
        await c.query('ALTER TABLE es_events ENABLE TRIGGER USER');
        await c.query('ALTER TABLE es_seals ENABLE TRIGGER USER');
        await c.query('COMMIT');
      } finally {
        await c.end();
      }
      const store = new PostgresEventStore({ connectionString: url });
      try {
        return await verifyChain(store, 7, anchors); // small pages: the walk crosses page boundaries
      } finally {
        await store.close();
      }
    } finally {
      const a = new Client({ connectionString: adminUrl(src.url) });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    }
  }

  const indexOf = (position: number) => log.findIndex((r) => r.position === position);
  /** What verifyChain must report for a first problem at `position`. */
  function expectBad(v: ChainVerification, position: number, problem: ChainProblem) {
    expect(v.intact).toBe(false);
    expect(v.firstBad).toMatchObject({ position, problem });
    const i = indexOf(position);
    expect(v.intactUpTo).toBe(i > 0 ? log[i - 1].position : 0);
    expect(v.sealedEvents).toBe(i);
  }
  const eventsOf = (streamId: string) => log.filter((r) => r.streamId === streamId);

  it('verifies the untouched sealed log as intact up to its last position', async () => {
    expect(log.length).toBeGreaterThan(70);
    // The log has holes, so "between existing positions" is meaningful below.
    expect(log[log.length - 1].position).toBeGreaterThan(log.length);
    const v = await tamperCopy(async () => undefined);
    expect(v).toMatchObject({
      intact: true,
      checkedEvents: log.length,
      sealedEvents: log.length,
      intactUpTo: log[log.length - 1].position,
    });
    expect(v.firstBad).toBeUndefined();
    expect(v.headSeal?.seq).toBe(log.length);
  });

  it("detects a modified event's data", async () => {
    const target = log[20];
    const v = await tamperCopy(async (c) => {
      await c.query(`UPDATE es_events SET data = jsonb_set(data, '{amount}', '999999') WHERE position = $1`, [
        target.position,
      ]);
    });
    expectBad(v, target.position, 'event_modified');
  });

  it('detects an event deleted in the middle of its stream', async () => {
    const target = log.find((r, i) => i > 25 && r.version > 1 && r.version < eventsOf(r.streamId).length)!;
    const v = await tamperCopy(async (c) => {
      await c.query('DELETE FROM es_events WHERE position = $1', [target.position]);
    });
    expectBad(v, target.position, 'event_deleted');
  });

  it('detects the deleted last event of a stream', async () => {
    const stream = log[log.length - 1].streamId === `${T}/cycle-0` ? `${T}/cycle-1` : `${T}/cycle-0`;
    const events = eventsOf(stream);
    const target = events[events.length - 1];
    expect(indexOf(target.position)).toBeLessThan(log.length - 1);
    const v = await tamperCopy(async (c) => {
      await c.query('DELETE FROM es_events WHERE position = $1', [target.position]);
    });
    expectBad(v, target.position, 'event_deleted');
  });

  it('detects a forged event inserted into the sealed range, even with a valid stream chain', async () => {
    // A hole between two existing positions, in the middle of the log.
    const i = log.findIndex((r, k) => k > 10 && k < log.length - 10 && log[k + 1].position > r.position + 1);
    expect(i).toBeGreaterThan(0);
    const forgedPosition = log[i].position + 1;
    const forged = anEvent(T, 'Recorded', { stream: 2, round: 99, k: 0, amount: 1 });
    const stream = `${T}/cycle-2`;
    const v = await tamperCopy(async (c) => {
      // The forger extends the stream's hash chain correctly and moves its head, as es_append would.
      await c.query(
        `WITH head AS (SELECT version, head_hash FROM es_streams WHERE stream_id = $2),
              ins AS (
                INSERT INTO es_events (position, tx_id, stream_id, version, tenant, event_id, type, data, metadata,
                                       recorded_at, recorded_micros, content_hash, prev_hash, hash)
                OVERRIDING SYSTEM VALUE
                SELECT $1, $3::text::xid8, $2, head.version + 1, $4, $5, $6, $7, $8, now(),
                       (extract(epoch FROM now()) * 1000000)::bigint, $9, head.head_hash,
                       encode(sha256(convert_to(head.head_hash || '|' || $2 || '|' || (head.version + 1) || '|' || $9 || '|'
                                                || (extract(epoch FROM now()) * 1000000)::bigint, 'UTF8')), 'hex')
                  FROM head
                RETURNING version, hash)
         UPDATE es_streams s SET version = ins.version, head_hash = ins.hash FROM ins WHERE s.stream_id = $2`,
        [
          forgedPosition,
          stream,
          log[i].txId,
          T,
          forged.eventId,
          forged.type,
          forged.data,
          forged.metadata,
          contentHash(forged),
        ],
      );
      const { rows } = await c.query('SELECT count(*)::int AS n FROM es_events WHERE position = $1', [
        forgedPosition,
      ]);
      expect(rows[0].n).toBe(1);
    });
    expect(v.intact).toBe(false);
    expect(v.firstBad).toMatchObject({ position: forgedPosition, problem: 'event_inserted' });
    expect(v.sealedEvents).toBe(log.length); // every seal still checks out: only the unsealed row betrays it
  });

  it('detects the data of two events swapped', async () => {
    const [a, b] = [log[12], log[40]];
    expect(a.amount).not.toBe(b.amount);
    const v = await tamperCopy(async (c) => {
      await c.query(
        `UPDATE es_events e SET data = o.data
           FROM es_events o WHERE (e.position, o.position) IN (($1::bigint, $2::bigint), ($2::bigint, $1::bigint))`,
        [a.position, b.position],
      );
      const { rows } = await c.query<{ swapped: boolean }>(
        `SELECT a.data->>'amount' = $3 AND b.data->>'amount' = $4 AS swapped
           FROM es_events a, es_events b WHERE a.position = $1 AND b.position = $2`,
        [a.position, b.position, String(b.amount), String(a.amount)],
      );
      expect(rows[0].swapped).toBe(true);
    });
    expectBad(v, a.position, 'event_modified');
  });

  it('detects the positions of two events swapped', async () => {
    // Two consecutive versions of one stream in the middle of the log: the later one now sits first.
    const first = log.find(
      (r, i) => i > 30 && r.version > 1 && eventsOf(r.streamId).some((x) => x.version === r.version + 1),
    )!;
    const second = eventsOf(first.streamId).find((x) => x.version === first.version + 1)!;
    const v = await tamperCopy(async (c) => {
      await c.query('ALTER TABLE es_events ALTER COLUMN position SET GENERATED BY DEFAULT');
      await c.query('UPDATE es_events SET position = -1 WHERE position = $1', [first.position]);
      await c.query('UPDATE es_events SET position = $1 WHERE position = $2', [
        first.position,
        second.position,
      ]);
      await c.query('UPDATE es_events SET position = $1 WHERE position = -1', [second.position]);
      await c.query('ALTER TABLE es_events ALTER COLUMN position SET GENERATED ALWAYS');
    });
    expectBad(v, first.position, 'event_reordered');
  });

  it('detects a modified seal', async () => {
    const target = log[33];
    const v = await tamperCopy(async (c) => {
      await c.query(`UPDATE es_seals SET seal_hash = encode(sha256('forged'::bytea), 'hex') WHERE seq = 34`);
    });
    expectBad(v, target.position, 'seal_modified');
  });

  // Columns that readers filter on are checked against what the hash covers.
  it("detects a modified recorded_at (used by readStream's `until`)", async () => {
    const target = log[20];
    const v = await tamperCopy(async (c) => {
      await c.query(
        `UPDATE es_events SET recorded_at = recorded_at - interval '30 days' WHERE position = $1`,
        [target.position],
      );
    });
    expect(v.intact).toBe(false);
    expect(v.firstBad).toMatchObject({ position: target.position, problem: 'event_modified' });
  });

  it("detects a modified tenant column (used by readAll's tenant filter)", async () => {
    const target = log[20];
    const v = await tamperCopy(async (c) => {
      await c.query(`UPDATE es_events SET tenant = 'cciaa-other' WHERE position = $1`, [target.position]);
    });
    expect(v.intact).toBe(false);
    expect(v.firstBad).toMatchObject({ position: target.position, problem: 'event_modified' });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on events and seals while the triggers are on, changing nothing', async () => {
    const name = `${src.name}_c${copies++}`;
    const admin = new Client({ connectionString: adminUrl(src.url) });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${src.name}"`);
    const c = new Client({ connectionString: dbUrl(src.url, name) });
    await c.connect();
    try {
      const digest = async () =>
        (
          await c.query<{ e: string; s: string }>(
            `SELECT (SELECT md5(string_agg(t::text, '|' ORDER BY position)) FROM es_events t) AS e,
                    (SELECT md5(string_agg(t::text, '|' ORDER BY seq)) FROM es_seals t) AS s`,
          )
        ).rows[0];
      const before = await digest();
      const p = log[10].position;
      const attempts = [
        [`UPDATE es_events SET data = '{}' WHERE position = ${p}`],
        [`DELETE FROM es_events WHERE position = ${p}`],
        ['TRUNCATE es_events'],
        [`UPDATE es_seals SET seal_hash = 'x' WHERE seq = 1`],
        ['DELETE FROM es_seals WHERE seq = 1'],
        ['TRUNCATE es_seals'],
      ];
      for (const [sql] of attempts) {
        const err = await c.query(sql).catch((e: unknown) => e);
        expect({ sql, code: (err as { code?: string }).code }).toEqual({ sql, code: 'CE010' });
      }
      expect(await digest()).toEqual(before);
      const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM es_events');
      expect(rows[0].n).toBe(log.length);
    } finally {
      await c.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });

  // A database owner who rewrites the log and recomputes every hash it holds: events, stream heads
  // and the whole seal chain. Only a head seal kept outside (an anchor, or one an earlier
  // verification recorded) betrays it.
  describe('full rewrites, caught by anchors', () => {
    interface Row { position: number; stream_id: string; version: number; event_id: string; type: string; data: Record<string, unknown>; metadata: Record<string, unknown>; recorded_micros: string }
    /** Seal hashes of the untouched log, by seq: what anchors saved before the rewrite. */
    let seals: Map<number, string>;
    beforeAll(async () => {
      const c = new Client({ connectionString: src.url });
      await c.connect();
      const { rows } = await c.query<{ seq: string; seal_hash: string }>('SELECT seq, seal_hash FROM es_seals ORDER BY seq');
      await c.end();
      seals = new Map(rows.map((r) => [Number(r.seq), r.seal_hash]));
    });
    const anchorAt = (seq: number): ChainAnchor => ({ seq, hash: seals.get(seq) as string, source: `anchor ${seq}` });

    /** Loads the log in seal order, lets `edit` change it, then rewrites events, heads and seals consistently. */
    async function rewrite(c: Client, edit: (rows: Row[]) => Row[]): Promise<void> {
      const { rows } = await c.query<Row>(
        `SELECT e.position::int AS position, e.stream_id, e.version, e.event_id::text AS event_id, e.type, e.data, e.metadata, e.recorded_micros::text AS recorded_micros
           FROM es_seals s JOIN es_events e ON e.position = s.position ORDER BY s.seq`,
      );
      const before = new Set(rows.map((r) => r.position));
      const after = edit(rows.map((r) => ({ ...r })));
      const keep = new Set(after.map((r) => r.position));
      for (const p of before) if (!keep.has(p)) await c.query('DELETE FROM es_events WHERE position = $1', [p]);
      await c.query('DELETE FROM es_seals');
      await c.query('UPDATE es_events SET version = version + 1000000'); // renumbering without unique clashes
      const heads = new Map<string, { version: number; hash: string }>();
      let prevSeal = '';
      let seq = 0;
      for (const r of after) {
        const prev = heads.get(r.stream_id)?.hash ?? '';
        const content = contentHash({ eventId: r.event_id, type: r.type, data: r.data, metadata: r.metadata });
        const hash = sha256Hex(`${prev}|${r.stream_id}|${r.version}|${content}|${r.recorded_micros}`);
        await c.query('UPDATE es_events SET version = $2, data = $3, content_hash = $4, prev_hash = $5, hash = $6 WHERE position = $1', [r.position, r.version, r.data, content, prev, hash]);
        heads.set(r.stream_id, { version: r.version, hash });
        seq += 1;
        prevSeal = sha256Hex(`${prevSeal}|${seq}|${r.position}|${hash}`);
        await c.query('INSERT INTO es_seals (seq, position, event_hash, seal_hash) VALUES ($1, $2, $3, $4)', [seq, r.position, hash, prevSeal]);
      }
      for (const [stream, h] of heads) await c.query('UPDATE es_streams SET version = $2, head_hash = $3 WHERE stream_id = $1', [stream, h.version, h.hash]);
    }

    it('without an anchor, a full rewrite still verifies as intact (why anchors are needed)', async () => {
      const v = await tamperCopy((c) => rewrite(c, (rows) => rows.map((r, i) => (i === 40 ? { ...r, data: { ...r.data, amount: 1 } } : r))));
      expect(v.intact).toBe(true);
    });

    it('an event changed with its stream and every seal recomputed: reported from the last anchor that still matches', async () => {
      const change = (rows: Row[]) => rows.map((r, i) => (i === 40 ? { ...r, data: { ...r.data, amount: 1 } } : r));
      const v = await tamperCopy((c) => rewrite(c, change), [anchorAt(30), anchorAt(log.length)]);
      expect(v.intact).toBe(false);
      expect(v.firstBad).toMatchObject({ position: log[30].position, problem: 'anchor_mismatch' });
      expect(v.intactUpTo).toBe(log[29].position);
      expect(v.firstBad?.detail).toMatch(new RegExp(`seal ${log.length} .*anchor ${log.length}.*between seal 31 and seal ${log.length}`));
      // With the head anchor alone, everything is suspect from the first seal on.
      const alone = await tamperCopy((c) => rewrite(c, change), [anchorAt(log.length)]);
      expect(alone.firstBad).toMatchObject({ position: log[0].position, problem: 'anchor_mismatch' });
      expect(alone.intactUpTo).toBe(0);
    });

    it('the last events deleted with their seals: the chain ends before the anchored head', async () => {
      const n = log.length;
      const v = await tamperCopy((c) => rewrite(c, (rows) => rows.slice(0, rows.length - 3)), [anchorAt(n - 10), anchorAt(n)]);
      // Suspect from the first seal after the last anchor that still matches.
      expect(v.firstBad).toMatchObject({ position: log[n - 10].position, problem: 'anchor_mismatch' });
      expect(v.intactUpTo).toBe(log[n - 11].position);
      expect(v.firstBad?.detail).toMatch(new RegExp(`saved seal ${n}, but the chain ends at seal ${n - 3}`));
      // Anchored just before the removed tail: reported at the first removed event.
      const close = await tamperCopy((c) => rewrite(c, (rows) => rows.slice(0, rows.length - 3)), [anchorAt(n - 3), anchorAt(n)]);
      expect(close.firstBad).toMatchObject({ position: log[n - 4].position + 1, problem: 'anchor_mismatch' });
    });

    it('a stream renumbered (an event removed, the later versions shifted down)', async () => {
      const stream = `${T}/cycle-3`;
      const victim = log.findIndex((r, i) => i > 35 && r.streamId === stream && r.version > 1);
      const v = await tamperCopy(
        (c) =>
          rewrite(c, (rows) =>
            rows
              .filter((r) => r.position !== log[victim].position)
              .map((r) => (r.stream_id === stream && r.version > log[victim].version ? { ...r, version: r.version - 1 } : r)),
          ),
        [anchorAt(20), anchorAt(log.length)],
      );
      expect(v.firstBad).toMatchObject({ position: log[20].position, problem: 'anchor_mismatch' });
    });

    it('a forged event inserted into a stream in the sealed range, the later versions and the head moved, the seals recomputed', async () => {
      const i = log.findIndex((r, k) => k > 25 && k < log.length - 10 && log[k + 1].position > r.position + 1);
      const stream = `${T}/cycle-2`;
      const forged = anEvent(T, 'Recorded', { stream: 2, round: 99, k: 0, amount: 1 });
      const v = await tamperCopy(
        async (c) => {
          await c.query(
            `INSERT INTO es_events (position, tx_id, stream_id, version, tenant, event_id, type, data, metadata, recorded_at, recorded_micros, content_hash, prev_hash, hash)
             OVERRIDING SYSTEM VALUE VALUES ($1, $2::text::xid8, $3, 999999, $4, $5, $6, $7, $8, to_timestamp(0), 0, '', '', '')`,
            [log[i].position + 1, log[i].txId, stream, T, forged.eventId, forged.type, forged.data, forged.metadata],
          );
          const { rows } = await c.query<Row>(
            `SELECT position::int AS position, stream_id, version, event_id::text AS event_id, type, data, metadata, recorded_micros::text AS recorded_micros FROM es_events WHERE position = $1`,
            [log[i].position + 1],
          );
          await rewrite(c, (all) => {
            // The forged event takes the next version of its stream at that point; later ones move up.
            const before = all.slice(0, i + 1).filter((r) => r.stream_id === stream).length;
            const f = { ...rows[0], version: before + 1 };
            const shifted = all.map((r, k) => (k > i && r.stream_id === stream ? { ...r, version: r.version + 1 } : r));
            return [...shifted.slice(0, i + 1), f, ...shifted.slice(i + 1)];
          });
        },
        [anchorAt(10), anchorAt(log.length)],
      );
      expect(v.firstBad).toMatchObject({ position: log[10].position, problem: 'anchor_mismatch' });
      expect(v.intactUpTo).toBe(log[9].position);
    });

    it('an event deleted with its seal (nothing recomputed) is reported at its own position', async () => {
      const k = log.findIndex((r, i) => i > 15 && r.position === log[i - 1].position + 1 && log[i + 1].position === r.position + 1);
      const v = await tamperCopy(async (c) => {
        await c.query('DELETE FROM es_seals WHERE position = $1', [log[k].position]);
        await c.query('DELETE FROM es_events WHERE position = $1', [log[k].position]);
      });
      expect(v.firstBad).toMatchObject({ position: log[k].position, problem: 'seal_missing' });
    });
  });
});

function adminUrl(url: string): string {
  return process.env.TEST_ADMIN_DATABASE_URL ?? dbUrl(url, 'postgres');
}

function dbUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
