export { createReadModelDataSource, migrateReadModels, READ_MODEL_MIGRATIONS } from './data-source';
export { type Projector, type ProjectionContext, type RebuildContext, type RebuildSink, subscriptionName, cycleOfStream } from './projector';
export { CyclesProjector } from './cycles.projector';
export { AuditProjector } from './audit.projector';
export { readModelProjectors } from './read-model-projectors';
export { ProjectionRunner, type ProjectorStatus, type RunnerOptions, type RebuildResult } from './runner';
export { typeormTransactor } from './transactor';
export {
  ReadModelQueries,
  INBOX_DEFAULT_LIMIT,
  encodeInboxCursor,
  decodeInboxCursor,
  type CycleSummary,
  type InboxItem,
  type InboxPage,
  type InboxCursor,
  type InboxCounts,
  type DeadlineItem,
  type DeadlinePage,
  type DeadlineState,
} from './queries';
export { DEADLINES_DEFAULT_LIMIT, encodeDeadlineCursor, decodeDeadlineCursor, type DeadlineCursor } from './deadline-pages';
export { ProjectionsModule, READ_MODELS } from './projections.module';
export * from './audit-queries';
