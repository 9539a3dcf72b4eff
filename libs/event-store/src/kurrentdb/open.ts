import type { KurrentDbEventStore, KurrentDbEventStoreOptions } from './kurrentdb-event-store';

/** The KurrentDB adapter, its client library loaded on this first call rather than with the event store's index. */
export async function openKurrentDbEventStore(options: KurrentDbEventStoreOptions): Promise<KurrentDbEventStore> {
  const { KurrentDbEventStore: Store } = await import('./kurrentdb-event-store');
  return new Store(options);
}
