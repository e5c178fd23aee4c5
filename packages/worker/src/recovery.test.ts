import { createLogger, type Env, parseEnv } from '@switchyard/server';
import { enqueueJob } from '@switchyard/server/db';
import { createTestDatabase, type TestDatabase, waitUntil } from '@switchyard/server/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTask } from './defineTask.ts';
import { type RunningWorker, startWorker } from './main.ts';

let db: TestDatabase;
let admin: pg.Pool;
let worker: RunningWorker | undefined;
const ran: string[] = [];
const recordingNoop = defineTask('noop', async (payload) => {
  ran.push(String(payload.n));
});

beforeAll(async () => {
  db = await createTestDatabase();
  admin = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await worker?.stop();
  await admin?.end();
  await db?.drop();
});

/** Leaves a job the way a worker killed mid-job does: locked, by a pool that no longer beats. */
async function lockAsIfDead(n: string, lockedBy: string, heartbeatAgeSeconds: number | null) {
  const orm = worker as RunningWorker;
  await orm.deps.orm.em
    .fork()
    .transactional(async (em) => enqueueJob(em, 'noop', { n }, { runAt: new Date(Date.now() + 60_000) }));
  await admin.query(
    `update graphile_worker._private_jobs set locked_by = $1, locked_at = now() - interval '5 minutes', run_at = now()
      where payload->>'n' = $2`,
    [lockedBy, n],
  );
  if (heartbeatAgeSeconds !== null) {
    await admin.query(
      `insert into worker_heartbeats (id, hostname, pid, last_seen_at) values ($1, 'elsewhere', 1, now() - make_interval(secs => $2))`,
      [lockedBy, heartbeatAgeSeconds],
    );
  }
}

describe('dead worker recovery', () => {
  it("runs a dead worker's locked jobs again, and leaves a live worker's alone", async () => {
    const env = parseEnv({
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
      WORKER_HEARTBEAT_SECONDS: '0.2',
      WORKER_DEAD_AFTER_SECONDS: '2',
    }) as Env & { DATABASE_URL: string };
    worker = await startWorker({
      env,
      logger: createLogger('silent', 'test'),
      tasks: [recordingNoop],
      pollIntervalMs: 50,
    });

    await lockAsIfDead('killed-no-heartbeat', 'pool-killed-early', null);
    await lockAsIfDead('killed-stale-heartbeat', 'pool-killed-later', 600);
    await lockAsIfDead('alive', 'pool-alive', 0);
    // The live pool keeps beating while the test watches.
    const beat = setInterval(
      () => void admin.query(`update worker_heartbeats set last_seen_at = now() where id = 'pool-alive'`),
      100,
    );
    try {
      await waitUntil(() => ran.length >= 2);
      await new Promise((r) => setTimeout(r, 600));
      expect(ran.sort()).toEqual(['killed-no-heartbeat', 'killed-stale-heartbeat']);
      const { rows } = await admin.query(
        `select locked_by from graphile_worker._private_jobs where payload->>'n' = 'alive'`,
      );
      expect(rows).toEqual([{ locked_by: 'pool-alive' }]);
      const beats = await admin.query('select id from worker_heartbeats order by id');
      expect(beats.rows.map((r) => r.id)).not.toContain('pool-killed-later');
    } finally {
      clearInterval(beat);
    }
  });
});
