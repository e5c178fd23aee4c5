import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countActions,
  NodePosition,
  nodeConfig,
  nodeTypeOfAction,
  parseEdges,
  planNext,
  validateWorkflowTemplate,
  WorkflowNode,
  WorkflowTemplate,
} from './dag.ts';
import { InvalidInputError } from './errors.ts';
import { seed004Template } from './testing.ts';

// Seed 004's template, verbatim.
const seedTemplate = seed004Template();

const template = (nodes: object[], edges: string[]) => WorkflowTemplate.parse({ nodes, edges });
const start = { id: 'start', type: 'Start' };
const hook = (id: string) => ({ id, type: 'Webhook', url: 'https://example.com/hook' });

describe('seed 004 template', () => {
  it('parses and round-trips unchanged, positions and layout included', () => {
    const parsed = WorkflowTemplate.parse(JSON.parse(JSON.stringify(seedTemplate)));
    expect(parsed).toEqual(seedTemplate);
    // Same nodes (in order), edges (in order) and layout; object key order is not data (jsonb drops it too).
    expect(parsed.nodes.map((n) => Object.keys(n))).toEqual(seedTemplate.nodes.map((n) => Object.keys(n)));
    expect(validateWorkflowTemplate(seedTemplate)).toEqual([]);
  });

  it("has the seed's actions_count of 3", () => {
    expect(countActions(seedTemplate)).toBe(3);
  });

  it('splits its edges', () => {
    expect(parseEdges(seedTemplate.edges, ['a', 'b', 'c', 'start_of_workflow'])).toEqual({
      edges: [
        ['a', 'b'],
        ['a', 'c'],
        ['start_of_workflow', 'a'],
      ],
      problems: [],
    });
  });

  it('runs Start, then the Delay, then both Webhooks', () => {
    const t = WorkflowTemplate.parse(seedTemplate);
    expect(planNext(t, {})).toEqual({ runnable: ['start_of_workflow'], skipped: [], complete: false });
    expect(planNext(t, { start_of_workflow: 'succeeded' }).runnable).toEqual(['a']);
    expect(planNext(t, { start_of_workflow: 'succeeded', a: 'scheduled' }).runnable).toEqual([]);
    const after = planNext(t, { start_of_workflow: 'succeeded', a: 'succeeded' });
    expect(after.runnable.sort()).toEqual(['b', 'c']);
    expect(
      planNext(t, { start_of_workflow: 'succeeded', a: 'succeeded', b: 'succeeded', c: 'failed' }).complete,
    ).toBe(true);
  });
});

