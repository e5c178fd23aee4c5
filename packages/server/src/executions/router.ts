import type { AuthedContext } from '../context.ts';
import type { Execution, ExecutionStep } from '../db/entities/index.ts';
import { openapi } from '../openapiMeta.ts';
import { pageOf } from '../pagination.ts';
import { router, scopedProcedure } from '../trpc.ts';
import { toWorkflowOutput } from '../workflows/mapper.ts';
import { workflowStats } from '../workflows/stats.ts';
import { toExecutionOutput } from './mapper.ts';
import {
  ExecuteWorkflowInput,
  ExecuteWorkflowResponse,
  ExecutionIdInput,
  ExecutionListResponse,
  ExecutionResponse,
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

/** The answer of a route about one execution: it with every step, in the calling account's time zone. */
const withSteps = (ctx: AuthedContext, run: { execution: Execution; steps: ExecutionStep[] }) => ({
  data: toExecutionOutput(run.execution, ctx.auth.account.timeZone, run.steps),
});

/** Executions: `/v1/executions`, stop events, stop, start and rerun. */
export const executionsRouter = router({
  list: scopedProcedure('executions:read')
    .meta(openapi({ method: 'GET', path: '/executions', tag, summary: 'List executions, newest first' }))
    .input(ListExecutionsInput)
    .output(ExecutionListResponse)
    .query(async ({ ctx, input }) =>
      pageOf(await listExecutions(ctx.em, ctx.auth.account.id, input), (e) =>
        toExecutionOutput(e, ctx.auth.account.timeZone),
      ),
    ),
  get: scopedProcedure('executions:read')
    .meta(
      openapi({
        method: 'GET',
        path: '/executions/{id}',
        tag,
        summary: 'Fetch an execution with every step: state, attempts, output and error',
        notFound: true,
      }),
    )
    .input(ExecutionIdInput)
    .output(ExecutionResponse)
    .query(async ({ ctx, input }) => {
      return withSteps(ctx, await getExecution(ctx.em, ctx.auth.account.id, input.id));
    }),
  stopByEvent: scopedProcedure('executions:write')
    .meta(
      openapi({
        method: 'POST',
        path: '/executions/stop',
        tag,
        summary: 'Stop the running executions of a stop event',
        description:
          "Stops the user's running (or waiting) executions of workflows whose stop event is `stop_event` and whose " +
          'data matches every `filters` pair: their queued steps are removed and nothing more is scheduled.',
      }),
    )
    .input(StopExecutionsInput)
    .output(StopExecutionsResponse)
    .mutation(async ({ ctx, input }) => {
      const ids = await stopByEvent(ctx.em, ctx.auth.account.id, input);
      return { data: { stopped: ids.length, execution_ids: ids } };
    }),
  stop: scopedProcedure('executions:write')
    .meta(
      openapi({
        method: 'POST',
        path: '/executions/{id}/stop',
        tag,
        summary: 'Stop one execution',
        notFound: true,
        conflict: 'conflict: the execution has finished already',
      }),
    )
    .input(ExecutionIdInput)
    .output(ExecutionResponse)
    .mutation(async ({ ctx, input }) => {
      return withSteps(ctx, await stopOne(ctx.em, ctx.auth.account.id, input.id));
    }),
  start: scopedProcedure('executions:write')
    .meta(
      openapi({
        method: 'POST',
        path: '/executions/{id}/start',
        tag,
        summary: 'Start an execution waiting for a manual start (auto_start off)',
        notFound: true,
        conflict: 'conflict: the execution is not waiting',
      }),
    )
    .input(ExecutionIdInput)
    .output(ExecutionResponse)
    .mutation(async ({ ctx, input }) => {
      return withSteps(ctx, await startWaiting(ctx.em, ctx.auth.account.id, input.id));
    }),
  rerun: scopedProcedure('executions:write')
    .meta(
      openapi({
        method: 'POST',
        path: '/executions/{id}/rerun',
        tag,
        summary: 'Run a failed execution again from its failed step',
        notFound: true,
        conflict: 'conflict: the execution has not failed',
      }),
    )
    .input(ExecutionIdInput)
    .output(ExecutionResponse)
    .mutation(async ({ ctx, input }) => {
      return withSteps(ctx, await rerunExecution(ctx.em, ctx.auth.account.id, input.id));
    }),
});

/** Starting workflows by hand: `POST /v1/trigger` and `POST /v1/workflows/{id}/execute`. */
export const triggerRouter = router({
  trigger: scopedProcedure('executions:write')
    .meta(
      openapi({
        method: 'POST',
        path: '/trigger',
        tag,
        summary: 'Trigger workflows: by event, by ids or keys, or all of a user’s',
        status: 202,
        notFound: true,
      }),
    )
    .input(TriggerInput)
    .output(TriggerResponse)
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
  execute: scopedProcedure('executions:write')
    .meta(
      openapi({
        method: 'POST',
        path: '/workflows/{id}/execute',
        tag,
        summary: 'Execute a workflow now',
        description:
          'Runs the published template now with execution_data. Address the workflow by key with id_type=key ' +
          '(query string or body; within user_key, default main). Answers the workflow, with its stats.',
        status: 202,
        notFound: true,
      }),
    )
    .input(ExecuteWorkflowInput)
    .output(ExecuteWorkflowResponse)
    .mutation(async ({ ctx, input }) => {
      const { workflow, executionId } = await executeWorkflow(ctx.em, ctx.deps, ctx.auth.account.id, input);
      // The same per-node stats as every other workflow response.
      const stats = (await workflowStats(ctx.em, [workflow])).get(workflow.id);
      return {
        data: {
          ...toWorkflowOutput(workflow, ctx.auth.account.timeZone, { stats }),
          execution_id: executionId,
        },
      };
    }),
});
