// Rendered iCalendar feeds kept between requests: a feed is rendered once per change of the data it
// is made of and served as the same bytes (and the same gzip) until the next change.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** One rendered feed: its bytes, a strong ETag of them and, once asked for, their gzip. */
export class RenderedFeed {
  readonly etag: string;
  private gzipped: Promise<Buffer> | null = null;

  constructor(
    readonly body: Buffer,
    private readonly grown: (bytes: number) => void = () => undefined,
  ) {
    this.etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  }

  /** The ETag of the gzip representation (a different entity: RFC 9110 §8.8.3). */
  get gzipEtag(): string {
    return `${this.etag.slice(0, -1)}.gz"`;
  }

  /** The body compressed once (in the thread pool, not on the event loop), then kept. */
  gzip(): Promise<Buffer> {
    this.gzipped ??= gzipAsync(this.body, { level: 6 }).then(
      (z) => {
        this.grown(z.length);
        return z;
      },
      (err: unknown) => {
        this.gzipped = null;
        throw err;
      },
    );
    return this.gzipped;
  }

  /** Whether an If-None-Match header names this feed (either representation; weak comparison). */
  matches(ifNoneMatch: string | undefined): boolean {
    if (!ifNoneMatch) return false;
    return ifNoneMatch.split(',').some((t) => {
      const tag = t.trim().replace(/^W\//, '');
      return tag === '*' || tag === this.etag || tag === this.gzipEtag;
    });
  }
}

interface Entry {
  feed: Promise<RenderedFeed>;
  bytes: number;
}

/**
 * Rendered feeds by tenant, keyed by the tenant's generation (the position of its last event, which
 * changes with every row the feed is made of) and by everything else the bytes depend on (who the
 * feed is for). A newer generation of a tenant drops that tenant's older feeds; an older one (a
 * request that read the position before a newer request did) is rendered and not kept. Concurrent
 * requests for one feed share one rendering. Bounded by `maxBytes` (bodies and their gzip), least
 * recently used out first.
 */
export class FeedCache {
  private readonly entries = new Map<string, Entry>();
  private readonly generations = new Map<string, bigint>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  async get(tenant: string, generation: string, variant: string, render: () => Promise<Buffer>): Promise<RenderedFeed> {
    const gen = BigInt(generation);
    const held = this.generations.get(tenant);
    if (held !== undefined && gen < held) return new RenderedFeed(await render());
    if (held === undefined || gen > held) {
      this.dropTenant(tenant);
      this.generations.set(tenant, gen);
    }
    const key = JSON.stringify([tenant, variant]);
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.feed;
    }
    const entry: Entry = { feed: Promise.resolve(null as never), bytes: 0 };
    const grow = (n: number) => {
      if (this.entries.get(key) !== entry) return;
      entry.bytes += n;
      this.bytes += n;
      this.trim();
    };
    entry.feed = render().then((body) => new RenderedFeed(body, grow));
    this.entries.set(key, entry);
    entry.feed.then(
      (f) => grow(f.body.length),
      () => this.remove(key, entry),
    );
    return entry.feed;
  }

  /** Bytes held (bodies and gzip), for tests and metrics. */
  get size(): { feeds: number; bytes: number } {
    return { feeds: this.entries.size, bytes: this.bytes };
  }

  private dropTenant(tenant: string): void {
    for (const [key, entry] of this.entries) if ((JSON.parse(key) as string[])[0] === tenant) this.remove(key, entry);
  }

  private remove(key: string, entry: Entry): void {
    if (this.entries.get(key) !== entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  private trim(): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.maxBytes || this.entries.size <= 1) break;
      this.remove(key, entry);
    }
  }
}
