import { DelayedError, type Job } from 'bullmq';
import { cyclePageUrl } from './links';
import {
  deadlineDay,
  initialCycleState,
  isWorkingInstant,
  nextWorkingInstant,
  ownValue,
  parseReminderKey,
  cycleClosed,
  deadlineLegalDate,
  isMeasureDeadlineId,
  type CycleDefinition,
  type CycleState,
} from '@ciclo/domain';
import { EventIdConflict, type EventStore } from '@ciclo/event-store';
import {
  DeliveryLog,
  REMINDER_SENT,
  reminderEventId,
  reminderStream,
  type EmailChannel,
  type RecipientResolver,
  type ReminderRecipient,
  type ReminderSentData,
} from '@ciclo/notifications';
import { cycleStream } from '@ciclo/workflow';
import type { Clock, DeadlinesLog } from './clock';
import type { ReminderJobData } from './jobs';
import type { ReminderPlanner } from './planner';
import { foldWithRegister, measureDatesOf } from './scheduler';

export type ReminderOutcome =
  | { status: 'sent'; key: string; recipients: number; email: EmailOutcome; worker: string }
  | { status: 'already_sent'; key: string; email: EmailOutcome; worker: string }
  | { status: 'obsolete'; key: string; reason: string; worker: string };

export interface ProcessorOptions {
  store: EventStore;
  planner: ReminderPlanner;
  recipients: RecipientResolver;
  email: EmailChannel;
  deliveries: DeliveryLog;
  clock: Clock;
  log: DeadlinesLog;
  publicUrl: string;
  workerName: string;
  /** Extends the overdue chain after an overdue or due-day reminder (the scheduler's per-cycle plan). */
  scheduleCycle?: (tenant: string, cycleId: string) => Promise<void>;
  /** How long a delivery claim holds before another worker may take it over (default 120 s). */
  deliveryLeaseMs?: number;
  /** Test hooks: before the claim, right after it, and right after the SMTP server accepted the e-mail. */
  beforeClaim?: (key: string) => Promise<void> | void;
  onClaimed?: (key: string) => Promise<void> | void;
  onHandOff?: (key: string) => Promise<void> | void;
}

export type EmailOutcome = 'sent' | 'none' | 'already';

/**
 * Runs one reminder job. Order matters for "exactly once":
 * 1. the job is checked against the cycle as it is now (met, moved, cancelled: nothing is sent);
 * 2. outside working hours it waits for the next working instant;
 * 3. `ReminderSent` is appended with an id derived from the key: a second run finds it (the store
 *    answers `replayed`, or refuses a different content under the same id) and the in-app list and
 *    webhooks, fed from that event, get it once;
 * 4. the e-mail is claimed in `ntf_deliveries` with a lease, handed to SMTP (Message-ID derived
 *    from the key), then marked sent. A run killed after the claim leaves the lease, which
 *    expires: the retried job (delayed until then) or the sweep of unfinished deliveries takes it
 *    over and sends. Killed after the SMTP server accepted and before the mark, the message goes
 *    out twice with the same Message-ID (docs/deadlines.md). An SMTP error releases the claim and
 *    fails the job, which BullMQ retries with backoff.
 */
export class ReminderProcessor {
  constructor(private readonly o: ProcessorOptions) {}

