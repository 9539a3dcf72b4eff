import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The read models fed by the projectors. */
export class ReadModels1700000000001 implements MigrationInterface {
  name = 'ReadModels1700000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE projection_checkpoints (
  name text PRIMARY KEY,
  checkpoint text NOT NULL,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE rm_cycle_state (
  cycle_id uuid PRIMARY KEY,
  tenant text NOT NULL,
  state jsonb NOT NULL
);
CREATE TABLE rm_cycles (
  id uuid PRIMARY KEY,
  tenant text NOT NULL,
  type text NOT NULL,
  year int NOT NULL,
  period text NOT NULL,
  title text NOT NULL,
  stage text NOT NULL,
  stage_title text NOT NULL,
  status text NOT NULL,
  definition_version int NOT NULL,
  next_deadline_id text,
  next_deadline_title text,
  next_deadline_date date,
  next_actors text[] NOT NULL,
  version int NOT NULL,
  opened_at timestamptz NOT NULL,
  last_change_at timestamptz NOT NULL,
  last_event_type text NOT NULL,
  last_actor_id text NOT NULL
);
CREATE INDEX rm_cycles_tenant_type_year ON rm_cycles (tenant, type, year);
CREATE TABLE rm_inbox (
  cycle_id uuid NOT NULL,
  role text NOT NULL,
  tenant text NOT NULL,
  cycle_type text NOT NULL,
  title text NOT NULL,
  stage text NOT NULL,
  stage_title text NOT NULL,
  since timestamptz NOT NULL,
  due_date date,
  due_title text,
  commands text[] NOT NULL,
  PRIMARY KEY (cycle_id, role)
);
CREATE INDEX rm_inbox_tenant_role_due ON rm_inbox (tenant, role, due_date, since);
CREATE TABLE rm_deadlines (
  cycle_id uuid NOT NULL,
  deadline_id text NOT NULL,
  tenant text NOT NULL,
  cycle_type text NOT NULL,
  cycle_title text NOT NULL,
  cycle_status text NOT NULL,
  title text NOT NULL,
  legal_reference text,
  met_by text NOT NULL,
  legal_date date,
  effective_date date,
  moved boolean NOT NULL,
  met_on date,
  PRIMARY KEY (cycle_id, deadline_id)
);
CREATE INDEX rm_deadlines_tenant_date ON rm_deadlines (tenant, effective_date);
CREATE TABLE rm_audit (
  position bigint PRIMARY KEY,
  event_id uuid NOT NULL,
  recorded_at timestamptz NOT NULL,
  occurred_at timestamptz NOT NULL,
  tenant text NOT NULL,
  stream_id text NOT NULL,
  cycle_id uuid,
  version int NOT NULL,
  type text NOT NULL,
  actor_id text NOT NULL,
  actor_role text NOT NULL,
  reason text,
  correlation_id text NOT NULL,
  summary text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX rm_audit_tenant_position ON rm_audit (tenant, position);
CREATE INDEX rm_audit_cycle_position ON rm_audit (cycle_id, position);
CREATE TABLE rm_audit_cycles (
  cycle_id uuid PRIMARY KEY,
  cycle_type text NOT NULL,
  definition_version int NOT NULL,
  period text NOT NULL,
  title text NOT NULL
);`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE rm_audit_cycles, rm_audit, rm_deadlines, rm_inbox, rm_cycles, rm_cycle_state, projection_checkpoints',
    );
  }
}
