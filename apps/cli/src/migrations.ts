import { Pool } from 'pg';
import { EVENT_STORE_MIGRATIONS, runSqlMigrations, type SqlMigration } from '@ciclo/event-store';
import { WORKFLOW_MIGRATIONS } from '@ciclo/workflow';
import { NOTIFICATIONS_MIGRATIONS } from '@ciclo/notifications';
import { migrateReadModels } from '@ciclo/projections';

/** Every schema migration of the system, in order. */
export const ALL_MIGRATIONS: SqlMigration[] = [...EVENT_STORE_MIGRATIONS, ...WORKFLOW_MIGRATIONS, ...NOTIFICATIONS_MIGRATIONS];

/**
 * Applies the pending migrations to the database at `url` (event store and workflow SQL, then the
 * read models' TypeORM migrations); returns the ids applied.
 */
export async function migrateDatabase(url: string): Promise<string[]> {
  const pool = new Pool({ connectionString: url, max: 2 });
  let applied: string[];
  try {
    applied = await runSqlMigrations(pool, ALL_MIGRATIONS);
  } finally {
    await pool.end();
  }
  return [...applied, ...(await migrateReadModels(url))];
}
