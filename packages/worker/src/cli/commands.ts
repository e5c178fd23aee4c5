// The API's commands: this module loads the HTTP stack, so `switchyard worker` never imports it (see workerCommand.ts).
import {
  closeServerDeps,
  createApiKey,
  createLogger,
  createOrganisation,
  createServerDeps,
  type Env,
  findDefaultAccount,
  listen,
  SCOPES,
} from '@switchyard/server';
import { migrate } from '@switchyard/server/db';
import type { Logger } from 'pino';
import { resolveDatabase } from './database.ts';
import { CliError } from './errors.ts';
import { printPortalLink } from './portalLink.ts';
import { type Stop, stopOnSignal } from './signals.ts';
import { superviseWorkerProcess } from './supervisor.ts';

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
  if (bad.length) {
    throw new CliError(
      `Unknown scope(s): ${bad.join(', ')}`,
      `use some of ${SCOPES.join(', ')} (e.g. --scopes users:read,events:write)`,
    );
  }
  const db = await resolveDatabase(env, logger);
  let deps: Awaited<ReturnType<typeof createServerDeps>> | undefined;
  try {
    deps = await createServerDeps({ ...env, DATABASE_URL: db.url }, logger, { poolSize: 2 });
    await migrate(db.url);
    const em = deps.orm.em.fork();
    const accountId = opts.accountId ?? (await findDefaultAccount(em))?.id;
    if (!accountId) {
      throw new CliError(
        'there is no account yet',
        'run `switchyard start` once (it creates one), or pass --account <id>',
      );
    }
    if (opts.accountId && !/^[0-9a-f-]{36}$/i.test(opts.accountId)) {
      throw new CliError(
        `--account ${opts.accountId} is not an account id`,
        'pass the uuid printed by `switchyard start`',
      );
    }
    const { apiKey, key } = await createApiKey(em, accountId, { name: opts.name, scopes: opts.scopes });
    process.stdout.write(`${key}\n`);
    process.stderr.write(
      `Key ${apiKey.id} (${opts.scopes.join(', ')}) for account ${accountId}. It is shown once.\n`,
    );
  } catch (err) {
    // An account id that names no account breaks the key's foreign key.
    if ((err as { code?: string }).code === '23503') {
      throw new CliError(
        `no account has the id ${opts.accountId}`,
        'pass the id of an existing account, or leave --account out',
      );
    }
    throw err;
  } finally {
    if (deps) await closeServerDeps(deps);
    await db.stop();
  }
}

/** Runs the API server until a signal; the database must be migrated. The stop function carries its URL. */
async function runServer(
  env: Env & { DATABASE_URL: string },
  logger: Logger,
): Promise<Stop & { url: string }> {
  const deps = await createServerDeps(env, logger);
  let server: Awaited<ReturnType<typeof listen>>;
  try {
    server = await listen(deps, env.HOST, env.PORT, env.PUBLIC_URL);
  } catch (err) {
    await closeServerDeps(deps);
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw new CliError(
        `port ${env.PORT} on ${env.HOST} is in use`,
        'stop what listens there, or choose another port: PORT=3001 pnpm start',
      );
    }
    throw err;
  }
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
  const stopServer = await runServer({ ...env, DATABASE_URL: db.url }, logger).catch(async (err: unknown) => {
    await db.stop().catch(() => {});
    throw err;
  });
  await stopOnSignal(logger, [
    ['server', stopServer],
    ['database', db.stop],
  ]);
}

/**
 * `switchyard start` (what `pnpm start` runs): the database (embedded when DATABASE_URL is unset), migrations, a
 * default organisation with a live and a test account and their printed keys on first start, then the API server in
 * this process and a worker as a second process (`switchyard worker`), as production runs them, restarted with
 * backoff if it dies. Ctrl-C stops the server, then the worker, then the database.
 */
export async function startCommand(env: Env): Promise<void> {
  const logger = createLogger(env.LOG_LEVEL, 'switchyard');
  const db = await resolveDatabase(env, logger);
  const full = { ...env, DATABASE_URL: db.url };
  let stopServer: Stop & { url: string };
  try {
    const { applied } = await migrate(db.url);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    await ensureDefaultAccount(full, logger);
    stopServer = await runServer(full, logger);
    await printPortalLink(full, logger, env.PUBLIC_URL ?? stopServer.url);
  } catch (err) {
    await db.stop().catch(() => {});
    throw err;
  }
  let giveUp: (err: Error) => void = () => {};
  const gaveUp = new Promise<Error>((resolve) => {
    giveUp = resolve;
  });
  const stopWorker = superviseWorkerProcess({
    databaseUrl: db.url,
    logger,
    onGiveUp: () => giveUp(new Error('the worker process keeps exiting')),
  });
  await stopOnSignal(
    logger,
    [
      ['server', stopServer],
      ['worker', stopWorker],
      ['database', db.stop],
    ],
    gaveUp,
  );
}

async function ensureDefaultAccount(env: Env & { DATABASE_URL: string }, logger: Logger): Promise<void> {
  const deps = await createServerDeps(env, logger, { poolSize: 2 });
  try {
    const em = deps.orm.em.fork();
    if (await findDefaultAccount(em)) return;
    const { live, test } = await createOrganisation(em, { name: 'Default account' });
    process.stdout.write(
      [
        '',
        'Created the default organisation with a live and a test environment. Their keys (shown only this once):',
        '',
        `    live  secret       ${live.apiKey}`,
        `    live  publishable  ${live.publishableKey}`,
        `    test  secret       ${test.apiKey}`,
        `    test  publishable  ${test.publishableKey}`,
        '',
        `Live account id: ${live.account.id}, test account id: ${test.account.id}.`,
        'More keys: pnpm switchyard keys create --name <name> --scopes <a,b> [--account <id>]',
        '',
      ].join('\n'),
    );
  } finally {
    await closeServerDeps(deps);
  }
}
