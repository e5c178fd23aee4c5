import type { Logger } from 'pino';

/** Stops one part of a process. */
export type Stop = () => Promise<void>;
/** A part to stop, by name, for the log. */
export type NamedStop = [name: string, stop: Stop];

/**
 * Waits for SIGINT or SIGTERM, or for `failure` (a part that gave up), then runs `stops` in order (a second signal
 * exits at once). A failure sets exit code 1.
 */
export function stopOnSignal(logger: Logger, stops: NamedStop[], failure?: Promise<Error>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const shutDown = async (why: Record<string, unknown>) => {
      if (stopping) return;
      stopping = true;
      logger.info(why, 'shutting down');
      for (const [name, stop] of stops) {
        const started = performance.now();
        try {
          await stop();
          logger.info({ ms: Math.round(performance.now() - started) }, `${name} stopped`);
        } catch (err) {
          logger.error({ err }, `error while stopping the ${name}`);
        }
      }
      resolve();
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(1);
      void shutDown({ signal });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    void failure?.then((err) => {
      process.exitCode = 1;
      logger.error({ reason: err.message }, 'giving up');
      void shutDown({ reason: err.message });
    });
  });
}
