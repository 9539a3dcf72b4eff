import { SharedLoads } from './shared-loads';

/** A read whose answer the test gives: `value` is what the store holds when the read starts. */
function controlledReads() {
  let value = 0;
  const started: { key: string; sawValue: number; finish: () => void; fail: (e: Error) => void }[] = [];
  const read = (key: string) =>
    new Promise<number>((resolve, reject) => {
      const sawValue = value;
      started.push({ key, sawValue, finish: () => resolve(sawValue), fail: reject });
    });
  return { read, started, set: (v: number) => (value = v) };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('SharedLoads: concurrent callers share a read that started after they called', () => {
  it('a caller arriving during a read waits for the next one, which every such caller shares', async () => {
    const r = controlledReads();
    const loads = new SharedLoads<number>(r.read);
    const first = loads.load('a');
    r.set(1); // committed while the first read is under way, after it started
    const late = [loads.load('a'), loads.load('a'), loads.load('a')];
    expect(r.started).toHaveLength(1);
    r.started[0].finish();
    await expect(first).resolves.toBe(0);
    await flush();
    expect(r.started).toHaveLength(2); // one more read for the three late callers, not three
    r.started[1].finish();
    await expect(Promise.all(late)).resolves.toEqual([1, 1, 1]); // they see what was committed before they called
    expect(loads.pending).toBe(0);
  });

  it('keys are read independently', async () => {
    const r = controlledReads();
    const loads = new SharedLoads<number>(r.read);
    const a = loads.load('a');
    const b = loads.load('b');
    expect(r.started.map((s) => s.key)).toEqual(['a', 'b']);
    r.started.forEach((s) => s.finish());
    await expect(Promise.all([a, b])).resolves.toEqual([0, 0]);
  });

  it('a failed read fails its callers only; the callers waiting for the next read get their own', async () => {
    const r = controlledReads();
    const loads = new SharedLoads<number>(r.read);
    const first = loads.load('a');
    const late = loads.load('a');
    r.started[0].fail(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await flush();
    r.set(7);
    expect(r.started).toHaveLength(2);
    r.started[1].finish();
    await expect(late).resolves.toBe(0);
    // and a failure of the shared read reaches every caller waiting for it
    const again = loads.load('a');
    const waiting = [loads.load('a'), loads.load('a')];
    r.started[2].finish();
    await expect(again).resolves.toBe(7);
    await flush();
    r.started[3].fail(new Error('timeout'));
    await expect(Promise.all(waiting.map((p) => p.catch((e: Error) => e.message)))).resolves.toEqual([
      'timeout',
      'timeout',
    ]);
    expect(loads.pending).toBe(0);
  });

  it('after the reads end, the next caller starts a fresh read', async () => {
    const r = controlledReads();
    const loads = new SharedLoads<number>(r.read);
    const p = loads.load('a');
    r.started[0].finish();
    await p;
    r.set(3);
    const q = loads.load('a');
    expect(r.started).toHaveLength(2);
    r.started[1].finish();
    await expect(q).resolves.toBe(3);
  });
});
