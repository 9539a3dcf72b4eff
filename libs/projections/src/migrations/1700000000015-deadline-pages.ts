import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadline pages with a cursor. `rm_deadlines.date_key` is the effective date with "no date" as
 * `infinity`, so that the page order (effective date, none last; then cycle, deadline) is a plain
 * row comparison a cursor can continue after, and one index scan serves it in order, stopping
 * after the page's rows (`rm_deadlines_tenant_pages`, replacing `rm_deadlines_tenant_order`).
 */
export class DeadlinePages1700000000015 implements MigrationInterface {
  name = 'DeadlinePages1700000000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
ALTER TABLE rm_deadlines ADD COLUMN date_key date GENERATED ALWAYS AS (coalesce(effective_date, 'infinity'::date)) STORED;
DROP INDEX IF EXISTS rm_deadlines_tenant_order;
CREATE INDEX rm_deadlines_tenant_pages ON rm_deadlines (tenant, date_key, cycle_id, deadline_id);`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP INDEX IF EXISTS rm_deadlines_tenant_pages;
CREATE INDEX rm_deadlines_tenant_order ON rm_deadlines (tenant, effective_date, cycle_id, deadline_id);
ALTER TABLE rm_deadlines DROP COLUMN date_key;`);
  }
}
