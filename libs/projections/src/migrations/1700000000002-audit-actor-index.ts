import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit trail by actor: the actor filter and the "cycles I acted in" scope of GET /audit. */
export class AuditActorIndex1700000000002 implements MigrationInterface {
  name = 'AuditActorIndex1700000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX IF NOT EXISTS rm_audit_tenant_actor_cycle ON rm_audit (tenant, actor_id, cycle_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS rm_audit_tenant_actor_cycle');
  }
}
