import { createLogger, type Env, parseEnv } from '@switchyard/server';
import {
  apiCaller,
  type Receiver,
  type ReceiverReply,
  startReceiver,
  startTestServer,
  type TestServer,
} from '@switchyard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningWorker, startWorker } from '../main.ts';

// A real server and a real worker on one test database, real receivers on 127.0.0.1, step retries compressed to
// three attempts 200 ms apart.
const SCHEDULE = {
  WORKFLOW_STEP_MAX_ATTEMPTS: '3',
  WORKFLOW_STEP_BACKOFF: '200ms',
  WORKFLOW_MAX_CHAIN_DEPTH: '3',
};

let srv: TestServer;
let worker: RunningWorker;
let rx: Receiver;
let call: ReturnType<typeof apiCaller>;
const replies = new Map<string, (index: number) => ReceiverReply>();

beforeAll(async () => {
  [srv, rx] = await Promise.all([startTestServer(SCHEDULE), startReceiver()]);
  rx.reply = (req) => {
    const path = req.path.split('?')[0] as string;
    const seen = rx.requests.filter((r) => r.path.split('?')[0] === path).length - 1;
    return (
      replies.get(path)?.(seen) ?? {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"ok":true}',
      }
    );
  };
  call = apiCaller(srv);
  const env = parseEnv({
    DATABASE_URL: srv.db.url,
    LOG_LEVEL: 'silent',
    OUTBOUND_ALLOW_HTTP: 'true',
    OUTBOUND_ALLOWLIST: '127.0.0.1',
    WORKER_CONCURRENCY: '4',
    ...SCHEDULE,
  }) as Env & { DATABASE_URL: string };
  worker = await startWorker({ env, logger: createLogger('silent', 'test'), pollIntervalMs: 100 });
});
afterAll(async () => {
  await worker?.stop();
  await Promise.all([srv?.close(), rx?.close()]);
});

let n = 0;
function route(reply?: (index: number) => ReceiverReply) {
  const path = `/hook-${++n}`;
  if (reply) replies.set(path, reply);
  return {
    url: `${rx.url}${path}`,
    path,
    got: () => rx.requests.filter((r) => r.path.split('?')[0] === path),
  };
}

async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createWorkflow(body: Record<string, unknown>) {
  const res = await call('POST', '/v1/workflows', { template_status: 'published', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; key: string };
}

async function executionsOf(workflowId: string) {
  const res = await call('GET', `/v1/executions?workflow_id=${workflowId}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as Array<Record<string, any>>;
}

async function execution(id: string) {
  const res = await call('GET', `/v1/executions/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as Record<string, any>;
}

async function finished(workflowId: string, count = 1) {
  const list = await until(async () => {
    const l = await executionsOf(workflowId);
    return l.length >= count && l.every((e) => !['running', 'waiting'].includes(e.status)) ? l : undefined;
  });
  return Promise.all(list.map((e) => execution(e.id)));
}

function stepsById(ex: Record<string, any>) {
  return Object.fromEntries((ex.steps as Array<Record<string, any>>).map((s) => [s.node_id, s]));
}

describe('seed 004 example template', () => {
  it('Start → Delay (2 s) → two Webhooks: both fire after the delay, concurrently, with merge tokens filled', async () => {
    const r1 = route((i) => (i === 0 ? { status: 200, body: 'one' } : { status: 500 }));
    const r2 = route();
    const wf = await createWorkflow({
      name: 'Seed 004 example',
      event_trigger: 'deal.won',
      template: {
        nodes: [
          { id: 'a', name: 'Wait 2 seconds', type: 'Delay', delay_n: 2, delay_unit: 'sec' },
          {
            id: 'b',
            name: 'Webhook 1',
            type: 'Webhook',
            url: r1.url,
            headers: 'X-Custom-Header: {{deal.name}}',
            params: 'one: 1\ntwo: {{deal.amount}}\nwho: {{user.key}}',
          },
          {
            id: 'c',
            name: 'Webhook 2',
            type: 'Webhook',
            url: `${r2.url}?deal={{deal.id}}`,
            method: 'GET',
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
      },
    });
    const t0 = Date.now();
    const ev = await call('POST', '/v1/events', {
      type: 'deal.won',
      data: { id: 'd-1', name: 'Acme & Co', amount: 1200 },
    });
    expect(ev.status).toBe(202);
    // Nothing fires during the delay.
    await new Promise((r) => setTimeout(r, 1000));
    expect(r1.got()).toHaveLength(0);
    expect(r2.got()).toHaveLength(0);
    const [ex] = await finished(wf.id);
    const [b] = r1.got();
    const [c] = r2.got();
    expect(b!.at - t0).toBeGreaterThanOrEqual(2000);
    expect(c!.at - t0).toBeGreaterThanOrEqual(2000);
    // Concurrently: both leave at the end of the delay, not one after the other's retries or timeouts.
    expect(Math.abs(b!.at - c!.at)).toBeLessThan(1000);
    expect(b!.method).toBe('POST');
    expect(b!.headers['x-custom-header']).toBe('Acme & Co');
    expect(b!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(b!.body)).toEqual({ one: '1', two: '1200', who: 'main' });
    expect(c!.method).toBe('GET');
    expect(c!.path).toBe(`${r2.path}?deal=d-1&one=1&two=2`);
    expect(ex).toMatchObject({ status: 'completed', workflow_id: wf.id, event_id: ev.body.data.id });
    const steps = stepsById(ex!);
    expect(steps.start_of_workflow).toMatchObject({ status: 'succeeded' });
    expect(steps.a).toMatchObject({ status: 'succeeded' });
    expect(steps.b).toMatchObject({ status: 'succeeded', attempts: 1, output: { status: 200, body: 'one' } });
    expect(steps.c).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      output: { status: 200, body: { ok: true } },
    });
  });
});
