import { KeptValues } from './kept-values';

describe('KeptValues', () => {
  it('computes a value once per group and key', () => {
    const kept = new KeptValues<number, string>();
    let calls = 0;
    const compute = (v: string) => () => (calls++, v);
    expect(kept.get('Europe/Rome', 1, compute('a'))).toBe('a');
    expect(kept.get('Europe/Rome', 1, compute('other'))).toBe('a');
    expect(kept.get('UTC', 1, compute('b'))).toBe('b');
    expect(calls).toBe(2);
  });

  it('keeps nothing when the computation throws', () => {
    const kept = new KeptValues<string, number>();
    expect(() =>
      kept.get('g', 'bad', () => {
        throw new RangeError('no');
      }),
    ).toThrow(RangeError);
    expect(kept.get('g', 'bad', () => 7)).toBe(7);
  });

  it('stays within its bound: a full group, and too many groups, are emptied', () => {
    const kept = new KeptValues<number, number>(3);
    let calls = 0;
    for (let i = 0; i < 4; i++) kept.get('g', i, () => (calls++, i));
    expect(calls).toBe(4);
    kept.get('g', 0, () => (calls++, 0)); // emptied when the fourth came in
    expect(calls).toBe(5);
    kept.get('g', 3, () => (calls++, 3)); // the fourth was kept
    expect(calls).toBe(5);
    for (const g of ['h', 'i', 'j']) kept.get(g, 0, () => (calls++, 0));
    kept.get('g', 3, () => (calls++, 3)); // groups emptied when the fourth group came in
    expect(calls).toBe(9);
  });
});
