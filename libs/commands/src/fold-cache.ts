import { LRUCache } from 'lru-cache';

/**
 * Folded states by stream, least recently used first out. A state is only a shortcut: every load
 * still asks the store for the events after the cached version, and every append checks the
 * expected version, so several processes with their own caches stay correct.
 */
export class FoldCache<S extends object> {
  private readonly entries: LRUCache<string, S>;

  constructor(readonly maxEntries = 5000) {
    this.entries = new LRUCache<string, S>({ max: maxEntries });
  }

  get(stream: string): S | undefined {
    return this.entries.get(stream);
  }

  set(stream: string, state: S): void {
    this.entries.set(stream, state);
  }

  delete(stream: string): void {
    this.entries.delete(stream);
  }

  get size(): number {
    return this.entries.size;
  }
}
