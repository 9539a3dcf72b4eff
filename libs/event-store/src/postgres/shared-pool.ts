import type { Pool } from 'pg';
import type { EventStore } from '../event-store';
import { PostgresEventStore } from './postgres-event-store';

/**
 * The PostgreSQL pool of the event store when it has one (the PostgreSQL adapter), so that the
 * read models and other tables of the same database share its connections; null otherwise.
 */
export function sharedSqlPool(store: EventStore): Pool | null {
  return store instanceof PostgresEventStore ? store.pool : null;
}
