import { resolve } from 'node:path';
import { hostname } from 'node:os';
import type { Command } from 'commander';
import Redis from 'ioredis';
import { loadSettings } from '@ciclo/config';
import { schedulerMarkerKey } from '@ciclo/deadlines';
import { bullPrefix } from '@ciclo/notifications';
import { HEARTBEAT_TTL_MS, readHeartbeats } from '@ciclo/platform';
import { backupDatabase, restoreDatabase } from '../backup';

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function withRedis<T>(url: string, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

/** `ciclo backup`, `ciclo restore` and `ciclo health --worker` (docs/deployment.md). */
export function registerOpsCommands(program: Command, out: (s: string) => void): void {
  program
    .command('backup <file>')
    .description('Write the whole database (events, seals, read models, documents) to FILE with pg_dump (custom format); needs pg_dump of the server version or newer')
    .action(async (file: string) => {
      const r = await backupDatabase(loadSettings().DATABASE_URL, resolve(file));
      out(`Backup written to ${r.file} (${mb(r.bytes)}): ${r.events} events up to position ${r.head}, PostgreSQL ${r.server}, pg_dump ${r.pgDump}`);
    });

  program
    .command('restore <file>')
    .description('Restore a backup into DATABASE_URL (a new or empty database); then every cycle\'s reminders are planned again by the next active worker')
    .action(async (file: string) => {
      const settings = loadSettings();
      const r = await restoreDatabase(settings.DATABASE_URL, resolve(file));
      out(`Restored ${r.file} (from PostgreSQL ${r.dumpedFrom}): ${r.events} events up to position ${r.head}`);
      out(`Transaction ids renumbered: ${r.transactions}${r.xidsAdvanced ? ` (server advanced by ${r.xidsAdvanced})` : ''}; migrations applied: ${r.migrations.length ? r.migrations.join(', ') : 'none'}`);
      // Redis may hold jobs planned from events the backup does not have, or miss some: without the
      // marker the active deadline scheduler plans every cycle again (docs/deadlines.md).
      try {
        await withRedis(settings.REDIS_URL, (redis) => redis.del(schedulerMarkerKey(bullPrefix(settings.REDIS_PREFIX))));
        out('Reminder jobs: every cycle is planned again as soon as a worker runs the deadline scheduler');
      } catch (err) {
        out(`Reminder jobs: Redis did not answer (${(err as Error).message}); a worker plans every cycle again when its Redis has no scheduler marker`);
      }
      out('Check the restored log with: ciclo audit verify');
    });

  program
    .command('health')
    .description('Health of this machine\'s processes (for container health checks)')
    .requiredOption('--worker', 'a worker process on this host wrote its heartbeat within the last 15 s')
    .action(async () => {
      const settings = loadSettings();
      const host = hostname();
      const beats = await withRedis(settings.REDIS_URL, (redis) => readHeartbeats(redis, settings.REDIS_PREFIX));
      const mine = beats.filter((b) => b.host === host && Date.now() - Date.parse(b.beatAt) < HEARTBEAT_TTL_MS);
      if (mine.length === 0) {
        out(`No worker heartbeat from ${host} in the last ${HEARTBEAT_TTL_MS / 1000} s (${beats.length} from other hosts)`);
        process.exitCode = 1;
        return;
      }
      for (const b of mine) {
        const held = b.subscriptions.filter((s) => s.holdsLease).map((s) => `${s.name} (${s.lagEvents ?? 0} behind)`);
        out(`Worker ${b.id} alive (beat ${b.beatAt}); leases: ${held.length ? held.join(', ') : 'none (standby)'}`);
      }
    });
}
