/** The Switchyard API server. */

export {
  type CreatedAccount,
  createAccount,
  createOrganisation,
  findDefaultAccount,
} from './accounts/service.ts';
export * from './actions/index.ts';
export { SCOPES, type Scope } from './apiKeys/scopes.ts';
export { createApiKey } from './apiKeys/service.ts';
export { listen, type RunningServer } from './app.ts';
export { type AttemptOutcome, attemptDelivery } from './deliveries/attempt.ts';
export { sendFailedDeliveriesNotice } from './deliveries/failedNotice.ts';
export { sendFailureNotice } from './deliveries/notice.ts';
export { type RetryPolicy, retryPolicyFromEnv } from './deliveries/schedule.ts';
export type { ServerDeps } from './deps.ts';
export { Env, parseEnv } from './env.ts';
export { AppError } from './errors.ts';
export { type EventConsumer, eventConsumers, type StoredEvent } from './events/consumers.ts';
export { emitEvent, type NewEvent } from './events/service.ts';
export { runStep, type StepOutcome, startExecution, stepJobKey } from './executions/engine.ts';
export { createLogger, type Logger } from './logger.ts';
export * from './mail/mailer.ts';
export { buildOpenApiDocument } from './openapi.ts';
export * from './outbound/index.ts';
export { createPortalSession } from './portal/service.ts';
export { type AppRouter, appRouter } from './router.ts';
export { closeServerDeps, createServerDeps } from './server.ts';
export { findTriggeredWorkflows, triggerConditionsHold } from './workflows/triggers.ts';
