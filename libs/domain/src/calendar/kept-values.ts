// What the calendar's pure computations already answered, kept for the next caller.

/**
 * Values of a pure computation, kept per group (a time zone, a calendar) and key (an instant, a
 * date): planning a batch of cycles asks the same few questions again and again. Bounded: a group
 * that reaches `max` values is emptied, and so are the groups when there are `max` of them.
 */
export class KeptValues<K, V> {
  private readonly groups = new Map<string, Map<K, V>>();

  constructor(private readonly max = 4096) {}

  /** The value kept for `group` and `key`, or `compute()`'s, then kept (not when it throws). */
  get(group: string, key: K, compute: () => V): V {
    let values = this.groups.get(group);
    if (values === undefined) {
      if (this.groups.size >= this.max) this.groups.clear();
      this.groups.set(group, (values = new Map()));
    }
    let value = values.get(key);
    if (value === undefined) {
      value = compute();
      if (values.size >= this.max) values.clear();
      values.set(key, value);
    }
    return value;
  }
}
