/**
 * Reads of one key shared by the callers that wait at the same time, without ever answering a
 * caller with a read that started before it called: a read under way when a caller arrives may
 * have missed an event committed just before, so the caller waits for the next read, which starts
 * as soon as the current one ends and answers everyone who arrived meanwhile. Each caller thus
 * sees every event committed before its call (as with a read of its own), and a key read by many
 * concurrent requests costs one read per read's duration instead of one per request.
 */
interface Entry<T> {
  /** The read under way. */
  running: Promise<T>;
  /** The read the callers who arrived during it wait for. */
  next?: { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };
}

export class SharedLoads<T> {
  private readonly keys = new Map<string, Entry<T>>();

  constructor(private readonly read: (key: string) => Promise<T>) {}

  load(key: string): Promise<T> {
    const entry = this.keys.get(key);
    if (!entry) return this.start(key);
    if (!entry.next) {
      let resolve!: (v: T) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      entry.next = { promise, resolve, reject };
    }
    return entry.next.promise;
  }

  /** Keys with a read under way (for tests and diagnostics). */
  get pending(): number {
    return this.keys.size;
  }

  private start(key: string): Promise<T> {
    const running = this.read(key);
    const entry: Entry<T> = { running };
    this.keys.set(key, entry);
    const done = () => {
      this.keys.delete(key);
      const next = entry.next;
      if (next) this.start(key).then(next.resolve, next.reject);
    };
    running.then(done, done);
    return running;
  }
}
