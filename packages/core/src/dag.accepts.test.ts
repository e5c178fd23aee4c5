import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAccepts, interpretAccepts } from './dag/accepts.ts';
import * as schemas from './dag/schema.ts';
import { DelayNode, StartNode, validateWorkflowTemplate, WebhookNode } from './dag.ts';

const NODE_SCHEMAS = {
  StartNode: schemas.StartNode,
  DelayNode: schemas.DelayNode,
  WebhookNode: schemas.WebhookNode,
  SendEmailNode: schemas.SendEmailNode,
  SendChannelMessageNode: schemas.SendChannelMessageNode,
  CreateTaskNode: schemas.CreateTaskNode,
  UpdateFieldNode: schemas.UpdateFieldNode,
  ConditionNode: schemas.ConditionNode,
};

// Values near each field's rules: right and wrong types, bounds, enum members and near misses.
const leaf = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    '',
    'x',
    'a'.repeat(200),
    'a'.repeat(201),
    'GET',
    'get',
    'POST',
    'application/json',
    'text/plain',
    'day',
    'days',
    'minute',
    'Start',
    'Delay',
    'Webhook',
    'slack',
    0,
    -1,
    1.5,
    570,
    1439,
    1440,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    1e20,
    true,
    [],
    {},
    ['x'],
  ),
  fc.string(),
  fc.integer(),
);
const KEYS = [
  'id',
  'name',
  'type',
  'url',
  'method',
  'headers',
  'params',
  'body',
  'content_type',
  'delay_n',
  'delay_unit',
  'minute_of_day',
  'channel',
  'recipient',
  'message',
  'title',
  'description',
  'due_in_days',
  'extra',
];
const overrides = fc.dictionary(fc.constantFrom(...KEYS), leaf, { maxKeys: 4 });
// A valid node of each type, with a few fields replaced: most runs are then near the boundary of acceptance.
const VALID: Record<string, Record<string, unknown>> = {
  StartNode: { id: 's', type: 'Start' },
  DelayNode: { id: 'd', type: 'Delay', delay_n: 2, delay_unit: 'day', minute_of_day: 570 },
  WebhookNode: { id: 'w', type: 'Webhook', url: 'https://e.com', method: 'POST', headers: 'A: b' },
  SendEmailNode: { id: 'e', type: 'SendEmail', to: 'a@e.com', subject: 's', text: 't' },
  SendChannelMessageNode: {
    id: 'c',
    type: 'SendChannelMessage',
    channel: 'slack',
    recipient: '#x',
    message: 'm',
  },
  CreateTaskNode: { id: 't', type: 'CreateTask', title: 't' },
  UpdateFieldNode: { id: 'u', type: 'UpdateField', field: 'f', value: 1 },
  ConditionNode: { id: 'c', type: 'Condition', condition: { field: 'a', operator: 'exists' } },
};

describe('compiled node predicates', () => {
  for (const [name, schema] of Object.entries(NODE_SCHEMAS)) {
    const accepts = compileAccepts(schema.strip());
    const interpreted = interpretAccepts(schema.strip());
    if (!accepts) continue;
    it(`${name}: accepted only when the schema accepts, by the generated and the interpreted predicate alike`, () => {
      const valid = VALID[name] as Record<string, unknown>;
      expect(schema.safeParse(valid).success).toBe(true);
      expect(accepts(valid)).toBe(true);
      let accepted = 0;
      fc.assert(
        fc.property(overrides, (changes) => {
          const node = { ...valid, ...changes };
          expect(interpreted?.(node)).toBe(accepts(node));
          if (accepts(node)) {
            accepted++;
            expect(schema.safeParse(node).success).toBe(true);
          }
        }),
        { numRuns: 2000 },
      );
      expect(accepted).toBeGreaterThan(0);
    });
  }

  it('accept the common nodes, so the schema is skipped for them', () => {
    const webhook = compileAccepts(WebhookNode.strip());
    const delay = compileAccepts(DelayNode.strip());
    const start = compileAccepts(StartNode.strip());
    expect(start?.({ id: 's', type: 'Start', x: 1 })).toBe(true);
    expect(delay?.({ id: 'd', type: 'Delay', delay_n: 2, delay_unit: 'day', minute_of_day: 570 })).toBe(true);
    expect(
      webhook?.({ id: 'w', type: 'Webhook', url: 'https://e.com', method: 'POST', headers: 'A: b' }),
    ).toBe(true);
    expect(webhook?.({ id: 'w', type: 'Webhook', url: '' })).toBe(false);
  });

  it('leave every problem to the schema', () => {
    expect(
      validateWorkflowTemplate({
        nodes: [
          { id: 's', type: 'Start', name: 7 },
          { id: 'd', type: 'Delay', delay_n: -1, delay_unit: 'days' },
          { id: 'w', type: 'Webhook', url: '', method: 'get' },
        ],
        edges: ['s-d', 'd-w'],
      }).map((p) => p.path),
    ).toEqual([
      'nodes.s.name',
      'nodes.d.delay_n',
      'nodes.d.delay_unit',
      'nodes.w.url',
      'nodes.w.method',
      'nodes.w.url',
    ]);
  });
});
