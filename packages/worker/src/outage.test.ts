import { waitUntil } from '@switchyard/server/testing';
import { describe, expect, it } from 'vitest';
import {
  faultRigForFile,
  noJobLocked,
  type OwnServer,
  startLoad,
  subscribe,
  workersRunning,
} from './faultHarness.ts';

// PostgreSQL restarts under load, on a PostgreSQL of this test's own (never the shared one): every acknowledged event
// is delivered, no process exits, and meanwhile the API answers 503 `unavailable` with Retry-After. The outage lasts
// OUTAGE_MS, longer than the processes' WORKER_DATABASE_WAIT_SECONDS (3 s here), so checkouts do fail and the worker's
// job runners stop and are started again, as in a long outage with the default settings.
const OUTAGE_MS = Number(process.env.SWITCHYARD_TEST_OUTAGE_SECONDS ?? 5) * 1000;
const TIMEOUT = OUTAGE_MS + 100_000;
// Generous: after an outage a job that failed waits out graphile-worker's backoff (7 s, 20 s, 55 s …) and a runner
// that stopped waits out its restart backoff, which on a loaded machine add up. A miss says what is still queued.
const DELIVERY_TIMEOUT = 70_000;

const { pg, rx, settings, spawn, startServer, allArrived } = faultRigForFile();

/** Sends events for 1.5 s, stops PostgreSQL for OUTAGE_MS while they keep coming, starts it, sends 1.5 s more. */
async function restartUnderLoad(urls: string[], apiKey: string, during?: () => Promise<void>) {
  const load = startLoad(urls, apiKey);
  await new Promise((r) => setTimeout(r, 1500));
  await pg.stop();
  const outageEnds = Date.now() + OUTAGE_MS;
  await during?.();
  await new Promise((r) => setTimeout(r, Math.max(0, outageEnds - Date.now())));
  await pg.start();
  await new Promise((r) => setTimeout(r, 1500));
  await load.stop();
  return load;
}

describe('a PostgreSQL restart under load', () => {
  let srv: OwnServer;

  it('the API answers 503 unavailable with Retry-After while the database is gone, /health 200 and /ready 503', async () => {
    srv = await startServer(settings());
    const auth = { authorization: `Bearer ${srv.apiKey}`, 'content-type': 'application/json' };
    await pg.stop();
    try {
      const res = await fetch(`${srv.url}/v1/events`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ type: 'deal.won', data: { id: 'x' } }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      expect((await fetch(`${srv.url}/health`)).status).toBe(200);
      const ready = await fetch(`${srv.url}/ready`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBe('5');
    } finally {
      await pg.start();
    }
    // Back without a restart of the server: its pool connects again.
    await waitUntil(
      async () => ((await fetch(`${srv.url}/ready`)).status === 200 ? true : undefined),
      20_000,
    );
    const after = await fetch(`${srv.url}/v1/events`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ type: 'deal.won', data: { id: 'y' } }),
    });
    expect(after.status).toBe(202);
  });

  it(
    'two worker processes: every acknowledged event is delivered and neither exits',
    async () => {
      await subscribe(srv.url, srv.apiKey, `${rx.url}/hook`);
      const env = settings({ LOG_LEVEL: 'info' });
      const workers = [spawn(['worker'], env), spawn(['worker'], env)];
      await workersRunning(workers, 20_000);
      const load = await restartUnderLoad([srv.url], srv.apiKey);
      expect(load.acked.size).toBeGreaterThan(50);
      expect(load.statuses.get(503) ?? 0).toBeGreaterThan(0);
      await allArrived(load.acked, '/hook', DELIVERY_TIMEOUT);
      for (const w of workers) expect(w.child.exitCode, w.output()).toBeNull();
      // No job is left locked by a runner that stopped during the outage.
      await noJobLocked(srv.deps.pool);
      const seen = rx.seen('/hook');
      const duplicates = [...load.acked].filter((n) => (seen.get(n) ?? 0) > 1).length;
      const restarts = workers.map((w) => w.output().split('starting a new one').length - 1);
      console.log(
        `workers: ${load.acked.size} acknowledged, all delivered, ${duplicates} delivered twice; answers ${JSON.stringify(Object.fromEntries(load.statuses))}; job runners restarted ${restarts.join(' and ')} times`,
      );
      for (const w of workers) w.child.kill('SIGTERM');
      for (const w of workers) expect(await w.exited).toBe(0);
      await srv.close();
    },
    TIMEOUT,
  );

  it(
    '`switchyard start`: its server and its worker ride it out, and nothing acknowledged is lost',
    async () => {
      const start = spawn(['start'], settings({ LOG_LEVEL: 'info', PORT: '0' }));
      const url = await waitUntil(
        () => start.output().match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/)?.[1],
        20_000,
      );
      await workersRunning([start], 20_000);
      const workerPid = start.output().match(/"workerPid":(\d+)/)?.[1];
      // The account `start` made on the first test's database already exists: a key of its own for this test.
      const keys = spawn(['keys', 'create', '--name', 'fault'], settings());
      expect(await keys.exited, keys.output()).toBe(0);
      const apiKey = keys.output().match(/\b(s[ky]_[A-Za-z0-9_-]{20,})\b/)?.[1] as string;
      await subscribe(url, apiKey, `${rx.url}/start-hook`);
      const load = await restartUnderLoad([url], apiKey);
      await allArrived(load.acked, '/start-hook', DELIVERY_TIMEOUT);
      expect(start.child.exitCode, start.output()).toBeNull();
      // The same worker process throughout: it was never restarted.
      expect(start.output()).not.toContain('worker process restarted');
      expect(start.output().match(/"workerPid":(\d+)/g)).toEqual([`"workerPid":${workerPid}`]);
      console.log(`start: ${load.acked.size} acknowledged, all delivered`);
      start.child.kill('SIGTERM');
      expect(await start.exited, start.output()).toBe(0);
    },
    TIMEOUT,
  );
});
