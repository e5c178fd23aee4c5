/** The persistence layer the worker shares with the server: ORM, entities, migrations, transactional enqueue. */

// The built-in actions' definitions (type, rule action_type, settings schema), which the worker's providers extend.
export {
  type ActionDefinition,
  channelKindsFor,
  channelMessageDefinition,
  createTaskDefinition,
  type HostActionDefinition,
  sendEmailDefinition,
  updateFieldDefinition,
  webhookDefinition,
} from '../actions/definitions.ts';
export { type ConnectionCredentials, findConnection, openCredentials } from '../connections/store.ts';
export { deliveryJobKey } from '../deliveries/fanOut.ts';
export type { SecretBoxLike } from '../deliveries/ports.ts';
// What the worker's tasks share with the API beyond the tables: the domain writes a job makes (an event it emits,
// a delivery it retries, a connection it opens), none of which loads the HTTP stack.
export type { ServerDeps } from '../deps.ts';
export { type Env, parseEnv, urlPolicy } from '../env.ts';
export { emitEvent, type NewEvent } from '../events/service.ts';
export * from '../jobAnswers/sql.ts';
export { createLogger, type Logger } from '../logger.ts';
export { closeServerDeps, createServerDeps, type ServerDepsOptions } from '../server.ts';
export { isoUtc, readableInZone } from '../time.ts';
export { openHeaders, signingSecrets } from '../webhooks/secrets.ts';
export * from './admin.ts';
export * from './enqueue.ts';
export * from './entities/index.ts';
export * from './migrate.ts';
export * from './orm.ts';
export * from './pool.ts';
export * from './statement.ts';