describe('edges with dashed ids', () => {
  it('splits UUID ids where both sides are known', () => {
    const x = '0194090d-3b19-78d3-9882-b1283a5f4e12';
    const y = '0194090d-3b19-78d3-9882-b1283a5f4e13';
    expect(parseEdges([`${x}-${y}`, `start-${x}`], ['start', x, y]).edges).toEqual([
      [x, y],
      ['start', x],
    ]);
  });

  it('reports dangling, ambiguous and repeated edges', () => {
    expect(parseEdges(['a-b-c', 'a-x', 'a-b-c', 'ab'], ['a', 'a-b', 'b-c', 'c']).problems).toEqual([
      { path: 'edges.0', message: 'edge "a-b-c" is ambiguous: a → b-c or a-b → c' },
      { path: 'edges.1', message: 'edge "a-x" does not join two known node ids' },
      { path: 'edges.2', message: 'edge "a-b-c" is ambiguous: a → b-c or a-b → c' },
      { path: 'edges.3', message: 'edge "ab" does not join two known node ids' },
    ]);
    expect(parseEdges(['a-b', 'a-b'], ['a', 'b']).problems).toEqual([
      { path: 'edges.1', message: 'edge "a-b" is listed more than once' },
    ]);
  });

  // Every dash tried, every side looked up in a Set: what the length filter and the in-place id table must agree with.
  function plainParse(edges: readonly string[], ids: readonly string[]) {
    const known = new Set(ids);
    const seen = new Set<string>();
    const out: [string, string][] = [];
    const problems: { path: string; message: string }[] = [];
    edges.forEach((e, k) => {
      const splits: [string, string][] = [];
      for (let i = e.indexOf('-'); i !== -1; i = e.indexOf('-', i + 1)) {
        if (known.has(e.slice(0, i)) && known.has(e.slice(i + 1)))
          splits.push([e.slice(0, i), e.slice(i + 1)]);
      }
      const at = `edges.${k}`;
      const edge = JSON.stringify(e);
      if (splits.length === 0)
        problems.push({ path: at, message: `edge ${edge} does not join two known node ids` });
      else if (splits.length > 1) {
        const ways = splits.map(([a, b]) => `${a} → ${b}`).join(' or ');
        problems.push({ path: at, message: `edge ${edge} is ambiguous: ${ways}` });
      } else if (seen.has(e)) problems.push({ path: at, message: `edge ${edge} is listed more than once` });
      else {
        seen.add(e);
        out.push(splits[0] as [string, string]);
      }
    });
    return { edges: out, problems };
  }

  it('split as trying every dash would, also for ids alike at their ends and of many lengths', () => {
    // Ids alike at both ends (a shared head and tail) get the same hash in the id table, and many of them make it
    // fall back to a Map; several head, middle and tail lengths make more id lengths than the filter tries one by one.
    const id = fc
      .tuple(
        fc.constantFrom('', 'ab'),
        fc.stringMatching(/^[ab-]{0,3}$/),
        fc.constantFrom('', '-tail-of-id', '0123456789'),
      )
      .map(([head, middle, tail]) => head + middle + tail);
    const alike = fc.stringMatching(/^[ab-]{3}$/).map((middle) => `ab${middle}-tail-of-id`);
    const input = (ids: fc.Arbitrary<string>, minLength: number) =>
      fc.uniqueArray(ids, { minLength, maxLength: 60 }).chain((ids) =>
        fc.tuple(
          fc.constant(ids),
          fc.array(
            fc.oneof(
              fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ids)).map(([a, b]) => `${a}-${b}`),
              fc.stringMatching(/^[ab-]{0,6}$/),
            ),
            { maxLength: 30 },
          ),
        ),
      );
    // Any ids (the table), and enough of them alike that the table gives way to the Map.
    for (const [ids, minLength] of [
      [id, 1],
      [alike, 20],
    ] as const) {
      fc.assert(
        fc.property(input(ids, minLength), ([ids, edges]) => {
          const plain = plainParse(edges, ids);
          expect(parseEdges(edges, ids)).toEqual(plain);
          // Validation adds the ids one by one, each after asking whether it is already there ('' is no id).
          if (ids.includes('')) return;
          const nodes = [...ids, ids[0]].map((id) => ({ id, type: 'Start' }));
          const problems = validateWorkflowTemplate({ nodes, edges });
          expect(problems.filter((p) => p.path.startsWith('edges.'))).toEqual(plain.problems);
          expect(problems.filter((p) => p.message.endsWith('is used twice'))).toHaveLength(1);
        }),
        { numRuns: 500 },
      );
    }
  });
});

