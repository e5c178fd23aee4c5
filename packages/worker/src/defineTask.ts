import { type JobName, type JobPayload, parseJobPayload } from '@switchyard/core';
import type { JobHelpers, Task } from 'graphile-worker';
import type { WorkerDeps } from './deps.ts';

/** A task of the job catalog, bound to the worker's dependencies. */
export interface TaskDefinition<N extends JobName = JobName> {
  name: N;
  run(payload: JobPayload<N>, deps: WorkerDeps, helpers: JobHelpers): Promise<void>;
}

/** Declares the handler of catalog task `name`; its payload is parsed against the catalog before every run. */
export function defineTask<N extends JobName>(
  name: N,
  run: (payload: JobPayload<N>, deps: WorkerDeps, helpers: JobHelpers) => Promise<void>,
): TaskDefinition<N> {
  return { name, run };
}

/**
 * One handler for every job of the catalog, by name: a job added to the catalog without a handler here does not
 * compile, nor does a handler bound to the wrong name.
 */
export type TaskHandlers = { readonly [N in JobName]: TaskDefinition<N> };

/** The jobs of the housekeeping crontab. */
export type HousekeepingJob = 'purge_idempotency_records' | 'apply_retention' | 'clean_up_job_queue';

/** The handlers as a list (a handler's payload type is its own job's; the list only needs the names). */
export function handlerList(handlers: Partial<TaskHandlers>): TaskDefinition[] {
  return Object.values(handlers) as TaskDefinition[];
}

/** graphile-worker's task list for some definitions. */
export function toTaskList(defs: readonly TaskDefinition[], deps: WorkerDeps): Record<string, Task> {
  return Object.fromEntries(
    defs.map((def) => [
      def.name,
      (async (raw, helpers) => {
        // A payload queued by older code may not fit today's schema: fail loudly rather than guess.
        const payload = parseJobPayload(def.name, raw);
        await def.run(payload as never, deps, helpers);
      }) satisfies Task,
    ]),
  );
}
