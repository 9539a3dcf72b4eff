export * from './model';
export * from './errors';
export { decide, availableCommands, blockedCommands, actingRole, earliestActDate, plausibleDeadlineWindow, type BlockedCommand } from './decide';
export { evolve, type FoldableEvent } from './evolve';
export {
  classifyCycleEvent,
  cycleEventSchemaVersion,
  upcastCycleEvent,
  CYCLE_EVENT_SCHEMA_VERSIONS,
  type CycleEvent,
  type DeliberationTransition,
  type EngineEventType,
  type EventEnvelope,
  type PlainTransition,
  type TransitionData,
} from './events';
export { validateFields } from './fields';
export { cycleDeadlines, deadlineLegalDate, deadlineState, type CycleDeadline, type DeadlineStatus, type DeadlineOptions } from './deadlines';
export { foldCycle } from './fold';
export { cycleStatus, type CycleStatus } from './status';
export { resolveLink, linkedEventDate, followedEvents } from './links';
export { eventCatalogue } from './catalogue';
export { auditSummary, type SummaryCycle, type SummaryEvent } from './summary';
export { fieldProblemIt, fieldProblemsIt } from './problems-it';
export { ROLE_LABELS, roleLabel } from './roles-it';