describe('Webhook urls', () => {
  it('are refused exactly when not made of tokens and not absolute http(s), through the char-code shortcut', () => {
    const piece = fc.constantFrom(
      'http://',
      'HTTPS://',
      'http',
      'HTTPs',
      'S',
      ':',
      '//',
      '/',
      '?',
      '#',
      ' ',
      '\u00a0',
      'x',
      '{{a}}',
      'é',
      '\t',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 6 }).map((p) => p.join('')),
        (url) => {
          const problems = validateWorkflowTemplate({
            nodes: [
              { id: 's', type: 'Start' },
              { id: 'w', type: 'Webhook', url },
            ],
            edges: ['s-w'],
          });
          const refused = !url.startsWith('{{') && !/^https?:\/\/[^\s/?#]+/i.test(url);
          expect(problems.some((p) => p.message.startsWith('url must be'))).toBe(refused);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('validation', () => {
  it('returns every problem with its node id', () => {
    const problems = validateWorkflowTemplate({
      nodes: [
        start,
        { id: 'start2', type: 'Start' },
        { id: 'wait', type: 'Delay', delay_n: 1, delay_unit: 'hour', minute_of_day: 570 },
        { id: 'mail', type: 'SendEmail', to: 'a@b.c', subject: 'Hi {{deal.name' },
        { id: 'x', type: 'Teleport' },
        { id: 'p', type: 'Webhook', url: 'https://e.com', headers: 'Host: evil' },
        { id: 'rel', type: 'Webhook', url: '/hooks' },
        { id: 'q', type: 'Condition', condition: { field: 'status', operator: 'changed', value: 'x' } },
        hook('loop1'),
        hook('loop2'),
        hook('orphan'),
        hook('wait'),
      ],
      edges: [
        'start-wait',
        'wait-mail',
        'mail-ghost',
        'loop1-loop2',
        'loop2-loop1',
        'start-p',
        'p-q',
        'q-start',
      ],
    });
    expect(problems).toEqual([
      {
        path: 'nodes.wait.minute_of_day',
        message: 'minute_of_day applies only to day, week, month or year delays, not hour',
      },
      { path: 'nodes.mail.text', message: 'text or html is required' },
      { path: 'nodes.mail.subject', message: 'unclosed merge token: "{{" without "}}" (at character 4)' },
      { path: 'nodes.x.type', message: expect.stringMatching(/^unsupported node type "Teleport"/) },
      { path: 'nodes.p.headers.Host', message: '"Host" is set by Switchyard and cannot be overridden' },
      { path: 'nodes.rel.url', message: 'url must be an absolute http:// or https:// URL' },
      { path: 'nodes.q.condition.value', message: 'changed takes no value' },
      { path: 'nodes.wait', message: 'node id "wait" is used twice' },
      { path: 'nodes', message: 'a template needs exactly one Start node (found start, start2)' },
      { path: 'edges.2', message: 'edge "mail-ghost" does not join two known node ids' },
      { path: 'nodes.start', message: 'the Start node cannot have incoming edges (from q)' },
      { path: 'nodes.p', message: 'cycle through p, q, start' },
      { path: 'nodes.loop1', message: 'cycle through loop1, loop2' },
      { path: 'nodes.rel', message: 'node "rel" is not reachable from Start' },
      { path: 'nodes.loop1', message: 'node "loop1" is not reachable from Start' },
      { path: 'nodes.loop2', message: 'node "loop2" is not reachable from Start' },
      { path: 'nodes.orphan', message: 'node "orphan" is not reachable from Start' },
    ]);
    expect(validateWorkflowTemplate({ nodes: [], edges: [] })).toEqual([
      { path: 'nodes', message: 'a template needs exactly one Start node (found none)' },
    ]);
    expect(validateWorkflowTemplate('nope')).toEqual([
      { path: '', message: 'a template is an object with nodes and edges' },
    ]);
  });

  it('accepts every action node with its documented settings', () => {
    const t = {
      nodes: [
        start,
        {
          id: 'email',
          type: 'SendEmail',
          to: ['a@b.c'],
          cc: 'c@d.e',
          subject: 'Hi {{contact.first_name | default: "there"}}',
          html: '<p>{{deal.name}}</p>',
        },
        {
          id: 'chat',
          type: 'SendChannelMessage',
          channel: 'slack',
          recipient: '#sales-wins',
          message: 'Deal {{deal.name}} won',
        },
        { id: 'task', type: 'CreateTask', title: 'Call {{contact.name}}', due_in_days: 2, priority: 'high' },
        { id: 'field', type: 'UpdateField', field: 'stage', value: 'onboarding' },
        {
          id: 'gate',
          type: 'Condition',
          condition: { all: [{ field: 'value', operator: 'greater_than', value: 1000 }] },
        },
      ],
      edges: ['start-gate', 'gate-email', 'gate-chat', 'start-task', 'task-field'],
    };
    expect(validateWorkflowTemplate(t)).toEqual([]);
    const parsed = WorkflowTemplate.parse(t);
    expect(nodeConfig(parsed.nodes[3] as (typeof parsed.nodes)[number])).toEqual({
      title: 'Call {{contact.name}}',
      due_in_days: 2,
      priority: 'high',
    });
    expect(nodeTypeOfAction('send_channel_message')).toBe('SendChannelMessage');
    expect(countActions(t)).toBe(5);
  });
});

describe('planNext', () => {
  // start → gate → (yes → after), start → side; `after` also waits for `side` (an AND-join).
  const t = template(
    [
      start,
      { id: 'gate', type: 'Condition', condition: { field: 'x', operator: 'exists' } },
      hook('yes'),
      hook('side'),
      hook('after'),
    ],
    ['start-gate', 'gate-yes', 'start-side', 'yes-after', 'side-after'],
  );

  it('skips every descendant of a false Condition, cascading in one call', () => {
    const plan = planNext(t, { start: 'succeeded', gate: 'succeeded', side: 'succeeded' }, { gate: false });
    expect(plan).toEqual({ runnable: [], skipped: ['yes', 'after'], complete: true });
  });

  it('runs the gated branch when the Condition held, and joins on all parents', () => {
    expect(planNext(t, { start: 'succeeded', gate: 'succeeded' }, { gate: true }).runnable.sort()).toEqual([
      'side',
      'yes',
    ]);
    expect(
      planNext(
        t,
        { start: 'succeeded', gate: 'succeeded', yes: 'succeeded', side: 'running' },
        { gate: true },
      ).runnable,
    ).toEqual([]);
    expect(
      planNext(
        t,
        { start: 'succeeded', gate: 'succeeded', yes: 'succeeded', side: 'succeeded' },
        { gate: true },
      ).runnable,
    ).toEqual(['after']);
  });

  it('skips descendants of a failed node, even with another parent still running', () => {
    expect(
      planNext(t, { start: 'succeeded', gate: 'succeeded', side: 'failed', yes: 'running' }, { gate: true }),
    ).toEqual({
      runnable: [],
      skipped: ['after'],
      complete: false,
    });
  });

  it('refuses a succeeded Condition without a result, and invalid graphs', () => {
    expect(() => planNext(t, { start: 'succeeded', gate: 'succeeded' })).toThrow(InvalidInputError);
    expect(() => planNext(template([start, hook('a')], ['start-a', 'a-a']), {})).toThrow(InvalidInputError);
  });
});

describe('properties', () => {
  // Reference: Kahn's algorithm on the true edge pairs.
  function kahnSortsAll(ids: string[], pairs: [string, string][]): boolean {
    const indeg = new Map(ids.map((id) => [id, 0]));
    for (const [, to] of pairs) indeg.set(to, (indeg.get(to) ?? 0) + 1);
    const queue = ids.filter((id) => indeg.get(id) === 0);
    let seen = 0;
    while (queue.length > 0) {
      const id = queue.shift() as string;
      seen++;
      for (const [from, to] of pairs) {
        if (from !== id) continue;
        indeg.set(to, (indeg.get(to) ?? 0) - 1);
        if (indeg.get(to) === 0) queue.push(to);
      }
    }
    return seen === ids.length;
  }

  const graphArb = fc
    .uniqueArray(fc.stringMatching(/^[a-z0-9]{1,3}(-[a-z0-9]{1,3}){0,2}$/), { minLength: 1, maxLength: 12 })
    .chain((ids) =>
      fc.record({
        ids: fc.constant(ids),
        pairs: fc.uniqueArray(fc.tuple(fc.constantFrom(...ids), fc.constantFrom(...ids)), {
          maxLength: 30,
          selector: ([a, b]) => `${a}\u0000${b}`,
        }),
      }),
    );

  it('validation agrees with a reference topological sort on random graphs with dashed ids', () => {
    fc.assert(
      fc.property(graphArb, ({ ids, pairs }) => {
        const nodes = ids.map((id, i) => (i === 0 ? { id, type: 'Start' } : hook(id)));
        const edges = pairs.map(([a, b]) => `${a}-${b}`);
        const problems = validateWorkflowTemplate({ nodes, edges });
        const parsed = parseEdges(edges, ids);
        const ambiguous = parsed.problems.some((p) => p.message.includes('ambiguous'));
        // Every unambiguous edge string splits back into the pair it was made from.
        const unambiguous = pairs.filter((_, i) => !parsed.problems.some((p) => p.path === `edges.${i}`));
        expect(parsed.edges).toEqual(unambiguous);
        if (ambiguous) return;
        expect(parsed.problems).toEqual([]);
        const hasCycle = problems.some((p) => p.message.startsWith('cycle through'));
        expect(hasCycle).toBe(!kahnSortsAll(ids, pairs));
        // And scheduling works exactly when the graph is acyclic.
        if (!hasCycle) expect(() => planNext(WorkflowTemplate.parse({ nodes, edges }), {})).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it('reports every repeated edge, and only those, whatever the ids look like', () => {
    fc.assert(
      fc.property(graphArb, fc.array(fc.nat(), { maxLength: 8 }), ({ ids, pairs }, picks) => {
        const edges = pairs.map(([a, b]) => `${a}-${b}`);
        if (edges.length === 0) return;
        const again = picks.map((k) => edges[k % edges.length] as string);
        const parsed = parseEdges([...edges, ...again], ids);
        const ambiguous = new Set(
          parsed.problems.filter((p) => p.message.includes('ambiguous')).map((p) => p.message),
        );
        const repeats = parsed.problems.filter((p) => p.message.endsWith('is listed more than once'));
        // A repeat of an ambiguous edge is reported as ambiguous again, never as a repeat.
        const expected = again
          .map((e, i) => ({ e, path: `edges.${edges.length + i}` }))
          .filter(
            ({ e }) => ![...ambiguous].some((m) => m.startsWith(`edge ${JSON.stringify(e)} is ambiguous`)),
          );
        expect(repeats.map((p) => p.path)).toEqual(expected.map((x) => x.path));
      }),
      { numRuns: 500 },
    );
  });
});

describe('validation shortcuts decide as the schemas do', () => {
  it("positions: the problems are exactly the schema's, for any values", () => {
    const value = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null), fc.constant(undefined));
    const position = fc.oneof(
      fc.record({ x: value, y: value }, { requiredKeys: [] }),
      fc.record({ x: fc.double(), y: fc.double(), z: fc.anything() }),
      fc.anything(),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), position), (positions) => {
        const problems = validateWorkflowTemplate({ nodes: [start], edges: [], positions });
        const expected = Object.entries(positions).flatMap(([id, pos]) => {
          const r = NodePosition.safeParse(pos);
          return r.success
            ? []
            : r.error.issues.map((i) => ({
                path: [`positions.${id}`, ...i.path.map(String)].join('.'),
                message: i.message,
              }));
        });
        expect(problems).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('node schemas without their catchall report the same issues as the loose ones', () => {
    // Every member of the union, so a node type added later is covered too.
    const schemas = WorkflowNode.options;
    const keys = [
      'id',
      'name',
      'type',
      'url',
      'headers',
      'to',
      'subject',
      'text',
      'delay_n',
      'delay_unit',
      'extra',
    ];
    const field = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant('Webhook'),
      fc.constant('day'),
      fc.anything(),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...schemas),
        fc.dictionary(fc.constantFrom(...keys), field),
        (schema, node) => {
          const issues = (r: { success: boolean; error?: { issues: unknown[] } }) =>
            r.success ? [] : r.error?.issues;
          expect(issues(schema.strip().safeParse(node))).toEqual(issues(schema.safeParse(node)));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
