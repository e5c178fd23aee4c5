import { NonRetriableError } from '@switchyard/core';
import {
  createTaskDefinition,
  findConnection,
  type HostActionDefinition,
  openCredentials,
  updateFieldDefinition,
} from '@switchyard/server/db';
import { sendHostRequest } from './hostRequest.ts';
import type { ActionContext, ActionProvider } from './provider.ts';

/**
 * The host app owns its tasks and records: these actions ask it to act, with a request to its host endpoint signed
 * like our webhooks. Its answer (JSON when it is) is the step's output; 4xx fails the step at once, 5xx is retried.
 * The message id is the same on every retry of one step, so the host can deduplicate. A host running the worker with
 * its own code may register an in-process provider of the same type instead (`startWorker({ actions })`).
 */
function hostAction<C extends { connection_id?: string }>(
  definition: HostActionDefinition<C>,
): ActionProvider<C> {
  const actionType = definition.ruleActionType;
  return {
    ...definition,
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

export const createTaskAction = hostAction(createTaskDefinition);
export const updateFieldAction = hostAction(updateFieldDefinition);
