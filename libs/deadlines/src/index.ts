// Deadlines: the scheduler that keeps one delayed BullMQ job per reminder of every open cycle, and
// the reminder jobs that send them exactly once. The planning itself is pure (libs/domain reminders).
export { systemClock, OffsetClock, silentLog, type Clock, type DeadlinesLog } from './clock';
export { ReminderPlanner, type DefinitionSource } from './planner';
export { ReminderJobs, REMINDER_QUEUE, schedulerMarkerKey, type CyclePlan, type ReminderJobData, type ReminderJobOptions } from './jobs';
export { DeadlineScheduler, SCHEDULER_SUBSCRIPTION, type SchedulerOptions } from './scheduler';
export { ReminderProcessor, type ReminderOutcome, type ProcessorOptions } from './processor';
export { DeadlinesRuntime, type DeadlinesRuntimeOptions } from './runtime';
export { deadlinesCalendar, icsText, foldLine, type IcsOptions } from './ics';
export { cyclePageUrl } from './links';
