import { testRedisPrefix } from '../support/database';
import { jsonFromFreshNode } from '../support/fresh-node';

/**
 * The files that TypeORM and BullMQ require when they load but Ciclo does not use (TypeORM's other
 * databases' drivers, BullMQ's PostgreSQL backend's SQL, the cron parser until a job scheduler is
 * set) get a stand-in before the apps load (`deferModules`, first thing in each app's `main`): the
 * apps load and work without reading them, and each still loads, whole, at its first use. Checked
 * in a fresh Node process: Jest's own module registry would not tell.
 */

const SCRIPT = `
const { types } = require('node:util');
const { deferModules, deferrableModuleFiles } = require('./libs/platform/src');
const files = deferrableModuleFiles();
const short = (f) => f.replace(/.*node_modules\\//, '');
const real = () => files.filter((f) => require.cache[f] && !types.isProxy(require.cache[f].exports)).map(short);
(async () => {
  const missing = files.filter((f) => !require('node:fs').existsSync(f)).map(short);
  const deferred = deferModules().map(short);
  const again = deferModules();
  const unknown = deferModules(['/nonexistent/module.js']);
  require('./apps/worker/src/worker.module');
  require('./apps/api/src/bootstrap');
  const afterApps = real();

  // TypeORM on PostgreSQL, as the read models use it.
  const { DataSource } = require('typeorm');
  const ds = new DataSource({ type: 'postgres', url: process.env.TEST_ADMIN_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres' });
  await ds.initialize();
  const [{ one }] = await ds.query('SELECT 1 AS one');
  await ds.destroy();
  const afterTypeorm = real();

  // BullMQ on Redis: a job, then a cron job scheduler (the cron parser loads then).
  const { Queue } = require('bullmq');
  const IORedis = require('ioredis');
  const connection = new IORedis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  // The run's own prefix: the run's teardown removes whatever a failed check leaves.
  const prefix = ${JSON.stringify(testRedisPrefix('deferred').replace(/:$/, ''))};
  const queue = new Queue('q', { connection, prefix });
  const job = await queue.add('j', { n: 1 });
  const afterJob = real();
  await queue.upsertJobScheduler('nightly', { pattern: '0 3 * * *', tz: 'Europe/Rome' }, { name: 'n' });
  const [scheduler] = await queue.getJobSchedulers();
  const afterScheduler = real();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();

  // Another database's driver, asked for: the real module, whole.
  const mysql = require('typeorm/driver/mysql/MysqlDriver');
  const mysqlDriver = typeof mysql.MysqlDriver;
  const sapKeys = Object.keys(require('typeorm/driver/sap/SapDriver'));
  process.stdout.write(JSON.stringify({ missing, deferred, again, unknown, afterApps, one, afterTypeorm, jobId: job.id, afterJob,
    scheduler: scheduler && { key: scheduler.key, next: scheduler.next }, afterScheduler, mysqlDriver, sapKeys, afterAll: real(),
    mysqlInCache: types.isProxy(require.cache[files.find((f) => f.endsWith('/mysql/MysqlDriver.js'))].exports) ? 'stand-in' : 'real' }));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

describe('modules deferred until first use', () => {
  it('are not loaded with the apps, nor by TypeORM on PostgreSQL or BullMQ jobs, and load whole when used', async () => {
    const r = await jsonFromFreshNode<Record<string, unknown> & { deferred: string[]; scheduler: { key: string; next: number } }>(SCRIPT);
    // Every file named exists in the installed versions (a renamed file would silently stay loaded).
    expect(r.missing).toEqual([]);
    expect(r.deferred).toHaveLength(18);
    expect(r.deferred).toEqual(expect.arrayContaining(['typeorm/driver/mysql/MysqlDriver.js', 'bullmq/dist/cjs/postgres/sql-scripts.js']));
    expect(r.deferred).not.toContain('typeorm/driver/postgres/PostgresDriver.js');
    // A file already in the cache (a stand-in, or a real module) is left alone; a missing one too.
    expect([r.again, r.unknown]).toEqual([[], []]);
    expect(r.afterApps).toEqual([]);
    expect([r.one, r.afterTypeorm]).toEqual([1, []]);
    expect([r.jobId, r.afterJob]).toEqual(['1', []]);
    // The scheduler's next run computed by the cron parser, loaded for it.
    expect(r.scheduler.key).toBe('nightly');
    expect(r.scheduler.next).toBeGreaterThan(Date.now());
    expect(r.afterScheduler).toEqual([expect.stringMatching(/^cron-parser\//)]);
    expect([r.mysqlDriver, r.sapKeys, r.mysqlInCache]).toEqual(['function', ['SapDriver'], 'real']);
    expect(r.afterAll).toEqual(['typeorm/driver/mysql/MysqlDriver.js', 'typeorm/driver/sap/SapDriver.js', expect.stringMatching(/^cron-parser\//)]);
  }, 120_000);
});