  async process(job: Job<ReminderJobData>, token?: string): Promise<ReminderOutcome> {
    const key = job.data.key;
    const worker = this.o.workerName;
    const parts = parseReminderKey(key);
    if (!parts) return { status: 'obsolete', key, reason: 'malformed key', worker };
    const events = await this.o.store.readStream(cycleStream(parts.tenant, parts.cycleId));
    // The cycle in full, since the message names it (title, period label), which the scheduler's
    // reduced state (`deadlineState`) leaves out; the register as the scheduler folds it.
    const scheduled = foldWithRegister({ cycle: initialCycleState(), plan: null }, events);
    const state = scheduled.cycle;
    const def = state.exists ? this.o.planner.definitionOf(state) : undefined;
    // A measure of the risk register: its phase or monitoring date, while not met.
    const dates = isMeasureDeadlineId(parts.deadlineId) ? measureDatesOf(scheduled).filter((x) => x.id === parts.deadlineId) : [];
    const measure = dates.find((x) => x.legalDate === parts.legalDate);
    const why = isMeasureDeadlineId(parts.deadlineId) ? this.obsoleteMeasure(state, def, dates, parts.legalDate, parts.offset) : this.obsolete(state, def, parts.deadlineId, parts.legalDate, parts.offset);
    if (why || !def) return { status: 'obsolete', key, reason: why ?? 'no definition', worker };

    const now = this.o.clock.now();
    const wt = this.o.planner.workingTime(parts.tenant);
    if (!isWorkingInstant(now, wt)) {
      const next = nextWorkingInstant(now, wt).getTime();
      await job.moveToDelayed(Date.now() + (next - now.getTime()), token);
      throw new DelayedError();
    }

    const d = measure ? { id: measure.id, title: measure.title, legalReference: undefined } : (def.deadlines.find((x) => x.id === parts.deadlineId) as CycleDefinition['deadlines'][number]);
    const policy = this.o.planner.policy(parts.tenant, def);
    const escalation = parts.offset < 0;
    const stage = def.stages.find((s) => s.id === state.stage);
    // The dirigenti answer for the measures, and the RPCT is told when one is late.
    const actorRoles = measure ? ['dirigente' as const] : stage?.actors.length ? stage.actors : [policy.escalateTo];
    const escalateTo = measure ? 'rpct' : policy.escalateTo;
    const recipients: ReminderRecipient[] = (await this.o.recipients.withRoles(parts.tenant, actorRoles)).map((r) => ({ userId: r.userId, name: r.name, email: r.email, reason: 'actor' }));
    if (escalation) {
      for (const r of await this.o.recipients.withRoles(parts.tenant, [escalateTo])) {
        if (!recipients.some((x) => x.userId === r.userId)) recipients.push({ userId: r.userId, name: r.name, email: r.email, reason: 'escalation' });
      }
    }
    // The job's legal date is the current one (checked above): its day with the tenant's calendar and time zone.
    const eff = deadlineDay(parts.legalDate, now, wt);
    const data: ReminderSentData = {
      key,
      cycleId: state.cycleId,
      cycleType: state.cycleType,
      cycleTitle: state.title,
      periodLabel: state.periodLabel,
      deadlineId: d.id,
      deadlineTitle: d.title,
      legalReference: d.legalReference ?? null,
      legalDate: parts.legalDate,
      effectiveDate: eff.effectiveDate,
      effectiveReason: eff.moved ? (eff.reason ?? null) : null,
      offset: parts.offset,
      kind: job.data.kind,
      daysLeft: eff.daysLeft,
      escalation,
      stage: state.stage,
      stageTitle: stage?.title ?? state.stage,
      dueAt: job.data.dueAt,
      link: cyclePageUrl(this.o.publicUrl, state.cycleId),
      recipients,
    };
    let first = false;
    try {
      const r = await this.o.store.append(
        reminderStream(parts.tenant, parts.cycleId),
        [
          {
            eventId: reminderEventId(key),
            type: REMINDER_SENT,
            data: data as never,
            metadata: {
              tenant: parts.tenant,
              actorId: 'system:deadline-scheduler',
              actorRole: 'system',
              occurredAt: now.toISOString(),
              correlationId: `reminder:${job.id}`,
              causationId: null,
              schemaVersion: 1,
              reason: `Promemoria ${key}`,
            },
          },
        ],
        { expectedVersion: 'any' },
      );
      first = !r.replayed;
    } catch (err) {
      if (!(err instanceof EventIdConflict)) throw err;
      // Recorded by an earlier run (with that run's clock): this run is the repeat.
    }
    const recorded = first ? data : await this.recordedData(parts.tenant, parts.cycleId, key);
    const payload = recorded ?? data;
    const delivered = await this.deliverEmail(key, payload);
    if (typeof delivered === 'number') {
      // Another worker's lease runs: come back when it expires (if that worker finished, the
      // delivery is `sent` by then and nothing more goes out).
      await job.moveToDelayed(Date.now() + delivered + 50, token);
      throw new DelayedError();
    }
    const email = delivered;
    if (this.o.scheduleCycle && parts.offset <= 0) await this.o.scheduleCycle(parts.tenant, parts.cycleId).catch((err) => this.o.log.warn(`Could not extend the overdue reminders of ${state.cycleId}: ${(err as Error).message}`));
    return first ? { status: 'sent', key, recipients: recipients.length, email, worker } : { status: 'already_sent', key, email, worker };
  }

