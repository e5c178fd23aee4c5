import { JOBS } from '@switchyard/core';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { housekeepingTasks } from './cron/index.ts';
import { handlerList, type TaskHandlers } from './defineTask.ts';
import { deliverWebhookTask } from './tasks/deliverWebhook.ts';
import { workTasks } from './tasks/index.ts';

// The job catalog drives the worker: one handler per job, checked by the compiler (the `@ts-expect-error` lines fail
// `pnpm build` if they ever compile) and here at run time.
describe('the task handlers', () => {
  it('are exactly the jobs of the catalog, each bound to its own name', () => {
    const handlers: TaskHandlers = { ...workTasks, ...housekeepingTasks({} as pg.Pool) };
    const list = handlerList(handlers);
    expect(list.map((t) => t.name).sort()).toEqual(Object.keys(JOBS).sort());
    for (const [name, task] of Object.entries(handlers)) expect(task.name).toBe(name);
  });

  it('do not compile without a handler for every job, or with one bound to another job', () => {
    // @ts-expect-error the housekeeping jobs have no handler here
    const missing: TaskHandlers = { ...workTasks };
    // @ts-expect-error the handler of deliver_webhook cannot stand for noop
    const wrong: Pick<TaskHandlers, 'noop'> = { noop: deliverWebhookTask };
    expect([missing, wrong]).toHaveLength(2);
  });
});
