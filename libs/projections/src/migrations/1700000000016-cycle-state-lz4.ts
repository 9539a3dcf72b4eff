import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The folded states (about 5 KB of JSON each, every one compressed when written) are compressed
 * with LZ4 instead of PostgreSQL's default pglz: in a rebuild of a million events, writing the
 * 54,000 states took the server about 4 s less (docs/performance.md, "Rebuild in one pass").
 * Existing values keep their compression until rewritten. A server built without LZ4 keeps pglz:
 * the migration notes it and succeeds.
 */
export class CycleStateLz41700000000016 implements MigrationInterface {
  name = 'CycleStateLz41700000000016';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
DO $$
BEGIN
  ALTER TABLE rm_cycle_state ALTER COLUMN state SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  RAISE NOTICE 'LZ4 is not available on this server: rm_cycle_state.state stays compressed with pglz (%)', SQLERRM;
END
$$;`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE rm_cycle_state ALTER COLUMN state SET COMPRESSION default');
  }
}
