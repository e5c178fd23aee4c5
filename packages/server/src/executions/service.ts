import { looseEqual, reachableFrom, type WorkflowTemplate, workflowGraph } from '@switchyard/core';
import { accountStopEvents } from '../accounts/settings.ts';
import { enqueueJob } from '../db/enqueue.ts';
import { Account, Execution, ExecutionStep, Workflow } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { run, runOne } from '../db/statement.ts';
import type { ServerDeps } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';
import type { EventInput } from '../events/schema.ts';
import { emitEvents, ingestEvents } from '../events/service.ts';
import { given, type PageInput, paginate } from '../pagination.ts';
import { discoverUsers } from '../users/service.ts';
import { getWorkflow } from '../workflows/service.ts';
import type {
  ExecuteWorkflowInput,
  ListExecutionsInput,
  StopExecutionsInput,
  TriggerInput,
} from './schema.ts';
import {
  LIVE_BY_STOP_EVENT,
  LOCK_EXECUTION,
  LOCK_STATUS,
  MARK_RERUN,
  MARK_STARTED,
  RESET_STEPS,
  STEP_STATUSES,
} from './sql.ts';
import { type StartResult, startWorkflows } from './start.ts';
import { stopExecutions } from './stop.ts';

/** A page of the account's executions, newest first. */
export async function listExecutions(em: EntityManager, accountId: string, input: ListExecutionsInput) {
  const where = given({
    accountId,
    workflowId: input.workflow_id,
    status: input.status,
    userKey: input.user_key,
  });
  return paginate(em, Execution, where, input as PageInput);
}

/** One execution of the account with every step, or 404. */
export async function getExecution(em: EntityManager, accountId: string, id: string) {
  const execution = await em.findOne(Execution, { id, accountId });
  if (!execution) throw notFound(`Execution ${id}`);
  const steps = await em.find(ExecutionStep, { executionId: id }, { orderBy: { id: 'asc' } });
  return { row: execution, children: steps };
}

