import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@ciclo/event-store';
import { resolve } from 'node:path';
import { createPlanRuntime, CycleRepository, ExecuteCycleCommand, ExecutePlanCommands, PlanRepository } from '@ciclo/workflow';
import type { DomainEvent } from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { createTestDatabase, type TestDatabase } from '../support/database';

const meta = { correlationId: 'c-1', causationId: null, idempotencyKey: null };
const ev = (type: string, data: DomainEvent['data']): DomainEvent => ({
  type,
  data,
  actorId: 'u-1',
  actorRole: 'po',
  occurredAt: new Date().toISOString(),
});

describe('CycleRepository (folded-state cache)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase('repo');
    store = new PostgresEventStore({ connectionString: db.url });
    await store.migrate();
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('sees events written by another process after it cached the state', async () => {
    const id = randomUUID();
    const a = new CycleRepository(store);
    const b = new CycleRepository(store);
    await a.append('cciaa-po', id, [ev('CycleOpened', { cycleId: id, cycleType: 'piao', definitionVersion: 1, year: 2027, periodLabel: '2027-2029', title: 'PIAO', stage: 'bozza' })], 0, 1, meta, 's');
    expect((await a.load('cciaa-po', id)).state.stage).toBe('bozza');
    await b.append('cciaa-po', id, [ev('SubmittedForReview', { command: 'submit', kind: 'submission', from: 'bozza', to: 'revisione_sg', fields: {} })], 1, 1, meta, 's');
    const reloaded = await a.load('cciaa-po', id);
    expect(reloaded.state.stage).toBe('revisione_sg');
    expect(reloaded.state.version).toBe(2);
    expect(reloaded.events.map((e) => e.version)).toEqual([2]);
    const full = await a.load('cciaa-po', id, { allEvents: true });
    expect(full.events.map((e) => e.version)).toEqual([1, 2]);
    expect(full.state).toEqual(reloaded.state);
  });

  it('evicts the least recently used state beyond its size and still folds correctly', async () => {
    const repo = new CycleRepository(store, 1);
    const ids = [randomUUID(), randomUUID()];
    for (const id of ids) {
      await repo.append('cciaa-po', id, [ev('CycleOpened', { cycleId: id, cycleType: 'piao', definitionVersion: 1, year: 2027, periodLabel: '2027-2029', title: id, stage: 'bozza' })], 0, 1, meta, 's');
      await repo.load('cciaa-po', id);
    }
    const first = await repo.load('cciaa-po', ids[0]);
    expect(first.events.map((e) => e.version)).toEqual([1]);
    expect(first.state.title).toBe(ids[0]);
  });

  it('folds a cycle stream once for the cycle and its plan: each command moves the one cache, nothing is read back', async () => {
    const rt = createPlanRuntime(store, resolve(__dirname, '../../seeds'));
    const cycles = (rt.cycles as unknown as { repo: CycleRepository }).repo;
    const po: Actor = { userId: 'u-po', tenant: 'cciaa-po', roles: ['po'] };
    const id = randomUUID();
    await rt.cycles.execute(new ExecuteCycleCommand(po, id, { type: 'open', cycleId: id, year: 2027 }, { cycleType: 'piao', correlationId: 'c' }));
    // The plan repository reads the state the cycle command left in the shared cache.
    expect(rt.repo.streams).toBe(cycles.streams);
    expect((await rt.repo.streams.load('cciaa-po', id)).events).toEqual([]);
    const node = { kind: 'ambito', code: 'A1', title: 'Competitività' };
    const r = await rt.plans.execute(new ExecutePlanCommands(po, id, [{ type: 'add_node', node }], { correlationId: 'c', atomic: true }));
    expect(r.outcomes.map((o) => o.status)).toEqual(['applied']);
    // The cycle repository sees the plan command's event without reading it.
    const after = await cycles.load('cciaa-po', id);
    expect(after.events).toEqual([]);
    expect(after.state.version).toBe(r.version);
    const folded = await rt.repo.load('cciaa-po', id);
    expect(folded.plan.nodes.get('A1')).toMatchObject({ title: 'Competitività' });
    // Another process (its own cache) folds the same from the store.
    const other = await new PlanRepository(new CycleRepository(store)).load('cciaa-po', id);
    expect(other.plan.nodes).toEqual(folded.plan.nodes);
    expect(other.cycle).toEqual(folded.cycle);
    expect(await store.readStream(`cciaa-po/cycle-${id}`)).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'PlanNodeAdded', metadata: expect.objectContaining({ schemaVersion: 1, definitionVersion: folded.cycle.definitionVersion }) })]),
    );
  });
});
