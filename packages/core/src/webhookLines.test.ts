import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_CUSTOM_HEADERS,
  paramLineProblems,
  parseHeaderLines,
  parseParamLines,
  validateCustomHeaders,
} from './webhookLines.ts';

describe('seed 004 Webhook node lines', () => {
  it('parses the seed header line', () => {
    expect(parseHeaderLines('X-Custom-Header: my_value')).toEqual({
      value: { 'X-Custom-Header': 'my_value' },
      problems: [],
    });
  });

  it('parses the seed params, one pair per line', () => {
    expect(parseParamLines('one: 1\ntwo: 2')).toEqual({ value: { one: '1', two: '2' }, problems: [] });
  });

  it('splits at the first colon, trims, skips blank lines and accepts CRLF', () => {
    const r = parseParamLines('url: https://x.test/a:b\r\n\r\n  name :  Ada  \n');
    expect(r).toEqual({ value: { url: 'https://x.test/a:b', name: 'Ada' }, problems: [] });
  });

  it('reports lines without a colon or key, and repeated keys, with their line', () => {
    const r = parseParamLines('one: 1\nnonsense\n: empty\none: again');
    expect(r.value).toEqual({ one: '1' });
    expect(r.problems.map((p) => p.path)).toEqual(['params[1]', 'params[2]', 'params[3]']);
  });

  it('rejects invalid header names and duplicates ignoring case', () => {
    const r = parseHeaderLines('Bad Name: x\nX-A: 1\nx-a: 2');
    expect(r.value).toEqual({ 'X-A': '1' });
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]?.message).toContain('not a valid header name');
    expect(r.problems[1]?.message).toContain('more than once');
  });
});

describe('validateCustomHeaders', () => {
  it('accepts ordinary custom headers (seed 002)', () => {
    expect(validateCustomHeaders({ 'X-Webhook-Source': 'saleshandy', 'x-api-key': 'j5Ftw' })).toEqual([]);
  });

  it.each([
    'Host',
    'content-length',
    'Content-Type',
    'webhook-signature',
    'Webhook-Id',
    'webhook-timestamp',
    'User-Agent',
    'Connection',
    'keep-alive',
    'Transfer-Encoding',
    'TE',
    'trailer',
    'Upgrade',
    'Proxy-Authorization',
    'proxy-connection',
  ])('refuses %s', (name) => {
    const problems = validateCustomHeaders({ [name]: 'x' });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe(`headers.${name}`);
  });

  it('refuses CR, LF and NUL in names and values (header injection)', () => {
    expect(validateCustomHeaders({ 'X-A': 'ok\r\nX-Evil: 1' })[0]?.message).toContain('CR, LF or NUL');
    expect(validateCustomHeaders({ 'X-A': 'a\0b' })).toHaveLength(1);
    expect(validateCustomHeaders({ 'X-A\nX-B': 'v' })).toHaveLength(1);
    expect(validateCustomHeaders({ 'X A': 'v' })).toHaveLength(1);
  });

  it(`allows ${MAX_CUSTOM_HEADERS} headers and refuses one more`, () => {
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`X-H${i}`, String(i)]));
    expect(validateCustomHeaders(ten)).toEqual([]);
    const problems = validateCustomHeaders({ ...ten, 'X-H10': '10' });
    expect(problems).toEqual([
      { path: 'headers', message: 'at most 10 custom headers are allowed (11 given)' },
    ]);
  });

  it('refuses names differing only in case', () => {
    expect(validateCustomHeaders({ 'x-api-key': 'a', 'X-Api-Key': 'b' })).toHaveLength(1);
  });
});

describe('line splitting', () => {
  // The rule as first written: split on \r\n, \n or \r, split each line at its first colon, trim both sides.
  function reference(text: string) {
    const lines: { key: string; value: string; index: number }[] = [];
    const bad: number[] = [];
    text.split(/\r\n|\n|\r/).forEach((line, index) => {
      const colon = line.indexOf(':');
      if (colon < 0) {
        if (line.trim() !== '') bad.push(index);
      } else if (line.slice(0, colon).trim() === '') bad.push(index);
      else lines.push({ key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim(), index });
    });
    return { lines, bad };
  }

  it('reports a repeated param after the malformed lines, in both the parser and the problems-only check', () => {
    // Found by the property below: a bare CR splits lines, and the repeat on line 2 came before line 3's problem.
    const text = 'x-y:\rx-y:\na';
    expect(paramLineProblems(text, 'p')).toEqual(parseParamLines(text, 'p').problems);
    expect(paramLineProblems(text, 'p').map((p) => p.path)).toEqual(['p[2]', 'p[1]']);
  });

  it('finds the same lines, keys, values and bad lines as a regex split, for any text', () => {
    const text = fc
      .array(
        fc.constantFrom('a', 'B', ':', ' ', '\n', '\r', '\r\n', 'x-y', '\t', '{{v}}', '__proto__', '1'),
        {
          maxLength: 24,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const ref = reference(t);
        const params = parseParamLines(t, 'p');
        const firsts = new Map<string, string>();
        // A plain object never takes `__proto__` as a key (assigning it sets the prototype, a string is ignored).
        const keyed = ref.lines.filter((l) => l.key !== '__proto__');
        for (const l of keyed) if (!firsts.has(l.key)) firsts.set(l.key, l.value);
        expect(params.value).toEqual(Object.fromEntries(firsts));
        const lineProblems = params.problems.filter((p) => !p.message.includes('given more than once'));
        expect(lineProblems.map((p) => p.path)).toEqual(ref.bad.map((i) => `p[${i}]`));
        const headers = parseHeaderLines(t, 'h');
        const names = keyed.filter((l) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(l.key));
        const kept = new Map<string, { key: string; value: string }>();
        for (const l of names) if (!kept.has(l.key.toLowerCase())) kept.set(l.key.toLowerCase(), l);
        expect(headers.value).toEqual(Object.fromEntries([...kept.values()].map((l) => [l.key, l.value])));
        // Validation's problems-only check reports exactly what the parser does.
        expect(paramLineProblems(t, 'p')).toEqual(params.problems);
      }),
      { numRuns: 2000 },
    );
  });
});
