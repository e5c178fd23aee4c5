import { apiCaller, type Receiver, startReceiver } from '@switchyard/server/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { crashRigForFile } from '../faultHarness.ts';

// Crash safety, as an operator would see it: real `switchyard worker` processes (the CLI), a real receiver on
// 127.0.0.1, 1,000 events reported in batches. The first worker is killed with SIGKILL while it delivers and while
// the burst is still coming in; a second worker process then delivers every event. Each delivery row was written
// with its event, and the dead worker's locked jobs are unlocked through the heartbeats. At-least-once: a delivery
// the dead worker sent but had not recorded arrives twice, with the same webhook-id; those are counted and reported.
const EVENTS = 1000;
const BATCH = 100;
const CONCURRENCY = 10;
// The rig's one encryption key serves the API process and both workers, whatever their working directory.
const { srv, workers, sql } = crashRigForFile({
  worker: {
    WORKER_CONCURRENCY: String(CONCURRENCY),
    WORKER_HEARTBEAT_SECONDS: '0.2',
    WORKER_DEAD_AFTER_SECONDS: '1',
    WEBHOOK_RETRY_SCHEDULE: '0,100ms,100ms,100ms',
  },
});
const until = workers.until;
let rx: Receiver;

beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx?.close());

it('kill -9 of a worker during a burst of 1,000 events loses none', { timeout: 90_000 }, async () => {
  const call = apiCaller(srv);
  const created = await call('POST', '/v1/webhooks', { url: `${rx.url}/crash`, events: ['contact.*'] });
  expect(created.status).toBe(201);
  const hookId = created.body.data.webhook.id as string;

  const batches = Array.from({ length: EVENTS / BATCH }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => ({ type: 'contact.created', data: { id: `c${b * BATCH + i}` } })),
  );
  const eventIds = new Set<string>();
  const report = async (events: (typeof batches)[number]) => {
    const res = await call('POST', '/v1/events/batch', { events });
    expect(res.status).toBe(202);
    for (const e of res.body.data as { id: string }[]) eventIds.add(e.id);
  };

  const first = workers.spawn();
  // The first part of the burst goes in while the first worker delivers it.
  for (const batch of batches.slice(0, 3)) await report(batch);
  await until('the first worker delivers', () => rx.requests.length >= 150, 30_000);

  first.child.kill('SIGKILL');
  await first.exited;
  const receivedAtKill = rx.requests.length;
  const [locked] = await sql<{ n: number }>(
    'select count(*)::int as n from graphile_worker.jobs where locked_by is not null',
  );
  // The kill caught deliveries in flight: their jobs stay locked by a worker that is gone.
  expect(locked?.n).toBeGreaterThan(0);
  expect(receivedAtKill).toBeLessThan(3 * BATCH);

  // The rest of the burst arrives while no worker runs: acknowledged all the same.
  for (const batch of batches.slice(3)) await report(batch);
  expect(eventIds.size).toBe(EVENTS);

  await workers.finishWithOneMore(
    'every delivery succeeds after the restart',
    async () => {
      const [row] = await sql<{ n: number }>(
        "select count(*)::int as n from deliveries where webhook_id = ? and status = 'succeeded'",
        [hookId],
      );
      return row?.n === EVENTS;
    },
    60_000,
  );

  // One delivery per event, all succeeded, none left in the queue.
  const deliveries = await sql<{ id: string; event_id: string; status: string }>(
    'select id, event_id, status from deliveries where webhook_id = ?',
    [hookId],
  );
  expect(deliveries).toHaveLength(EVENTS);
  expect(new Set(deliveries.map((d) => d.event_id))).toEqual(eventIds);
  expect(deliveries.every((d) => d.status === 'succeeded')).toBe(true);
  const [queued] = await sql<{ n: number }>('select count(*)::int as n from graphile_worker.jobs');
  expect(queued?.n).toBe(0);

  // The receiver saw every event at least once: each request's webhook-id is its delivery, hence its event.
  const eventOfDelivery = new Map(deliveries.map((d) => [d.id, d.event_id]));
  const seen = new Map<string, number>();
  for (const req of rx.requests) {
    const eventId = eventOfDelivery.get(req.headers['webhook-id'] ?? '');
    expect(eventId, 'a request for an unknown delivery').toBeDefined();
    seen.set(eventId as string, (seen.get(eventId as string) ?? 0) + 1);
  }
  expect(new Set(seen.keys())).toEqual(eventIds);
  expect(new Set(rx.requests.map((r) => JSON.parse(r.body).data.id)).size).toBe(EVENTS);

  // Duplicates: only deliveries in flight when the worker died, at most one per job slot.
  const duplicates = rx.requests.length - EVENTS;
  console.log(
    `crash test: ${receivedAtKill} received before kill -9, ${locked?.n} jobs locked by the dead worker, ` +
      `${rx.requests.length} requests for ${EVENTS} events after the restart: ${duplicates} duplicate(s) ` +
      `(${[...seen.values()].filter((c) => c > 1).length} event(s) delivered twice)`,
  );
  expect(duplicates).toBeLessThanOrEqual(CONCURRENCY);
});
