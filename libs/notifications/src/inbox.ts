import type { Pool, PoolClient } from 'pg';
import type { EventStore, RecordedEvent, SubscribeOptions, Subscription } from '@ciclo/event-store';
import { AUDIT_ANCHOR_PUBLISHED, renderAnchor, type AuditAnchorData } from './anchor';
import { renderReminder, REMINDER_SENT, uuidFromKey, type ReminderSentData } from './reminder';

export const INBOX_SUBSCRIPTION = 'notifications-inbox';

export interface InboxItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  cycleId: string | null;
  deadlineId: string | null;
  escalation: boolean;
  createdAt: string;
  readAt: string | null;
}

/**
 * Rows for one batch: one per recipient of every `ReminderSent` and every `AuditAnchorPublished`
 * (the RPCT and OIV), written through the batch's client.
 */
export async function applyInboxBatch(events: RecordedEvent[], client: PoolClient): Promise<void> {
  const rows: unknown[][] = [];
  for (const e of events) {
    if (e.type === AUDIT_ANCHOR_PUBLISHED) {
      const d = e.data as unknown as AuditAnchorData;
      const m = renderAnchor(d);
      for (const r of d.recipients ?? []) {
        rows.push([uuidFromKey('ciclo-inbox', `${e.eventId}|${r.userId}`), e.metadata.tenant, r.userId, e.eventId, 'audit_anchor', m.title, m.body, d.link, null, null, false, e.metadata.occurredAt]);
      }
      continue;
    }
    if (e.type !== REMINDER_SENT) continue;
    const d = e.data as unknown as ReminderSentData;
    const m = renderReminder(d);
    for (const r of d.recipients ?? []) {
      rows.push([uuidFromKey('ciclo-inbox', `${e.eventId}|${r.userId}`), e.metadata.tenant, r.userId, e.eventId, d.escalation ? 'reminder_escalation' : 'reminder', m.title, m.body, d.link, d.cycleId, d.deadlineId, !!d.escalation, e.metadata.occurredAt]);
    }
  }
  if (rows.length === 0) return;
  const cols = rows[0].length;
  const columns = Array.from({ length: cols }, (_, i) => rows.map((r) => r[i]));
  await client.query(
    `INSERT INTO ntf_inbox (id, tenant, user_id, event_id, kind, title, body, link, cycle_id, deadline_id, escalation, created_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::uuid[], $10::text[], $11::boolean[], $12::timestamptz[])
     ON CONFLICT (id) DO NOTHING`,
    columns,
  );
}

/**
 * The in-app notification list: a read model fed by the store's durable subscription, with the
 * store's own transactor, so that rows and checkpoint commit together (exactly once).
 */
export function startInboxProjector(store: EventStore, options: SubscribeOptions<PoolClient> = {}): Subscription {
  return store.subscribe<PoolClient>(INBOX_SUBSCRIPTION, applyInboxBatch, { batchSize: 1000, ...options });
}

/** Reads and updates of one user's list. */
export class Inbox {
  constructor(private readonly pool: Pool) {}

  async list(tenant: string, userId: string, options: { unreadOnly?: boolean; limit?: number } = {}): Promise<InboxItem[]> {
    const { rows } = await this.pool.query<{
      id: string;
      kind: string;
      title: string;
      body: string;
      link: string | null;
      cycle_id: string | null;
      deadline_id: string | null;
      escalation: boolean;
      created_at: Date;
      read_at: Date | null;
    }>(
      `SELECT id, kind, title, body, link, cycle_id, deadline_id, escalation, created_at, read_at FROM ntf_inbox
        WHERE tenant = $1 AND user_id = $2 AND ($3::boolean = false OR read_at IS NULL)
        ORDER BY created_at DESC, id LIMIT $4`,
      [tenant, userId, options.unreadOnly ?? false, Math.min(Math.max(options.limit ?? 100, 1), 500)],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      body: r.body,
      link: r.link,
      cycleId: r.cycle_id,
      deadlineId: r.deadline_id,
      escalation: r.escalation,
      createdAt: r.created_at.toISOString(),
      readAt: r.read_at ? r.read_at.toISOString() : null,
    }));
  }

  /** How many of the user's items are unread. */
  async unreadCount(tenant: string, userId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ntf_inbox WHERE tenant = $1 AND user_id = $2 AND read_at IS NULL', [tenant, userId]);
    return rows[0].n;
  }

  /** Marks one item read; false when it is not this user's. */
  async markRead(tenant: string, userId: string, id: string, at = new Date()): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE ntf_inbox SET read_at = coalesce(read_at, $4) WHERE tenant = $1 AND user_id = $2 AND id = $3', [tenant, userId, id, at]);
    return rowCount === 1;
  }
}
