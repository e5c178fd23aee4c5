import { createServer, type Server } from 'node:http';
import { apiCaller } from '@switchyard/server/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { crashRigForFile } from '../faultHarness.ts';

// Crash safety of executions, as an operator would see it: real `switchyard worker` processes, a real receiver that
// answers after 150 ms (so the kill lands while steps are in flight), 100 executions of Start → Webhook → Delay →
// Webhook. The first worker is killed with SIGKILL mid-run; a second one finishes everything. Steps are claimed in
// the database, so a job that comes back never runs a finished step again; a step the dead worker was running is
// taken over when its job is reclaimed (or once its lease is over) — at least once: its request may arrive twice.
const EXECUTIONS = 100;

const { srv, workers, sql } = crashRigForFile({
  server: { RATE_LIMIT_POINTS: '100000' },
  worker: {
    WORKER_CONCURRENCY: '10',
    WORKER_HEARTBEAT_SECONDS: '0.2',
    WORKER_DEAD_AFTER_SECONDS: '1',
    WORKFLOW_STEP_TIMEOUT_SECONDS: '1',
    WORKFLOW_STEP_BACKOFF: '100ms',
  },
});
const until = workers.until;
let rx: Server;
let rxUrl: string;
const received: { execution: string; node: string }[] = [];

beforeAll(async () => {
  rx = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push({
        execution: String(req.headers['x-switchyard-execution-id']),
        node: (req.url ?? '').slice(1),
      });
      setTimeout(() => res.end('ok'), 150);
    });
  });
  await new Promise<void>((resolve) => rx.listen(0, '127.0.0.1', resolve));
  const addr = rx.address();
  rxUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
// Before the rig's own afterAll (the last registered runs first): workers a failed test left may still be connected.
afterAll(async () => {
  rx?.closeAllConnections();
  await new Promise((resolve) => rx?.close(resolve));
});

it('kill -9 of the worker mid-run: after a restart every execution finishes, none is stuck', {
  timeout: 90_000,
}, async () => {
  const call = apiCaller(srv);
  const wf = await call('POST', '/v1/workflows', {
    name: 'Crash',
    event_trigger: 'contact.created',
    template_status: 'published',
    template: {
      nodes: [
        { id: 'start', type: 'Start' },
        { id: 'first', type: 'Webhook', url: `${rxUrl}/first` },
        { id: 'wait', type: 'Delay', delay_n: 1, delay_unit: 'sec' },
        { id: 'second', type: 'Webhook', url: `${rxUrl}/second` },
      ],
      edges: ['start-first', 'first-wait', 'wait-second'],
    },
  });
  expect(wf.status, JSON.stringify(wf.body)).toBe(201);
  const events = Array.from({ length: EXECUTIONS }, (_, i) => ({
    type: 'contact.created',
    data: { id: `k${i}` },
  }));
  expect((await call('POST', '/v1/events/batch', { events })).status).toBe(202);

  const first = workers.spawn();
  await until('the first worker runs steps', () => received.length >= 30, 30_000);
  first.child.kill('SIGKILL');
  await first.exited;
  const [inFlight] = await sql<{ n: number }>(
    "select count(*)::int as n from execution_steps where status = 'running'",
  );
  const receivedAtKill = received.length;
  expect(receivedAtKill).toBeLessThan(2 * EXECUTIONS);

  await workers.finishWithOneMore(
    'every execution completes after the restart',
    async () => {
      const [row] = await sql<{ n: number }>(
        "select count(*)::int as n from executions where status = 'completed'",
      );
      return row?.n === EXECUTIONS;
    },
    60_000,
  );

  const steps = await sql<{ node_id: string; status: string; attempts: number }>(
    'select node_id, status, attempts from execution_steps',
  );
  expect(steps).toHaveLength(4 * EXECUTIONS);
  expect(steps.every((s) => s.status === 'succeeded')).toBe(true);
  const [queued] = await sql<{ n: number }>(
    "select count(*)::int as n from graphile_worker.jobs where task_identifier = 'run_workflow_step' and locked_at is null and run_at < now()",
  );
  expect(queued?.n).toBe(0);
  // Every action step reached its receiver; a second request only for a step the kill caught mid-request.
  const perStep = new Map<string, number>();
  for (const r of received)
    perStep.set(`${r.execution}:${r.node}`, (perStep.get(`${r.execution}:${r.node}`) ?? 0) + 1);
  expect(perStep.size).toBe(2 * EXECUTIONS);
  const twice = [...perStep.values()].filter((n) => n > 1).length;
  expect([...perStep.values()].every((n) => n <= 2)).toBe(true);
  expect(twice).toBeLessThanOrEqual(inFlight?.n ?? 0);
  console.log(
    `workflow crash: ${receivedAtKill} requests before the kill, ${inFlight?.n} steps in flight, ${twice} sent twice`,
  );
});
