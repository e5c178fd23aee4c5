import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  closeServerDeps,
  createAccount,
  createApiKey,
  createLogger,
  createServerDeps,
  type Env,
  findDefaultAccount,
  listen,
  SCOPES,
} from '@switchyard/server';
import { migrate } from '@switchyard/server/db';
import type { Logger } from 'pino';
import { startWorker } from '../main.ts';
import { resolveDatabase } from './database.ts';
import { printPortalLink } from './portalLink.ts';

type Stop = () => Promise<void>;
type NamedStop = [name: string, stop: Stop];

/** Waits for SIGINT or SIGTERM, then runs `stops` in order (a second signal exits at once). */
function stopOnSignal(logger: Logger, stops: NamedStop[]): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = async (signal: NodeJS.Signals) => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info({ signal }, 'shutting down');
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
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

/** `switchyard migrate`: applies Switchyard's and graphile-worker's migrations. */
export async function migrateCommand(env: Env): Promise<void> {
  const logger = createLogger(env.LOG_LEVEL, 'migrate');
  const db = await resolveDatabase(env, logger);
  try {
    const { applied } = await migrate(db.url);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'database is up to date');
  } finally {
    await db.stop();
  }
}

/** `switchyard keys create`: prints a new API key for the default account (or `--account`). */
export async function keysCreateCommand(
  env: Env,
  opts: { name: string; scopes: string[]; accountId?: string },
): Promise<void> {
  const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL, 'keys');
  const bad = opts.scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad.length) throw new Error(`Unknown scope(s): ${bad.join(', ')}. Known: ${SCOPES.join(', ')}`);
  const db = await resolveDatabase(env, logger);
  const deps = await createServerDeps({ ...env, DATABASE_URL: db.url }, logger);
  try {
    await migrate(db.url);
    const em = deps.orm.em.fork();
    const accountId = opts.accountId ?? (await findDefaultAccount(em))?.id;
    if (!accountId) throw new Error('No account yet: run `switchyard start` once, or pass --account <id>.');
    const { apiKey, key } = await createApiKey(em, accountId, { name: opts.name, scopes: opts.scopes });
    process.stdout.write(`${key}\n`);
    process.stderr.write(
      `Key ${apiKey.id} (${opts.scopes.join(', ')}) for account ${accountId}. It is shown once.\n`,
    );
  } finally {
    await closeServerDeps(deps);
    await db.stop();
  }
}

/** Runs the API server until a signal; the database must be migrated. The stop function carries its URL. */
async function runServer(
  env: Env & { DATABASE_URL: string },
  logger: Logger,
): Promise<Stop & { url: string }> {
  const deps = await createServerDeps(env, logger);
  const server = await listen(deps, env.HOST, env.PORT, env.PUBLIC_URL);
  logger.info({ url: server.url, docs: `${server.url}/docs` }, 'API server listening');
  const stop = async () => {
    await server.close();
    await closeServerDeps(deps);
  };
  return Object.assign(stop, { url: server.url });
}

/** `switchyard serve`: the API server alone (run workers as separate processes). */
export async function serveCommand(env: Env): Promise<void> {
  const logger = createLogger(env.LOG_LEVEL, 'server');
  const db = await resolveDatabase(env, logger);
  const stopServer = await runServer({ ...env, DATABASE_URL: db.url }, logger);
  await stopOnSignal(logger, [
    ['server', stopServer],
    ['database', db.stop],
  ]);
}

/** `switchyard worker`: graphile-worker over the job catalog; any number may run beside the server. */
export async function workerCommand(env: Env): Promise<void> {
  const logger = createLogger(env.LOG_LEVEL, 'worker');
  const db = await resolveDatabase(env, logger);
  const worker = await startWorker({ env: { ...env, DATABASE_URL: db.url }, logger });
  logger.info({ concurrency: env.WORKER_CONCURRENCY }, 'worker running');
  // Started by `switchyard start`: stop when that process goes away, however it went.
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  }
  await stopOnSignal(logger, [
    ['worker', worker.stop],
    ['database', db.stop],
  ]);
}

/**
 * `switchyard start` (what `pnpm start` runs): the database (embedded when DATABASE_URL is unset), migrations, a
 * default account with a printed admin key on first start, then the API server in this process and a worker as a
 * second process (`switchyard worker`), as production runs them. Ctrl-C stops the server, then the worker, then the
 * database.
 */
export async function startCommand(env: Env): Promise<void> {
  const logger = createLogger(env.LOG_LEVEL, 'switchyard');
  const db = await resolveDatabase(env, logger);
  const full = { ...env, DATABASE_URL: db.url };
  const { applied } = await migrate(db.url);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  await ensureDefaultAccount(full, logger);
  const stopServer = await runServer(full, logger);
  await printPortalLink(full, logger, env.PUBLIC_URL ?? stopServer.url);
  const stopWorker = spawnWorkerProcess(db.url, logger);
  await stopOnSignal(logger, [
    ['server', stopServer],
    ['worker', stopWorker],
    ['database', db.stop],
  ]);
}

const BIN = fileURLToPath(new URL('../bin/switchyard.ts', import.meta.url));

/**
 * Runs `switchyard worker` as a child process on `databaseUrl`. Its logs go to this terminal. If it dies on its own,
 * this process shuts down too (exit code 1) rather than serve an API whose work never runs.
 */
function spawnWorkerProcess(databaseUrl: string, logger: Logger): Stop {
  const child = spawn(process.execPath, [...process.execArgv, BIN, 'worker'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    // The IPC channel closes if this process dies, even by SIGKILL: the worker then stops itself (no orphan).
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    if (stopping) return;
    logger.error({ code, signal }, 'the worker process exited; shutting down');
    process.exitCode = 1;
    process.kill(process.pid, 'SIGTERM');
  });
  logger.info({ workerPid: child.pid }, 'worker process started');
  return async () => {
    stopping = true;
    // On Ctrl-C the terminal signals the worker too; otherwise (SIGTERM to this process) pass it on.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
}

async function ensureDefaultAccount(env: Env & { DATABASE_URL: string }, logger: Logger): Promise<void> {
  const deps = await createServerDeps(env, logger, { poolSize: 2 });
  try {
    const em = deps.orm.em.fork();
    if (await findDefaultAccount(em)) return;
    const { account, apiKey } = await createAccount(em, { name: 'Default account' });
    process.stdout.write(
      [
        '',
        'Created the default account. Its admin API key (shown only this once):',
        '',
        `    ${apiKey}`,
        '',
        `Account id: ${account.id}. More keys: pnpm switchyard keys create --name <name> --scopes <a,b>`,
        '',
      ].join('\n'),
    );
  } finally {
    await closeServerDeps(deps);
  }
}
