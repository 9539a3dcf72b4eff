// The transparency grid's commands on the one command path: one write for simultaneous requests
// with one idempotency key, each answered; a concurrent write decided again.
import { resolve } from 'node:path';
import { transparencyStream } from '@ciclo/domain';
import { PostgresEventStore } from '@ciclo/event-store';
import type { Actor } from '@ciclo/identity';
import { ExecuteTransparencyCommands, ExecuteTransparencyCommandsHandler, loadTransparencySeed, TransparencyRepository } from '@ciclo/workflow';
import { createTestDatabase, type TestDatabase } from '../support/database';

const SEEDS = resolve(__dirname, '../../seeds');
const rpct: Actor = { userId: 'u-rpct', tenant: 'cciaa-po', roles: ['rpct'] };

describe('transparency commands through runCommand', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase('transparency_cmd');
    store = new PostgresEventStore({ connectionString: db.url, poolSize: 8 });
    await store.migrate();
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('writes once for ten simultaneous runs with one key, each from its own process cache, and answers every one', async () => {
    const runs = await Promise.allSettled(Array.from({ length: 10 }, () => loadTransparencySeed(store, SEEDS, rpct, { correlationId: 'c' })));
    expect(runs.filter((r) => r.status === 'rejected')).toEqual([]);
    const written = runs.map((r) => (r.status === 'fulfilled' ? r.value.obligations : -1));
    const events = await store.readStream(transparencyStream('cciaa-po'));
    expect(events.length).toBeGreaterThan(10);
    expect(written.filter((n) => n === events.length)).toHaveLength(1);
    expect(written.filter((n) => n === 0)).toHaveLength(9);
    expect(events.every((e) => e.metadata.schemaVersion === 1 && e.metadata.actorId === 'u-rpct')).toBe(true);
  });

  it('decides again on the new state after another process wrote, and the cache moves forward by its own write', async () => {
    const repo = new TransparencyRepository(store);
    const handler = new ExecuteTransparencyCommandsHandler(repo);
    const { state } = await repo.load('cciaa-po');
    const [first, second] = [...state.items.keys()];
    // Another process assigns offices after this one cached the grid.
    await new ExecuteTransparencyCommandsHandler(new TransparencyRepository(store)).execute(
      new ExecuteTransparencyCommands(rpct, [{ type: 'assign_offices', obligationId: first, producerOffice: 'Segreteria', publisherOffice: 'URP' }], { correlationId: 'c', atomic: true }),
    );
    const r = await handler.execute(
      new ExecuteTransparencyCommands(rpct, [{ type: 'assign_offices', obligationId: second, producerOffice: 'Ragioneria', publisherOffice: 'URP' }], { correlationId: 'c', atomic: true }),
    );
    expect(r).toMatchObject({ written: 1, replayed: false });
    const after = await repo.folder.load(transparencyStream('cciaa-po'));
    expect(after.events).toEqual([]);
    expect(after.state.state.version).toBe(r.version);
    expect(after.state.state.items.get(first)?.producerOffice).toBe('Segreteria');
    expect(after.state.state.items.get(second)?.producerOffice).toBe('Ragioneria');
  });
});
