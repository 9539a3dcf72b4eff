import { FoldCache } from './fold-cache';

describe('FoldCache', () => {
  it('keeps at most maxEntries states and forgets the least recently used first (a read counts as a use)', () => {
    const cache = new FoldCache<{ v: number }>(2);
    cache.set('a', { v: 1 });
    cache.set('b', { v: 2 });
    expect(cache.get('a')).toEqual({ v: 1 }); // 'a' is now the most recently used
    cache.set('c', { v: 3 });
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ v: 1 });
    expect(cache.get('c')).toEqual({ v: 3 });
  });

  it('replaces a stream\'s state and forgets a deleted one', () => {
    const cache = new FoldCache<{ v: number }>(2);
    cache.set('a', { v: 1 });
    cache.set('a', { v: 2 });
    expect(cache.size).toBe(1);
    expect(cache.get('a')).toEqual({ v: 2 });
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
