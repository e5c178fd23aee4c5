import { createAccount } from '../accounts/service.ts';
import type { ActionDefinition } from '../actions/definitions.ts';
import { listen } from '../app.ts';
import type { ServerDeps } from '../deps.ts';
import { type Env, parseEnv } from '../env.ts';
import { createLogger } from '../logger.ts';
import { closeServerDeps, createServerDeps } from '../server.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

/** A real server on a random port, on its own database, with one account and its admin key. */
export interface TestServer {
  url: string;
  apiKey: string;
  accountId: string;
  deps: ServerDeps;
  db: TestDatabase;
  close(): Promise<void>;
}

/** Starts a {@link TestServer}; `env` overrides settings (e.g. a low rate limit). */
export async function startTestServer(
  env: Record<string, string> = {},
  opts: { actions?: readonly ActionDefinition[] } = {},
): Promise<TestServer> {
  const db = await createTestDatabase();
  const parsed = parseEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    OUTBOUND_ALLOW_HTTP: 'true',
    OUTBOUND_ALLOWLIST: '127.0.0.1,localhost,::1',
    ...env,
    DATABASE_URL: db.url,
  }) as Env & { DATABASE_URL: string };
  const deps = await createServerDeps(parsed, createLogger('silent', 'test'), { actions: opts.actions });
  const { account, apiKey } = await createAccount(deps.orm.em.fork(), { name: 'Test account' });
  const server = await listen(deps, '127.0.0.1', 0);
  return {
    url: server.url,
    apiKey,
    accountId: account.id,
    deps,
    db,
    async close() {
      await server.close();
      await closeServerDeps(deps);
      await db.drop();
    },
  };
}
