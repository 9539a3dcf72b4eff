// Drops every database and Redis key this run created, also when a test file crashed before its own cleanup.
const { Client } = require('pg');
const Redis = require('ioredis');

module.exports = async () => {
  const run = process.env.CICLO_TEST_RUN;
  if (!run) return;
  const admin = new Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres' });
  try {
    await admin.connect();
    const { rows } = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`ciclo_t_${run}_%`]);
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } catch (err) {
    console.warn(`test teardown: could not drop test databases: ${err.message}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `ciclo_t_${run}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch (err) {
    console.warn(`test teardown: could not clean Redis keys: ${err.message}`);
  } finally {
    redis.disconnect();
  }
};
