import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Where each projector has got to in the log (written in the same transaction as its rows). */
@Entity({ name: 'projection_checkpoints' })
export class ProjectionCheckpoint {
  @PrimaryColumn({ type: 'text' }) name!: string;
  /** Serialized event-store checkpoint ("<tx_id>:<position>" with PostgreSQL). */
  @Column({ type: 'text' }) checkpoint!: string;
  @Column({ type: 'bigint' }) position!: string;
  @Column({ type: 'timestamptz', name: 'updated_at' }) updatedAt!: Date;
}

/** The folded state of each cycle, kept by the cycles projector to derive its other tables. */
@Entity({ name: 'rm_cycle_state' })
export class CycleStateRow {
  @PrimaryColumn({ type: 'uuid', name: 'cycle_id' }) cycleId!: string;
  @Column({ type: 'text' }) tenant!: string;
  @Column({ type: 'jsonb' }) state!: Record<string, unknown>;
}

@Entity({ name: 'rm_cycles' })
@Index(['tenant', 'type', 'year'])
export class CycleRow {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ type: 'text' }) tenant!: string;
  @Column({ type: 'text' }) type!: string;
  @Column({ type: 'int' }) year!: number;
  @Column({ type: 'text' }) period!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text' }) stage!: string;
  @Column({ type: 'text', name: 'stage_title' }) stageTitle!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'int', name: 'definition_version' }) definitionVersion!: number;
  @Column({ type: 'text', name: 'next_deadline_id', nullable: true }) nextDeadlineId!: string | null;
  @Column({ type: 'text', name: 'next_deadline_title', nullable: true }) nextDeadlineTitle!: string | null;
  @Column({ type: 'date', name: 'next_deadline_date', nullable: true }) nextDeadlineDate!: string | null;
  @Column({ type: 'text', array: true, name: 'next_actors' }) nextActors!: string[];
  @Column({ type: 'int' }) version!: number;
  @Column({ type: 'timestamptz', name: 'opened_at' }) openedAt!: Date;
  @Column({ type: 'timestamptz', name: 'last_change_at' }) lastChangeAt!: Date;
  @Column({ type: 'text', name: 'last_event_type' }) lastEventType!: string;
  @Column({ type: 'text', name: 'last_actor_id' }) lastActorId!: string;
}

/** One row per (cycle, role) that is expected to act now. */
@Entity({ name: 'rm_inbox' })
@Index(['tenant', 'role', 'dueDate', 'since'])
export class InboxRow {
  @PrimaryColumn({ type: 'uuid', name: 'cycle_id' }) cycleId!: string;
  @PrimaryColumn({ type: 'text' }) role!: string;
  @Column({ type: 'text' }) tenant!: string;
  @Column({ type: 'text', name: 'cycle_type' }) cycleType!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text' }) stage!: string;
  @Column({ type: 'text', name: 'stage_title' }) stageTitle!: string;
  @Column({ type: 'timestamptz' }) since!: Date;
  @Column({ type: 'date', name: 'due_date', nullable: true }) dueDate!: string | null;
  @Column({ type: 'text', name: 'due_title', nullable: true }) dueTitle!: string | null;
  @Column({ type: 'text', array: true }) commands!: string[];
}

/** Every deadline of every cycle, with its legal and effective date and when it was met. */
@Entity({ name: 'rm_deadlines' })
@Index(['tenant', 'effectiveDate'])
export class DeadlineRow {
  @PrimaryColumn({ type: 'uuid', name: 'cycle_id' }) cycleId!: string;
  @PrimaryColumn({ type: 'text', name: 'deadline_id' }) deadlineId!: string;
  @Column({ type: 'text' }) tenant!: string;
  @Column({ type: 'text', name: 'cycle_type' }) cycleType!: string;
  @Column({ type: 'text', name: 'cycle_title' }) cycleTitle!: string;
  @Column({ type: 'text', name: 'cycle_status' }) cycleStatus!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ type: 'text', name: 'legal_reference', nullable: true }) legalReference!: string | null;
  @Column({ type: 'text', name: 'met_by' }) metBy!: string;
  @Column({ type: 'date', name: 'legal_date', nullable: true }) legalDate!: string | null;
  @Column({ type: 'date', name: 'effective_date', nullable: true }) effectiveDate!: string | null;
  @Column({ type: 'boolean' }) moved!: boolean;
  @Column({ type: 'date', name: 'met_on', nullable: true }) metOn!: string | null;
}

/** The audit trail: one row per event. */
@Entity({ name: 'rm_audit' })
@Index(['tenant', 'position'])
@Index(['cycleId', 'position'])
export class AuditRow {
  @PrimaryColumn({ type: 'bigint' }) position!: string;
  @Column({ type: 'uuid', name: 'event_id' }) eventId!: string;
  @Column({ type: 'timestamptz', name: 'recorded_at' }) recordedAt!: Date;
  @Column({ type: 'timestamptz', name: 'occurred_at' }) occurredAt!: Date;
  @Column({ type: 'text' }) tenant!: string;
  @Column({ type: 'text', name: 'stream_id' }) streamId!: string;
  @Column({ type: 'uuid', name: 'cycle_id', nullable: true }) cycleId!: string | null;
  @Column({ type: 'int' }) version!: number;
  @Column({ type: 'text' }) type!: string;
  @Column({ type: 'text', name: 'actor_id' }) actorId!: string;
  @Column({ type: 'text', name: 'actor_role' }) actorRole!: string;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'text', name: 'correlation_id' }) correlationId!: string;
  @Column({ type: 'text' }) summary!: string;
  @Column({ type: 'text' }) hash!: string;
}

/** What the audit projector needs to word a summary: each cycle's type, version and title. */
@Entity({ name: 'rm_audit_cycles' })
export class AuditCycleRow {
  @PrimaryColumn({ type: 'uuid', name: 'cycle_id' }) cycleId!: string;
  @Column({ type: 'text', name: 'cycle_type' }) cycleType!: string;
  @Column({ type: 'int', name: 'definition_version' }) definitionVersion!: number;
  @Column({ type: 'text' }) period!: string;
  @Column({ type: 'text' }) title!: string;
}

export const READ_MODEL_ENTITIES = [ProjectionCheckpoint, CycleStateRow, CycleRow, InboxRow, DeadlineRow, AuditRow, AuditCycleRow];
