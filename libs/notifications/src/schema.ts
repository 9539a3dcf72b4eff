import type { SqlMigration } from '@ciclo/event-store';

/** Tables of the notification channels: in-app inbox (read model), delivery claims, webhook dead letters. */
export const NOTIFICATIONS_MIGRATIONS: SqlMigration[] = [
  {
    id: '0300_notifications',
    sql: `
CREATE TABLE IF NOT EXISTS ntf_inbox (
  id          uuid PRIMARY KEY,
  tenant      text NOT NULL,
  user_id     text NOT NULL,
  event_id    uuid NOT NULL,
  kind        text NOT NULL,
  title       text NOT NULL,
  body        text NOT NULL,
  link        text,
  cycle_id    uuid,
  deadline_id text,
  escalation  boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL,
  read_at     timestamptz
);
CREATE INDEX IF NOT EXISTS ntf_inbox_user ON ntf_inbox (tenant, user_id, created_at DESC);

CREATE TABLE IF NOT EXISTS ntf_deliveries (
  key         text NOT NULL,
  channel     text NOT NULL,
  target      text NOT NULL,
  status      text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'skipped')),
  attempts    integer NOT NULL DEFAULT 1,
  message_id  text,
  last_error  text,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key, channel, target)
);

CREATE TABLE IF NOT EXISTS ntf_webhook_dead_letters (
  id          bigserial PRIMARY KEY,
  tenant      text NOT NULL,
  endpoint_id text NOT NULL,
  url         text NOT NULL,
  delivery_id text NOT NULL UNIQUE,
  event_type  text NOT NULL,
  payload     jsonb NOT NULL,
  attempts    integer NOT NULL,
  last_error  text NOT NULL,
  failed_at   timestamptz NOT NULL DEFAULT now()
);`,
  },
  {
    // A delivery claim is a lease: it expires, and another worker may then complete the delivery.
    id: '0301_delivery_leases',
    sql: `
ALTER TABLE ntf_deliveries ADD COLUMN IF NOT EXISTS lease_owner text;
ALTER TABLE ntf_deliveries ADD COLUMN IF NOT EXISTS lease_until timestamptz;
CREATE INDEX IF NOT EXISTS ntf_deliveries_unfinished ON ntf_deliveries (channel, lease_until) WHERE status = 'sending';`,
  },
];
