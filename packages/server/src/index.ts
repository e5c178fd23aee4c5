/** The Switchyard API server. */
export * from './actions/index.ts';
export { createAccount, findDefaultAccount } from './accounts/service.ts';
export { createApiKey } from './apiKeys/service.ts';
export { SCOPES, type Scope } from './apiKeys/scopes.ts';
export { listen, type RunningServer } from './app.ts';
export type { ServerDeps } from './deps.ts';
export { Env, parseEnv } from './env.ts';
export { AppError } from './errors.ts';
export { createLogger, type Logger } from './logger.ts';
export { type AppRouter, appRouter } from './router.ts';
export { closeServerDeps, createServerDeps } from './server.ts';
