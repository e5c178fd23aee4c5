import type { Logger } from 'pino';

/**
 * graphile-worker 0.18's local queue hands a job batch back to the database in the background when its runner
 * stops; if the database is gone at that moment, the retry it schedules rejects with nobody listening ("Error
 * occurred whilst returning jobs from local queue to database queue", "Cannot background something when the queue is
 * already released"), and the runner's shutdown then never finishes. Node would end the process for the rejection;
 * left alone, the runner would keep its jobs locked under a heartbeat that still beats. So the runner is given up:
 * its heartbeat stops, its jobs are reclaimed as after a crash, and a new runner takes over in the same process.
 */
const LOCAL_QUEUE_RELEASE =
  /returning jobs from local queue to database queue|Cannot background something when the queue is already released/;

/**
 * Keeps the worker process alive through the local queue's known unhandled rejections during a database outage
 * (`onStuckRunner` replaces the runner); any other unhandled rejection is a bug: logged, and the process exits 1 for
 * its supervisor to restart it.
 */
export function handleLibraryRejections(logger: Logger, onStuckRunner: (reason: string) => void): void {
  process.on('unhandledRejection', (reason) => {
    const message = reason instanceof Error ? reason.message : String(reason);
    if (LOCAL_QUEUE_RELEASE.test(message)) {
      onStuckRunner(message);
      return;
    }
    logger.fatal({ err: reason }, 'unhandled rejection; exiting');
    process.exitCode = 1;
    setImmediate(() => process.exit(1));
  });
}
