import { delayThenWebhook, seed000Rule, seed004Template, startChain } from '@switchyard/core/testing';
import { createAccount } from '@switchyard/server';
import { waitUntil } from '@switchyard/server/testing';
import { describe, expect, it } from 'vitest';
import { pipelineForFile } from '../testSupport.ts';
import { workflowHelpers } from './workflowRunHelpers.ts';

// A real server and a real worker on one test database, real receivers on 127.0.0.1, step retries compressed to
// three attempts 200 ms apart.
const SCHEDULE = {
  WORKFLOW_STEP_MAX_ATTEMPTS: '3',
  WORKFLOW_STEP_BACKOFF: '200ms',
  WORKFLOW_MAX_CHAIN_DEPTH: '3',
};

const { srv, call, route } = pipelineForFile(
  { ...SCHEDULE, WORKER_CONCURRENCY: '4' },
  {
    otherwise: () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }),
  },
);

const { createWorkflow, executionsOf, execution, finished, stepsById, runToEnd, waitingInDelay } =
  workflowHelpers(call);

describe('seed 004 example template', () => {
  it('Start → Delay (2 s) → two Webhooks: both fire after the delay, concurrently, with merge tokens filled', async () => {
    const r1 = route((i) => (i === 0 ? { status: 200, body: 'one' } : { status: 500 }));
    const r2 = route();
    const wf = await createWorkflow({
      name: 'Seed 004 example',
      event_trigger: 'deal.won',
      // Seed 004's template, its delay shortened and its webhooks pointed here with merge tokens.
      template: {
        ...seed004Template(),
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
    // Subscribers hear of it: one workflow.triggered event for the execution, caused by it.
    const triggered = (await eventsOfType('workflow.triggered')).filter(
      (e) => e.data.execution_id === ex!.id,
    );
    expect(triggered).toHaveLength(1);
    expect(triggered[0]).toMatchObject({
      data: { workflow_id: wf.id, status: 'running', event_id: ev.body.data.id, event_type: 'deal.won' },
      caused_by: [ex!.id],
    });
  });
});

async function eventsOfType(type: string) {
  const res = await call('GET', `/v1/events?type=${type}&limit=100`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as Array<Record<string, any>>;
}

describe('seed 000 rule with a webhook action', () => {
  it('runs on a deal.updated whose status changes to won, and not on other changes', async () => {
    const r = route();
    // Seed 000's example rule, its action a webhook with the same message.
    const res = await call('POST', '/v1/workflows', {
      ...seed000Rule(),
      action_type: 'webhook',
      action_config: {
        url: r.url,
        params: 'message: Deal {{deal.name}} closed at {{deal.value}} {{deal.currency}}',
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const wf = res.body.data as { id: string };
    const deal = { id: 'rule-deal-1', name: 'Globex', value: 5000, currency: 'EUR' };
    const post = (status: string, extra: Record<string, unknown> = {}) =>
      call('POST', '/v1/events', { type: 'deal.updated', data: { ...deal, status, ...extra } });
    expect((await post('open')).status).toBe(202); // first sight: no previous, no change to won
    expect((await post('open', { value: 6000 })).status).toBe(202); // another field changed
    expect((await post('won', { value: 5000 })).status).toBe(202); // open → won: runs
    expect((await post('won', { name: 'Globex Corp' })).status).toBe(202); // still won: no change
    const [ex] = await finished(wf.id);
    expect(ex).toMatchObject({ status: 'completed' });
    await new Promise((res) => setTimeout(res, 500));
    expect(await executionsOf(wf.id)).toHaveLength(1);
    expect(r.got()).toHaveLength(1);
    expect(JSON.parse(r.got()[0]!.body)).toEqual({ message: 'Deal Globex closed at 5000 EUR' });
    const wfNow = (await call('GET', `/v1/workflows/${wf.id}`)).body.data;
    expect(wfNow.executions_count).toBe(1);
    expect(wfNow.last_triggered_at).not.toBeNull();
  });
});

describe('failures', () => {
  const template = (url: string, after: string) =>
    startChain({ id: 'call', type: 'Webhook', url }, { id: 'after', type: 'Webhook', url: after });

  it('a 500 is retried with backoff, then fails the execution, skips what follows, and emits workflow.execution_failed; rerun resumes from the failed step', async () => {
    let healthy = false;
    const r = route(() => (healthy ? { status: 200, body: 'fine' } : { status: 500, body: 'boom' }));
    const after = route();
    const { wf, ex } = await runToEnd('Flaky receiver', 'deal.lost', template(r.url, after.url), {
      id: 'lost-1',
    });
    expect(ex).toMatchObject({ status: 'failed' });
    expect(ex!.error).toContain('call');
    const steps = stepsById(ex!);
    expect(steps.call).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: { message: expect.stringContaining('HTTP 500'), response: { status: 500, body: 'boom' } },
    });
    expect(steps.after).toMatchObject({ status: 'skipped', attempts: 0 });
    expect(r.got()).toHaveLength(3);
    // Backoff: attempts are at least the compressed 200 ms apart.
    const at = r.got().map((q) => q.at);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(190);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(190);
    expect(after.got()).toHaveLength(0);
    const failedEvents = await waitUntil(async () => {
      const l = (await eventsOfType('workflow.execution_failed')).filter(
        (e) => e.data.execution_id === ex!.id,
      );
      return l.length > 0 ? l : undefined;
    });
    expect(failedEvents).toHaveLength(1);
    expect(failedEvents[0]).toMatchObject({
      data: { workflow_id: wf.id, execution_id: ex!.id, failed_nodes: ['call'] },
      caused_by: [ex!.id],
    });

    // The workflow's per-node stats count these steps.
    const { stats } = (await call('GET', `/v1/workflows/${wf.id}`)).body.data;
    expect(stats).toMatchObject({ start: { succeeded: 1 }, call: { failed: 1 }, after: { skipped: 1 } });

    healthy = true;
    const rerun = await call('POST', `/v1/executions/${ex!.id}/rerun`);
    expect(rerun.status, JSON.stringify(rerun.body)).toBe(200);
    const done = await waitUntil(async () => {
      const e = await execution(ex!.id);
      return e.status === 'completed' ? e : undefined;
    });
    const again = stepsById(done);
    expect(again.start).toMatchObject({ status: 'succeeded', attempts: 1 }); // kept, not rerun
    expect(again.call).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    expect(again.after).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(r.got()).toHaveLength(4);
    expect(after.got()).toHaveLength(1);
    const conflict = await call('POST', `/v1/executions/${ex!.id}/rerun`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('conflict');
  });

  it('a 400 fails at once with the answer recorded; a 429 waits for Retry-After', async () => {
    const bad = route(() => ({
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: '{"error":"nope"}',
    }));
    const after = route();
    const { ex } = await runToEnd('Bad request', 'task.created', template(bad.url, after.url), {
      id: 't-1',
    });
    expect(ex).toMatchObject({ status: 'failed' });
    expect(stepsById(ex!).call).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { name: 'NonRetriableError', response: { status: 400, body: { error: 'nope' } } },
    });
    expect(stepsById(ex!).after.status).toBe('skipped');
    expect(bad.got()).toHaveLength(1);

    const limited = route((i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
    );
    const { ex: ex2 } = await runToEnd('Rate limited', 'task.completed', template(limited.url, after.url), {
      id: 't-2',
    });
    expect(ex2).toMatchObject({ status: 'completed' });
    expect(stepsById(ex2!).call.attempts).toBe(2);
    const [first, second] = limited.got();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('a refused address: 400 at save time for a literal, and a failed step at once when merge data names it', async () => {
    const after = route();
    const refused = await call('POST', '/v1/workflows', {
      name: 'Metadata literal',
      template_status: 'published',
      template: template('http://169.254.169.254/latest/meta-data', after.url),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_error');
    expect(refused.body.error.details).toContainEqual(
      expect.objectContaining({ path: 'template.nodes.call.url', node_ids: ['call'] }),
    );
    const { ex } = await runToEnd(
      'Metadata address',
      'task.deleted',
      template('http://{{target}}/latest/meta-data', after.url),
      { id: 't-3', target: '169.254.169.254' },
    );
    expect(stepsById(ex!).call).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { name: 'NonRetriableError', message: expect.stringContaining('blocked_address') },
    });
    expect(stepsById(ex!).after.status).toBe('skipped');
  });
});

describe('stopping', () => {
  it('100 executions in a Delay: a stop event with filters stops exactly the matching ones; the others finish', async () => {
    const r = route();
    const wf = await createWorkflow({
      name: 'Nurture',
      event_trigger: 'contact.created',
      stop_event: 'signed_up',
      template: delayThenWebhook(r.url, { n: 3, unit: 'sec' }, { params: 'contact: {{contact.id}}' }),
    });
    const N = 100;
    const posted = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        call('POST', '/v1/events', {
          type: 'contact.created',
          data: { id: `c-${i}`, plan: i % 2 === 0 ? 'trial' : 'paid' },
        }),
      ),
    );
    expect(posted.every((p) => p.status === 202)).toBe(true);
    // Every execution is waiting in its Delay: the Webhook steps are scheduled for later.
    const running = await waitUntil(async () => {
      const l = (await call('GET', `/v1/executions?workflow_id=${wf.id}&status=running&limit=100`)).body.data;
      return l.length === N ? l : undefined;
    });
    // Executions run as they are created, before the worker reaches their Delay: once it has, the Webhook step
    // after it is scheduled, and nothing has been called.
    const detail = await waitUntil(async () => {
      const d = await execution(running[0].id);
      return stepsById(d).call.status === 'pending' ? undefined : d;
    });
    expect(stepsById(detail).call.status).toBe('scheduled');
    expect(r.got()).toHaveLength(0);

    const stop = await call('POST', '/v1/executions/stop', {
      stop_event: 'signed_up',
      user_key: 'main',
      filters: { 'contact.plan': 'trial' },
    });
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    expect(stop.body.data.stopped).toBe(N / 2);
    // Another user's stop event, or one without matching filters, stops nothing.
    expect(
      (await call('POST', '/v1/executions/stop', { stop_event: 'signed_up', user_key: 'someone' })).body.data
        .stopped,
    ).toBe(0);
    expect(
      (
        await call('POST', '/v1/executions/stop', {
          stop_event: 'signed_up',
          filters: { 'contact.plan': 'gold' },
        })
      ).body.data.stopped,
    ).toBe(0);

    const all = await finished(wf.id, N);
    const stopped = all.filter((e) => e.status === 'stopped');
    const completed = all.filter((e) => e.status === 'completed');
    expect(stopped).toHaveLength(N / 2);
    expect(completed).toHaveLength(N / 2);
    for (const e of stopped) {
      expect(e.data.contact.plan).toBe('trial');
      expect(stepsById(e).call).toMatchObject({ status: 'skipped', attempts: 0 });
    }
    // Past the delay, only the paid contacts were called, once each.
    await new Promise((res) => setTimeout(res, 500));
    const called = r.got().map((q) => JSON.parse(q.body).contact as string);
    expect(called).toHaveLength(N / 2);
    expect(new Set(called)).toEqual(new Set(completed.map((e) => e.data.contact.id)));
    expect(called.every((id) => Number(id.slice(2)) % 2 === 1)).toBe(true);
  });

  it('POST /v1/executions/{id}/stop removes the queued step; nothing runs after', async () => {
    const r = route();
    const { ex } = await waitingInDelay('Stop one', 'meeting.scheduled', 'm-1', r.url);
    const stop = await call('POST', `/v1/executions/${ex!.id}/stop`);
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    expect(stop.body.data).toMatchObject({ status: 'stopped' });
    expect(stepsById(stop.body.data).call.status).toBe('skipped');
    await new Promise((res) => setTimeout(res, 1500));
    expect(r.got()).toHaveLength(0);
    expect((await execution(ex!.id)).status).toBe('stopped');
    const again = await call('POST', `/v1/executions/${ex!.id}/stop`);
    expect(again.status).toBe(409);
    expect((await call('POST', '/v1/executions/00000000-0000-7000-8000-000000000000/stop')).status).toBe(404);
  });

  it('deleting a workflow stops its waiting executions: the step after the delay never runs', async () => {
    const r = route();
    const { wf, ex } = await waitingInDelay('Deleted while waiting', 'meeting.completed', 'm-9', r.url);
    const del = await call('DELETE', `/v1/workflows/${wf.id}`);
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    const stopped = await execution(ex!.id);
    expect(stopped).toMatchObject({ status: 'stopped', error: 'stopped: the workflow was deleted' });
    expect(stepsById(stopped).call.status).toBe('skipped');
    await new Promise((res) => setTimeout(res, 1500));
    expect(r.got()).toHaveLength(0);
  });
});

describe('loop guard', () => {
  it('a webhook whose receiver reports an event back loops only to WORKFLOW_MAX_CHAIN_DEPTH; the refusal is visible', async () => {
    // The receiver is the host app: each call makes it report a deal.updated, caused by the calling execution.
    const r = route(() => ({ status: 200 }));
    const wf = await createWorkflow({
      name: 'Echo',
      event_trigger: 'deal.stage_changed',
      template: startChain({ id: 'echo', type: 'Webhook', url: r.url }),
    });
    const seen = new Set<string>();
    const pump = setInterval(() => {
      for (const q of r.got()) {
        const id = q.headers['x-switchyard-execution-id'] as string;
        if (seen.has(id)) continue;
        seen.add(id);
        void call('POST', '/v1/events', {
          type: 'deal.stage_changed',
          data: { id: 'loop' },
          caused_by: [id],
        });
      }
    }, 20);
    try {
      await call('POST', '/v1/events', { type: 'deal.stage_changed', data: { id: 'loop' } });
      const list = await waitUntil(async () => {
        const l = await executionsOf(wf.id);
        return l.some((e) => e.status === 'skipped') ? l : undefined;
      });
      await new Promise((res) => setTimeout(res, 500));
      const all = await executionsOf(wf.id);
      expect(all).toHaveLength(4); // depth 0, 1, 2 ran; the 4th (chain of 3) was refused
      const refused = all.filter((e) => e.status === 'skipped');
      expect(refused).toHaveLength(1);
      expect(refused[0]!.error).toMatch(/^loop_guard/);
      expect(refused[0]!.caused_by).toHaveLength(3);
      expect(list.filter((e) => e.status === 'completed').length).toBeGreaterThanOrEqual(2);
      expect(r.got()).toHaveLength(3);
    } finally {
      clearInterval(pump);
    }
  });
});

describe('redelivery', () => {
  it('duplicate run_workflow_step jobs for one step run it once', async () => {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: srv.db.url });
    await client.connect();
    try {
      const r = route();
      const { wf, ex } = await waitingInDelay('Once', 'email.sent', 'e-1', r.url);
      // Five more jobs for the same step (no key, so none replaces another): a redelivery storm.
      await client.query(
        `select graphile_worker.add_job('run_workflow_step', json_build_object('execution_id', $1::text, 'node_id', 'call'))
           from generate_series(1, 5)`,
        [ex!.id],
      );
      const [done] = await finished(wf.id);
      await new Promise((res) => setTimeout(res, 1500));
      expect(r.got()).toHaveLength(1);
      expect(stepsById(done!).call).toMatchObject({ status: 'succeeded', attempts: 1 });
      // And once more after it succeeded.
      await client.query(
        `select graphile_worker.add_job('run_workflow_step', json_build_object('execution_id', $1::text, 'node_id', 'call'))`,
        [ex!.id],
      );
      await new Promise((res) => setTimeout(res, 500));
      expect(r.got()).toHaveLength(1);
      expect(stepsById(await execution(ex!.id)).call.attempts).toBe(1);
    } finally {
      await client.end();
    }
  });
});

describe('merge tokens in header and param lines', () => {
  it('a merged value with line breaks cannot add a header or a param', async () => {
    const r = route();
    const template = startChain({
      id: 'call',
      type: 'Webhook',
      url: r.url,
      headers: 'X-Name: {{contact.name}}',
      params: 'name: {{contact.name}}\nowner: {{contact.owner | default: "nobody"}}',
    });
    const { ex } = await runToEnd('Injection', 'contact.owner_changed', template, {
      id: 'inj',
      name: 'Eve\nX-Injected: 1\r\nowner: mallory',
    });
    expect(ex.status).toBe('completed');
    const [req] = r.got();
    expect(req!.headers['x-injected']).toBeUndefined();
    expect(req!.headers['x-name']).toBe('Eve X-Injected: 1 owner: mallory');
    expect(JSON.parse(req!.body)).toEqual({ name: 'Eve X-Injected: 1 owner: mallory', owner: 'nobody' });
  });
});

describe('Condition nodes', () => {
  it('gate their descendants: a false condition skips them, a true one runs them', async () => {
    const big = route();
    const after = route();
    const wf = await createWorkflow({
      name: 'Big deals only',
      event_trigger: 'deal.stage_changed',
      template: {
        nodes: [
          { id: 'start', type: 'Start' },
          {
            id: 'gate',
            type: 'Condition',
            condition: {
              all: [
                { field: 'deal.amount', operator: 'greater_than', value: 1000 },
                { field: 'stage', operator: 'changed' },
              ],
            },
          },
          { id: 'notify', type: 'Webhook', url: big.url, params: 'deal: {{deal.id}}' },
          { id: 'then', type: 'Webhook', url: after.url },
        ],
        edges: ['start-gate', 'gate-notify', 'notify-then'],
      },
    });
    await call('POST', '/v1/events', {
      type: 'deal.stage_changed',
      data: { id: 'small', amount: 10, stage: 'b' },
      previous: { id: 'small', amount: 10, stage: 'a' },
    });
    await call('POST', '/v1/events', {
      type: 'deal.stage_changed',
      data: { id: 'big', amount: 5000, stage: 'b' },
      previous: { id: 'big', amount: 5000, stage: 'a' },
    });
    await call('POST', '/v1/events', {
      type: 'deal.stage_changed',
      data: { id: 'same', amount: 5000, stage: 'b' },
      previous: { id: 'same', amount: 5000, stage: 'b' },
    });
    const all = await finished(wf.id, 3);
    const byDeal = Object.fromEntries(all.map((e) => [e.data.deal.id, e]));
    expect(all.every((e) => e.status === 'completed')).toBe(true);
    expect(stepsById(byDeal.big!)).toMatchObject({
      gate: { status: 'succeeded', output: { result: true } },
      notify: { status: 'succeeded' },
      then: { status: 'succeeded' },
    });
    for (const id of ['small', 'same']) {
      expect(stepsById(byDeal[id]!)).toMatchObject({
        gate: { status: 'succeeded', output: { result: false } },
        notify: { status: 'skipped' },
        then: { status: 'skipped' },
      });
    }
    expect(big.got().map((q) => JSON.parse(q.body))).toEqual([{ deal: 'big' }]);
    expect(after.got()).toHaveLength(1);
  });
});

describe('Delay in the account time zone', () => {
  it("schedules a day delay with minute_of_day at that local time in the account's zone", async () => {
    const { apiKey } = await createAccount(srv.deps.orm.em.fork(), {
      name: 'Paris',
      timeZone: 'Europe/Paris',
    });
    const r = route();
    const wf = await call(
      'POST',
      '/v1/workflows',
      {
        name: 'Morning after',
        event_trigger: 'contact.created',
        template_status: 'published',
        template: startChain(
          { id: 'wait', type: 'Delay', delay_n: 1, delay_unit: 'day', minute_of_day: 570 },
          { id: 'hello', type: 'Webhook', url: r.url },
        ),
      },
      { key: apiKey },
    );
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    await call('POST', '/v1/events', { type: 'contact.created', data: { id: 'paris-1' } }, { key: apiKey });
    const ex = await waitUntil(async () => {
      const list = (
        await call('GET', `/v1/executions?workflow_id=${wf.body.data.id}`, undefined, { key: apiKey })
      ).body.data;
      if (list.length !== 1) return undefined;
      const e = (await call('GET', `/v1/executions/${list[0].id}`, undefined, { key: apiKey })).body.data;
      return stepsById(e).hello.status === 'scheduled' ? e : undefined;
    });
    const steps = stepsById(ex);
    // 9:30 in Paris (CET, +01:00 in November or CEST +02:00), one or two calendar days ahead.
    expect(steps.wait.run_at).toMatch(/T09:30:00\+0[12]:00$/);
    expect(steps.hello.run_at_utc).toBe(steps.wait.run_at_utc);
    const hours = (Date.parse(steps.hello.run_at_utc) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(9);
    expect(hours).toBeLessThan(49);
    expect(r.got()).toHaveLength(0);
    expect((await call('POST', `/v1/executions/${ex.id}/stop`, undefined, { key: apiKey })).status).toBe(200);
    // Another account cannot see it.
    expect((await call('GET', `/v1/executions/${ex.id}`)).status).toBe(404);
  });
});

describe('a node that cannot be evaluated', () => {
  it('fails its step and the execution instead of leaving it stuck', async () => {
    const r = route();
    const wf = await createWorkflow({
      name: 'Broken delay',
      template: startChain(
        { id: 'wait', type: 'Delay', delay_n: 1, delay_unit: 'sec' },
        { id: 'never', type: 'Webhook', url: r.url },
      ),
    });
    // A published template the current rules would refuse (as if written by older code).
    await srv.deps.orm.em
      .fork()
      .execute(
        `update workflows set template = jsonb_set(template, '{nodes,1,delay_unit}', '"fortnight"') where id = ?`,
        [wf.id],
      );
    const res = await call('POST', `/v1/workflows/${wf.id}/execute`);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const [ex] = await finished(wf.id);
    expect(ex).toMatchObject({ status: 'failed' });
    expect(ex!.error).toContain('step wait failed: invalid delay');
    expect(stepsById(ex!)).toMatchObject({
      start: { status: 'succeeded' },
      wait: { status: 'failed', error: { message: 'invalid delay' } },
      never: { status: 'skipped' },
    });
    expect(r.got()).toHaveLength(0);
  });
});
