import { delayThenWebhook } from '@switchyard/core/testing';
import { type apiCaller, waitUntil } from '@switchyard/server/testing';
import { expect } from 'vitest';

// The workflow tests' view of executions, through the API as a user would look: create a workflow, list and read
// its executions, wait for them to finish or to wait in a Delay.

/** An execution or a step as the API answers it, read field by field in the tests. */
// biome-ignore lint/suspicious/noExplicitAny: JSON from the API, which the tests read field by field
type Json = Record<string, any>;

/** The workflow helpers over one test file's API caller. */
export function workflowHelpers(call: ReturnType<typeof apiCaller>) {
  /** Creates a workflow, published unless `body` says otherwise (201 expected); its id and key. */
  async function createWorkflow(body: Record<string, unknown>) {
    const res = await call('POST', '/v1/workflows', { template_status: 'published', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data as { id: string; key: string };
  }

  /** The workflow's executions (the first 100), as the list answers them. */
  async function executionsOf(workflowId: string) {
    const res = await call('GET', `/v1/executions?workflow_id=${workflowId}&limit=100`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as Json[];
  }

  /** One execution with its steps. */
  async function execution(id: string) {
    const res = await call('GET', `/v1/executions/${id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as Json;
  }

  /** Waits until the workflow has `count` executions, none running or waiting; each with its steps. */
  async function finished(workflowId: string, count = 1) {
    const list = await waitUntil(async () => {
      const l = await executionsOf(workflowId);
      return l.length >= count && l.every((e) => !['running', 'waiting'].includes(e.status)) ? l : undefined;
    });
    return Promise.all(list.map((e) => execution(e.id)));
  }

  /** An execution's steps by node id. */
  function stepsById(ex: Json) {
    return Object.fromEntries((ex.steps as Json[]).map((s) => [s.node_id, s]));
  }

  /**
   * Creates a workflow `name` of `template` triggered by `event`, reports one `event` with `data` and waits for its
   * execution to finish: the workflow, and the execution with its steps.
   */
  async function runToEnd(name: string, event: string, template: unknown, data: Record<string, unknown>) {
    const wf = await createWorkflow({ name, event_trigger: event, template });
    await call('POST', '/v1/events', { type: event, data });
    const [ex] = await finished(wf.id);
    return { wf, ex: ex as Json };
  }

  /**
   * Publishes Start → Delay (1 s) → Webhook `call` to `url`, triggered by `event`, reports one such event (entity
   * `entityId`) and waits until its one execution waits in the Delay (`call` scheduled); the workflow and it.
   */
  async function waitingInDelay(name: string, event: string, entityId: string, url: string) {
    const wf = await createWorkflow({
      name,
      event_trigger: event,
      template: delayThenWebhook(url, { n: 1, unit: 'sec' }),
    });
    await call('POST', '/v1/events', { type: event, data: { id: entityId } });
    const [ex] = await waitUntil(async () => {
      const l = await executionsOf(wf.id);
      return l.length === 1 && stepsById(await execution(l[0]?.id as string)).call.status === 'scheduled'
        ? l
        : undefined;
    });
    return { wf, ex: ex as Json };
  }

  return { createWorkflow, executionsOf, execution, finished, stepsById, runToEnd, waitingInDelay };
}
