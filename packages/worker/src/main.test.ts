import { createLogger, type Env, parseEnv } from '@switchyard/server';
import { enqueueJob } from '@switchyard/server/db';
import { createTestDatabase, type TestDatabase, waitUntil } from '@switchyard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTask } from './defineTask.ts';
import { type RunningWorker, startWorker } from './main.ts';

let db: TestDatabase;
let worker: RunningWorker | undefined;
const seen: Array<Record<string, unknown>> = [];
let release: (() => void) | undefined;

// The catalog's `noop` task, replaced by one that records what it ran and can be held mid-run.
const recordingNoop = defineTask('noop', async (payload) => {
  if (payload.hold) await new Promise<void>((resolve) => (release = resolve));
  seen.push(payload);
});

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await worker?.stop();
  await db?.drop();
});

function env(): Env & { DATABASE_URL: string } {
  return parseEnv({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', WORKER_CONCURRENCY: '2' }) as Env & {
    DATABASE_URL: string;
  };
}

async function jobCount(w: RunningWorker): Promise<number> {
  const [row] = await w.deps.orm.em
    .fork()
    .execute<{ n: string }[]>('select count(*) as n from graphile_worker.jobs');
  return Number(row?.n);
}

describe('worker', () => {
  it('runs a job enqueued in a committed transaction, and never one whose transaction rolled back', async () => {
    worker = await startWorker({
      env: env(),
      logger: createLogger('silent', 'test'),
      tasks: [recordingNoop],
      pollIntervalMs: 50,
    });
    const em = worker.deps.orm.em.fork();
    await em
      .transactional(async (tem) => {
        await enqueueJob(tem, 'noop', { n: 'rolled-back' });
        throw new Error('abort');
      })
      .catch(() => {});
    await em.transactional(async (tem) => enqueueJob(tem, 'noop', { n: 'committed' }));
    await waitUntil(() => seen.length >= 1);
    await waitUntil(async () => (await jobCount(worker as RunningWorker)) === 0);
    expect(seen).toEqual([{ n: 'committed' }]);
  });

  it('lets a running job finish when stopped, then takes no more', async () => {
    const w = worker as RunningWorker;
    await w.deps.orm.em
      .fork()
      .transactional(async (tem) => enqueueJob(tem, 'noop', { n: 'held', hold: true }));
    await waitUntil(() => release !== undefined);
    const stopped = w.stop();
    setTimeout(() => release?.(), 200);
    await stopped;
    worker = undefined;
    expect(seen.map((p) => p.n)).toEqual(['committed', 'held']);

    // Queued after the stop: stays in the table for the next worker.
    const again = await startWorker({
      env: env(),
      logger: createLogger('silent', 'test'),
      tasks: [],
      pollIntervalMs: 50,
    });
    try {
      expect(await jobCount(again)).toBe(0);
    } finally {
      await again.stop();
    }
  });
});

describe('a job runner that stops on its own', () => {
  const heartbeats = async (w: RunningWorker) =>
    (
      await w.deps.pool.query<{ id: string }>('select id from worker_heartbeats order by started_at')
    ).rows.map((r) => r.id);

  it('loses its heartbeat (its jobs become reclaimable) and is replaced by a new runner that takes jobs', async () => {
    const w = await startWorker({
      env: env(),
      logger: createLogger('silent', 'test'),
      tasks: [recordingNoop],
      pollIntervalMs: 50,
    });
    try {
      const before = await heartbeats(w);
      expect(before).toHaveLength(1);
      const first = w.runner;
      // Stopped behind the worker's back, as graphile-worker stops its runner when it cannot record a finished job.
      await first.stop();
      await waitUntil(async () => w.runner !== first);
      await waitUntil(async () => {
        const now = await heartbeats(w);
        return now.length === 1 && now[0] !== before[0];
      });
      await w.deps.orm.em
        .fork()
        .transactional(async (tem) => enqueueJob(tem, 'noop', { n: 'after-restart' }));
      await waitUntil(() => seen.some((p) => p.n === 'after-restart'));
    } finally {
      await w.stop();
    }
  });

  it('gives up after maxRestarts: `done` rejects, for the CLI to exit non-zero', async () => {
    const w = await startWorker({
      env: env(),
      logger: createLogger('silent', 'test'),
      pollIntervalMs: 50,
      maxRestarts: 0,
    });
    await w.runner.stop();
    await expect(w.done).rejects.toThrow(/giving up/);
    await w.stop();
  });
});