  /**
   * The e-mail of a reminder, at most once per lease: claims, hands off to SMTP, marks sent.
   * Answers the milliseconds to wait when another worker's lease has not expired yet.
   */
  private async deliverEmail(key: string, payload: ReminderSentData): Promise<EmailOutcome | number> {
    if (!payload.recipients.some((r) => r.email)) return 'none';
    await this.o.beforeClaim?.(key);
    const claim = await this.o.deliveries.claim(key, 'email', '*', this.o.workerName, this.o.deliveryLeaseMs ?? 120_000);
    if (!claim.claimed) return claim.status === 'sending' ? claim.retryInMs : 'already';
    if (claim.tookOver) this.o.log.warn(`Reminder ${key}: completing a delivery left unfinished (attempt ${claim.attempts})`);
    await this.o.onClaimed?.(key);
    try {
      const sent = await this.o.email.sendReminder(payload);
      await this.o.onHandOff?.(key);
      await this.o.deliveries.sent(key, 'email', '*', sent?.messageId ?? null);
      return 'sent';
    } catch (err) {
      await this.o.deliveries.failed(key, 'email', '*', (err as Error).message);
      throw err;
    }
  }

  /**
   * Completes the e-mails whose claim expired unfinished (a worker died between claim and mark),
   * from what the `ReminderSent` event recorded: works even when the job itself is gone.
   * Answers how many were sent.
   */
  async resumeUnfinished(limit = 100): Promise<number> {
    let sent = 0;
    for (const { key } of await this.o.deliveries.unfinished('email', limit)) {
      const parts = parseReminderKey(key);
      if (!parts) continue;
      const recorded = await this.recordedData(parts.tenant, parts.cycleId, key);
      if (!recorded) continue;
      try {
        if ((await this.deliverEmail(key, recorded)) === 'sent') sent++;
      } catch (err) {
        this.o.log.warn(`Reminder ${key}: resuming the delivery failed: ${(err as Error).message}`);
      }
    }
    return sent;
  }

  private async recordedData(tenant: string, cycleId: string, key: string): Promise<ReminderSentData | null> {
    const id = reminderEventId(key);
    const events = await this.o.store.readStream(reminderStream(tenant, cycleId));
    const e = events.find((x) => x.eventId === id);
    return e ? (e.data as unknown as ReminderSentData) : null;
  }

  /** Why a reminder of a measure must not go out any more (met, moved, cancelled), or null. */
  private obsoleteMeasure(state: CycleState, def: CycleDefinition | undefined, dates: readonly { legalDate: string }[], legalDate: string, offset: number): string | null {
    if (!state.exists) return 'no such cycle';
    if (!def) return `definition ${state.cycleType} v${state.definitionVersion} not loaded`;
    if (state.status === 'cancelled') return 'cycle cancelled';
    if (dates.length === 0) return 'measure date met or removed';
    if (!dates.some((x) => x.legalDate === legalDate)) return `measure date moved to ${dates.map((x) => x.legalDate).join(', ')}`;
    const policy = this.o.planner.policy(state.tenant, def);
    if (offset >= 0 ? !policy.offsetsDays.includes(offset) : -offset % policy.overdueEveryDays !== 0) return 'offset no longer in the policy';
    return null;
  }

  /** Why a reminder must not go out any more, or null. */
  private obsolete(state: CycleState, def: CycleDefinition | undefined, deadlineId: string, legalDate: string, offset: number): string | null {
    if (!state.exists) return 'no such cycle';
    if (!def) return `definition ${state.cycleType} v${state.definitionVersion} not loaded`;
    if (cycleClosed(state, def)) return state.status === 'cancelled' ? 'cycle cancelled' : 'cycle closed';
    const d = def.deadlines.find((x) => x.id === deadlineId);
    if (!d) return 'no such deadline';
    if (ownValue(state.stageReachedAt, d.metBy)) return 'deadline met';
    const current = deadlineLegalDate(state, d, this.o.planner.tenantTime(state.tenant).timeZone);
    if (current !== legalDate) return `deadline moved to ${current ?? 'no date'}`;
    const policy = this.o.planner.policy(state.tenant, def);
    if (offset >= 0 ? !policy.offsetsDays.includes(offset) : -offset % policy.overdueEveryDays !== 0) return 'offset no longer in the policy';
    return null;
  }
}
