import { createLogger, type Env } from '@switchyard/server/db';
import { type RunningWorker, startWorker } from '../main.ts';
import { resolveDatabase } from './database.ts';
import { handleLibraryRejections } from './rejections.ts';
import { stopOnSignal } from './signals.ts';

// Only the persistence layer of @switchyard/server: a worker process never loads the HTTP stack
// (cli/workerImports.test.ts checks it).

/** `switchyard worker`: graphile-worker over the job catalog; any number may run beside the server. */
export async function workerCommand(env: Env): Promise<void> {
  const logger = createLogger(env.LOG_LEVEL, 'worker');
  let worker: RunningWorker | undefined;
  handleLibraryRejections(logger, (reason) => worker?.abandonRunner(reason));
  const db = await resolveDatabase(env, logger);
  worker = await startWorker({ env: { ...env, DATABASE_URL: db.url }, logger }).catch(
    async (err: unknown) => {
      await db.stop().catch(() => {});
      throw err;
    },
  );
  logger.info({ concurrency: env.WORKER_CONCURRENCY }, 'worker running');
  // Started by `switchyard start`: stop when that process goes away, however it went.
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  }
  // A worker that gives up (its job runner keeps stopping) exits non-zero, for its supervisor to restart.
  const gaveUp = worker.done.then(
    () => new Promise<Error>(() => {}),
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  await stopOnSignal(
    logger,
    [
      ['worker', worker.stop],
      ['database', db.stop],
    ],
    gaveUp,
  );
}
