import { PostgresEventStore, sharedSqlPool } from '@ciclo/event-store';
import { createTestDatabase } from '../support/database';
import { eventStoreContract } from './contract';

eventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase('contract');
  const store = new PostgresEventStore({ connectionString: db.url });
  await store.migrate();
  return {
    store,
    close: async () => {
      await store.close();
      await db.drop();
    },
  };
});

describe('PostgreSQL adapter capabilities', () => {
  it('offers the audit seal chain and transactional subscriptions, and shares its pool', async () => {
    const db = await createTestDatabase('capabilities');
    const store = new PostgresEventStore({ connectionString: db.url });
    try {
      await store.migrate();
      expect(store.supports('audit-chain')).toBe(true);
      expect(store.supports('transactional-subscriptions')).toBe(true);
      expect(sharedSqlPool(store)).toBe(store.pool);
      const v = await store.verifyChain();
      expect(v).toMatchObject({ intact: true, checkedEvents: 0, headSeal: null });
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
