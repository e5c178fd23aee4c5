import { waitUntil } from '@switchyard/server/testing';
import { expect, it } from 'vitest';
import { faultRigForFile, noJobLocked, startLoad, subscribe, workersRunning } from './faultHarness.ts';

// Three worker processes and an API server with their default pool sizes (10 + 3 × 17 connections at most) on a
// PostgreSQL of this test's own that allows 15: connections are refused ("sorry, too many clients already") while
// events flow. A refusal is waited out, never fatal and never a stall: everything acknowledged is delivered, no job is
// left locked, no process exits.
const MAX_CONNECTIONS = 15;

const { rx, settings, spawn, startServer, allArrived } = faultRigForFile({ maxConnections: MAX_CONNECTIONS });

it(`workers on a PostgreSQL with max_connections=${MAX_CONNECTIONS} deliver everything, with no job left locked`, async () => {
  // The default waits: the server's requests wait 1 s for a connection, the workers' 30 s.
  const env = settings({
    LOG_LEVEL: 'info',
    WORKER_DATABASE_WAIT_SECONDS: '30',
    SERVER_DATABASE_WAIT_SECONDS: '1',
  });
  const srv = await startServer(env);
  await subscribe(srv.url, srv.apiKey, `${rx.url}/hook`);
  const workers = [spawn(['worker'], env), spawn(['worker'], env), spawn(['worker'], env)];
  await workersRunning(workers, 60_000);
  const load = startLoad([srv.url], srv.apiKey, 8);
  await waitUntil(() => (load.acked.size >= 600 ? true : undefined), 60_000, '600 events acknowledged');
  await load.stop();

  await allArrived(load.acked, '/hook', 60_000);
  await noJobLocked(srv.deps.pool);
  for (const w of workers) expect(w.child.exitCode, w.output()).toBeNull();
  const waits = workers.map((w) => w.output().split('database unreachable; waiting for it').length - 1);
  // The point of the test: PostgreSQL did refuse, and the workers waited.
  expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  console.log(
    `max_connections=${MAX_CONNECTIONS}: ${load.acked.size} acknowledged, all delivered; answers ${JSON.stringify(Object.fromEntries(load.statuses))}; refusals waited out by the workers: ${waits.join(', ')}`,
  );
});
