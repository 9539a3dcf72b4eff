// The one command path decides first on the cached state, without reading the stream, against the
// real PostgreSQL store: what it writes is checked by the append's expected version, and whatever
// that first attempt cannot settle is decided again on the state loaded from the store.
import { randomUUID } from 'node:crypto';
import { runCommand, StreamFolder, type DecidedEvent, type Fold } from '@ciclo/commands';
import { PostgresEventStore, type EventStore, type RecordedEvent, type WrongExpectedVersion } from '@ciclo/event-store';
import { createTestDatabase, type TestDatabase } from '../support/database';

const T = 'cciaa-po';
const STREAM = `${T}/shelf-1`;

/** A shelf of named items: `Put` adds one, `Took` removes one. */
interface Shelf {
  version: number;
  items: ReadonlySet<string>;
  ids: ReadonlySet<string>;
}
const shelfFold: Fold<Shelf> = {
  initial: () => ({ version: 0, items: new Set(), ids: new Set() }),
  apply(from, events) {
    const items = new Set(from.items);
    const ids = new Set(from.ids);
    let version = from.version;
    for (const e of events) {
      const name = e.data.name as string;
      if (e.type === 'Put') items.add(name);
      else items.delete(name);
      ids.add(e.eventId.toLowerCase());
      version = e.version;
    }
    return { version, items, ids };
  },
  version: (s) => s.version,
  hasEvent: (s, id) => s.ids.has(id),
};

class Refused extends Error {}
class Changed extends Error {}

const event = (type: 'Put' | 'Took', name: string): DecidedEvent => ({ type, data: { name }, actorId: 'u-1', actorRole: 'po', occurredAt: new Date().toISOString() });
const meta = { tenant: T, correlationId: 'c' };

/** Another process's write, straight into the store. */
const otherWrites = (store: EventStore, type: 'Put' | 'Took', name: string) =>
  store.append(STREAM, [{ eventId: randomUUID(), type, data: { name }, metadata: { ...meta, actorId: 'u-2', actorRole: 'po', occurredAt: new Date().toISOString(), causationId: null, schemaVersion: 1 } }], { expectedVersion: 'any' });

