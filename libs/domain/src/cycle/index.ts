export * from './model';
export * from './errors';
export { decide, availableCommands, actingRole, earliestActDate, plausibleDeadlineWindow } from './decide';
export { evolve, type FoldableEvent } from './evolve';
export { validateFields } from './fields';
export { cycleDeadlines, deadlineLegalDate, type CycleDeadline, type DeadlineStatus, type DeadlineOptions } from './deadlines';
export { foldCycle } from './fold';
export { eventCatalogue } from './catalogue';
export { auditSummary, type SummaryCycle, type SummaryEvent } from './summary';
