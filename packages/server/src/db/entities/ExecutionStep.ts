import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { StepState } from '@switchyard/core';
import { timestamps, uuidId } from './columns.ts';

/** One node of one execution: its state, attempts, when it runs, and what it produced or why it failed. */
export const ExecutionStep = defineEntity({
  name: 'ExecutionStep',
  tableName: 'execution_steps',
  properties: {
    ...uuidId(),
    executionId: p.uuid(),
    nodeId: p.text(),
    type: p.text(),
    status: p.text().$type<StepState>().default('pending'),
    attempts: p.integer().default(0),
    runAt: p.datetime().nullable(),
    output: p.json<unknown>().nullable(),
    error: p.json<unknown>().nullable(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
    ...timestamps(),
  },
});
export type ExecutionStep = InferEntity<typeof ExecutionStep>;
