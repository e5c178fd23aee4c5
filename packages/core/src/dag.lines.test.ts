import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateWorkflowTemplate } from './dag.ts';
import { paramLineProblems, parseHeaderLines, validateCustomHeaders } from './webhookLines.ts';

// Template validation decides the common clean header and param settings in one pass of its own and asks
// webhookLines.ts only otherwise: whatever the text, the problems must be exactly the ones webhookLines.ts reports.
function viaTemplate(headers: string, params: string) {
  return validateWorkflowTemplate({
    nodes: [
      { id: 's', type: 'Start' },
      { id: 'w', type: 'Webhook', url: 'https://e.com', headers, params },
    ],
    edges: ['s-w'],
  });
}

function direct(headers: string, params: string) {
  const parsed = parseHeaderLines(headers, 'nodes.w.headers');
  return [
    ...parsed.problems,
    ...validateCustomHeaders(parsed.value, 'nodes.w.headers'),
    ...paramLineProblems(params, 'nodes.w.params'),
  ];
}

const pieces = [
  'X-A',
  'x-a',
  'X-B',
  'Host',
  'proxy-auth',
  'Connection',
  // Names forbidden or repeated only once their case is folded, and a bare `proxy-`.
  'Proxy-',
  'PROXY-Z',
  'TE',
  '__PROTO__',
  '__proto__',
  'a b',
  'ä',
  '\u00a0k',
  '',
  ' ',
  '\t',
  ':',
  ': ',
  '\n',
  '\r\n',
  '\r',
  '\0',
  'v',
  '{{x}}',
  'k',
  'x'.repeat(257),
  'y'.repeat(4097),
];
const text = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join(''));

describe('header and param lines in templates', () => {
  it('report what webhookLines.ts reports, for any text', () => {
    fc.assert(
      fc.property(text, text, (headers, params) => {
        expect(viaTemplate(headers, params)).toEqual(direct(headers, params));
      }),
      { numRuns: 1500 },
    );
  });

  it('report the limits and repeats the one-pass check leaves to webhookLines.ts', () => {
    const many = Array.from({ length: 11 }, (_, i) => `X-H${i}: v`).join('\n');
    for (const [headers, params] of [
      [many, ''],
      ['X-A: 1\r\nx-a: 2', 'one: 1\ntwo: 2\none: 3'],
      ['Keep-Alive: 1', ' : x'],
      [`X-Long: ${'v'.repeat(4097)}`, 'no colon'],
      ['X-A: a\0b', '__proto__: 1\n__proto__: 2'],
    ] as const) {
      const problems = viaTemplate(headers, params);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems).toEqual(direct(headers, params));
    }
  });
});
