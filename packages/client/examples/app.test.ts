import { createClient } from '@switchyard/client';
import { waitUntil } from '@switchyard/server/testing';
import { type ServerAndWorker, startServerAndWorker } from '@switchyard/worker/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runExampleApp } from './app.ts';

// The example app against the real server and a real worker on one test database; the app's own HTTP server on
// 127.0.0.1 receives the deliveries and the workflow's call (the test server allowlists 127.0.0.1 and plain HTTP).
let stack: ServerAndWorker;
beforeAll(async () => {
  stack = await startServerAndWorker();
});
afterAll(async () => {
  await stack?.close();
});

it('subscribes to itself, receives a verified delivery, and runs a workflow it created', async () => {
  const { srv } = stack;
  const run = await runExampleApp({ baseUrl: srv.url, apiKey: srv.apiKey, timeoutMs: 15_000 });

  // The delivery verified against the secret from the creation response and carries the reported event.
  expect(run.delivery.event).toMatchObject({
    type: 'contact.created',
    data: { id: 'c_1', first_name: 'Ada', email: 'ada@example.com' },
  });
  const switchyard = createClient({ baseUrl: srv.url, apiKey: srv.apiKey });
  const deliveries = await switchyard.deliveries.list({ id: run.webhookId });
  expect(deliveries.data[0]).toMatchObject({ event_id: run.eventId, status: 'succeeded' });

  // The workflow's Webhook node called the app with the execution data's merge tokens filled in.
  expect(run.workflowCall.body).toEqual({ greeting: 'Hello Grace', email: 'grace@example.com' });
  expect(run.executionIds).toHaveLength(1);
  const execution = await waitUntil(async () => {
    const e = await switchyard.executions.get({ id: run.executionIds[0] as string });
    return e.status === 'completed' ? e : undefined;
  });
  expect(execution.workflow_id).toBe(run.workflowId);
  expect(execution.steps?.find((s) => s.node_id === 'welcome')).toMatchObject({ status: 'succeeded' });
});
