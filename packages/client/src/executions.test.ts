import { delayThenWebhook } from '@switchyard/core/testing';
import { describe, expect, it } from 'vitest';
import { clientForFile } from '../test/clientForFile.ts';
import { type Execution, SwitchyardError } from './index.ts';

// The typed client over the real server (no worker: executions stay running, which is what these calls look at).
const { client } = clientForFile();

describe('executions through the typed client', () => {
  it('triggers, lists, fetches, stops, and reports a bad rerun as a SwitchyardError', async () => {
    const wf = await client.workflows.create({
      name: 'Typed',
      template_status: 'published',
      stop_event: 'signed_up',
      template: delayThenWebhook('https://hooks.example.com/x', { n: 1, unit: 'hour' }),
    });
    const triggered = await client.trigger.trigger({ workflow_ids: wf.id, execution_data: { who: 'typed' } });
    const id = triggered.executions[0]?.execution_id as string;
    expect(triggered.executions).toEqual([
      { workflow_id: wf.id, execution_id: id, status: 'running', reason: null },
    ]);

    const page = await client.executions.list({ workflow_id: wf.id });
    expect(page.data.map((e) => e.id)).toEqual([id]);
    const ex: Execution = await client.executions.get({ id });
    expect(ex).toMatchObject({
      object: 'execution',
      status: 'running',
      stop_event: 'signed_up',
      data: { who: 'typed' },
    });
    expect(ex.steps?.map((s) => s.node_id)).toEqual(['start', 'wait', 'call']);

    const stopped = await client.executions.stopByEvent({
      stop_event: 'signed_up',
      filters: { who: 'typed' },
    });
    expect(stopped).toEqual({ stopped: 1, execution_ids: [id] });
    expect((await client.executions.get({ id })).status).toBe('stopped');

    const err = await client.executions.rerun({ id }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SwitchyardError);
    expect((err as SwitchyardError).code).toBe('conflict');
  });
});
