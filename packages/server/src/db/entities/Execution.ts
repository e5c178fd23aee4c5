import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { accountOwned, timestamps } from './columns.ts';

/**
 * Where an execution stands: `waiting` (its workflow does not auto-start), `running`, `completed`, `failed`,
 * `stopped`, or `skipped` (refused by the loop guard; it never ran).
 */
export type ExecutionStatus = 'waiting' | 'running' | 'completed' | 'failed' | 'stopped' | 'skipped';

/** One run of a workflow: the template version it runs, its merged data and one ExecutionStep per node. */
export const Execution = defineEntity({
  name: 'Execution',
  tableName: 'executions',
  properties: {
    ...accountOwned(),
    workflowId: p.uuid(),
    userKey: p.text().default('main'),
    status: p.text().$type<ExecutionStatus>(),
    template: p.json<Record<string, unknown>>(),
    data: p.json<Record<string, unknown>>(),
    eventId: p.uuid().nullable(),
    causedBy: p.json<string[]>(),
    stopEvent: p.text().nullable(),
    error: p.text().nullable(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
    ...timestamps(),
  },
});
export type Execution = InferEntity<typeof Execution>;
