import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { waitUntil } from '@switchyard/server/testing';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { pipelineForFile } from '../testSupport.ts';

// Every action request of one step carries one identifier on all its attempts, so a receiver can deduplicate: real
// receivers on 127.0.0.1 that fail the first attempt and accept the second.
const failedOnce = new Set<string>();
// Each path fails its first request (a 503, retried), then answers 2xx.
const pipeline = pipelineForFile(
  { WORKFLOW_STEP_MAX_ATTEMPTS: '3', WORKFLOW_STEP_BACKOFF: '100ms' },
  {
    otherwise: (req) => {
      const path = req.path.split('?')[0] as string;
      if (!failedOnce.has(path)) {
        failedOnce.add(path);
        return { status: 503, body: 'busy' };
      }
      return {
        status: path === '/host' ? 201 : 200,
        headers: { 'content-type': 'application/json' },
        body: '{}',
      };
    },
  },
);
const { rx, call } = pipeline;

/** Steps here run several attempts with backoff: a longer wait than the default. */
const until = <T>(check: Parameters<typeof waitUntil<T>>[0], timeoutMs = 15_000) =>
  waitUntil(check, timeoutMs);

/** Publishes Start → `node` on `event`, sends the event, and returns the execution, which completed. */
async function runOnce(name: string, event: string, node: Record<string, unknown>) {
  // Steps here run several attempts with backoff: a longer wait than the default.
  const { execution } = await pipeline.runAction(name, event, node, { id: 'x1' }, 15_000);
  expect(execution.status, JSON.stringify(execution)).toBe('completed');
  return execution as { id: string };
}

/** Creates the account's `connection`, then {@link runOnce} with a node that sends through it. */
async function runThrough(
  connection: Record<string, unknown>,
  name: string,
  event: string,
  node: Record<string, unknown>,
) {
  await pipeline.connect(connection);
  return runOnce(name, event, node);
}

const requestsTo = (path: string) => rx.requests.filter((r) => r.path.split('?')[0] === path);

describe('the per-step identifier', () => {
  it('Webhook node: the same Idempotency-Key on the failed attempt and its retry, derived from execution and node', async () => {
    const ex = await runOnce('Hook', 'deal.won', { type: 'Webhook', url: `${rx.url}/hook`, params: 'a: 1' });
    const got = requestsTo('/hook');
    expect(got).toHaveLength(2);
    const keys = got.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toBe(`step_${ex.id}_act`);
    expect(keys[1]).toBe(keys[0]);
  });

  it('host actions: webhook-id (signed) and Idempotency-Key are equal across the attempts', async () => {
    const host = { kind: 'host_endpoint', name: 'Host', url: `${rx.url}/host` };
    const ex = await runThrough(host, 'Task', 'deal.lost', { type: 'CreateTask', title: 'Call back' });
    const got = requestsTo('/host');
    expect(got).toHaveLength(2);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set([`step_${ex.id}_act`]));
    expect(new Set(got.map((r) => r.headers['idempotency-key']))).toEqual(new Set([`step_${ex.id}_act`]));
  });

  it('chat incoming webhooks: the same Idempotency-Key on both attempts', async () => {
    const conn = { kind: 'incoming_webhook', name: 'Chat', provider: 'discord', url: `${rx.url}/chat` };
    const ex = await runThrough(conn, 'Chat', 'task.created', {
      type: 'SendChannelMessage',
      channel: 'discord',
      recipient: 'general',
      message: 'hi',
    });
    const got = requestsTo('/chat');
    expect(got.map((r) => r.headers['idempotency-key'])).toEqual([`step_${ex.id}_act`, `step_${ex.id}_act`]);
  });

  it('e-mail: the message refused once (451) and sent again keeps its Message-ID', async () => {
    const ids: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, done) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          ids.push(raw.match(/^Message-ID:\s*(\S+)/im)?.[1] ?? '');
          if (ids.length === 1) done(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          else done();
        });
      },
    });
    smtp.listen(0, '127.0.0.1');
    await once(smtp.server, 'listening');
    try {
      const port = (smtp.server.address() as AddressInfo).port;
      const conn = { kind: 'smtp', name: 'Mail', host: '127.0.0.1', port, from: 'crm@acme.test' };
      const ex = await runThrough(conn, 'Mail', 'contact.created', {
        type: 'SendEmail',
        to: 'ada@example.test',
        subject: 'Hello',
        text: 'Hi',
      });
      expect(ids).toEqual([`<step_${ex.id}_act@switchyard>`, `<step_${ex.id}_act@switchyard>`]);
    } finally {
      await new Promise<void>((r) => smtp.close(() => r()));
    }
  });
});

describe('a deliberate rerun', () => {
  it('gets a new per-step identifier, while the retries of one run keep theirs', async () => {
    // Fails every attempt of the first run (three, WORKFLOW_STEP_MAX_ATTEMPTS), and accepts the rerun's.
    let failing = true;
    const before = rx.reply;
    rx.reply = (req, index) =>
      req.path.split('?')[0] === '/rerun' && failing ? { status: 500, body: 'down' } : before(req, index);
    try {
      const workflowId = await pipeline.publishAction('Rerun', 'deal.lost', {
        type: 'Webhook',
        url: `${rx.url}/rerun`,
      });
      expect((await call('POST', '/v1/events', { type: 'deal.lost', data: { id: 'x2' } })).status).toBe(202);
      const failed = await until(async () => {
        const [e] = (await call('GET', `/v1/executions?workflow_id=${workflowId}`)).body.data;
        return e && e.status === 'failed' ? (e as { id: string }) : undefined;
      });
      const firstRun = requestsTo('/rerun').map((r) => r.headers['idempotency-key']);
      expect(firstRun).toEqual([`step_${failed.id}_act`, `step_${failed.id}_act`, `step_${failed.id}_act`]);

      failing = false;
      expect((await call('POST', `/v1/executions/${failed.id}/rerun`)).status).toBe(200);
      await until(async () => {
        const e = (await call('GET', `/v1/executions/${failed.id}`)).body.data;
        return e.status === 'completed' ? e : undefined;
      });
      const all = requestsTo('/rerun').map((r) => r.headers['idempotency-key']);
      // The rerun is a new request to the receiver: its key differs from the first run's, and its own retry (the
      // receiver's 503 on a path's first request) keeps it.
      expect(all.slice(3)).toEqual([`step_${failed.id}_act_r1`, `step_${failed.id}_act_r1`]);
    } finally {
      rx.reply = before;
    }
  });
});
