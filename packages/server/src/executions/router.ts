import { resource, withChildren } from '../routes.ts';
import { router } from '../trpc.ts';
import { workflowOutput } from '../workflows/output.ts';
import { toExecutionOutput } from './mapper.ts';
import {
  ExecuteWorkflowInput,
  ExecuteWorkflowResponse,
  ExecutionIdInput,
  ExecutionOutput,
  ListExecutionsInput,
  StopExecutionsInput,
  StopExecutionsResponse,
  TriggerInput,
  TriggerResponse,
} from './schema.ts';
import {
  executeWorkflow,
  getExecution,
  listExecutions,
  rerunExecution,
  startWaiting,
  stopByEvent,
  stopOne,
  trigger,
} from './service.ts';

const tag = 'Executions';

/** An execution, with every step when fetched alone. */
const toOutput = withChildren(toExecutionOutput);

const executions = resource(
  { tag, path: '/executions/{id}', read: 'executions:read', write: 'executions:write' },
  ExecutionOutput,
  toOutput,
);

/** Executions: `/v1/executions`, stop events, stop, start and rerun. */
export const executionsRouter = router({
  list: executions.list('List executions, newest first', ListExecutionsInput, listExecutions),
  get: executions.get(
    'Fetch an execution with every step: state, attempts, output and error',
    ExecutionIdInput,
    getExecution,
  ),
  stopByEvent: executions
    .write(
      {
        method: 'POST',
        path: '/executions/stop',
        summary: 'Stop the running executions of a stop event',
        description:
          "Stops the user's running (or waiting) executions of workflows whose stop event is `stop_event` and whose " +
          'data matches every `filters` pair: their queued steps are removed and nothing more is scheduled.',
      },
      StopExecutionsInput,
      StopExecutionsResponse,
    )
    .mutation(async ({ ctx, input }) => {
      const ids = await stopByEvent(ctx.em, ctx.auth.account.id, input);
      return { data: { stopped: ids.length, execution_ids: ids } };
    }),
  stop: executions.change(
    {
      method: 'POST',
      path: '/executions/{id}/stop',
      summary: 'Stop one execution',
      conflict: 'conflict: the execution has finished already',
    },
    ExecutionIdInput,
    (ctx, input) => stopOne(ctx.em, ctx.auth.account.id, input.id),
  ),
  start: executions.change(
    {
      method: 'POST',
      path: '/executions/{id}/start',
      summary: 'Start an execution waiting for a manual start (auto_start off)',
      conflict: 'conflict: the execution is not waiting',
    },
    ExecutionIdInput,
    (ctx, input) => startWaiting(ctx.em, ctx.auth.account.id, input.id),
  ),
  rerun: executions.change(
    {
      method: 'POST',
      path: '/executions/{id}/rerun',
      summary: 'Run a failed execution again from its failed step',
      conflict: 'conflict: the execution has not failed',
    },
    ExecutionIdInput,
    (ctx, input) => rerunExecution(ctx.em, ctx.auth.account.id, input.id),
  ),
});

/** Starting workflows by hand: `POST /v1/trigger` and `POST /v1/workflows/{id}/execute`. */
export const triggerRouter = router({
  trigger: executions
    .write(
      {
        method: 'POST',
        path: '/trigger',
        summary: 'Trigger workflows: by event, by ids or keys, or all of a user’s',
        status: 202,
        notFound: true,
      },
      TriggerInput,
      TriggerResponse,
    )
    .mutation(async ({ ctx, input }) => {
      const { eventId, results } = await trigger(ctx.em, ctx.deps, ctx.auth.account.id, input);
      return {
        data: {
          event_id: eventId,
          executions: results.map((r) => ({
            workflow_id: r.workflowId,
            execution_id: r.executionId,
            status: r.status,
            reason: r.reason ?? null,
          })),
        },
      };
    }),
  execute: executions
    .write(
      {
        method: 'POST',
        path: '/workflows/{id}/execute',
        summary: 'Execute a workflow now',
        description:
          'Runs the published template now with execution_data. Address the workflow by key with id_type=key ' +
          '(query string or body; within user_key, default main). Answers the workflow, with its stats.',
        status: 202,
        notFound: true,
      },
      ExecuteWorkflowInput,
      ExecuteWorkflowResponse,
    )
    .mutation(async ({ ctx, input }) => {
      const { workflow, executionId } = await executeWorkflow(ctx.em, ctx.deps, ctx.auth.account.id, input);
      // The workflow as every other workflow response answers it, with its per-node stats.
      return { data: { ...(await workflowOutput(ctx, workflow)), execution_id: executionId } };
    }),
});
