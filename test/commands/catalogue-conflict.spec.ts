import { randomUUID } from 'node:crypto';
import { catalogueStream } from '@ciclo/domain';
import { PostgresEventStore, type AppendOptions, type EventStore, type NewEvent } from '@ciclo/event-store';
import { CatalogueChangedConcurrently, CatalogueRepository, ExecuteCatalogueCommands, ExecuteCatalogueCommandsHandler } from '@ciclo/workflow';
import { HttpErrorFilter } from '../../apps/api/src/http-errors';
import { createTestDatabase, type TestDatabase } from '../support/database';

const T = 'cciaa-po';
const actor = { userId: 'u-st', tenant: T, roles: ['struttura_tecnica'] } as ConstructorParameters<typeof ExecuteCatalogueCommands>[0];
const entry = (code: string, title: string) => ({ code, level: 1, parentCode: null, title });
const add = (code: string, title = `Processo ${code}`) => ({ type: 'add_process' as const, entry: entry(code, title) });

/** Another writer's event on the catalogue, as a second API process would append it. */
const competing = (code: string): NewEvent => ({
  eventId: randomUUID(),
  type: 'CatalogueProcessAdded',
  data: { entry: entry(code, `Concorrente ${code}`) },
  metadata: { tenant: T, actorId: 'u-other', actorRole: 'struttura_tecnica', occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null, schemaVersion: 1 },
});

/**
 * The real store, with another writer that appends to the catalogue just before each of the
 * handler's first `races` appends: the handler's expected version is stale every time.
 */
function racingStore(store: PostgresEventStore, races: number): EventStore & { raced: number } {
  const racing = Object.create(store) as EventStore & { raced: number };
  racing.raced = 0;
  racing.append = async (stream: string, events: NewEvent[], options: AppendOptions) => {
    if (stream === catalogueStream(T) && racing.raced < races) {
      racing.raced++;
      await store.append(stream, [competing(`Z${racing.raced}`)], { expectedVersion: 'any' });
    }
    return store.append(stream, events, options);
  };
  return racing;
}

describe('catalogue commands on the one command path', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    db = await createTestDatabase('catalogue');
    store = new PostgresEventStore({ connectionString: db.url });
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    await db.drop();
  });

  const run = (s: EventStore, commands = [add('A1')], key: string | null = null) =>
    new ExecuteCatalogueCommandsHandler(new CatalogueRepository(s)).execute(
      new ExecuteCatalogueCommands(actor, commands, { correlationId: randomUUID(), idempotencyKey: key, atomic: true }),
    );

  it('decides again once after a concurrent write, on the new state', async () => {
    const s = racingStore(store, 1);
    const r = await run(s);
    expect(r).toMatchObject({ version: 2, written: 1, replayed: false });
    expect(s.raced).toBe(1);
    const events = await store.readStream(catalogueStream(T));
    expect(events.map((e) => (e.data.entry as { code: string }).code)).toEqual(['Z1', 'A1']);
  });

  it('answers a conflict that repeats with CONCURRENT_MODIFICATION (409, Italian message), writing nothing of its own', async () => {
    const s = racingStore(store, 2);
    const err = await run(s).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogueChangedConcurrently);
    expect(err).toMatchObject({ code: 'CONCURRENT_MODIFICATION', actualVersion: 2 });
    const events = await store.readStream(catalogueStream(T));
    expect(events.map((e) => e.metadata.actorId)).toEqual(['u-other', 'u-other']);

    // What an API client receives for it.
    let status = 0;
    let body: Record<string, unknown> = {};
    const res = {
      setHeader: () => res,
      status: (code: number) => ((status = code), res),
      json: (b: Record<string, unknown>) => ((body = b), res),
    };
    const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => ({ id: 'corr-1', path: '/x', method: 'POST' }) }) };
    new HttpErrorFilter().catch(err, host as never);
    expect(status).toBe(409);
    expect(body).toMatchObject({ code: 'CONCURRENT_MODIFICATION', messageIt: 'Il catalogo dei processi è stato modificato nel frattempo: ricaricare e riprovare' });
  });

  it('answers a repeated key from what the first run wrote, even from another process', async () => {
    const first = await run(store, [add('B1'), add('B2')], 'import-1');
    expect(first).toMatchObject({ version: 2, written: 2, replayed: false });
    const again = await run(store, [add('B1'), add('B2')], 'import-1');
    expect(again).toEqual({ version: 2, written: 0, outcomes: [], replayed: true });
    expect(await store.readStream(catalogueStream(T))).toHaveLength(2);
    // The handler's own append moved its cache: a later command decides on B1 and B2 without a refusal for them.
    const repo = new CatalogueRepository(store);
    const handler = new ExecuteCatalogueCommandsHandler(repo);
    await handler.execute(new ExecuteCatalogueCommands(actor, [add('C1')], { correlationId: 'c', atomic: true }));
    expect([...(await repo.load(T)).state.entries.keys()].sort()).toEqual(['B1', 'B2', 'C1']);
    const refused = await handler.execute(new ExecuteCatalogueCommands(actor, [add('C1')], { correlationId: 'c' })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ outcomes: [{ index: 0, status: 'refused', code: 'CATALOGUE_ENTRY_EXISTS' }], written: 0 });
  });
});
