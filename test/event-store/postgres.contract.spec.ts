import { PostgresEventStore } from '@ciclo/event-store';
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