describe('the one command path on the cached state', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  /** Reads of the shelf's stream by the command path. */
  let reads: number;
  let counting: EventStore;
  /** The versions of the states each command decided on, in order. */
  let decidedOn: number[];

  beforeEach(async () => {
    db = await createTestDatabase('cached-state');
    store = new PostgresEventStore({ connectionString: db.url });
    await store.migrate();
    reads = 0;
    decidedOn = [];
    counting = Object.create(store) as EventStore;
    counting.readStream = (stream, options) => {
      if (stream === STREAM) reads++;
      return store.readStream(stream, options);
    };
  });
  afterEach(async () => {
    await store.close();
    await db.drop();
  });

  /** Puts `name` on the shelf (refused when it is there already), or takes it (nothing to do when it is not). */
  const command = (folder: StreamFolder<Shelf>, op: 'put' | 'take', name: string, key: string | null = null) =>
    runCommand<Shelf, { version: number; replayed: boolean; wrote: boolean }>({
      folder,
      stream: STREAM,
      meta,
      idempotency: key ? { key, scope: `shelf:${op}` } : null,
      replay: (written: RecordedEvent[]) => ({ version: written[written.length - 1].version, replayed: true, wrote: false }),
      decide(state) {
        decidedOn.push(state.version);
        if (op === 'put' && state.items.has(name)) throw new Refused(`${name} is on the shelf`);
        const events = op === 'put' ? [event('Put', name)] : state.items.has(name) ? [event('Took', name)] : [];
        return {
          events,
          after: (ids) => shelfFold.apply(state, events.map((e, i) => ({ ...e, eventId: ids[i], version: state.version + i + 1 }) as unknown as RecordedEvent)),
          answer: (r) => ({ version: r ? r.nextVersion : state.version, replayed: !!r?.replayed, wrote: !!r && !r.replayed }),
        };
      },
      conflict: (err: WrongExpectedVersion) => new Changed(`changed, now ${err.actualVersion}`),
    });

  const names = async () => (await store.readStream(STREAM)).map((e) => `${e.type} ${e.data.name as string}`);

  it('reads the stream once to fill the cache, then decides on the cached state and writes at its version', async () => {
    const folder = new StreamFolder(counting, shelfFold);
    expect(await command(folder, 'put', 'a')).toEqual({ version: 1, replayed: false, wrote: true });
    expect(reads).toBe(1);
    expect(await command(folder, 'put', 'b')).toEqual({ version: 2, replayed: false, wrote: true });
    expect(await command(folder, 'take', 'a')).toEqual({ version: 3, replayed: false, wrote: true });
    expect(reads).toBe(1);
    expect(decidedOn).toEqual([0, 1, 2]);
    expect(await names()).toEqual(['Put a', 'Put b', 'Took a']);
  });

  it('a cache behind the stream: the append at its version is refused, and the command decides again on the loaded state', async () => {
    const folder = new StreamFolder(counting, shelfFold);
    await command(folder, 'put', 'a');
    await otherWrites(store, 'Put', 'z');
    expect(await command(folder, 'put', 'b')).toEqual({ version: 3, replayed: false, wrote: true });
    expect(decidedOn).toEqual([0, 1, 2]);
    expect(await names()).toEqual(['Put a', 'Put z', 'Put b']);
    // The loaded state went into the cache, with the command's own event.
    expect(folder.cache.get(STREAM)?.items).toEqual(new Set(['a', 'z', 'b']));
  });

  it('a stream another process keeps writing is loaded first, until a load finds the cache current', async () => {
    let appends = 0;
    const appending = Object.create(counting) as EventStore;
    appending.append = (stream, events, options) => {
      appends++;
      return store.append(stream, events, options);
    };
    const folder = new StreamFolder(appending, shelfFold);
    await command(folder, 'put', 'a');
    const step = async (name: string) => {
      reads = 0;
      appends = 0;
      await command(folder, 'put', name);
      return { reads, appends };
    };
    await otherWrites(store, 'Put', 'z1');
    // Unread attempt refused (the cache missed z1), then loaded and written.
    expect(await step('b')).toEqual({ reads: 1, appends: 2 });
    await otherWrites(store, 'Put', 'z2');
    // Marked behind: loaded first, one append.
    expect(await step('c')).toEqual({ reads: 1, appends: 1 });
    // Nobody else wrote: the load finds the cache current, and the stream is no longer marked.
    expect(await step('d')).toEqual({ reads: 1, appends: 1 });
    expect(await step('e')).toEqual({ reads: 0, appends: 1 });
    expect(await names()).toEqual(['Put a', 'Put z1', 'Put b', 'Put z2', 'Put c', 'Put d', 'Put e']);
  });

  it('a refusal on a cached state behind the stream is not the answer: the loaded state decides', async () => {
    const folder = new StreamFolder(counting, shelfFold);
    await command(folder, 'put', 'a');
    await otherWrites(store, 'Took', 'a');
    expect(await command(folder, 'put', 'a')).toEqual({ version: 3, replayed: false, wrote: true });
    expect(decidedOn).toEqual([0, 1, 2]);
    // On a current state the refusal stands, after one read of the stream.
    reads = 0;
    await expect(command(folder, 'put', 'a')).rejects.toThrow(Refused);
    expect(reads).toBe(1);
    expect(await names()).toEqual(['Put a', 'Took a', 'Put a']);
  });

  it('nothing to write on a cached state behind the stream is not the answer either', async () => {
    const folder = new StreamFolder(counting, shelfFold);
    await command(folder, 'put', 'a');
    await command(folder, 'take', 'a');
    await otherWrites(store, 'Put', 'a');
    expect(await command(folder, 'take', 'a')).toEqual({ version: 4, replayed: false, wrote: true });
    expect(await command(folder, 'take', 'a')).toEqual({ version: 4, replayed: false, wrote: false });
    expect(await names()).toEqual(['Put a', 'Took a', 'Put a', 'Took a']);
  });

  it('the unread attempt is not one of the retries: a stale cache and one concurrent write still succeed, a second concurrent write does not', async () => {
    const folder = new StreamFolder(counting, shelfFold);
    await command(folder, 'put', 'a');
    await otherWrites(store, 'Put', 'y');
    // Another process writes just before each of the next `races` appends that would have succeeded.
    let races = 1;
    const racing = Object.create(counting) as EventStore;
    racing.append = async (stream, events, options) => {
      const current = (await store.readStream(stream, { fromVersion: Number(options.expectedVersion) + 1 })).length === 0;
      if (current && races > 0) await otherWrites(store, 'Put', `r${--races}`);
      return store.append(stream, events, options);
    };
    const racingFolder = new StreamFolder(racing, shelfFold, folder.cache);
    // Refused unread at version 1 (not counted), then at 2 after the load (the one retry), written at 3.
    expect(await command(racingFolder, 'put', 'b')).toEqual({ version: 4, replayed: false, wrote: true });
    expect(await names()).toEqual(['Put a', 'Put y', 'Put r0', 'Put b']);

    await otherWrites(store, 'Put', 'x');
    races = 2;
    await expect(command(racingFolder, 'put', 'c')).rejects.toThrow('changed, now 7');
    expect(await names()).toEqual(['Put a', 'Put y', 'Put r0', 'Put b', 'Put x', 'Put r1', 'Put r0']);
  });

  it('a command repeated with its key by another process is answered from what that one wrote, not written again', async () => {
    const here = new StreamFolder(counting, shelfFold);
    await command(here, 'put', 'a');
    const there = new StreamFolder(store, shelfFold);
    expect(await command(there, 'put', 'k', 'key-1')).toMatchObject({ version: 2, wrote: true });
    // This process's cache is at version 1 and has not seen the keyed event.
    expect(await command(here, 'put', 'k', 'key-1')).toEqual({ version: 2, replayed: true, wrote: false });
    expect(await names()).toEqual(['Put a', 'Put k']);
  });
});
