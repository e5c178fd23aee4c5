import { ActionRegistry } from '@switchyard/core';
import {
  closeServerDeps,
  createServerDeps,
  type Env,
  type Logger,
  type ServerDepsOptions,
} from '@switchyard/server/db';
import { builtInActions } from './actions/builtins.ts';
import type { ActionProvider } from './actions/provider.ts';
import type { WorkerDeps } from './deps.ts';
import { createSystemMailer } from './mail/mailer.ts';
import { createOutbound } from './outbound/client.ts';

/** Options for {@link createWorkerDeps}: the server's, the host's own actions being providers. */
export type WorkerDepsOptions = ServerDepsOptions<ActionProvider>;

/** Opens what a worker process shares: the persistence layer's services, the outbound client, the mailer. */
export async function createWorkerDeps(
  env: Env & { DATABASE_URL: string },
  logger: Logger,
  opts: WorkerDepsOptions = {},
): Promise<WorkerDeps> {
  // The providers make the worker's own registry (below), not the shared deps' definitions.
  const { actions: own = [], ...serverOpts } = opts;
  const base = await createServerDeps(env, logger, serverOpts);
  const actions = new ActionRegistry<ActionProvider>([...builtInActions(), ...own]);
  return { ...base, actions, outbound: createOutbound(env), mailer: createSystemMailer(env) };
}

/** Closes what {@link createWorkerDeps} opened. */
export async function closeWorkerDeps(deps: WorkerDeps): Promise<void> {
  await closeServerDeps(deps);
  await deps.outbound.close();
  deps.mailer?.close();
}
