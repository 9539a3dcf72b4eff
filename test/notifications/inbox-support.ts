// Puts reminders in users' in-app lists the way the worker does: a ReminderSent event in the
// store, then the inbox projector (the worker's) run until it has caught up.
import { randomUUID } from 'node:crypto';
import type { PostgresEventStore } from '@ciclo/event-store';
import { REMINDER_SENT, reminderEventId, startInboxProjector, type ReminderSentData } from '@ciclo/notifications';

export interface SampleReminder {
  cycleId: string;
  cycleTitle: string;
  deadlineId: string;
  deadlineTitle: string;
  recipients: { userId: string; name: string }[];
  daysLeft?: number;
  escalation?: boolean;
}

export async function sendReminders(store: PostgresEventStore, tenant: string, reminders: SampleReminder[]): Promise<void> {
  for (const r of reminders) {
    const daysLeft = r.daysLeft ?? 3;
    const data: ReminderSentData = {
      key: `rem|${tenant}|${r.cycleId}|${r.deadlineId}|${randomUUID()}`,
      cycleId: r.cycleId,
      cycleType: 'piao',
      cycleTitle: r.cycleTitle,
      periodLabel: '2022-2024',
      deadlineId: r.deadlineId,
      deadlineTitle: r.deadlineTitle,
      legalReference: 'DL 80/2021 art. 6 c. 1',
      legalDate: '2022-01-31',
      effectiveDate: '2022-01-31',
      effectiveReason: null,
      offset: daysLeft,
      kind: daysLeft < 0 ? 'overdue' : daysLeft === 0 ? 'due' : 'before',
      daysLeft,
      escalation: r.escalation ?? false,
      stage: 'bozza',
      stageTitle: 'Bozza',
      dueAt: new Date().toISOString(),
      link: `http://127.0.0.1/cicli/${r.cycleId}`,
      recipients: r.recipients.map((x) => ({ ...x, email: null, reason: 'actor' })),
    } as ReminderSentData;
    await store.append(
      `${tenant}/reminders-${r.cycleId}`,
      [
        {
          eventId: reminderEventId(data.key),
          type: REMINDER_SENT,
          data: data as never,
          metadata: { tenant, actorId: 'system', actorRole: 'system', occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null, schemaVersion: 1 },
        },
      ],
      { expectedVersion: 'any' },
    );
  }
  const sub = startInboxProjector(store, { pollIntervalMs: 50 });
  await sub.caughtUp;
  await sub.stop();
}
