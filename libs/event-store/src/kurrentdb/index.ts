export { KurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb-event-store';
export { compareKurrentCheckpoints, parseKurrentCheckpoint, serializeKurrentCheckpoint } from './mapping';
