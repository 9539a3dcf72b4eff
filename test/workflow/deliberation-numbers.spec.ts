// A Giunta deliberation number is used once a year across the tenant's cycles: the number is
// reserved in the register stream (through the event store's port) before the cycle records it, so
// two simultaneous deliberations with one number on different cycles cannot both succeed; and a
// reservation whose command failed afterwards does not block the number.
import { createHash } from 'node:crypto';
import { isoDateAt } from '@ciclo/domain';
import type { EventStore } from '@ciclo/event-store';
import { EVENT_STORE } from '@ciclo/platform';
import { backfillDeliberationRegister, DeliberationRegister, deliberationStream } from '@ciclo/workflow';
import { randomUUID } from 'node:crypto';
import { startTestApi, type TestApi } from '../support/api';

const today = () => isoDateAt(new Date(), 'Europe/Rome');
const year = () => Number(today().slice(0, 4));
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('deliberation numbers across cycles', () => {
  let api: TestApi;
  let store: EventStore;
  let po: string, organi: string;

  beforeAll(async () => {
    api = await startTestApi('delib');
    store = api.app.get<EventStore>(EVENT_STORE);
    po = await api.token('u-po', ['po']);
    organi = await api.token('u-organi', ['segreteria_organi']);
  });
  afterAll(async () => api?.close());

  const run = (id: string, command: string, token: string, body: unknown = {}) =>
    api.call<Record<string, unknown>>('POST', `/cycles/${id}/commands/${command}`, { token, body });

  /** A Relazione sulla performance waiting for the Giunta's deliberation. */
  async function atGiunta(): Promise<string> {
    const r = await api.call<{ cycleId: string }>('POST', '/cycles', { token: po, body: { type: 'relazione_performance', year: year() } });
    expect(r.status).toBe(201);
    expect((await run(r.body.cycleId, 'close_measurements', po)).status).toBe(200);
    expect((await run(r.body.cycleId, 'submit', po)).status).toBe(200);
    return r.body.cycleId;
  }

  it('lets one of two simultaneous deliberations with the same number through, every time', async () => {
    for (let i = 0; i < 5; i++) {
      const [a, b] = [await atGiunta(), await atGiunta()];
      const number = `${100 + i}/${year()}`;
      const answers = await Promise.all(
        [a, b].map((id) => run(id, 'record_giunta_deliberation', organi, { number, date: today(), actHash: sha(`${id}-${i}`) })),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([200, 422]);
      expect(answers.find((r) => r.status === 422)?.body.code).toBe('DUPLICATE_DELIBERATION_NUMBER');
      const reservations = (await store.readStream(deliberationStream('cciaa-po', 'giunta', year()))).filter((e) => e.data.number === number);
      expect(reservations).toHaveLength(1);
      const winner = answers[0].status === 200 ? a : b;
      expect(reservations[0].data.cycleId).toBe(winner);
    }
  });

  it('refuses a number used earlier in the year, and accepts it in another cycle once it is free', async () => {
    const first = await atGiunta();
    const second = await atGiunta();
    const number = `200/${year()}`;
    expect((await run(first, 'record_giunta_deliberation', organi, { number, date: today(), actHash: sha('a') })).status).toBe(200);
    const dup = await run(second, 'record_giunta_deliberation', organi, { number: ` ${number.toUpperCase()} `, date: today(), actHash: sha('b') });
    expect([dup.status, dup.body.code]).toEqual([422, 'DUPLICATE_DELIBERATION_NUMBER']);
    expect((await run(second, 'record_giunta_deliberation', organi, { number: `201/${year()}`, date: today(), actHash: sha('b') })).status).toBe(200);
  });

  it('does not let a reservation whose cycle never recorded the deliberation block the number for long', async () => {
    const stale = await atGiunta();
    const register = new DeliberationRegister(store);
    const state = await register.read('cciaa-po', 'giunta', year());
    // A command that reserved its number and then failed (a crash, a refusal on retry) leaves this
    // behind: recent, it still blocks (its command may be appending); two minutes old, it no longer does.
    const base = { tenant: 'cciaa-po', organ: 'giunta' as const, year: year(), cycleId: stale, actorId: 'u-organi', actorRole: 'segreteria_organi', correlationId: 'test' };
    await register.reserve({ ...base, number: `300/${year()}` }, state.version);
    await register.reserve({ ...base, number: `301/${year()}`, at: new Date(Date.now() - 120_000) }, state.version + 1);
    const other = await atGiunta();
    const blocked = await run(other, 'record_giunta_deliberation', organi, { number: `300/${year()}`, date: today(), actHash: sha('c') });
    expect([blocked.status, blocked.body.code]).toEqual([422, 'DUPLICATE_DELIBERATION_NUMBER']);
    expect((await run(other, 'record_giunta_deliberation', organi, { number: `301/${year()}`, date: today(), actHash: sha('c') })).status).toBe(200);
  });

  it('fills the register from deliberations recorded before it existed (backfill, idempotent)', async () => {
    const legacy = await atGiunta();
    // A deliberation written straight to the cycle's stream, as a store from before the register holds them.
    const stream = `cciaa-po/cycle-${legacy}`;
    const version = (await store.readStream(stream)).length;
    await store.append(
      stream,
      [
        {
          eventId: randomUUID(),
          type: 'GiuntaDeliberationRecorded',
          data: { command: 'record_giunta_deliberation', kind: 'deliberation', organ: 'giunta', from: 'in_giunta', to: 'in_validazione', fields: { number: `400/${year()}`, date: today(), actHash: sha('legacy') } },
          metadata: { tenant: 'cciaa-po', actorId: 'u-organi', actorRole: 'segreteria_organi', occurredAt: new Date().toISOString(), correlationId: 'legacy', causationId: null, schemaVersion: 1, definitionVersion: 1 },
        },
      ],
      { expectedVersion: version },
    );
    const first = await backfillDeliberationRegister(store);
    expect(first.reserved).toBe(1);
    expect((await backfillDeliberationRegister(store)).reserved).toBe(0);
    const other = await atGiunta();
    const dup = await run(other, 'record_giunta_deliberation', organi, { number: `400/${year()}`, date: today(), actHash: sha('d') });
    expect([dup.status, dup.body.code]).toEqual([422, 'DUPLICATE_DELIBERATION_NUMBER']);
  });
});
