import { parseEnv } from '@switchyard/server/db';
import { afterAll, describe, expect, it } from 'vitest';
import { OutboundClient } from '../outbound/client.ts';
import { webhookAction } from './webhook.ts';

// The guard as production runs it: the allowlist empty and HTTPS only.
const outbound = new OutboundClient({ allowHttp: false, allowlist: [], defaultTimeoutMs: 1_000 });
afterAll(() => outbound.close());

describe('credentials in URLs known only when a step runs', () => {
  it('never appear in the step error', async () => {
    const url = 'https://bob:hunter2@127.0.0.1:1/in';
    const err = await webhookAction
      .execute({ url, method: 'POST' }, {
        deps: { outbound, env: parseEnv({}) },
        accountId: 'a',
        workflowId: 'w',
        executionId: 'e',
        nodeId: 'hook',
        attempt: 1,
        signal: new AbortController().signal,
      } as never)
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(err?.message).toMatch(/credentials are not allowed/);
    expect(err?.message).not.toContain('hunter2');
    expect(err?.message).not.toContain('bob');
  });
});
