import { types } from 'pg';
import { DataSource } from 'typeorm';
import { ReadModels1700000000001 } from './migrations/1700000000001-read-models';
import { AuditActorIndex1700000000002 } from './migrations/1700000000002-audit-actor-index';
import { InboxOrderedReads1700000000014 } from './migrations/1700000000014-inbox-ordered-reads';
import { DeadlinePages1700000000015 } from './migrations/1700000000015-deadline-pages';
import { CycleStateLz41700000000016 } from './migrations/1700000000016-cycle-state-lz4';

// Dates (deadlines) are calendar days: keep them as 'YYYY-MM-DD' strings, never as local-midnight Dates.
types.setTypeParser(1082, (v: string) => v);

export const READ_MODEL_MIGRATIONS = [
  ReadModels1700000000001,
  AuditActorIndex1700000000002,
  InboxOrderedReads1700000000014,
  DeadlinePages1700000000015,
  CycleStateLz41700000000016,
];

/**
 * TypeORM data source of the read models: their schema migrations (migrations table
 * `typeorm_migrations`). The projectors and queries write and read the tables in SQL through the
 * store's transaction, so no entity is mapped.
 */
export function createReadModelDataSource(url: string, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [],
    migrations: READ_MODEL_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: 'ciclo-read-models' },
  });
}

/** Applies pending read-model migrations; returns their names. */
export async function migrateReadModels(url: string): Promise<string[]> {
  const ds = createReadModelDataSource(url, 2);
  await ds.initialize();
  try {
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
