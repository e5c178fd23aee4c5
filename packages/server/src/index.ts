/** The Switchyard API server. */

export {
  type CreatedAccount,
  createAccount,
  createOrganisation,
  findDefaultAccount,
} from './accounts/service.ts';
export * from './actions/definitions.ts';
export { SCOPES, type Scope } from './apiKeys/scopes.ts';
export { createApiKey } from './apiKeys/service.ts';
export { listen, type RunningServer } from './app.ts';
export type { ServerDeps } from './deps.ts';
export { Env, outboundPolicy, parseDurationList, parseEnv } from './env.ts';
export { AppError } from './errors.ts';
export { type EventConsumer, eventConsumers, type StoredEvent } from './events/consumers.ts';
export { emitEvent, type NewEvent } from './events/service.ts';
export { createLogger, type Logger } from './logger.ts';
export { buildOpenApiDocument } from './openapi.ts';
export { createPortalSession } from './portal/service.ts';
export { type AppRouter, appRouter } from './router.ts';
export { closeServerDeps, createServerDeps } from './server.ts';
export { findTriggeredWorkflows, triggerConditionsHold } from './workflows/triggers.ts';
