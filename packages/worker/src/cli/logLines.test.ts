import { randomBytes } from 'node:crypto';
import { delayThenWebhook } from '@switchyard/core/testing';
import {
  createTestDatabase,
  type Receiver,
  startReceiver,
  type TestDatabase,
  waitUntil,
} from '@switchyard/server/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CliProcess, spawnCli } from '../faultHarness.ts';

// What a newcomer's console shows at LOG_LEVEL=info while the seeds' requests are walked through `switchyard start`:
// one line per meaningful thing (started, stopped, a failure for good), no line per job or per request.
const LIMIT = 100;

let db: TestDatabase;
let rx: Receiver;
let start: CliProcess | undefined;

beforeAll(async () => {
  [db, rx] = await Promise.all([createTestDatabase(), startReceiver()]);
});
afterAll(async () => {
  if (start?.child.exitCode === null) start.child.kill('SIGKILL');
  await rx?.close();
  await db?.drop();
});

it(`a walk through the seeds' requests prints well under ${LIMIT} lines at info`, async () => {
  start = spawnCli(['start'], {
    DATABASE_URL: db.url,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    PORT: '0',
    OUTBOUND_ALLOW_HTTP: 'true',
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    WEBHOOK_RETRY_SCHEDULE: '0,100ms,100ms',
  });
  const s = start;
  const url = await waitUntil(() => s.output().match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/)?.[1], 60_000);
  await waitUntil(() => (s.output().includes('worker running') ? true : undefined), 60_000);
  const key = s.output().match(/\b(s[ky]_[A-Za-z0-9_-]{20,})\b/)?.[1] as string;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return text ? JSON.parse(text) : undefined;
  };

  // Seed 000: a rule workflow with a webhook action, and the events that trigger it (with an Idempotency-Key).
  await call(
    'POST',
    '/v1/workflows',
    {
      name: 'Notify on won deals',
      condition_entity: 'deal',
      condition_field: 'status',
      condition_operator: 'changed_to',
      condition_value: 'won',
      action_type: 'webhook',
      action_config: { url: `${rx.url}/rule`, params: 'deal: {{deal.name}}' },
      max_triggers_per_day: 100,
    },
    { 'Idempotency-Key': 'seed-000-rule' },
  );
  // Seed 001: a webhook subscription to the catalog's events.
  await call('POST', '/v1/webhooks', { url: `${rx.url}/hook`, events: ['deal.*', 'contact.created'] });
  // Seeds 002 and 003: custom headers and a test delivery at creation; method, content type, filters, notices.
  await call('POST', '/v1/webhooks', {
    url: `${rx.url}/custom`,
    events: ['contact.created'],
    headers: { 'x-api-key': 'secret-of-theirs' },
    test_delivery: true,
  });
  await call('POST', '/v1/webhooks', {
    url: `${rx.url}/form`,
    events: ['deal.updated'],
    method: 'PUT',
    content_type: 'application/x-www-form-urlencoded',
    filters: { all: [{ field: 'status', operator: 'changed_to', value: 'won' }] },
    notify_on_failure: true,
  });
  // Seed 004: a user, a template workflow (Start → Delay → Webhook), published, triggered, executed, cloned, stopped.
  await call('PUT', '/v1/users/grace', { name: 'Grace Hopper', email: 'grace@example.test' });
  const wf = await call('POST', '/v1/workflows', {
    name: 'Welcome',
    event_trigger: 'contact.created',
    user_key: 'grace',
    template: delayThenWebhook(
      `${rx.url}/node`,
      { n: 1, unit: 'sec' },
      { params: 'contact: {{contact.id}}' },
    ),
  });
  await call('POST', `/v1/workflows/${wf.data.id}/publish`);
  await call('POST', `/v1/workflows/${wf.data.id}/clone`);
  await call('POST', `/v1/workflows/${wf.data.id}/execute`, { user_key: 'grace' });
  for (let i = 0; i < 10; i++) {
    await call('POST', '/v1/events', { type: 'contact.created', user_key: 'grace', data: { id: `c${i}` } });
    await call('POST', '/v1/events', {
      type: 'deal.updated',
      data: { id: `d${i}`, name: `Deal ${i}`, status: 'won' },
      previous: { id: `d${i}`, name: `Deal ${i}`, status: 'open' },
    });
  }
  await call('POST', '/v1/trigger', {
    event: 'contact.created',
    user_key: 'grace',
    execution_data: { id: 'c99' },
  });
  await call('POST', '/v1/executions/stop', { stop_event: 'unsubscribed', user_key: 'grace' });
  await call('GET', '/v1/executions?limit=50');
  await call('GET', '/v1/events?limit=50');
  await call('GET', '/v1/webhooks');
  // Everything sent lands: the rule's and the nodes' calls, every delivery.
  await waitUntil(
    () => (rx.requests.filter((r) => r.path === '/node').length >= 11 ? true : undefined),
    30_000,
  );
  await waitUntil(
    () => (rx.requests.filter((r) => r.path === '/rule').length >= 10 ? true : undefined),
    30_000,
  );

  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);
  const lines = s
    .output()
    .split('\n')
    .filter((l) => l.trim() !== '');
  console.log(`seeds walk at info: ${lines.length} lines, ${rx.requests.length} requests received`);
  expect(lines.length).toBeLessThan(LIMIT);
});
