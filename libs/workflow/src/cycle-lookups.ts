import type { KnownDeliberation, Organ } from '@ciclo/domain';
import { PostgresEventStore, type EventStore } from '@ciclo/event-store';

/**
 * Cross-cycle look-ups the decider needs (it sees one stream at a time): deliberations already
 * recorded in the tenant. Read from the PostgreSQL log.
 */
export class CycleLookups {
  constructor(private readonly store: EventStore) {}

  private pool() {
    if (!(this.store instanceof PostgresEventStore)) throw new Error('Cross-cycle look-ups need the PostgreSQL event store');
    return this.store.pool;
  }

  async knownDeliberations(tenant: string): Promise<KnownDeliberation[]> {
    const { rows } = await this.pool().query<{ stream_id: string; organ: Organ; number: string; date: string }>(
      `SELECT stream_id, data->>'organ' AS organ, data->'fields'->>'number' AS number, data->'fields'->>'date' AS date
         FROM es_events WHERE tenant = $1 AND data->>'kind' = 'deliberation'`,
      [tenant],
    );
    return rows.map((r) => ({
      organ: r.organ,
      number: r.number,
      year: Number(r.date.slice(0, 4)),
      cycleId: r.stream_id.slice(r.stream_id.indexOf('/cycle-') + 7),
    }));
  }
}
