import Redis from 'ioredis';
import { HealthService, writeHeartbeat, type ComponentStatus } from '@ciclo/platform';
import { startTestApi, type TestApi } from '../support/api';

type Health = { status: string; components: Record<string, ComponentStatus> };

/** Liveness, readiness and the workers' heartbeats as the API reports them. */
describe('health endpoints', () => {
  let api: TestApi;
  let redis: Redis;

  beforeAll(async () => {
    api = await startTestApi('health');
    redis = new Redis(api.settings.REDIS_URL);
  });

  afterAll(async () => {
    redis?.disconnect();
    await api?.close();
  });

  it('answers liveness without a token and readiness with the database and Redis', async () => {
    const live = await api.call('GET', '/health/live');
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('up');
    const ready = await api.call<Health>('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect(ready.body.components.database.status).toBe('up');
    expect(ready.body.components.redis.status).toBe('up');
  });

  it('reports no worker as degraded, then the heartbeats workers write: lease holders and lag', async () => {
    const before = await api.call<Health>('GET', '/health');
    expect(before.status).toBe(200);
    expect(before.body.status).toBe('degraded');
    expect(before.body.components.workers.status).toBe('degraded');
    expect(before.body.components.workers.detail).toMatch(/no worker process has reported/);

    const now = new Date().toISOString();
    const prefix = api.settings.REDIS_PREFIX;
    await writeHeartbeat(redis, prefix, {
      id: 'host-a:11:aaaaaa',
      host: 'host-a',
      pid: 11,
      startedAt: now,
      beatAt: now,
      subscriptions: [
        { name: 'projection:cycles', holdsLease: true, position: 7, lagEvents: 0, lagSeconds: 0 },
        { name: 'deadline-scheduler', holdsLease: false, position: 0 },
      ],
    });
    await writeHeartbeat(
      redis,
      prefix,
      { id: 'host-b:12:bbbbbb', host: 'host-b', pid: 12, startedAt: now, beatAt: now, subscriptions: [{ name: 'deadline-scheduler', holdsLease: true, position: 7, lagEvents: 0, lagSeconds: 0 }] },
      1500,
    );
    // Another installation's worker on the same Redis (another prefix) is not ours.
    await writeHeartbeat(redis, `${prefix}x`, { id: 'other:1:cccccc', host: 'other', pid: 1, startedAt: now, beatAt: now, subscriptions: [] });

    const h = await api.call<Health>('GET', '/health');
    const w = h.body.components.workers;
    expect(w.status).toBe('up');
    expect(w.workers?.map((x) => x.id)).toEqual(['host-a:11:aaaaaa', 'host-b:12:bbbbbb']);
    expect(w.subscriptions).toEqual([
      { name: 'deadline-scheduler', heldBy: 'host-b:12:bbbbbb', position: 7, lagEvents: 0, lagSeconds: 0 },
      { name: 'projection:cycles', heldBy: 'host-a:11:aaaaaa', position: 7, lagEvents: 0, lagSeconds: 0 },
    ]);

    // host-b stops beating (killed): its key expires and the scheduler has no holder until a takeover.
    await new Promise((r) => setTimeout(r, 1700));
    const after = await api.call<Health>('GET', '/health');
    expect(after.body.components.workers.status).toBe('degraded');
    expect(after.body.components.workers.detail).toBe('deadline-scheduler: no worker holds its lease');
    await redis.del(`${prefix}x:workers:other:1:cccccc`);
  });

  it('answers 503 to readiness once shutting down, while liveness stays up', async () => {
    // What Nest calls first on SIGTERM.
    api.app.get(HealthService).beforeApplicationShutdown();
    const ready = await api.call<Health>('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('not_ready');
    expect(ready.body.components.process).toEqual({ status: 'down', detail: 'shutting down' });
    expect((await api.call('GET', '/health/live')).status).toBe(200);
  });
});
