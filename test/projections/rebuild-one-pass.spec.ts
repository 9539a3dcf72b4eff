import type { DataSource } from 'typeorm';
import { PostgresEventStore, type Checkpoint, type EventStore } from '@ciclo/event-store';
import { DirectoryService, TenantCalendars } from '@ciclo/identity';
import { AuditProjector, createReadModelDataSource, CyclesProjector, ProjectionRunner, type Projector } from '@ciclo/projections';
import { migrateDatabase } from '../../apps/cli/src/migrations';
import { appendWorkload } from '../../bench/projections';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { definitions, expectSameRows, schemaShape, snapshot, waitCaughtUp, type Snapshot } from './support';

const TENANTS = ['cciaa-rm', 'cciaa-po'];
const ADMIN = { userId: 'u-admin', role: 'admin' };
const meta = () => ({ correlationId: `test-${Math.random().toString(36).slice(2)}` });
/**
 * Another process commits `events` workload events; resolves once they are readable after `after`
 * (a transaction running anywhere on the server holds back what `readCommitted` may return).
 */
async function commitMore(store: PostgresEventStore, after: Checkpoint | null, events: number, seed: number): Promise<number> {
  const n = (await appendWorkload(store, definitions().latestAll(), { events, tenants: TENANTS, seed, concurrency: 1 })).events;
  for (const deadline = Date.now() + 30000; (await store.readCommitted(after, n)).events.length < n; ) {
    if (Date.now() > deadline) throw new Error('the events committed did not become readable');
    await new Promise((r) => setTimeout(r, 50));
  }
  return n;
}

const profile = { address: 'Via de Burrò 147, 00186 Roma', legalRepresentative: 'Presidente', employees: 200, website: 'https://www.rm.camcom.it' };

