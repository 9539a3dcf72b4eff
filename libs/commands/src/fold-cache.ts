/**
 * Folded states by stream, least recently used first out. A state is only a shortcut: every load
 * still asks the store for the events after the cached version, and every append checks the
 * expected version, so several processes with their own caches stay correct.
 */
export class FoldCache<S> {
  private readonly entries = new Map<string, S>();

  constructor(readonly maxEntries = 5000) {}

  get(stream: string): S | undefined {
    return this.entries.get(stream);
  }

  set(stream: string, state: S): void {
    this.entries.delete(stream);
    this.entries.set(stream, state);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(stream: string): void {
    this.entries.delete(stream);
  }

  get size(): number {
    return this.entries.size;
  }
}
