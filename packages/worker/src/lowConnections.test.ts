import { waitUntil } from '@switchyard/server/testing';
import { afterAll, expect, it } from 'vitest';
import {
  allArrived,
  faultRigForFile,
  faultSettings,
  newEncryptionKey,
  noJobLocked,
  type OwnServer,
  startLoad,
  startOwnServer,
  subscribe,
  workersRunning,
} from './faultHarness.ts';

// Three worker processes and an API server with their default pool sizes (10 + 3 × 17 connections at most) on a
// PostgreSQL of this test's own that allows 15: connections are refused ("sorry, too many clients already") while
// events flow. A refusal is waited out, never fatal and never a stall: everything acknowledged is delivered, no job is
// left locked, no process exits.
const MAX_CONNECTIONS = 15;
const ENCRYPTION_KEY = newEncryptionKey();

const { pg, rx, spawn } = faultRigForFile({ maxConnections: MAX_CONNECTIONS });
let srv: OwnServer;
// Runs before the rig's own afterAll (hooks after tests run last registered first): the server goes before its database.
afterAll(async () => {
  await srv?.close();
});

it(`workers on a PostgreSQL with max_connections=${MAX_CONNECTIONS} deliver everything, with no job left locked`, async () => {
  // The default waits: the server's requests wait 1 s for a connection, the workers' 30 s.
  const settings = {
    ...faultSettings(pg.url, ENCRYPTION_KEY),
    LOG_LEVEL: 'info',
    WORKER_DATABASE_WAIT_SECONDS: '30',
    SERVER_DATABASE_WAIT_SECONDS: '1',
  };
  srv = await startOwnServer(settings);
  await subscribe(srv.url, srv.apiKey, `${rx.url}/hook`);
  const workers = [spawn(['worker'], settings), spawn(['worker'], settings), spawn(['worker'], settings)];
  await workersRunning(workers, 60_000);
  const load = startLoad([srv.url], srv.apiKey, 8);
  await waitUntil(() => (load.acked.size >= 600 ? true : undefined), 60_000, '600 events acknowledged');
  await load.stop();

  await allArrived(rx, load.acked, '/hook', 60_000);
  await noJobLocked(srv.deps.pool);
  for (const w of workers) expect(w.child.exitCode, w.output()).toBeNull();
  const waits = workers.map((w) => w.output().split('database unreachable; waiting for it').length - 1);
  // The point of the test: PostgreSQL did refuse, and the workers waited.
  expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  console.log(
    `max_connections=${MAX_CONNECTIONS}: ${load.acked.size} acknowledged, all delivered; answers ${JSON.stringify(Object.fromEntries(load.statuses))}; refusals waited out by the workers: ${waits.join(', ')}`,
  );
});
