import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbox and deadline pages read in index order, from one table each.
 *
 * - `rm_inbox.due_key`: the due date with "no deadline" as `infinity`, so that the page order
 *   (due date, nulls last; then since, cycle, role) is a plain row comparison a cursor can continue
 *   after, and one index scan per role serves it in order (`rm_inbox_tenant_role_order`).
 * - `rm_inbox.sent_by`, `legal_date`, `definition_version`: what the inbox used to join from the
 *   folded state (a large, compressed document) and the deadlines, written by the projector.
 *   Existing rows are filled here from `rm_cycle_state` and `rm_deadlines`.
 * - `rm_deadlines_tenant_order`: the deadlines page's whole order, so a page stops after its rows.
 */
export class InboxOrderedReads1700000000014 implements MigrationInterface {
  name = 'InboxOrderedReads1700000000014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
ALTER TABLE rm_inbox
  ADD COLUMN due_key date GENERATED ALWAYS AS (coalesce(due_date, 'infinity'::date)) STORED,
  ADD COLUMN sent_by jsonb,
  ADD COLUMN legal_date date,
  ADD COLUMN definition_version int;
UPDATE rm_inbox i SET
  definition_version = (s.state->>'definitionVersion')::int,
  sent_by = CASE
    WHEN jsonb_array_length(coalesce(s.state->'history', '[]'::jsonb)) > 0 THEN (
      SELECT jsonb_build_object('actorId', st->>'actorId', 'role', st->>'actorRole', 'at', st->>'at', 'command', st->>'command',
               'note', coalesce(
                 CASE WHEN jsonb_typeof(st->'fields'->'reason') = 'string' AND btrim(st->'fields'->>'reason', E' \\t\\r\\n') <> '' THEN st->'fields'->>'reason' END,
                 CASE WHEN jsonb_typeof(st->'fields'->'note') = 'string' AND btrim(st->'fields'->>'note', E' \\t\\r\\n') <> '' THEN st->'fields'->>'note' END))
        FROM (SELECT s.state->'history'->-1 AS st) x)
    WHEN s.state->>'openedBy' IS NOT NULL THEN
      jsonb_build_object('actorId', s.state->>'openedBy', 'role', '', 'at', s.state->>'openedAt', 'command', NULL, 'note', NULL)
  END,
  legal_date = (SELECT d.legal_date FROM rm_deadlines d WHERE d.cycle_id = i.cycle_id AND d.title = i.due_title AND d.effective_date = i.due_date LIMIT 1)
FROM rm_cycle_state s WHERE s.cycle_id = i.cycle_id;
DROP INDEX IF EXISTS rm_inbox_tenant_role_due;
CREATE INDEX rm_inbox_tenant_role_order ON rm_inbox (tenant, role, due_key, since, cycle_id);
DROP INDEX IF EXISTS rm_deadlines_tenant_date;
CREATE INDEX rm_deadlines_tenant_order ON rm_deadlines (tenant, effective_date, cycle_id, deadline_id);`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
DROP INDEX IF EXISTS rm_deadlines_tenant_order;
CREATE INDEX rm_deadlines_tenant_date ON rm_deadlines (tenant, effective_date);
DROP INDEX IF EXISTS rm_inbox_tenant_role_order;
CREATE INDEX rm_inbox_tenant_role_due ON rm_inbox (tenant, role, due_date, since);
ALTER TABLE rm_inbox DROP COLUMN due_key, DROP COLUMN sent_by, DROP COLUMN legal_date, DROP COLUMN definition_version;`);
  }
}
