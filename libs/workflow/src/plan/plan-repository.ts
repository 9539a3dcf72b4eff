import type { EventStore } from '@ciclo/event-store';
import { CycleRepository } from '../cycle-repository';
import { cycleStream, foldRecorded, type CycleStreams, type FoldedCycle } from '../cycle-stream';

export { foldRecorded, type FoldedCycle } from '../cycle-stream';

/**
 * Loads a cycle's stream as cycle state and plan state, through the fold and cache the cycle
 * repository holds (`CycleStreams`): one fold of each stream serves the cycle's and the plan's
 * commands and queries. Plan commands are written by their handler through the one command path.
 */
export class PlanRepository {
  readonly streams: CycleStreams;
  readonly store: EventStore;

  constructor(cycles: CycleRepository) {
    this.streams = cycles.streams;
    this.store = cycles.streams.store;
  }

  async load(tenant: string, cycleId: string, options: { until?: Date; toVersion?: number } = {}): Promise<FoldedCycle> {
    if (options.until || options.toVersion) {
      const events = await this.store.readStream(cycleStream(tenant, cycleId), options);
      return { ...foldRecorded(events), eventIds: new Set() };
    }
    return (await this.streams.load(tenant, cycleId)).state;
  }
}
