import { EventIdConflict, InvalidAppend, WrongExpectedVersion, type Checkpoint, type EventStore, type RecordedEvent } from '@ciclo/event-store';
import { anEvent, sleep, uniqueStream } from './fixtures';

/**
 * The behaviour every EventStore adapter must have. Each adapter's spec calls this with a
 * factory that gives a fresh, migrated store.
 */
export function eventStoreContract(
  adapter: string,
  open: () => Promise<{ store: EventStore; close: () => Promise<void> }>,
  /** What an adapter documents it cannot do (see docs/adr/0002-kurrentdb-adapter.md). */
  limits: { detectsIdReuseAcrossStreams?: boolean } = {},
) {
  describe(`EventStore contract: ${adapter}`, () => {
    let store: EventStore;
    let close: () => Promise<void>;
    const T = 'cciaa-test';

    beforeAll(async () => {
      ({ store, close } = await open());
    });
    afterAll(async () => {
      await close();
    });

    describe('versions', () => {
      it('creates a stream with no_stream and numbers its events from 1', async () => {
        const s = uniqueStream(T);
        const r = await store.append(s, [anEvent(T), anEvent(T)], { expectedVersion: 'no_stream' });
        expect(r.nextVersion).toBe(2);
        expect(r.positions).toHaveLength(2);
        expect(r.positions[1]).toBeGreaterThan(r.positions[0]);
        expect(r.replayed).toBe(false);
        const events = await store.readStream(s);
        expect(events.map((e) => e.version)).toEqual([1, 2]);
        expect(events.map((e) => e.position)).toEqual(r.positions);
      });

      it('appends at the expected version and returns the new version', async () => {
        const s = uniqueStream(T);
        await store.append(s, [anEvent(T)], { expectedVersion: 'no_stream' });
        const r = await store.append(s, [anEvent(T), anEvent(T), anEvent(T)], { expectedVersion: 1 });
        expect(r.nextVersion).toBe(4);
      });

      it('accepts 0 as the expected version of a stream that does not exist', async () => {
        const s = uniqueStream(T);
        const r = await store.append(s, [anEvent(T)], { expectedVersion: 0 });
        expect(r.nextVersion).toBe(1);
      });
    });

    describe('conflicts', () => {
      // One event and a batch: an adapter may write them by different paths (PostgreSQL does).
      it.each([1, 3])('refuses a stale expected version with the actual version, writing nothing (%i event(s))', async (n) => {
        const s = uniqueStream(T);
        await store.append(s, [anEvent(T), anEvent(T)], { expectedVersion: 'no_stream' });
        const err = await store.append(s, Array.from({ length: n }, () => anEvent(T)), { expectedVersion: 1 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WrongExpectedVersion);
        expect((err as WrongExpectedVersion).actualVersion).toBe(2);
        expect((err as WrongExpectedVersion).streamExists).toBe(true);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it("refuses 'no_stream' on an existing stream and 'exists' on a missing one", async () => {
        const s = uniqueStream(T);
        const missing = await store.append(s, [anEvent(T)], { expectedVersion: 'exists' }).catch((e: unknown) => e);
        expect(missing).toBeInstanceOf(WrongExpectedVersion);
        expect((missing as WrongExpectedVersion).streamExists).toBe(false);
        expect((missing as WrongExpectedVersion).actualVersion).toBe(0);
        await store.append(s, [anEvent(T)], { expectedVersion: 'no_stream' });
        const again = await store.append(s, [anEvent(T)], { expectedVersion: 'no_stream' }).catch((e: unknown) => e);
        expect(again).toBeInstanceOf(WrongExpectedVersion);
        expect((again as WrongExpectedVersion).actualVersion).toBe(1);
        const r = await store.append(s, [anEvent(T)], { expectedVersion: 'exists' });
        expect(r.nextVersion).toBe(2);
      });

      it("appends with 'any' whatever the stream's state", async () => {
        const s = uniqueStream(T);
        expect((await store.append(s, [anEvent(T)], { expectedVersion: 'any' })).nextVersion).toBe(1);
        expect((await store.append(s, [anEvent(T)], { expectedVersion: 'any' })).nextVersion).toBe(2);
      });

      it('lets exactly one of several concurrent appends at the same version win', async () => {
        const s = uniqueStream(T);
        await store.append(s, [anEvent(T)], { expectedVersion: 'no_stream' });
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, () => store.append(s, [anEvent(T)], { expectedVersion: 1 })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((x) => x.status === 'rejected')) {
          expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersion);
        }
        expect(await store.readStream(s)).toHaveLength(2);
      });
    });

    describe('idempotency by event id', () => {
      it.each([1, 2])('returns the original result for a repeated append and writes nothing (%i event(s))', async (n) => {
        const s = uniqueStream(T);
        await store.append(s, [anEvent(T)], { expectedVersion: 'no_stream' });
        const events = Array.from({ length: n }, (_, i) => anEvent(T, `E${i}`, { n: i }));
        const first = await store.append(s, events, { expectedVersion: 1 });
        const head = await store.headPosition();
        const again = await store.append(s, events, { expectedVersion: 1 });
        expect(again.replayed).toBe(true);
        expect(again.positions).toEqual(first.positions);
        expect(again.nextVersion).toBe(first.nextVersion);
        expect(first.nextVersion).toBe(n + 1);
        expect(await store.headPosition()).toBe(head);
        expect(await store.readStream(s)).toHaveLength(n + 1);
      });

      it('refuses a known event id with other content', async () => {
        const s = uniqueStream(T);
        const e = anEvent(T, 'A', { n: 1 });
        await store.append(s, [e], { expectedVersion: 'no_stream' });
        const err = await store
          .append(s, [{ ...e, data: { n: 2 } }], { expectedVersion: 'any' })
          .catch((x: unknown) => x);
        expect(err).toBeInstanceOf(EventIdConflict);
        expect((err as EventIdConflict).eventIds).toContain(e.eventId);
        if (limits.detectsIdReuseAcrossStreams !== false) {
          const onOther = await store.append(uniqueStream(T), [e], { expectedVersion: 'any' }).catch((x: unknown) => x);
          expect(onOther).toBeInstanceOf(EventIdConflict);
        }
        expect(await store.readStream(s)).toHaveLength(1);
      });
    });

    describe('reads', () => {
      it('reads a stream by version range', async () => {
        const s = uniqueStream(T);
        await store.append(s, [1, 2, 3, 4, 5].map((n) => anEvent(T, 'N', { n })), { expectedVersion: 'no_stream' });
        const mid = await store.readStream(s, { fromVersion: 2, toVersion: 4 });
        expect(mid.map((e) => e.data.n)).toEqual([2, 3, 4]);
        expect(await store.readStream(`${T}/nothing-here`)).toEqual([]);
      });

      it('reads a stream as of a past instant', async () => {
        const s = uniqueStream(T);
        await store.append(s, [anEvent(T, 'N', { n: 1 })], { expectedVersion: 'no_stream' });
        await sleep(30);
        const cut = new Date();
        await sleep(30);
        await store.append(s, [anEvent(T, 'N', { n: 2 })], { expectedVersion: 1 });
        const asOf = await store.readStream(s, { until: cut });
        expect(asOf.map((e) => e.data.n)).toEqual([1]);
      });

      it('reads the global log by position, limit and tenant', async () => {
        const other = 'cciaa-other';
        const from = (await store.headPosition()) + 1;
        await store.append(uniqueStream(T), [anEvent(T, 'X', { i: 1 })], { expectedVersion: 'any' });
        await store.append(uniqueStream(other), [anEvent(other, 'X', { i: 2 })], { expectedVersion: 'any' });
        await store.append(uniqueStream(T), [anEvent(T, 'X', { i: 3 })], { expectedVersion: 'any' });
        const all = await store.readAll({ from });
        expect(all.map((e) => e.data.i)).toEqual([1, 2, 3]);
        expect((await store.readAll({ from, limit: 2 })).map((e) => e.data.i)).toEqual([1, 2]);
        expect((await store.readAll({ from, tenant: other })).map((e) => e.data.i)).toEqual([2]);
      });

      it('keeps every metadata field, extra keys included', async () => {
        const s = uniqueStream(T);
        const e = anEvent(T, 'Meta', { a: [1, 'x', null, { b: true }] });
        e.metadata = { ...e.metadata, actorRole: 'segretario_generale', causationId: 'cmd-1', definitionVersion: 3, reason: 'perché sì' };
        await store.append(s, [e], { expectedVersion: 'no_stream' });
        const [read] = await store.readStream(s);
        expect(read.eventId).toBe(e.eventId);
        expect(read.type).toBe('Meta');
        expect(read.data).toEqual(e.data);
        expect(read.metadata).toEqual(e.metadata);
        expect(read.streamId).toBe(s);
        expect(read.recordedAt).toBeInstanceOf(Date);
      });
    });

    describe('malformed appends are refused before anything is written', () => {
      it.each([
        ['a stream without tenant', 'no-tenant-here', () => [anEvent(T)]],
        ['an empty batch', `${T}/x-1`, () => []],
        ['a metadata tenant other than the stream tenant', `${T}/x-2`, () => [anEvent('cciaa-else')]],
        ['a non-UUID event id', `${T}/x-3`, () => [{ ...anEvent(T), eventId: 'abc' }]],
        ['a missing actor', `${T}/x-4`, () => [{ ...anEvent(T), metadata: { ...anEvent(T).metadata, actorId: '' } }]],
      ])('refuses %s', async (_label, stream, events) => {
        const head = await store.headPosition();
        await expect(store.append(stream, events(), { expectedVersion: 'any' })).rejects.toBeInstanceOf(InvalidAppend);
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('what the rest of the system asks of the log', () => {
      it('lists the streams of a kind, of one tenant or of all, with their versions', async () => {
        const kind = `k${Date.now().toString(36)}`;
        const other = 'cciaa-other';
        const a = uniqueStream(T, kind);
        const b = uniqueStream(T, kind);
        const c = uniqueStream(other, kind);
        await store.append(a, [anEvent(T), anEvent(T)], { expectedVersion: 'no_stream' });
        await store.append(b, [anEvent(T)], { expectedVersion: 'no_stream' });
        await store.append(c, [anEvent(other)], { expectedVersion: 'no_stream' });
        await store.append(uniqueStream(T, `${kind}x`), [anEvent(T)], { expectedVersion: 'no_stream' });
        // A tenant's single stream of the kind (`<tenant>/<kind>`, like `<tenant>/tenant`) is listed too.
        const single = `${other}/${kind}`;
        await store.append(single, [anEvent(other), anEvent(other), anEvent(other)], { expectedVersion: 'no_stream' });
        await store.append(`${other}/${kind}x`, [anEvent(other)], { expectedVersion: 'no_stream' });
        expect(await store.listStreams({ tenant: T, kind })).toEqual(
          [{ streamId: a, version: 2 }, { streamId: b, version: 1 }].sort((x, y) => (x.streamId < y.streamId ? -1 : 1)),
        );
        expect((await store.listStreams({ kind })).map((s) => s.streamId).sort()).toEqual([a, b, c, single].sort());
        expect(await store.listStreams({ tenant: other, kind })).toEqual(
          [{ streamId: c, version: 1 }, { streamId: single, version: 3 }].sort((x, y) => (x.streamId < y.streamId ? -1 : 1)),
        );
        expect(await store.listStreams({ tenant: 'cciaa-nobody', kind })).toEqual([]);
        await expect(store.listStreams({ tenant: T, kind: 'Cycle%' })).rejects.toThrow(/kind/);
      });

      it("gives a tenant's last event and the lag after a checkpoint", async () => {
        const tenant = `cciaa-last-${Date.now().toString(36)}`;
        expect(await store.lastEventOf(tenant)).toBeNull();
        const s = uniqueStream(tenant);
        await store.append(s, [anEvent(tenant)], { expectedVersion: 'no_stream' });
        const r = await store.append(s, [anEvent(tenant), anEvent(tenant)], { expectedVersion: 1 });
        const last = await store.lastEventOf(tenant);
        expect(last?.position).toBe(r.positions[1]);
        expect(last?.recordedAt).toBeInstanceOf(Date);

        // Page to the end of the committed log, then the lag is what comes after.
        let cp: Checkpoint | null = null;
        const deadline = Date.now() + 15000;
        let covered = false;
        while (!covered && Date.now() < deadline) {
          const batch = await store.readCommitted(cp, 5000);
          cp = batch.checkpoint;
          covered = cp !== null && (await store.covers(cp, r.positions[1]));
          if (batch.events.length === 0 && !covered) await sleep(20);
        }
        expect(covered).toBe(true);
        expect(store.positionOf(cp)).toBe(r.positions[1]);
        expect(store.positionOf(null)).toBe(0);
        expect(await store.covers(cp as Checkpoint, r.positions[0])).toBe(true);
        const later = await store.append(s, [anEvent(tenant)], { expectedVersion: 3 });
        expect(await store.covers(cp as Checkpoint, later.positions[0])).toBe(false);
        let lag = await store.lagAfter(cp);
        for (let i = 0; i < 200 && lag.events < 1; i++) {
          await sleep(20);
          lag = await store.lagAfter(cp);
        }
        expect(lag.events).toBeGreaterThanOrEqual(1);
        expect(lag.oldest).toBeInstanceOf(Date);
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    describe('committed reads and subscriptions', () => {
      it('pages through the committed log with checkpoints, missing nothing', async () => {
        const s = uniqueStream(T);
        await store.append(s, [1, 2, 3, 4, 5, 6, 7].map((n) => anEvent(T, 'P', { n })), { expectedVersion: 'no_stream' });
        const seen: RecordedEvent[] = [];
        let cp = null;
        // Committed events become readable once every older transaction in the cluster has ended
        // (other test databases may hold one briefly): keep paging until ours are all there.
        const deadline = Date.now() + 15000;
        while (seen.filter((e) => e.streamId === s).length < 7 && Date.now() < deadline) {
          const batch = await store.readCommitted(cp, 3);
          if (batch.events.length === 0) {
            await sleep(20);
            continue;
          }
          seen.push(...batch.events);
          cp = batch.checkpoint;
        }
        expect(seen.filter((e) => e.streamId === s).map((e) => e.data.n)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(new Set(seen.map((e) => e.eventId)).size).toBe(seen.length);
      });

      it('catches up, follows live writes, and resumes from its checkpoint', async () => {
        const s = uniqueStream(T, 'sub');
        await store.append(s, [anEvent(T, 'S', { n: 1 })], { expectedVersion: 'no_stream' });
        const name = `contract-${Date.now()}`;
        const got: number[] = [];
        const sub = store.subscribe(name, async (events) => {
          for (const e of events) if (e.streamId === s) got.push(e.data.n as number);
        }, { pollIntervalMs: 200 });
        await sub.caughtUp;
        await store.append(s, [anEvent(T, 'S', { n: 2 })], { expectedVersion: 1 });
        for (let i = 0; i < 100 && got.length < 2; i++) await sleep(20);
        await sub.stop();
        expect(got).toEqual([1, 2]);
        await store.append(s, [anEvent(T, 'S', { n: 3 })], { expectedVersion: 2 });
        const resumed: number[] = [];
        const sub2 = store.subscribe(name, async (events) => {
          for (const e of events) if (e.streamId === s) resumed.push(e.data.n as number);
        }, { pollIntervalMs: 200 });
        for (let i = 0; i < 100 && resumed.length < 1; i++) await sleep(20);
        await sub2.stop();
        expect(resumed).toEqual([3]);
        expect(await store.checkpointOf(name)).not.toBeNull();
      });
    });
  });
}
