import { jsonDiff } from './json-diff';

describe('jsonDiff', () => {
  it('lists changed, added and removed leaves with their paths', () => {
    const a = { stage: 'bozza', version: 1, history: [{ type: 'A' }], meta: { x: 1, gone: true } };
    const b = { stage: 'revisione_sg', version: 2, history: [{ type: 'A' }, { type: 'B' }], meta: { x: 1, y: 2 } };
    expect(jsonDiff(a, b)).toEqual([
      { path: 'history[1]', after: { type: 'B' } },
      { path: 'meta.gone', before: true },
      { path: 'meta.y', after: 2 },
      { path: 'stage', before: 'bozza', after: 'revisione_sg' },
      { path: 'version', before: 1, after: 2 },
    ]);
  });

  it('finds nothing between equal values and reports type changes at the root', () => {
    expect(jsonDiff({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([]);
    expect(jsonDiff(1, 'uno')).toEqual([{ path: '(root)', before: 1, after: 'uno' }]);
  });
});
