import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

const BIN = fileURLToPath(new URL('../bin/switchyard.ts', import.meta.url));

/** A child that lived this long was healthy: the restart backoff starts over. */
const STABLE_MS = 60_000;
const MAX_RESTARTS = 10;

/** Options for {@link superviseWorkerProcess}. */
export interface SupervisorOptions {
  databaseUrl: string;
  logger: Logger;
  /** Called once when the worker keeps dying and the supervisor gives up. */
  onGiveUp(): void;
}

/**
 * Runs `switchyard worker` as a child process on `databaseUrl` (its logs go to this terminal) and keeps it running:
 * a worker that exits on its own is started again after 1 s, 2 s, 4 s … up to 30 s; after ten short-lived runs in a
 * row the supervisor gives up. The API keeps serving meanwhile: acknowledged events wait in the queue. Returns the
 * function that stops the worker (SIGTERM, then SIGKILL after 30 s).
 */
export function superviseWorkerProcess(opts: SupervisorOptions): () => Promise<void> {
  const { logger } = opts;
  let stopping = false;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;
  let exited: Promise<void> = Promise.resolve();
  let child: ReturnType<typeof spawn> | undefined;

  const startChild = () => {
    const startedAt = Date.now();
    const c = spawn(process.execPath, [...process.execArgv, BIN, 'worker'], {
      env: { ...process.env, DATABASE_URL: opts.databaseUrl },
      // The IPC channel closes if this process dies, even by SIGKILL: the worker then stops itself (no orphan).
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = c;
    exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.once('exit', (code, signal) => {
      if (stopping) return;
      restarts = Date.now() - startedAt >= STABLE_MS ? 1 : restarts + 1;
      if (restarts > MAX_RESTARTS) {
        logger.error({ code, signal }, 'the worker process keeps exiting; giving up');
        opts.onGiveUp();
        return;
      }
      const inMs = Math.min(30_000, 1000 * 2 ** (restarts - 1));
      logger.warn({ code, signal, inMs }, 'the worker process exited; starting it again');
      timer = setTimeout(startChild, inMs);
    });
    logger.info({ workerPid: c.pid }, restarts === 0 ? 'worker process started' : 'worker process restarted');
  };
  startChild();

  return async () => {
    stopping = true;
    clearTimeout(timer);
    const c = child;
    // On Ctrl-C the terminal signals the worker too; otherwise (SIGTERM to this process) pass it on.
    if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    const kill = setTimeout(() => c?.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(kill);
  };
}
