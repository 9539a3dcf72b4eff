import type { LinkCandidate, Period } from '@ciclo/domain';
import { PostgresEventStore, type EventStore } from '@ciclo/event-store';

/**
 * Cross-cycle look-ups the decider needs (it sees one stream at a time): the tenant's cycles of
 * given types, for link resolution. Read from the PostgreSQL log (to move behind the event store's
 * port: a read model of cycles by type and year).
 */
export class CycleLookups {
  constructor(private readonly store: EventStore) {}

  private pool() {
    if (!(this.store instanceof PostgresEventStore)) throw new Error('Cross-cycle look-ups need the PostgreSQL event store');
    return this.store.pool;
  }

  /**
   * The tenant's cycles of `types`, for link resolution (docs/links.md): id, type, year, stream
   * version, cancelled or not. `periodOf` gives each type's period (from its definition).
   */
  async cyclesOfTypes(tenant: string, types: readonly string[], periodOf: (type: string) => Period): Promise<LinkCandidate[]> {
    if (types.length === 0) return [];
    const { rows } = await this.pool().query<{ cycle_id: string; cycle_type: string; year: string; version: number; cancelled: boolean; opened_at: string }>(
      // From the tenant's streams (far fewer than its events) to each one's first event, by the
      // (stream_id, version) key; cancellation is looked up per stream the same way.
      `SELECT o.data->>'cycleId' AS cycle_id, o.data->>'cycleType' AS cycle_type, o.data->>'year' AS year, s.version,
              EXISTS (SELECT 1 FROM es_events c WHERE c.stream_id = s.stream_id AND c.version > 1 AND c.type = 'CycleCancelled') AS cancelled,
              o.metadata->>'occurredAt' AS opened_at
         FROM es_streams s JOIN es_events o ON o.stream_id = s.stream_id AND o.version = 1
        WHERE s.tenant = $1 AND s.stream_id LIKE $3 AND o.type = 'CycleOpened' AND o.data->>'cycleType' = ANY($2::text[])`,
      [tenant, [...types], `${tenant.replace(/[\\%_]/g, '\\$&')}/cycle-%`],
    );
    return rows.map((r) => ({
      cycleId: r.cycle_id,
      cycleType: r.cycle_type,
      year: Number(r.year),
      period: periodOf(r.cycle_type),
      version: r.version,
      status: r.cancelled ? 'cancelled' : 'open',
      openedAt: r.opened_at,
    }));
  }

}
