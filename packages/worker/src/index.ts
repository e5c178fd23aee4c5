/** The Switchyard worker: graphile-worker tasks for deliveries, workflow steps and actions. */
export { defineTask, type TaskDefinition } from './defineTask.ts';
export type { WorkerDeps } from './deps.ts';
export { NonRetriableError, RetryAfterError } from './errors.ts';
export { type RunningWorker, startWorker, type WorkerOptions } from './main.ts';
