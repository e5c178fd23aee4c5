import { Liquid } from 'liquidjs';
import { type Condition, compileCondition, evaluateCondition } from '../src/conditions.ts';
import { validateWorkflowTemplate } from '../src/dag.ts';
import { renderTemplate } from '../src/templating.ts';
import { type Measurement, measureTogether, type Row } from './measure.ts';

const N = 64;
const STATUSES = ['won', 'open', 'lost'];

// 64 distinct deal events; about a third match the rule.
const inputs = Array.from({ length: N }, (_, i) => ({
  data: {
    name: `Deal ${i}`,
    status: STATUSES[i % 3],
    value: 500 + i * 37,
    currency: i % 4 === 0 ? 'GBP' : 'USD',
    tags: i % 5 === 0 ? ['lead'] : ['lead', 'vip'],
    owner: { email: `owner${i}@example.com`, name: `Owner ${i}` },
  },
  previous: { status: i % 6 === 0 ? 'won' : 'open' },
}));

/** Seed 000's rule plus four more: the 5-condition rule of the bench. */
export const FIVE_CONDITIONS: Condition = {
  all: [
    { field: 'status', operator: 'changed_to', value: 'won' },
    { field: 'value', operator: 'greater_than', value: 1000 },
    { field: 'currency', operator: 'in', value: ['USD', 'EUR'] },
    { field: 'tags', operator: 'contains', value: 'vip' },
    { field: 'owner.email', operator: 'exists' },
  ],
};

type Input = (typeof inputs)[number];

// The same rule written by hand, as a developer would without a rule engine.
function handWritten(e: Input): boolean {
  const d = e.data;
  const p = e.previous;
  return (
    p != null &&
    d.status === 'won' &&
    p.status !== 'won' &&
    Number(d.value) > 1000 &&
    (d.currency === 'USD' || d.currency === 'EUR') &&
    Array.isArray(d.tags) &&
    d.tags.includes('vip') &&
    d.owner?.email != null
  );
}

/** Condition rows: the compiled boolean path, the full evaluation with reason, vs the hand-written predicate. */
export function conditionRows(): Row[] {
  const compiled = compileCondition(FIVE_CONDITIONS);
  for (const input of inputs) {
    if (compiled.test(input) !== handWritten(input)) throw new Error('bench rule and hand-written disagree');
  }
  const [baseline, test] = measureTogether(
    [
      { name: 'hand-written predicate', fn: (i) => handWritten(inputs[i & (N - 1)] as Input) },
      { name: '5-condition rule: compiled test()', fn: (i) => compiled.test(inputs[i & (N - 1)] as Input) },
    ],
    200_000,
  ) as [Measurement, Measurement];
  const [full] = measureTogether(
    [
      {
        name: '5-condition rule: evaluateCondition (with reason)',
        fn: (i) => evaluateCondition(FIVE_CONDITIONS, inputs[i & (N - 1)] as Input),
      },
    ],
    20_000,
  ) as [Measurement];
  return [
    { ours: test, baseline, goal: '<= 3x', pass: test.nsPerOp <= 3 * baseline.nsPerOp },
    { ours: full, baseline, goal: 'info', pass: true },
  ];
}

const TEMPLATE =
  'Deal {{deal.name}} closed at {{deal.value}} {{deal.currency}} by {{owner.name}}, thanks {{contact.first_name | default: "there"}}!';

const contexts = inputs.map((e, i) => ({
  deal: e.data,
  owner: e.data.owner,
  contact: i % 2 === 0 ? { first_name: `Ann${i}` } : {},
}));
type Ctx = (typeof contexts)[number];

function concat(c: Ctx): string {
  const first = c.contact.first_name;
  return `Deal ${c.deal.name} closed at ${c.deal.value} ${c.deal.currency} by ${c.owner.name}, thanks ${first == null || first === '' ? 'there' : first}!`;
}

