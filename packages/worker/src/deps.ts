import type { ServerDeps } from '@switchyard/server';

/**
 * What every task of a worker process shares. It is the server's set of services (ORM, outbound HTTP, secret box,
 * mailer, logger…), built by the same `createServerDeps`, so a task and an API call see one configuration.
 */
export type WorkerDeps = ServerDeps;
