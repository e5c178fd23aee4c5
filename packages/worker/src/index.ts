/** The Switchyard worker: graphile-worker tasks for deliveries, workflow steps and actions, and the action provider interface a host implements. */
export * from './actions/index.ts';
export { defineTask, type TaskDefinition } from './defineTask.ts';
export type { WorkerDeps } from './deps.ts';
export { NonRetriableError, RetryAfterError } from './errors.ts';
export { type RunningWorker, startWorker, type WorkerOptions } from './main.ts';
