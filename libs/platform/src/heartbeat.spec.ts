import { workersComponent, type WorkerHeartbeat } from './heartbeat';

const at = (s: number) => new Date(Date.parse('2027-03-01T10:00:00Z') + s * 1000).toISOString();
const beat = (id: string, subs: WorkerHeartbeat['subscriptions'], beatAt = at(0)): WorkerHeartbeat => ({
  id,
  host: id.split(':')[0],
  pid: 1,
  startedAt: at(-100),
  beatAt,
  subscriptions: subs,
});

describe('workersComponent', () => {
  const now = new Date(at(2));

  it('is up when every subscription has one lease holder and little lag', () => {
    const c = workersComponent(
      [
        beat('a:1:x', [
          { name: 'projection:cycles', holdsLease: true, position: 40, lagEvents: 0, lagSeconds: 0 },
          { name: 'deadline-scheduler', holdsLease: false, position: 0 },
        ]),
        beat('b:2:y', [
          { name: 'projection:cycles', holdsLease: false, position: 0 },
          { name: 'deadline-scheduler', holdsLease: true, position: 38, lagEvents: 2, lagSeconds: 0.4 },
        ]),
      ],
      now,
    );
    expect(c.status).toBe('up');
    expect(c.subscriptions).toEqual([
      { name: 'deadline-scheduler', heldBy: 'b:2:y', position: 38, lagEvents: 2, lagSeconds: 0.4 },
      { name: 'projection:cycles', heldBy: 'a:1:x', position: 40, lagEvents: 0, lagSeconds: 0 },
    ]);
    expect(c.workers?.map((w) => [w.id, w.ageSeconds])).toEqual([
      ['a:1:x', 2],
      ['b:2:y', 2],
    ]);
  });

  it('is degraded without any worker', () => {
    const c = workersComponent([], now);
    expect(c.status).toBe('degraded');
    expect(c.detail).toMatch(/no worker process has reported/);
    expect(c.subscriptions).toEqual([]);
  });

  it('is degraded when a subscription has no holder (a takeover under way)', () => {
    const c = workersComponent([beat('b:2:y', [{ name: 'projection:audit', holdsLease: false, position: 0 }])], now);
    expect(c.status).toBe('degraded');
    expect(c.detail).toBe('projection:audit: no worker holds its lease');
    expect(c.subscriptions?.[0].heldBy).toBeNull();
  });

  it('takes the latest claim after a takeover, and none from a beat older than two intervals', () => {
    const dead = beat('a:1:x', [{ name: 'projection:cycles', holdsLease: true, position: 5, lagEvents: 0, lagSeconds: 0 }], at(-1));
    const survivor = beat('b:2:y', [{ name: 'projection:cycles', holdsLease: true, position: 9, lagEvents: 0, lagSeconds: 0 }], at(1));
    expect(workersComponent([dead, survivor], now).subscriptions?.[0]).toMatchObject({ heldBy: 'b:2:y', position: 9 });
    const stale = workersComponent([beat('a:1:x', [{ name: 'projection:cycles', holdsLease: true, position: 5, lagEvents: 0, lagSeconds: 0 }], at(-9))], now);
    expect(stale.subscriptions?.[0].heldBy).toBeNull();
    expect(stale.status).toBe('degraded');
  });

  it('is degraded when the holder lags by events or by time', () => {
    const byEvents = workersComponent([beat('a:1:x', [{ name: 'projection:cycles', holdsLease: true, position: 1, lagEvents: 1001, lagSeconds: 1 }])], now);
    expect(byEvents.status).toBe('degraded');
    expect(byEvents.detail).toBe('projection:cycles: 1001 events / 1 s behind');
    const byTime = workersComponent([beat('a:1:x', [{ name: 'projection:cycles', holdsLease: true, position: 1, lagEvents: 3, lagSeconds: 10.5 }])], now);
    expect(byTime.status).toBe('degraded');
    const fine = workersComponent([beat('a:1:x', [{ name: 'projection:cycles', holdsLease: true, position: 1, lagEvents: 1000, lagSeconds: 10 }])], now);
    expect(fine.status).toBe('up');
  });
});
