import { CapabilityNotSupported, EventIdConflict, InvalidAppend, sharedSqlPool, WrongExpectedVersion, type RecordedEvent } from '@ciclo/event-store';
import { contentHash } from '../../libs/event-store/src/canonical';
import { KurrentDbEventStore } from '../../libs/event-store/src/kurrentdb';
import {
  APPEND_ID_KEY,
  CONTENT_HASH_KEY,
  classifyStored,
  compareKurrentCheckpoints,
  fromStreamState,
  isInvalidPositionError,
  isWrongExpectedVersionError,
  parseKurrentCheckpoint,
  serializeKurrentCheckpoint,
  toEventData,
  toMappedEvent,
  toStreamState,
  toWrongExpectedVersion,
  versionOfState,
  type ResolvedEventLike,
} from '../../libs/event-store/src/kurrentdb/mapping';
import { eventStoreContract } from './contract';
import { anEvent } from './fixtures';

const url = process.env.KURRENTDB_URL;

if (url) {
  eventStoreContract('KurrentDB', async () => {
    const store = new KurrentDbEventStore({ connectionString: url });
    return { store, close: () => store.close() };
  }, { detectsIdReuseAcrossStreams: false });
} else {
  const flag = globalThis as { __cicloKurrentSkipLogged?: boolean };
  if (!flag.__cicloKurrentSkipLogged) {
    flag.__cicloKurrentSkipLogged = true;
    console.log(
      'KurrentDB contract suite skipped: KURRENTDB_URL is not set (no KurrentDB server on this machine)',
    );
  }

  describe('KurrentDB adapter without a server', () => {
    const T = 'cciaa-test';
    const stream = `${T}/cycle-1`;

    describe('expected versions', () => {
      it('maps ours to KurrentDB stream states (1-based versions, 0-based revisions)', () => {
        expect(toStreamState(0)).toBe('no_stream');
        expect(toStreamState(1)).toBe(0n);
        expect(toStreamState(7)).toBe(6n);
        expect(toStreamState('no_stream')).toBe('no_stream');
        expect(toStreamState('exists')).toBe('stream_exists');
        expect(toStreamState('any')).toBe('any');
      });

      it('maps KurrentDB stream states back to ours', () => {
        for (const v of [1, 2, 7, 1000] as const) expect(fromStreamState(toStreamState(v))).toBe(v);
        for (const v of ['no_stream', 'exists', 'any'] as const)
          expect(fromStreamState(toStreamState(v))).toBe(v);
        // 0 and 'no_stream' both mean "no event yet": KurrentDB has one state for them.
        expect(fromStreamState(toStreamState(0))).toBe('no_stream');
      });

      it('refuses expected versions that are not a version or a known word', () => {
        for (const bad of [-1, 1.5, Number.NaN, 'latest', undefined]) {
          expect(() => toStreamState(bad as never)).toThrow(InvalidAppend);
        }
      });

      it("reads a stream's current state as our version", () => {
        expect(versionOfState(0n)).toEqual({ version: 1, exists: true });
        expect(versionOfState(41n)).toEqual({ version: 42, exists: true });
        expect(versionOfState('no_stream')).toEqual({ version: 0, exists: false });
        expect(versionOfState(-1n)).toEqual({ version: 0, exists: false });
        expect(versionOfState(undefined)).toEqual({ version: 0, exists: false });
      });
    });

    describe('wrong expected version errors', () => {
      // Shaped like the client's WrongExpectedVersionError (its constructor needs a gRPC error).
      const clientError = (actualState: bigint | 'no_stream') =>
        Object.assign(new Error('Wrong expected version'), {
          name: 'WrongExpectedVersionError',
          type: 'wrong-expected-version',
          streamName: stream,
          expectedState: 0n,
          actualState,
        });

      it('recognises the client error and no other', () => {
        expect(isWrongExpectedVersionError(clientError(3n))).toBe(true);
        expect(isWrongExpectedVersionError({ type: 'stream-not-found' })).toBe(false);
        expect(isWrongExpectedVersionError(new Error('boom'))).toBe(false);
        expect(isWrongExpectedVersionError(null)).toBe(false);
      });

      it('gives our error with the actual version (revision + 1)', () => {
        const err = toWrongExpectedVersion(stream, 1, clientError(1n));
        expect(err).toBeInstanceOf(WrongExpectedVersion);
        expect(err.streamId).toBe(stream);
        expect(err.expected).toBe(1);
        expect(err.actualVersion).toBe(2);
        expect(err.streamExists).toBe(true);
      });

      it('gives version 0 and streamExists=false for a missing stream', () => {
        const err = toWrongExpectedVersion(stream, 'exists', clientError('no_stream'));
        expect(err.actualVersion).toBe(0);
        expect(err.streamExists).toBe(false);
        expect(err.expected).toBe('exists');
      });

      it('tells an invalid $all position from other failures', () => {
        expect(isInvalidPositionError(new Error('Invalid position.'))).toBe(true);
        expect(isInvalidPositionError(Object.assign(new Error('x'), { type: 'unknown' }))).toBe(true);
        expect(isInvalidPositionError(Object.assign(new Error('down'), { type: 'unavailable' }))).toBe(false);
        expect(isInvalidPositionError('Invalid position')).toBe(false);
      });
    });

    describe('checkpoints', () => {
      it('round-trips a log position', () => {
        for (const p of [
          { commit: 0n, prepare: 0n },
          { commit: 1234n, prepare: 1234n },
          { commit: 18446744073709551615n, prepare: 5n },
        ]) {
          const s = serializeKurrentCheckpoint(p);
          expect(s).toMatch(/^\d{20}:\d{20}$/);
          expect(parseKurrentCheckpoint(s)).toEqual(p);
        }
        expect(parseKurrentCheckpoint(null)).toBeNull();
        expect(parseKurrentCheckpoint('77:76')).toEqual({ commit: 77n, prepare: 76n });
      });

      it('orders checkpoints as positions, and their strings the same way', () => {
        const positions = [
          { commit: 10n, prepare: 10n },
          { commit: 9n, prepare: 9n },
          { commit: 100n, prepare: 90n },
          { commit: 100n, prepare: 100n },
          { commit: 2n ** 40n, prepare: 2n ** 40n },
        ];
        const cps = positions.map(serializeKurrentCheckpoint);
        const byPosition = [...cps].sort(compareKurrentCheckpoints);
        expect(byPosition.map((c) => parseKurrentCheckpoint(c))).toEqual([
          { commit: 9n, prepare: 9n },
          { commit: 10n, prepare: 10n },
          { commit: 100n, prepare: 90n },
          { commit: 100n, prepare: 100n },
          { commit: 2n ** 40n, prepare: 2n ** 40n },
        ]);
        expect([...cps].sort()).toEqual(byPosition);
        expect(compareKurrentCheckpoints(null, cps[0])).toBe(-1);
        expect(compareKurrentCheckpoints(cps[0], null)).toBe(1);
        expect(compareKurrentCheckpoints(null, null)).toBe(0);
      });

      it('refuses malformed checkpoints and negative positions', () => {
        for (const bad of [
          '',
          '12',
          'a:b',
          '1:2:3',
          '-1:0',
          `${'9'.repeat(21)}:0`,
          '99999999999999999999:0',
        ]) {
          expect(() => parseKurrentCheckpoint(bad)).toThrow(/Malformed KurrentDB checkpoint/);
        }
        expect(() => serializeKurrentCheckpoint({ commit: -1n, prepare: 0n })).toThrow(RangeError);
      });
    });

    describe('events', () => {
      const created = new Date('2025-03-01T10:00:00.123Z');
      const stored = (
        overrides: Partial<NonNullable<ResolvedEventLike['event']>> = {},
        appendId = 'a-1',
      ): ResolvedEventLike => {
        const e = anEvent(T, 'CycleOpened', { year: 2025, items: [1, 'x', null] });
        const prepared = toEventData({ ...e, eventId: e.eventId.toUpperCase() }, appendId);
        return {
          event: {
            streamId: stream,
            id: prepared.eventId,
            revision: 4n,
            type: prepared.eventData.type,
            isJson: true,
            created,
            data: prepared.eventData.data,
            metadata: prepared.eventData.metadata,
            position: { commit: 98765n, prepare: 98765n },
            ...overrides,
          },
          commitPosition: 98765n,
        };
      };

      it('writes the caller id (lower case), type, data, and metadata plus content hash and append id', () => {
        const e = anEvent(T, 'CycleOpened', { n: 1 });
        const p = toEventData({ ...e, eventId: e.eventId.toUpperCase() }, 'append-7');
        expect(p.eventId).toBe(e.eventId.toLowerCase());
        expect(p.contentHash).toBe(contentHash({ ...e, eventId: e.eventId.toLowerCase() }));
        expect(p.eventData).toEqual({
          id: e.eventId.toLowerCase(),
          contentType: 'application/json',
          type: 'CycleOpened',
          data: { n: 1 },
          metadata: { ...e.metadata, [CONTENT_HASH_KEY]: p.contentHash, [APPEND_ID_KEY]: 'append-7' },
        });
      });

      it('maps a resolved event to our RecordedEvent', () => {
        const r = stored();
        const m = toMappedEvent(r);
        expect(m).not.toBeNull();
        const ev = m?.event as RecordedEvent;
        const source = r.event as NonNullable<ResolvedEventLike['event']>;
        const {
          [CONTENT_HASH_KEY]: hash,
          [APPEND_ID_KEY]: appendId,
          ...metadata
        } = source.metadata as Record<string, unknown>;
        expect(ev).toEqual({
          eventId: source.id,
          type: 'CycleOpened',
          data: { year: 2025, items: [1, 'x', null] },
          metadata,
          streamId: stream,
          version: 5,
          position: 98765,
          recordedAt: created,
          hash,
        });
        expect(ev.hash).toBe(
          contentHash({ eventId: ev.eventId, type: ev.type, data: ev.data, metadata: ev.metadata }),
        );
        expect(m?.appendId).toBe(appendId);
        expect(m?.logPosition).toEqual({ commit: 98765n, prepare: 98765n });
      });

      it('falls back to the commit position when the record carries none', () => {
        const r = stored({ position: undefined });
        r.commitPosition = 555n;
        expect(toMappedEvent(r)?.event.position).toBe(555);
        const none = stored({ position: { commit: 18446744073709551615n, prepare: 18446744073709551615n } });
        delete none.commitPosition;
        expect(() => toMappedEvent(none)).toThrow(/without its log position/);
      });

      it('recomputes the content hash of an event written without the adapter', () => {
        const r = stored();
        const e = r.event as NonNullable<ResolvedEventLike['event']>;
        const {
          [CONTENT_HASH_KEY]: _h,
          [APPEND_ID_KEY]: _a,
          ...plain
        } = e.metadata as Record<string, unknown>;
        e.metadata = plain;
        const m = toMappedEvent(r);
        expect(m?.appendId).toBeNull();
        expect(m?.event.hash).toBe(
          contentHash({ eventId: e.id, type: e.type, data: e.data, metadata: plain }),
        );
      });

      it('skips what is not an event of ours', () => {
        expect(toMappedEvent({})).toBeNull();
        expect(toMappedEvent(stored({ streamId: '$ciclo-checkpoint-x' }))).toBeNull();
        expect(toMappedEvent(stored({ streamId: '$ce-cciaa' }))).toBeNull();
        expect(toMappedEvent(stored({ streamId: 'no-tenant-here' }))).toBeNull();
        expect(toMappedEvent(stored({ type: '$>' }))).toBeNull();
        expect(toMappedEvent(stored({ isJson: false, data: new Uint8Array([1]) }))).toBeNull();
        expect(toMappedEvent(stored({ data: [1, 2] }))).toBeNull();
        expect(toMappedEvent(stored({ metadata: undefined }))).toBeNull();
        expect(toMappedEvent(stored({ metadata: { actorId: 'u' } }))).toBeNull();
      });
    });

    describe('capabilities it lacks', () => {
      it('says so, and refuses the audit seal chain with a clear error instead of failing later', async () => {
        // No call reaches a server: the client connects on first use.
        const store = new KurrentDbEventStore({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false' });
        try {
          expect(store.supports('audit-chain')).toBe(false);
          expect(store.supports('transactional-subscriptions')).toBe(false);
          expect(sharedSqlPool(store)).toBeNull();
          expect(() => store.startSealer()).toThrow(CapabilityNotSupported);
          const err = await store.verifyChain().catch((e: unknown) => e);
          expect(err).toBeInstanceOf(CapabilityNotSupported);
          expect(err).toMatchObject({ code: 'STORE_CAPABILITY_NOT_SUPPORTED', capability: 'audit-chain' });
          expect((err as Error).message).toBe('The KurrentDB event store does not support "audit-chain"');
          await expect(store.listStreams({ tenant: T, kind: 'Bad kind' })).rejects.toThrow(/kind/);
        } finally {
          await store.close();
        }
      });
    });

    describe('idempotency verdict', () => {
      const batch = [anEvent(T, 'A', { n: 1 }), anEvent(T, 'B', { n: 2 })].map((e) =>
        toEventData(e, 'new-append'),
      );
      const recorded = (
        i: number,
        hash: string,
        version: number,
        position: number,
      ): [string, RecordedEvent] => [
        batch[i].eventId,
        {
          ...anEvent(T),
          eventId: batch[i].eventId,
          streamId: stream,
          version,
          position,
          recordedAt: new Date(),
          hash,
        },
      ];

      it('is absent when no id is stored', () => {
        expect(classifyStored(batch, new Map())).toEqual({ kind: 'absent' });
      });

      it('is a replay with the original positions when every id is stored with the same content', () => {
        const found = new Map([
          recorded(1, batch[1].contentHash, 4, 2000),
          recorded(0, batch[0].contentHash, 3, 1000),
        ]);
        expect(classifyStored(batch, found)).toEqual({
          kind: 'replayed',
          nextVersion: 4,
          positions: [1000, 2000],
        });
      });

      it('is a conflict on the ids stored with other content, or missing from a partial match', () => {
        const other = new Map([
          recorded(0, 'f'.repeat(64), 3, 1000),
          recorded(1, batch[1].contentHash, 4, 2000),
        ]);
        const verdict = classifyStored(batch, other);
        expect(verdict).toEqual({ kind: 'conflict', eventIds: [batch[0].eventId] });
        expect(new EventIdConflict(verdict.kind === 'conflict' ? verdict.eventIds : []).code).toBe(
          'EVENT_ID_CONFLICT',
        );
        const partial = new Map([recorded(0, batch[0].contentHash, 3, 1000)]);
        expect(classifyStored(batch, partial)).toEqual({ kind: 'conflict', eventIds: [batch[1].eventId] });
      });
    });

    it('constructs from a connection string without connecting', async () => {
      const store = new KurrentDbEventStore({ connectionString: 'kurrentdb://localhost:2113?tls=false' });
      expect(store.client).toBeDefined();
      await expect(
        store.append('no-tenant-here', [anEvent(T)], { expectedVersion: 'any' }),
      ).rejects.toBeInstanceOf(InvalidAppend);
      await expect(store.append(stream, [anEvent(T)], { expectedVersion: -3 })).rejects.toBeInstanceOf(
        InvalidAppend,
      );
      await store.close();
    });
  });
}
