import { afterAll, beforeAll } from 'vitest';
import { createAccount } from '../accounts/service.ts';
import type { ActionDefinition } from '../actions/definitions.ts';
import { listen } from '../app.ts';
import type { ServerDeps } from '../deps.ts';
import { type Env, parseEnv } from '../env.ts';
import { createLogger } from '../logger.ts';
import { closeServerDeps, createServerDeps } from '../server.ts';
import { apiCaller } from '../webhooks/testHelpers.ts';
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

/** The {@link TestServer} of one test file, with a REST caller holding its admin key. */
export interface FileServer extends TestServer {
  call: ReturnType<typeof apiCaller>;
}

/**
 * Starts a {@link TestServer} before the file's tests and closes it after them (call it at the top of the file).
 * What it returns reads through to that server, so it can be held in a `const` before the server starts.
 */
export function serverForFile(
  env: Record<string, string> = {},
  opts: { actions?: readonly ActionDefinition[] } = {},
): FileServer {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startTestServer(env, opts);
  });
  afterAll(() => started?.close());
  const srv = late(() => started, 'the test server');
  return late(() => started, 'the test server', { call: apiCaller(srv) });
}

/**
 * Stands for an object a `beforeAll` makes: every property read or write goes to what `current` returns then, so a
 * test file can hold it in a `const` at the top (and spread it in a test). `own` holds properties of its own, which
 * can be read before the object exists. Throws, naming `what`, when it is used before it exists.
 */
export function late<T extends object, O extends object = Record<never, never>>(
  current: () => T | undefined,
  what: string,
  own?: O,
): T & O {
  const mine = (own ?? {}) as O;
  const ours = (key: string | symbol) => Object.hasOwn(mine, key);
  const target = (): T => {
    const value = current();
    if (!value) throw new Error(`${what} is made in beforeAll: use it inside a test or hook`);
    return value;
  };
  return new Proxy({} as T & O, {
    get: (_, key) => {
      if (ours(key)) return Reflect.get(mine, key);
      const real = target();
      const value = Reflect.get(real, key);
      // A method runs on the real object: a class instance may keep state a proxy cannot reach (#private fields).
      return typeof value === 'function' ? value.bind(real) : value;
    },
    set: (_, key, value) => Reflect.set(ours(key) ? mine : target(), key, value),
    has: (_, key) => ours(key) || Reflect.has(target(), key),
    ownKeys: () => [...new Set([...Reflect.ownKeys(target()), ...Reflect.ownKeys(mine)])],
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(ours(key) ? mine : target(), key);
      return d && { ...d, configurable: true };
    },
  });
}
