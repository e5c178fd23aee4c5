import { enqueueJob } from '@switchyard/server/db';
import { waitUntil } from '@switchyard/server/testing';
import { describe, expect, it } from 'vitest';
import { pipelineForFile } from '../testSupport.ts';
import { uuidv7Floor } from './housekeeping.ts';

// The housekeeping tasks run by a real worker on a real database: each job is queued as graphile-worker's crontab
// queues it, and the test checks what is left.
const pipeline = pipelineForFile({ RETENTION_DAYS: '30' });
const { call } = pipeline;
const sql = <R = Record<string, unknown>>(text: string, values: unknown[] = []) =>
  pipeline.srv.deps.pool.query(text, values).then((r) => r.rows as R[]);

/** Queues `task` and waits until the worker has run it (its job is gone). */
async function run(task: 'purge_idempotency_records' | 'apply_retention' | 'clean_up_job_queue') {
  await pipeline.srv.deps.orm.em
    .fork()
    .transactional((em) => enqueueJob(em, task, { _cron: { ts: new Date().toISOString() } }));
  await waitUntil(async () => {
    const [row] = await sql<{ n: number }>(
      'select count(*)::int as n from graphile_worker.jobs where task_identifier = $1',
      [task],
    );
    return row?.n === 0 ? true : undefined;
  }, 20_000);
}

/** An id as UUIDv7 would have made it `daysAgo` days ago. */
const NOW = Date.now();
const idFrom = (daysAgo: number, n: number) =>
  uuidv7Floor(new Date(NOW - daysAgo * 86_400_000)).replace(/0{12}$/, String(n).padStart(12, '0'));

describe('housekeeping', () => {
  it('purge_idempotency_records deletes expired records and keeps live and life- ones', async () => {
    const account = pipeline.srv.accountId;
    const insert = (key: string, expires: string | null) =>
      sql(
        `insert into idempotency_records (id, account_id, key, operation, request_hash, response, created_at, expires_at)
         values ($1, $2, $3, 'op', 'h', 'null', now(), ${expires ?? 'null'})`,
        [idFrom(0, Math.floor(Math.random() * 1e9)), account, key],
      );
    await insert('expired-1', "now() - interval '1 hour'");
    await insert('expired-2', "now() - interval '2 days'");
    await insert('live', "now() + interval '1 hour'");
    await insert('life-forever', null);
    await run('purge_idempotency_records');
    const left = await sql<{ key: string }>('select key from idempotency_records order by key');
    expect(left.map((r) => r.key)).toEqual(['life-forever', 'live']);
  });

  it('apply_retention deletes finished deliveries, their events and finished executions past RETENTION_DAYS, nothing else', async () => {
    const hook = await call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/none', events: ['deal.won'] });
    expect(hook.status).toBe(201);
    const wf = await call('POST', '/v1/workflows', { name: 'Kept', event_trigger: 'deal.lost' });
    expect(wf.status).toBe(201);
    const account = pipeline.srv.accountId;
    const [{ id: webhookId } = { id: '' }] = await sql<{ id: string }>('select id from webhooks');
    const event = (id: string, daysAgo: number) =>
      sql(
        `insert into events (id, account_id, type, data, user_key, occurred_at, created_at)
         values ($1, $2, 'deal.won', '{}', 'main', now(), now() - make_interval(days => $3))`,
        [id, account, daysAgo],
      );
    const delivery = (id: string, eventId: string, status: string, daysAgo: number) =>
      sql(
        `insert into deliveries (id, account_id, webhook_id, event_id, event_type, status, created_at, updated_at)
         values ($1, $2, $3, $4, 'deal.won', $5, now() - make_interval(days => $6), now())`,
        [id, account, webhookId, eventId, status, daysAgo],
      );
    const execution = (id: string, status: string, daysAgo: number) =>
      sql(
        `insert into executions (id, account_id, workflow_id, status, template, finished_at, created_at, updated_at)
         values ($1, $2, $3, $4, '{}', now() - make_interval(days => $5), now() - make_interval(days => $5),
                 now() - make_interval(days => $5))`,
        [id, account, wf.body.data.id, status, daysAgo],
      );
    const [oldDone, oldPending, recent] = [idFrom(40, 1), idFrom(40, 2), idFrom(1, 3)];
    await event(oldDone, 40);
    await event(oldPending, 40);
    await event(recent, 1);
    await delivery(idFrom(40, 11), oldDone, 'succeeded', 40);
    await sql(
      `insert into delivery_attempts (id, delivery_id, account_id, number, started_at, duration_ms, request_headers)
       values ($1, $2, $3, 1, now(), 5, '{}')`,
      [idFrom(40, 21), idFrom(40, 11), account],
    );
    await delivery(idFrom(40, 12), oldPending, 'pending', 40);
    await delivery(idFrom(1, 13), recent, 'failed', 1);
    await execution(idFrom(40, 31), 'completed', 40);
    await execution(idFrom(40, 32), 'running', 40);
    await execution(idFrom(1, 33), 'failed', 1);

    await run('apply_retention');
    const ids = async (table: string) =>
      (await sql<{ id: string }>(`select id from ${table} order by id`)).map((r) => r.id);
    // The finished old delivery and its attempt went, and then its event; the pending one keeps its event.
    expect(await ids('deliveries')).toEqual([idFrom(40, 12), idFrom(1, 13)]);
    expect(await ids('delivery_attempts')).toEqual([]);
    expect(await ids('events')).toEqual([oldPending, recent]);
    expect(await ids('executions')).toEqual([idFrom(40, 32), idFrom(1, 33)]);
  });

  it("clean_up_job_queue runs graphile-worker's cleanup: permanently failed jobs go", async () => {
    await pipeline.srv.deps.orm.em
      .fork()
      .transactional((em) =>
        enqueueJob(em, 'noop', { n: 'failed-for-good' }, { runAt: new Date(Date.now() + 3_600_000) }),
      );
    await sql(
      `update graphile_worker._private_jobs set attempts = max_attempts, last_error = 'boom' where payload->>'n' = 'failed-for-good'`,
    );
    await run('clean_up_job_queue');
    const [row] = await sql<{ n: number }>(
      `select count(*)::int as n from graphile_worker._private_jobs where payload->>'n' = 'failed-for-good'`,
    );
    expect(row?.n).toBe(0);
  });

  it('the crontab is registered: graphile-worker knows the three housekeeping items', async () => {
    const rows = await sql<{ identifier: string }>(
      'select identifier from graphile_worker._private_known_crontabs order by identifier',
    );
    expect(rows.map((r) => r.identifier)).toEqual([
      'apply_retention',
      'clean_up_job_queue',
      'purge_idempotency_records',
    ]);
  });
});
