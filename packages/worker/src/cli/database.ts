import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '@switchyard/server/db';
import { ensureDatabase, withDatabase } from '@switchyard/server/db';
import type { Logger } from 'pino';
import { startEmbeddedPostgres } from '../embedded.ts';
import { CliError } from './errors.ts';

/** The database a command runs against, and how to let go of it. */
export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

const EMBEDDED_DB = 'switchyard';
const EMBEDDED_URL = (port: number) => `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;

/** What `DATA_DIR/postgres.json` records while a command runs the embedded database. */
interface EmbeddedState {
  url: string;
  ownerPid: number;
  postgresPid?: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is a live PostgreSQL server (on Linux its name says so; elsewhere being alive has to do). */
function isPostgres(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('postgres');
  } catch {
    return true;
  }
}

/** The PostgreSQL running on `dir`, from its own lock file (pid on line 1, port on line 4), if one runs. */
function runningOn(dir: string): { pid: number; port: number } | null {
  const lock = path.join(dir, 'postmaster.pid');
  if (!existsSync(lock)) return null;
  const [pid, , , port] = readFileSync(lock, 'utf8')
    .split('\n')
    .map((l) => l.trim());
  const found = { pid: Number(pid), port: Number(port) };
  return Number.isInteger(found.pid) && found.pid > 0 && isPostgres(found.pid) ? found : null;
}

/** Whether `pid` is a live switchyard command (not just any process that got the number since). */
function isSwitchyard(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('switchyard');
  } catch {
    return true;
  }
}

function readState(file: string): EmbeddedState | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as EmbeddedState;
  } catch {
    return null;
  }
}

/** Stops a PostgreSQL nobody owns any more: a fast shutdown (SIGINT), then an immediate one (SIGQUIT). */
async function stopOrphan(pid: number, dir: string): Promise<void> {
  for (const [signal, waitMs] of [
    ['SIGINT', 20_000],
    ['SIGQUIT', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const end = Date.now() + waitMs;
    while (Date.now() < end) {
      if (!alive(pid)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new CliError(
    `the PostgreSQL left running on ${dir} (pid ${pid}) does not stop`,
    `stop it yourself (kill -9 ${pid}), then run the command again`,
  );
}

/**
 * `DATABASE_URL` when set. Otherwise the embedded PostgreSQL kept under `DATA_DIR/postgres`:
 * - already running for a live `switchyard` process (e.g. `pnpm start`): used as it is, and left running;
 * - left running by a process that is gone (a `start` killed with kill -9): stopped and started again, said in one
 *   line, then owned by this process;
 * - not running: started (created on first use), owned by this process and stopped by `stop()`.
 * The owner records where it listens in `DATA_DIR/postgres.json`, which the other commands read.
 */
export async function resolveDatabase(env: Env, logger: Logger): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: false, stop: async () => {} };
  const dir = path.resolve(env.DATA_DIR, 'postgres');
  const stateFile = path.resolve(env.DATA_DIR, 'postgres.json');
  for (let tries = 0; ; tries++) {
    const running = runningOn(dir);
    if (running) {
      const state = readState(stateFile);
      if (state && state.ownerPid !== process.pid && isSwitchyard(state.ownerPid)) {
        logger.info(
          { ownerPid: state.ownerPid, port: running.port },
          'using the embedded PostgreSQL another switchyard process runs on DATA_DIR',
        );
        const url = await ensureDatabase(EMBEDDED_URL(running.port), EMBEDDED_DB);
        return { url, embedded: true, stop: async () => {} };
      }
      logger.warn(
        { pid: running.pid, dir },
        'found the embedded PostgreSQL of a run that ended without stopping it; restarting it',
      );
      await stopOrphan(running.pid, dir);
    }
    logger.info({ dir }, 'DATABASE_URL is unset: starting the embedded PostgreSQL');
    try {
      const db = await startEmbeddedPostgres(dir, { persistent: true });
      const pid = runningOn(dir)?.pid;
      const state: EmbeddedState = { url: db.url, ownerPid: process.pid, postgresPid: pid };
      await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
      const url = await ensureDatabase(db.url, EMBEDDED_DB);
      return {
        url,
        embedded: true,
        stop: async () => {
          await db.stop();
          await rm(stateFile, { force: true });
        },
      };
    } catch (err) {
      // Another command started it a moment ago (PostgreSQL's lock file says so): use that one.
      if (tries === 0 && runningOn(dir)) {
        // …and give it the moment it needs to record itself as the owner.
        await new Promise((r) => setTimeout(r, 2_000));
        continue;
      }
      throw new CliError(
        (err as Error).message,
        `check that ${dir} is a PostgreSQL data folder this user may use; or set DATABASE_URL to use another database`,
      );
    }
  }
}

/** The `postgres` database of a connection string, for messages. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(withDatabase(url, 'postgres'));
    return `${u.hostname}:${u.port || 5432}`;
  } catch {
    return 'the database';
  }
}