function valueAt(data: unknown, path: string): unknown {
  let cur: unknown = data;
  for (const seg of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Whether every filter (`key: value`, dotted keys reach into objects) matches an execution's data. */
export function filtersMatch(
  data: Record<string, unknown>,
  filters: Record<string, unknown> | undefined,
): boolean {
  if (!filters) return true;
  return Object.entries(filters).every(([k, v]) => looseEqual(valueAt(data, k), v));
}

export { stopExecutions };

/** `POST /v1/executions/stop`: stops the user's running executions of workflows with this stop event. */
export async function stopByEvent(em: EntityManager, accountId: string, input: StopExecutionsInput) {
  // Like a workflow's, the stop event must be one of the account's once it lists any (seed 004).
  const allowed = accountStopEvents(await em.findOneOrFail(Account, { id: accountId }));
  if (allowed.length > 0 && !allowed.includes(input.stop_event)) {
    throw new AppError('validation_error', `Unknown stop event ${JSON.stringify(input.stop_event)}`, [
      { path: 'stop_event', message: `must be one of the account's stop events: ${allowed.join(', ')}` },
    ]);
  }
  return em.transactional(async (tem) => {
    const rows = await run(tem, LIVE_BY_STOP_EVENT, [accountId, input.user_key, input.stop_event]);
    const ids = rows.filter((r) => filtersMatch(r.data, input.filters)).map((r) => r.id);
    return stopExecutions(tem, ids, `stopped by stop event ${input.stop_event}`);
  });
}

/** `POST /v1/executions/{id}/stop`. 409 `conflict` when it has finished already. */
export async function stopOne(em: EntityManager, accountId: string, id: string) {
  await em.transactional(async (tem) => {
    const row = await runOne(tem, LOCK_STATUS, [id, accountId]);
    if (!row) throw notFound(`Execution ${id}`);
    if (row.status !== 'running' && row.status !== 'waiting') {
      throw new AppError(
        'conflict',
        `Execution ${id} is ${row.status}; only running or waiting ones can be stopped`,
      );
    }
    await stopExecutions(tem, [id], 'stopped by request');
  });
  return getExecution(em.fork(), accountId, id);
}

/** Locks an execution's row for the rest of the transaction (the worker's planning takes the same lock). */
async function lockExecution(em: EntityManager, id: string) {
  return runOne(em, LOCK_EXECUTION, [id]);
}

/** `POST /v1/executions/{id}/start`: starts an execution waiting for a manual start (auto_start off). */
export async function startWaiting(em: EntityManager, accountId: string, id: string) {
  await em.transactional(async (tem) => {
    const ex = await lockExecution(tem, id);
    if (!ex || ex.account_id !== accountId) throw notFound(`Execution ${id}`);
    if (ex.status !== 'waiting') {
      throw new AppError(
        'conflict',
        `Execution ${id} is ${ex.status}; only a waiting execution can be started`,
      );
    }
    await run(tem, MARK_STARTED, [id]);
    // The worker plans what runs next (the API runs no step), after this transaction commits.
    await enqueueJob(tem, 'start_execution', { execution_id: id });
  });
  return getExecution(em.fork(), accountId, id);
}

/**
 * `POST /v1/executions/{id}/rerun`: a failed execution runs again from its failed steps — they and the descendants
 * their failure skipped go back to pending (attempts reset), the rest keeps its results. 409 unless failed.
 */
export async function rerunExecution(em: EntityManager, accountId: string, id: string) {
  await em.transactional(async (tem) => {
    const ex = await lockExecution(tem, id);
    if (!ex || ex.account_id !== accountId) throw notFound(`Execution ${id}`);
    if (ex.status !== 'failed') {
      throw new AppError('conflict', `Execution ${id} is ${ex.status}; only a failed execution can be rerun`);
    }
    const steps = await run(tem, STEP_STATUSES, [id]);
    const graph = workflowGraph(ex.template as WorkflowTemplate);
    const failed = steps
      .filter((s) => s.status === 'failed')
      .map((s) => graph.indexOf.get(s.node_id) as number);
    const below = reachableFrom(graph, failed);
    const reset = steps
      .filter(
        (s) =>
          s.status === 'failed' || (s.status === 'skipped' && below[graph.indexOf.get(s.node_id) as number]),
      )
      .map((s) => s.node_id);
    await run(tem, RESET_STEPS, [id, reset]);
    await run(tem, MARK_RERUN, [id]);
    // The worker plans what runs next (the API runs no step), after this transaction commits.
    await enqueueJob(tem, 'start_execution', { execution_id: id });
  });
  return getExecution(em.fork(), accountId, id);
}

/**
 * `POST /v1/trigger` (seed 004). With `event`: stores that event (any well-formed name, as on `/v1/events`; one that
 * matches nothing is accepted and starts nothing) and starts what it triggers, with `execution_data`. With `workflow_ids` / `workflow_keys` / `all_workflows`: starts
 * those of the user's enabled, published workflows (404 for an id or key that is not there). Every trigger counts
 * against `max_triggers_per_day`. A `user_key` naming no user yet creates it (auto-discovery).
 */
export async function trigger(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  input: TriggerInput,
): Promise<{ eventId: string | null; results: StartResult[] }> {
  const ids = input.workflow_ids ?? [];
  const keys = input.workflow_keys ?? [];
  const explicit = ids.length > 0 || keys.length > 0 || input.all_workflows;
  if (!explicit && !input.event) {
    throw new AppError(
      'missing_required_field',
      'Send event, workflow_ids, workflow_keys or all_workflows: true',
      [{ path: 'event', message: 'event, workflow_ids, workflow_keys or all_workflows is required' }],
    );
  }
  if (!explicit) {
    const ev: EventInput = { type: input.event as string, data: input.data ?? {}, user_key: input.user_key };
    const { accepted, starts } = await ingestEvents(em, deps, accountId, [ev], {
      path: () => 'event',
      executionData: input.execution_data ?? null,
    });
    return { eventId: accepted[0]?.id ?? null, results: starts };
  }
  return em.transactional(async (tem) => {
    await discoverUsers(tem, accountId, [input.user_key]);
    const where: Record<string, unknown> = { accountId, userKey: input.user_key, deletedAt: null };
    if (!input.all_workflows) {
      const bad = ids.filter((id) => !/^[0-9a-f-]{36}$/i.test(id));
      if (bad.length > 0) throw notFound(`Workflow ${bad.join(', ')}`);
      where.$or = [
        ...(ids.length ? [{ id: { $in: ids } }] : []),
        ...(keys.length ? [{ key: { $in: keys } }] : []),
      ];
    }
    const found = await tem.find(Workflow, where as never, { orderBy: { id: 'asc' } });
    if (!input.all_workflows) {
      const missing = [
        ...ids.filter((id) => !found.some((w) => w.id === id)),
        ...keys.filter((k) => !found.some((w) => w.key === k)),
      ];
      if (missing.length > 0) throw notFound(`Workflow ${missing.join(', ')}`);
    }
    const runnable = found.filter((w) => w.enabled && w.template !== null);
    const results = await startWorkflows(tem, deps, accountId, runnable, {
      executionData: input.execution_data ?? null,
      causedBy: [],
      countTrigger: true,
      userKey: input.user_key,
      emit: emitEvents,
    });
    for (const w of found.filter((w) => !runnable.includes(w))) {
      results.push({
        workflowId: w.id,
        executionId: null,
        status: 'refused',
        reason:
          w.template === null
            ? 'not published'
            : `disabled${w.disabledReason ? `: ${w.disabledReason}` : ''}`,
      });
    }
    return { eventId: null, results };
  });
}

/**
 * `POST /v1/workflows/{id}/execute`: runs the workflow's published template now, whatever its trigger, with
 * `execution_data` (a manual start: `auto_start` and the daily limit do not apply). 400 when nothing is published.
 */
export async function executeWorkflow(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  input: ExecuteWorkflowInput,
): Promise<{ workflow: Workflow; executionId: string }> {
  return em.transactional(async (tem) => {
    const workflow = await getWorkflow(tem, accountId, input);
    if (!workflow.template) {
      throw new AppError('validation_error', `Workflow ${input.id} has no published template to run`, [
        { path: 'template', message: 'publish the workflow first' },
      ]);
    }
    // A workflow may belong to a user key no user was created for yet: running it discovers the user.
    await discoverUsers(tem, accountId, [workflow.userKey]);
    const [result] = await startWorkflows(tem, deps, accountId, [workflow], {
      executionData: input.execution_data ?? null,
      causedBy: [],
      countTrigger: false,
      forceStart: true,
      userKey: workflow.userKey,
      emit: emitEvents,
    });
    await tem.refresh(workflow);
    return { workflow, executionId: result?.executionId as string };
  });
}
