// Notification channels: e-mail (SMTP), signed webhooks, the in-app list; recipients (from the
// identity directory's role grants) and tenant settings (seed files) behind interfaces.
export { notificationSettings, type NotificationSettings } from './config';
export {
  StaticTenantDirectory,
  DirectoryCalendarProfiles,
  GrantedRecipients,
  tenantTimeOf,
  tenantTimesOf,
  type PeopleSource,
  type Recipient,
  type RecipientResolver,
  type TenantProfile,
  type TenantProfiles,
  type TenantCalendarSource,
  type TenantFile,
  type WebhookEndpoint,
} from './directory';
export {
  REMINDER_SENT,
  reminderStream,
  reminderEventId,
  uuidFromKey,
  renderReminder,
  whenText,
  type ReminderSentData,
  type ReminderRecipient,
  type RenderedReminder,
} from './reminder';
export { EmailChannel, type SentMail } from './email';
export { DeliveryLog, type DeliveryClaim } from './deliveries';
export { NOTIFICATIONS_MIGRATIONS } from './schema';
export { Inbox, INBOX_SUBSCRIPTION, applyInboxBatch, startInboxProjector, type InboxItem } from './inbox';
export { bullConnection, bullPrefix, checkRedisForBullMQ, type RedisCheck } from './redis';
export {
  Webhooks,
  WEBHOOK_QUEUE,
  WEBHOOK_SUBSCRIPTION,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signWebhook,
  listDeadLetters,
  type DeadLetter,
  verifyWebhookSignature,
  type WebhookJob,
  type WebhookPayload,
  type WebhookOptions,
} from './webhooks';
export {
  AUDIT_ANCHOR_PUBLISHED,
  ANCHOR_ROLES,
  auditAnchorsStream,
  anchorEventId,
  anchorDeliveryKey,
  anchorDocument,
  renderAnchor,
  type AnchorRecipient,
  type AuditAnchorData,
  type RenderedAnchor,
} from './anchor';
export { AnchorPublisher, type AnchorPublisherOptions, type PublishedAnchorOutcome, type VerificationToAnchor } from './anchor-publisher';
