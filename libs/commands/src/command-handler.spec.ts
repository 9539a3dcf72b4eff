import { EventIdConflict, WrongExpectedVersion, type JsonObject } from '@ciclo/event-store';
import { CommandRetries, expectedVersionOf, toNewEvents, writtenWithKey } from './command-handler';
import { eventIdsFor } from './event-ids';

const decided = (type: string, reason?: string) => ({
  type,
  data: (reason ? { reason } : {}) as JsonObject,
  actorId: 'u-1',
  actorRole: 'po',
  occurredAt: '2027-01-02T10:00:00.000Z',
});

describe('the one command path: pieces', () => {
  it('builds every event metadata in one place: who and when from the decider, the rest from the command', () => {
    const events = toNewEvents([decided('A'), decided('B', 'perché')], ['id-a', 'id-b'], {
      tenant: 'cciaa-po',
      correlationId: 'corr',
      extra: { definitionVersion: 3 },
      perEvent: (e): JsonObject => (typeof e.data.reason === 'string' ? { reason: e.data.reason } : {}),
    }, (type) => (type === 'B' ? 2 : 1));
    expect(events).toEqual([
      { eventId: 'id-a', type: 'A', data: {}, metadata: { tenant: 'cciaa-po', actorId: 'u-1', actorRole: 'po', occurredAt: '2027-01-02T10:00:00.000Z', correlationId: 'corr', causationId: null, schemaVersion: 1, definitionVersion: 3 } },
      { eventId: 'id-b', type: 'B', data: { reason: 'perché' }, metadata: { tenant: 'cciaa-po', actorId: 'u-1', actorRole: 'po', occurredAt: '2027-01-02T10:00:00.000Z', correlationId: 'corr', causationId: null, schemaVersion: 2, definitionVersion: 3, reason: 'perché' } },
    ]);
    expect(expectedVersionOf(0)).toBe('no_stream');
    expect(expectedVersionOf(4)).toBe(4);
  });

  it('decides again once after a concurrent write, then throws what the aggregate says', () => {
    const conflict = new WrongExpectedVersion('t/s-1', 3, 4, true);
    const retries = new CommandRetries((err) => new Error(`changed, now ${err.actualVersion}`));
    expect(retries.afterAppend(conflict)).toBe(true);
    expect(() => retries.afterAppend(conflict)).toThrow('changed, now 4');
  });

  it('reads again after losing an idempotency race only with a key, and a few times', () => {
    const lost = new EventIdConflict(['x']);
    expect(() => new CommandRetries(() => new Error('c')).afterAppend(lost, null)).toThrow(lost);
    const retries = new CommandRetries(() => new Error('c'));
    for (let i = 0; i < 3; i++) expect(retries.afterAppend(lost, 'key')).toBe(true);
    expect(() => retries.afterAppend(lost, 'key')).toThrow(lost);
  });

  it('gives up on a register race after five, and passes other errors through', () => {
    const retries = new CommandRetries(() => new Error('c'));
    const race = new WrongExpectedVersion('t/deliberations-giunta-2027', 1, 2, true);
    for (let i = 0; i < 5; i++) expect(retries.afterRegisterRace(race)).toBe(true);
    expect(() => retries.afterRegisterRace(race)).toThrow(race);
    const other = new Error('disk full');
    expect(() => new CommandRetries(() => new Error('c')).afterRegisterRace(other)).toThrow(other);
    expect(() => new CommandRetries(() => new Error('c')).afterAppend(other, 'key')).toThrow(other);
  });

  it('finds the run of events an earlier command with the same key wrote', async () => {
    const idem = { tenant: 'cciaa-po', key: 'k', scope: 's' };
    const ids = eventIdsFor(2, idem);
    const ev = (eventId: string, version: number) => ({ eventId, version }) as never;
    const stream = [ev('00000000-0000-4000-8000-000000000001', 1), ev(ids[0], 2), ev(ids[1], 3), ev('00000000-0000-4000-8000-000000000004', 4)];
    expect((await writtenWithKey(null as never, 's', idem, stream))?.map((e) => (e as { version: number }).version)).toEqual([2, 3]);
    expect(await writtenWithKey(null as never, 's', { ...idem, key: 'other' }, stream)).toBeNull();
  });
});
