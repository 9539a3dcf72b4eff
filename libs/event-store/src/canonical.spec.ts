// Canonical JSON is what every content hash (and so every stored chain) is computed over: its text
// must not change. Fixed cases (integer-like keys sorted as text too), then arbitrary JSON values
// against a plain reference.
import fc from 'fast-check';
import { canonicalJson, contentHash, sha256Hex } from './canonical';

/**
 * Reference: the straightforward form (filter, sort, map, join), which the one-pass form must equal.
 * (Not a sorted copy handed to JSON.stringify: an object lists integer-like keys first.)
 */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => reference(v === undefined ? null : v)).join(',')}]`;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(o[k])}`).join(',')}}`;
}

describe('canonicalJson', () => {
  it('sorts keys by code unit at every depth, without whitespace, dropping undefined members', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: null, c: 'x' }], Z: true, é: 'é', e: undefined })).toBe(
      '{"Z":true,"a":[3,{"c":"x","d":null}],"b":1,"é":"é"}',
    );
    expect(canonicalJson([undefined, 1, 'a"b\n'])).toBe('[null,1,"a\\"b\\n"]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson({ b: 0, 10: 1, '': 2, 9: 3 })).toBe('{"":2,"10":1,"9":3,"b":0}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({ a: undefined })).toBe('{}');
    expect(canonicalJson('testo')).toBe('"testo"');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('refuses a number JSON cannot hold', () => {
    expect(() => canonicalJson({ a: [Number.NaN] })).toThrow('Non-finite number in event');
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });

  it('gives the same text as the reference for any JSON value, and the same for keys in any order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(text).toBe(reference(v));
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)));
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
          const reversed = Object.fromEntries(Object.entries(v).reverse());
          expect(canonicalJson(reversed)).toBe(text);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('hashes an event as stored chains were hashed (a fixed digest)', () => {
    const e = {
      eventId: '0b8c1c53-8d8e-4f57-9a3b-6f3f2f4b0a11',
      type: 'CycleOpened',
      data: { year: 2027, cycleType: 'piao', title: 'Città' },
      metadata: { tenant: 'cciaa-demo', schemaVersion: 1 },
    };
    const text =
      '{"data":{"cycleType":"piao","title":"Città","year":2027},"eventId":"0b8c1c53-8d8e-4f57-9a3b-6f3f2f4b0a11","metadata":{"schemaVersion":1,"tenant":"cciaa-demo"},"type":"CycleOpened"}';
    expect(canonicalJson(e)).toBe(text);
    expect(contentHash(e)).toBe(sha256Hex(text));
    expect(contentHash(e)).toBe('c4b71e036b37f208f6461fffcc5e2485537822c350c89f8a4fa3eb095f9eb8da');
  });
});