/** Template rows: our renderer and LiquidJS (restricted, parsed once) vs string concatenation. */
export function templateRows(): Row[] {
  for (const c of contexts) {
    if (renderTemplate(TEMPLATE, c).output !== concat(c))
      throw new Error('bench template and concat disagree');
  }
  const liquid = new Liquid({ ownPropertyOnly: true, strictFilters: true });
  const parsed = liquid.parse(TEMPLATE);
  const [baseline, ours] = measureTogether(
    [
      { name: 'string concatenation', fn: (i) => concat(contexts[i & (N - 1)] as Ctx) },
      {
        name: '5-token render: renderTemplate',
        fn: (i) => renderTemplate(TEMPLATE, contexts[i & (N - 1)] as Ctx),
      },
    ],
    100_000,
  ) as [Measurement, Measurement];
  const [lq] = measureTogether(
    [
      {
        name: '5-token render: LiquidJS renderSync',
        fn: (i) => liquid.renderSync(parsed, contexts[i & (N - 1)] as Ctx),
      },
    ],
    5_000,
  ) as [Measurement];
  return [
    { ours, baseline, goal: '<= 3x', pass: ours.nsPerOp <= 3 * baseline.nsPerOp },
    { ours: lq, baseline, goal: 'info', pass: true },
  ];
}

// A 500-node template with UUID-like ids (dashes everywhere): Start → Delay → a chain of Webhooks that fans out.
const ids = Array.from(
  { length: 500 },
  (_, i) => `0194090d-3b19-78d3-9882-${i.toString(16).padStart(12, '0')}`,
);
const bigTemplate = {
  nodes: ids.map((id, i) =>
    i === 0
      ? { id, name: 'Start', type: 'Start' }
      : i % 10 === 1
        ? { id, name: `Wait ${i}`, type: 'Delay', delay_n: 2, delay_unit: 'day', minute_of_day: 570 }
        : {
            id,
            name: `Webhook ${i}`,
            type: 'Webhook',
            url: 'https://example.com/hooks/{{deal.id}}',
            headers: 'X-Custom-Header: my_value',
            params: 'one: 1\ntwo: {{deal.name}}',
          },
  ),
  edges: ids.slice(1).map((id, i) => `${ids[Math.floor(i / 2)]}-${id}`),
  positions: Object.fromEntries(ids.map((id, i) => [id, { x: (i % 20) * 100, y: Math.floor(i / 20) * 100 }])),
  width: 2000,
  height: 2500,
};

// The graph checks alone, written by hand: split edges on known ids, Kahn for cycles, BFS for reachability.
function handValidate(t: typeof bigTemplate): boolean {
  const known = new Set(t.nodes.map((n) => n.id));
  const children = new Map<string, string[]>([...known].map((id) => [id, []]));
  const indeg = new Map<string, number>([...known].map((id) => [id, 0]));
  for (const e of t.edges) {
    let split: [string, string] | undefined;
    for (let i = e.indexOf('-'); i !== -1; i = e.indexOf('-', i + 1)) {
      if (known.has(e.slice(0, i)) && known.has(e.slice(i + 1))) split = [e.slice(0, i), e.slice(i + 1)];
    }
    if (!split) return false;
    children.get(split[0])?.push(split[1]);
    indeg.set(split[1], (indeg.get(split[1]) ?? 0) + 1);
  }
  const queue = [...known].filter((id) => indeg.get(id) === 0);
  for (let i = 0; i < queue.length; i++) {
    for (const c of children.get(queue[i] as string) ?? []) {
      const d = (indeg.get(c) ?? 0) - 1;
      indeg.set(c, d);
      if (d === 0) queue.push(c);
    }
  }
  return queue.length === known.size && t.nodes.filter((n) => n.type === 'Start').length === 1;
}

/** DAG row: validating the 500-node template (schemas, lines, tokens, graph) vs the hand-written graph checks. */
export function dagRows(): Row[] {
  if (validateWorkflowTemplate(bigTemplate).length > 0 || !handValidate(bigTemplate)) {
    throw new Error('bench template should be valid');
  }
  const [baseline, ours] = measureTogether(
    [
      { name: 'hand-written graph checks only', fn: () => handValidate(bigTemplate) },
      { name: 'validateWorkflowTemplate, 500 nodes', fn: () => validateWorkflowTemplate(bigTemplate) },
    ],
    200,
  ) as [Measurement, Measurement];
  return [{ ours, baseline, goal: '< 1 ms', pass: ours.nsPerOp < 1e6 }];
}
