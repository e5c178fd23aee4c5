import {
  closeServerDeps,
  createPortalSession,
  createServerDeps,
  type Env,
  findDefaultAccount,
} from '@switchyard/server';
import type { Logger } from 'pino';

/**
 * Prints a ready portal link for the default account's `main` user, so a newcomer opens the portal in one click.
 * The link is single use and lasts an hour, like any session link; a restart prints a new one.
 */
export async function printPortalLink(
  env: Env & { DATABASE_URL: string },
  logger: Logger,
  serverUrl: string,
): Promise<void> {
  const deps = await createServerDeps(env, logger, { poolSize: 2 });
  try {
    const em = deps.orm.em.fork();
    const account = await findDefaultAccount(em);
    if (!account) return;
    const { url } = await createPortalSession(
      em,
      deps,
      account.id,
      { user_key: 'main', expires_in: 3600, features: ['workflows', 'webhooks'] },
      serverUrl,
    );
    process.stdout.write(`\nPortal for the default user (opens once, for 1 hour):\n\n    ${url}\n\n`);
  } catch (err) {
    logger.warn({ err }, 'could not mint a portal link');
  } finally {
    await closeServerDeps(deps);
  }
}
