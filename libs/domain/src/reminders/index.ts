export {
  DEFAULT_REMINDER_POLICY,
  resolveReminderPolicy,
  reminderKey,
  parseReminderKey,
  planReminders,
  cycleClosed,
  type ReminderPolicyOverride,
  type ReminderKind,
  type PlannedReminder,
  type ReminderPlanOptions,
  type ReminderKeyParts,
} from './plan';
