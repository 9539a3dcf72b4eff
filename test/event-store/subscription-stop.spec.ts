// Stopping a subscription while its loop is busy: stop() must not wait for the poll interval.
import { PostgresEventStore } from '@ciclo/event-store';
import { createTestStore } from '../support/database';
import { anEvent, uniqueStream } from './fixtures';

let store: PostgresEventStore;
let dispose: () => Promise<void>;

beforeAll(async () => ({ store, dispose } = await createTestStore('substop', 4)));
afterAll(() => dispose?.());

it('a stop that comes while the subscription reads the log ends it at once, not after the poll interval', async () => {
  const sub = store.subscribe('stop-while-reading', async () => undefined, { pollIntervalMs: 600_000 });
  await sub.caughtUp;
  // The next read of the log is held until the test lets it go; a wake starts one.
  const read = store.readForSubscription.bind(store);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let reading!: () => void;
  const started = new Promise<void>((r) => (reading = r));
  const spy = jest.spyOn(store, 'readForSubscription').mockImplementation(async (after, limit) => {
    reading();
    await held;
    return read(after, limit);
  });
  try {
    await store.append(uniqueStream('cciaa-stop'), [anEvent('cciaa-stop')], { expectedVersion: 'no_stream' });
    await started;
    const t0 = Date.now();
    const stopping = sub.stop();
    release();
    await stopping;
    expect(Date.now() - t0).toBeLessThan(10_000);
  } finally {
    spy.mockRestore();
  }
});
