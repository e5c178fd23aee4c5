import { NonRetriableError } from '@switchyard/core';
import { z } from 'zod';
import { connectionProblems } from '../connections/service.ts';
import { findConnection, openCredentials } from '../connections/store.ts';
import { sendHostRequest } from './hostRequest.ts';
import type { ActionContext, ActionProvider } from './provider.ts';

/** `create_task`: `title` (required), `description`, `due_in_days`, `assignee`, `entity`, `entity_id`, and more. */
export const CreateTaskConfig = z.looseObject({
  title: z.string().min(1, 'title is required'),
  description: z.string().optional(),
  due_in_days: z.number().int().min(0).optional(),
  assignee: z.string().optional(),
  entity: z.string().optional(),
  entity_id: z.string().optional(),
  connection_id: z.string().optional(),
});
/** `update_field`: `field` (required), `value`, `entity`, `entity_id`, and more. */
export const UpdateFieldConfig = z.looseObject({
  field: z.string().min(1, 'field is required'),
  value: z.unknown(),
  entity: z.string().optional(),
  entity_id: z.string().optional(),
  connection_id: z.string().optional(),
});

/**
 * The host app owns its tasks and records: these actions ask it to act, with a request to its host endpoint signed
 * like our webhooks. Its answer (JSON when it is) is the step's output; 4xx fails the step at once, 5xx is retried.
 * The message id is the same on every retry of one step, so the host can deduplicate. A host running the worker with
 * its own code may register an in-process provider of the same type instead (`startWorker({ actions })`).
 */
function hostAction<C extends { connection_id?: string }>(
  type: string,
  actionType: string,
  schema: z.ZodType<C>,
): ActionProvider<C> {
  return {
    type,
    ruleActionType: actionType,
    configSchema: schema,
    validate: (config, { em, accountId, publish }) =>
      connectionProblems(em, accountId, ['host_endpoint'], config.connection_id, { publish }),
    async execute(config, ctx: ActionContext) {
      const conn = await findConnection(ctx.em, ctx.accountId, ['host_endpoint'], {
        id: config.connection_id,
      });
      if (!conn) throw new NonRetriableError(`${actionType}: the account has no host_endpoint connection`);
      const { connection_id: _c, ...action } = config;
      const answer = await sendHostRequest(
        ctx.deps,
        {
          url: String(conn.settings.url),
          signingSecret: openCredentials(ctx.deps.secretBox, conn).signing_secret ?? '',
        },
        {
          id: ctx.stepKey,
          type: actionType,
          data: {
            action,
            workflow_id: ctx.workflowId,
            execution_id: ctx.executionId,
            node_id: ctx.nodeId,
            attempt: ctx.attempt,
          },
        },
        ctx.signal,
      );
      return { output: { status: answer.status, body: answer.body } };
    },
  };
}

export const createTaskAction = hostAction('CreateTask', 'create_task', CreateTaskConfig);
export const updateFieldAction = hostAction('UpdateField', 'update_field', UpdateFieldConfig);
