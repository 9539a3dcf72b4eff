export { FoldCache } from './fold-cache';
export { eventIdsFor } from './event-ids';
export { SharedLoads } from './shared-loads';
export {
  CommandRetries,
  ConcurrentChange,
  expectedVersionOf,
  runCommand,
  StreamFolder,
  toNewEvents,
  writtenWithKey,
  type CommandRun,
  type DecidedEvent,
  type Decision,
  type EventMeta,
  type Fold,
  type SchemaVersions,
} from './command-handler';