/** The store as the runner sees it, with a hook on each `readCommitted` (counted). */
function watchedStore(store: PostgresEventStore, hook: (call: number, events: number, after: Checkpoint | null) => Promise<void> = async () => undefined): { store: EventStore; reads: () => number } {
  let calls = 0;
  const watched = new Proxy(store, {
    get(target, key) {
      if (key === 'readCommitted') {
        return async (...args: Parameters<EventStore['readCommitted']>) => {
          const call = ++calls;
          const batch = await target.readCommitted(...args);
          await hook(call, batch.events.length, args[0]);
          return batch;
        };
      }
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: watched, reads: () => calls };
}

/**
 * The one-pass rebuild: the log is read once for every projector, the rows equal the incremental
 * projection's even when a tenant's calendar changes mid-log, events committed during the rebuild
 * reach the swapped tables, and a rebuild that fails leaves the live tables and checkpoints as
 * they were, with no fresh table left behind.
 */
describe('rebuild in one pass over the log', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let ds: DataSource;
  let live: ProjectionRunner;
  /** Rows as the incremental projection left them. */
  let incremental: Snapshot;

  /** Projectors with their own view of the calendars, learnt from the log they read (as in a replay). */
  function projectors(s: EventStore): Projector[] {
    const registry = definitions();
    const calendars = new TenantCalendars(s);
    return [new CyclesProjector(registry, calendars.tenantTime, calendars), new AuditProjector(registry)];
  }
  const runnerOn = (s: EventStore, list: Projector[] = projectors(s)) => new ProjectionRunner(s, ds, list);
  const checkpoints = async () => (await store.pool.query('SELECT name, checkpoint, position FROM projection_checkpoints ORDER BY name')).rows as unknown[];
  const head = async () => Number((await store.pool.query<{ n: string }>('SELECT max(position) AS n FROM es_events')).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase('projonepass');
    await migrateDatabase(db.url);
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 4 });
    ds = createReadModelDataSource(db.url, 4);
    await ds.initialize();
    const directory = new DirectoryService(store);
    await directory.registerTenant({ id: 'cciaa-rm', name: 'Camera di commercio di Roma', ipaCode: 'cciaa_rm' }, ADMIN, meta());

    // Projected live in small batches while the log grows: the calendar changes in between.
    live = runnerOn(store);
    live.start({ batchSize: 200 });
    await appendWorkload(store, definitions().latestAll(), { events: 4000, tenants: TENANTS, seed: 21, concurrency: 2 });
    await waitCaughtUp(live, 30000);
    // The days of two legal dates of Rome's deadlines become patron days that are legal holidays: their deadlines move.
    const { rows } = await store.pool.query<{ d: string }>(
      `SELECT legal_date::text AS d FROM rm_deadlines WHERE tenant = 'cciaa-rm' AND legal_date IS NOT NULL AND effective_date = legal_date GROUP BY 1 ORDER BY count(*) DESC LIMIT 2`,
    );
    expect(rows).toHaveLength(2);
    const closures = rows.map((r) => r.d);
    const patron = closures.map((d, i) => ({ month: Number(d.slice(5, 7)), day: Number(d.slice(8, 10)), name: `Patrono ${i + 1}`, legalHoliday: true }));
    await directory.setTenantProfile('cciaa-rm', { ...profile, patronDays: [patron[0]] }, ADMIN, meta());
    await appendWorkload(store, definitions().latestAll(), { events: 3000, tenants: TENANTS, seed: 22, concurrency: 2 });
    await directory.setTenantProfile('cciaa-rm', { ...profile, patronDays: patron }, ADMIN, meta());
    await appendWorkload(store, definitions().latestAll(), { events: 1000, tenants: TENANTS, seed: 23, concurrency: 2 });
    await waitCaughtUp(live, 30000);
    await live.stop();
    // The calendar changes reached the incremental rows (otherwise this test would prove nothing).
    const { rows: moved } = await store.pool.query<{ d: string; n: number }>(
      `SELECT legal_date::text AS d, count(*)::int AS n FROM rm_deadlines WHERE tenant = 'cciaa-rm' AND legal_date = ANY($1::date[]) AND effective_date > legal_date GROUP BY 1 ORDER BY 1`,
      [closures],
    );
    expect(moved.map((m) => m.d)).toEqual([...closures].sort());
    incremental = await snapshot(store.pool);
  }, 180000);

  afterAll(async () => {
    await live?.stop();
    await ds?.destroy();
    await store?.close();
    await db?.drop();
  });

  it('reads the log once for every projector and gives the rows of the incremental projection', async () => {
    const shape = await schemaShape(store.pool);
    const events = await head();
    const watched = watchedStore(store);
    const r = await runnerOn(watched.store).rebuildAll();
    expect(r.events).toBe(events);
    // One pass in batches of 5,000, the read that finds the end, the swap's read of what came since.
    expect(watched.reads()).toBe(Math.ceil(events / 5000) + 2);
    expect(Object.keys(r.projectors).sort()).toEqual(['audit', 'cycles']);
    expectSameRows(await snapshot(store.pool), incremental);
    expect(await schemaShape(store.pool)).toEqual(shape);
    const positions = (await checkpoints()) as { position: string }[];
    expect(positions.map((c) => Number(c.position))).toEqual([events, events]);
    expect(r.phases.feed).toBeGreaterThan(0);
    expect(r.phases.finish).toBeGreaterThan(0);
    expect(r.phases.feed + r.phases.finish + r.phases.swap).toBeLessThanOrEqual(r.seconds);
    // The fresh state table kept the live one's LZ4 compression (migration 16), and its values use it.
    const { rows: compression } = await store.pool.query<{ column: string; values: string[] }>(
      `SELECT (SELECT attcompression FROM pg_attribute WHERE attrelid = 'rm_cycle_state'::regclass AND attname = 'state') AS column,
              array_agg(DISTINCT pg_column_compression(state)) FILTER (WHERE pg_column_compression(state) IS NOT NULL) AS values
         FROM rm_cycle_state`,
    );
    expect(compression[0]).toEqual({ column: 'l', values: ['lz4'] });
  }, 120000);

  it('applies in the swap the events committed after the read, then matches a fresh rebuild', async () => {
    const before = await head();
    let appended = 0;
    // When the pass reaches the end of the log, another process commits more events.
    const watched = watchedStore(store, async (call, n, after) => {
      if (n === 0 && appended === 0) appended = await commitMore(store, after, 300, 24);
    });
    const r = await runnerOn(watched.store).rebuildAll();
    expect(appended).toBeGreaterThan(0);
    const after = await head();
    expect(after).toBeGreaterThan(before);
    expect(r.events).toBe(after);
    const rows = await snapshot(store.pool);
    expect(rows.rm_audit).toHaveLength(after);
    expect((rows.rm_audit[rows.rm_audit.length - 1] as { position: number }).position).toBe(after);
    expect(((await checkpoints()) as { position: string }[]).map((c) => Number(c.position))).toEqual([after, after]);
    // The same log rebuilt in one pass only: the swap's incremental step left the same rows.
    await runnerOn(store).rebuildAll();
    expectSameRows(await snapshot(store.pool), rows);
    expect(rows.rm_audit.length).toBeGreaterThan(incremental.rm_audit.length);
  }, 120000);

  it('leaves the live tables and checkpoints untouched when the read fails halfway or a sink fails at the end', async () => {
    const rows = await snapshot(store.pool);
    const shape = await schemaShape(store.pool);
    const saved = await checkpoints();
    const watched = watchedStore(store, async (call) => {
      if (call === 2) throw new Error('connessione persa');
    });
    await expect(runnerOn(watched.store).rebuildAll()).rejects.toThrow('connessione persa');
    expectSameRows(await snapshot(store.pool), rows);
    expect(await schemaShape(store.pool)).toEqual(shape); // no rm_*__rebuild table left
    expect(await checkpoints()).toEqual(saved);

    // The audit sink fails at its last write while the cycles sink is still writing its tables.
    const [cycles, audit] = projectors(store);
    const failing: Projector = {
      name: audit.name,
      tables: audit.tables,
      apply: (events, ctx) => audit.apply(events, ctx),
      rebuilder: (ctx) => {
        const sink = (audit.rebuilder as NonNullable<Projector['rebuilder']>).call(audit, ctx);
        return { feed: (events) => sink.feed(events), finish: () => Promise.reject(new Error('disco pieno')) };
      },
    };
    await expect(runnerOn(store, [cycles, failing]).rebuildAll()).rejects.toThrow('disco pieno');
    expectSameRows(await snapshot(store.pool), rows);
    expect(await schemaShape(store.pool)).toEqual(shape);
    expect(await checkpoints()).toEqual(saved);

    // The cycles sink fails deriving its rows while its states already stream to the fresh table.
    const [broken, auditToo] = projectors(store);
    const derive = (broken as unknown as { rowsOf: (...a: unknown[]) => unknown }).rowsOf.bind(broken);
    let slices = 0;
    (broken as unknown as { rowsOf: (...a: unknown[]) => unknown }).rowsOf = (...a: unknown[]) => {
      if (++slices === 1) throw new Error('calendario illeggibile');
      return derive(...a);
    };
    await expect(runnerOn(store, [broken, auditToo]).rebuildAll()).rejects.toThrow('calendario illeggibile');
    expect(slices).toBe(1);
    expectSameRows(await snapshot(store.pool), rows);
    expect(await schemaShape(store.pool)).toEqual(shape);
    expect(await checkpoints()).toEqual(saved);
  }, 120000);

  it('leaves them untouched when a projector fails in the swap, and rebuilds one projector alone', async () => {
    const rows = await snapshot(store.pool);
    const shape = await schemaShape(store.pool);
    const saved = await checkpoints();
    const [cycles, audit] = projectors(store);
    // Bulk path as usual; the swap's catch-up (after a late commit) fails in the audit projector.
    const failing: Projector = {
      name: audit.name,
      tables: audit.tables,
      rebuilder: (ctx) => (audit.rebuilder as NonNullable<Projector['rebuilder']>).call(audit, ctx),
      apply: () => Promise.reject(new Error('scrittura rifiutata')),
    };
    let appended = 0;
    const watched = watchedStore(store, async (call, n, after) => {
      if (n === 0 && appended === 0) appended = await commitMore(store, after, 50, 25);
    });
    await expect(runnerOn(watched.store, [cycles, failing]).rebuildAll()).rejects.toThrow('scrittura rifiutata');
    expect(appended).toBeGreaterThan(0);
    expectSameRows(await snapshot(store.pool), rows);
    expect(await schemaShape(store.pool)).toEqual(shape);
    expect(await checkpoints()).toEqual(saved);

    // One projector by name: only its checkpoint moves, to the head.
    const r = await runnerOn(store).rebuild('audit');
    const now = await head();
    expect(r.events).toBe(now);
    expect(Object.keys(r.projectors)).toEqual(['audit']);
    const cps = (await checkpoints()) as { name: string; position: string }[];
    expect(cps.map((c) => [c.name, Number(c.position)])).toEqual([
      ['projection:audit', now],
      ['projection:cycles', Number((saved as { position: string }[])[1].position)],
    ]);
    expect((await snapshot(store.pool)).rm_audit).toHaveLength(now);
  }, 120000);
});
