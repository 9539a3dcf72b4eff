import type { LinkCandidate, Period } from '@ciclo/domain';
import type { EventStore } from '@ciclo/event-store';

/** What a link needs to know of a cycle; history never changes, so it is kept and only extended. */
interface Seen {
  cycleId: string;
  cycleType: string;
  year: number;
  openedAt: string;
  cancelled: boolean;
  /** Stream version read so far. */
  version: number;
}

/**
 * Cross-cycle look-ups the decider needs (it sees one stream at a time): the tenant's cycles of
 * given types, for link resolution. Through the event store's port: the tenant's cycle streams are
 * listed with their versions, and each stream's events are read once (only the new ones later).
 */
export class CycleLookups {
  private readonly seen = new Map<string, Seen | null>();

  constructor(
    private readonly store: EventStore,
    private readonly maxCached = 50_000,
  ) {}

  /**
   * The tenant's cycles of `types`, for link resolution (docs/links.md): id, type, year, stream
   * version, cancelled or not. `periodOf` gives each type's period (from its definition).
   */
  async cyclesOfTypes(tenant: string, types: readonly string[], periodOf: (type: string) => Period): Promise<LinkCandidate[]> {
    if (types.length === 0) return [];
    const wanted = new Set(types);
    const streams = await this.store.listStreams({ tenant, kind: 'cycle' });
    const out: LinkCandidate[] = [];
    for (const { streamId, version } of streams) {
      const c = await this.cycle(streamId, version);
      if (!c || !wanted.has(c.cycleType)) continue;
      out.push({
        cycleId: c.cycleId,
        cycleType: c.cycleType,
        year: c.year,
        period: periodOf(c.cycleType),
        version,
        status: c.cancelled ? 'cancelled' : 'open',
        openedAt: c.openedAt,
      });
    }
    return out;
  }

  /** The cycle of a stream as of `version` (null when its first event is not `CycleOpened`). */
  private async cycle(streamId: string, version: number): Promise<Seen | null> {
    const known = this.seen.get(streamId);
    if (known === null) return null;
    if (known && known.version >= version) return known;
    const events = await this.store.readStream(streamId, { fromVersion: (known?.version ?? 0) + 1, toVersion: version });
    let c = known ? { ...known } : null;
    for (const e of events) {
      if (e.version === 1) {
        if (e.type !== 'CycleOpened') return this.remember(streamId, null);
        c = {
          cycleId: String(e.data.cycleId),
          cycleType: String(e.data.cycleType),
          year: Number(e.data.year),
          openedAt: e.metadata.occurredAt,
          cancelled: false,
          version: 1,
        };
      } else if (c && e.type === 'CycleCancelled') c.cancelled = true;
      if (c) c.version = e.version;
    }
    return c ? this.remember(streamId, c) : null;
  }

  private remember(streamId: string, c: Seen | null): Seen | null {
    if (this.seen.size >= this.maxCached && !this.seen.has(streamId)) this.seen.clear();
    this.seen.set(streamId, c);
    return c;
  }
}
