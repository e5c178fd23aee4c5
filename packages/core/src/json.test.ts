import { describe, expect, it } from 'vitest';
import { canonicalJson } from './json.ts';

describe('canonicalJson', () => {
  it('writes the same text whatever the key order, at every depth, and keeps array order', () => {
    const a = { b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } };
    const b = { a: { c: null, d: [2, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson('x')).toBe('"x"');
  });
});
