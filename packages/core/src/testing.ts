import { WebhookVerificationError } from './signing.ts';

// What the tests of every package share (`@switchyard/core/testing`): the seed pages' own examples, as printed (each
// call returns a fresh copy, so a test may change it), and small readers of outcomes.

/** Why `verify` refused a delivery (its WebhookVerificationError's reason), or `verified`; other errors throw. */
export function verificationOutcome(verify: () => unknown): string {
  try {
    verify();
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.reason;
    throw err;
  }
  return 'verified';
}

/** Seed 004's example workflow template: Start → Delay 2 hours → two Webhook nodes, with its layout. */
export function seed004Template() {
  return {
    nodes: [
      { id: 'a', name: 'Wait 2 hours', type: 'Delay', delay_n: 2, delay_unit: 'hour' },
      {
        id: 'b',
        name: 'Webhook 1',
        type: 'Webhook',
        url: 'https://domain.com/webhook_example_1',
        headers: 'X-Custom-Header: my_value',
        params: 'one: 1\ntwo: 2',
      },
      {
        id: 'c',
        name: 'Webhook 2',
        type: 'Webhook',
        url: 'https://domain.com/webhook_example_2',
        headers: 'X-Custom-Header: my_value',
        params: 'one: 1\ntwo: 2',
      },
      { id: 'start_of_workflow', name: 'Start Workflow', type: 'Start' },
    ],
    edges: ['a-b', 'a-c', 'start_of_workflow-a'],
    width: 1500,
    height: 1200,
    positions: {
      start_of_workflow: { x: 450, y: 0 },
      a: { x: 450, y: 300 },
      b: { x: 200, y: 600 },
      c: { x: 700, y: 600 },
    },
  };
}

/** Seed 000's example rule, "Ping owner on won deals": the flat condition + action body. */
export function seed000Rule() {
  return {
    name: 'Ping owner on won deals',
    condition_entity: 'deal',
    condition_field: 'status',
    condition_operator: 'changed_to',
    condition_value: 'won',
    action_type: 'send_channel_message',
    action_config: {
      channel: 'slack',
      recipient: '#sales-wins',
      message: 'Deal {{deal.name}} closed at {{deal.value}} {{deal.currency}}',
    },
    max_triggers_per_day: 50,
  };
}

/**
 * A template that runs `nodes` one after another after a Start node (id `start`): `start-a`, `a-b`, … as edges.
 */
export function startChain<N extends { id: string; type: string }>(...nodes: N[]) {
  const all = [{ id: 'start', type: 'Start' as const }, ...nodes];
  return { nodes: all, edges: all.slice(1).map((n, i) => `${all[i]?.id}-${n.id}`) };
}

/**
 * Start → Delay → Webhook (nodes `start`, `wait`, `call`): the smallest workflow that waits, then calls `url`;
 * `webhook` adds to the Webhook node (params, headers, method).
 */
export function delayThenWebhook(
  url: string,
  delay: { n: number; unit: 'sec' | 'min' | 'hour' | 'day' },
  webhook: { params?: string; headers?: string; method?: 'GET' | 'POST' } = {},
) {
  return startChain(
    { id: 'wait', type: 'Delay' as const, delay_n: delay.n, delay_unit: delay.unit },
    { id: 'call', type: 'Webhook' as const, url, ...webhook },
  );
}
