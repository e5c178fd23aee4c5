import type { StepState, WorkflowTemplate } from '@switchyard/core';
import { statement } from '@switchyard/server/db';

// Every statement of the workflow engine: planning an execution and running its steps.

/** An execution as the engine plans it, with its account's time zone. */
export interface ExecutionRow {
  id: string;
  account_id: string;
  workflow_id: string;
  user_key: string;
  status: string;
  template: WorkflowTemplate;
  data: Record<string, unknown>;
  caused_by: string[];
  time_zone: string;
}

/** One step's state as planning needs it. The ORM's pool returns timestamps as strings. */
export interface StepRow {
  node_id: string;
  type: string;
  status: StepState;
  run_at: Date | string | null;
  output: unknown;
  error: unknown;
}

/** Locks an execution's row for the rest of the transaction: every change of its plan goes through this lock. */
export const LOCK_EXECUTION = statement<[id: string], ExecutionRow>(
  'switchyard_lock_execution',
  `select e.id, e.account_id, e.workflow_id, e.user_key, e.status, e.template, e.data, e.caused_by,
          a.time_zone
     from executions e join accounts a on a.id = e.account_id
    where e.id = $1 for update of e`,
);

/** Every step of an execution. */
export const STEPS_OF_EXECUTION = statement<[executionId: string], StepRow>(
  'switchyard_steps_of_execution',
  'select node_id, type, status, run_at, output, error from execution_steps where execution_id = $1',
);

/** Skips the pending steps that can no longer run. */
export const SKIP_PENDING_STEPS = statement<[executionId: string, nodeIds: string[]]>(
  'switchyard_skip_pending_steps',
  `update execution_steps set status = 'skipped', finished_at = now(), updated_at = now()
    where execution_id = $1 and node_id = any($2::text[]) and status = 'pending'`,
);

/** An inline node (Start, Delay, Condition) whose settings cannot be evaluated fails like an action would. */
export const FAIL_INLINE_STEP = statement<[error: string, executionId: string, nodeId: string]>(
  'switchyard_fail_inline_step',
  `update execution_steps set status = 'failed', attempts = attempts + 1, error = $1::jsonb,
          started_at = now(), finished_at = now(), updated_at = now()
    where execution_id = $2 and node_id = $3 and status = 'pending'`,
);

/** An inline node evaluated: its output, and when its children may run (`run_at`, a Delay's end). */
export const SUCCEED_INLINE_STEP = statement<
  [runAt: Date, output: string, executionId: string, nodeId: string]
>(
  'switchyard_succeed_inline_step',
  `update execution_steps set status = 'succeeded', attempts = attempts + 1, run_at = $1, output = $2::jsonb,
          error = null, started_at = now(), finished_at = now(), updated_at = now()
    where execution_id = $3 and node_id = $4 and status = 'pending'`,
);

/** A ready action step is scheduled (its job is added by the caller when this claimed it). */
export const SCHEDULE_STEP = statement<
  [runAt: Date, executionId: string, nodeId: string],
  { node_id: string }
>(
  'switchyard_schedule_step',
  `update execution_steps set status = 'scheduled', run_at = $1, updated_at = now()
    where execution_id = $2 and node_id = $3 and status = 'pending' returning node_id`,
);

/** Every step done, none failed. */
export const COMPLETE_EXECUTION = statement<[id: string]>(
  'switchyard_complete_execution',
  `update executions set status = 'completed', finished_at = now(), updated_at = now()
    where id = $1 and status = 'running'`,
);

/** The error a failed step recorded. */
export const STEP_ERROR = statement<
  [executionId: string, nodeId: string],
  { error: { message?: string } | null }
>('switchyard_step_error', 'select error from execution_steps where execution_id = $1 and node_id = $2');

/** A step failed for good: the execution fails (once). */
export const FAIL_EXECUTION = statement<[error: string, id: string], { id: string }>(
  'switchyard_fail_execution',
  `update executions set status = 'failed', error = $1, finished_at = now(), updated_at = now()
    where id = $2 and status = 'running' returning id`,
);

/**
 * What claiming a step returns: its attempt number, its type, how many reruns it has been through, and its execution
 * as the step reads it before it runs (outside any transaction).
 */
export interface ClaimedStep extends ExecutionRow {
  attempts: number;
  type: string;
  rerun: number;
}

/**
 * Claims an action step and reads its execution, in one statement: only a scheduled step (its parents are done) of a
 * running execution is taken, or a running one whose worker died: its lease is over, or the very job that claimed it
 * runs again (graphile-worker runs a job once at a time, so its previous run is over). A redelivered job, or one for
 * a stopped execution, finds nothing to claim.
 */
export const CLAIM_STEP = statement<
  [jobId: string | null, executionId: string, nodeId: string, leaseSeconds: number],
  ClaimedStep
>(
  'switchyard_claim_step',
  `update execution_steps s set status = 'running', attempts = s.attempts + 1, started_at = now(), updated_at = now(),
          job_id = $1
     from executions e join accounts a on a.id = e.account_id
    where s.execution_id = $2 and s.node_id = $3 and e.id = s.execution_id and e.status = 'running'
      and (s.status = 'scheduled'
           or (s.status = 'running' and (s.updated_at < now() - make_interval(secs => $4) or s.job_id = $1)))
   returning s.attempts, s.type, s.rerun, e.id, e.account_id, e.workflow_id, e.user_key, e.status, e.template, e.data,
             e.caused_by, a.time_zone`,
);

/**
 * A step's provider succeeded, under its execution's lock: records the output and returns every step of the
 * execution as it now is. When that leaves every one of the template's `nodeCount` nodes succeeded or skipped, the
 * execution completes in the same statement (`completed`), which is what planning would conclude; otherwise the
 * caller plans with the returned steps.
 */
export const SUCCEED_STEP = statement<
  [output: string, executionId: string, nodeId: string, nodeCount: number],
  StepRow & { completed: boolean }
>(
  'switchyard_succeed_step',
  `with done as (
     update execution_steps set status = 'succeeded', output = $1::jsonb, error = null, finished_at = now(),
            updated_at = now()
      where execution_id = $2 and node_id = $3 and status = 'running'
      returning node_id, type, status, run_at, output, error),
   steps as (
     select s.node_id, s.type, s.status, s.run_at, s.output, s.error from execution_steps s
      where s.execution_id = $2 and not exists (select 1 from done where done.node_id = s.node_id)
     union all
     select node_id, type, status, run_at, output, error from done),
   finished as (
     update executions set status = 'completed', finished_at = now(), updated_at = now()
      where id = $2 and status = 'running'
        and (select count(*) from steps where status in ('succeeded', 'skipped')) = $4::int
      returning id)
   select steps.*, exists (select 1 from finished) as completed from steps`,
);

/**
 * A step's provider succeeded and it is the execution's last open step (every other step succeeded or was
 * skipped): records the output and completes the execution in one statement, with no lock and no planning, since
 * nothing else of the execution can run or change meanwhile. Otherwise it writes nothing (`recorded` false) and the
 * caller records the success under the execution's lock ({@link SUCCEED_STEP}). `completed` is false when the
 * execution stopped while the step ran (the step's success is still recorded, as it would be under the lock).
 */
export const SUCCEED_LAST_STEP = statement<
  [output: string, executionId: string, nodeId: string],
  { recorded: boolean; completed: boolean }
>(
  'switchyard_succeed_last_step',
  `with open as (
     select count(*) as n from execution_steps
      where execution_id = $2 and node_id <> $3 and status not in ('succeeded', 'skipped')
   ), done as (
     update execution_steps set status = 'succeeded', output = $1::jsonb, error = null, finished_at = now(),
            updated_at = now()
      where execution_id = $2 and node_id = $3 and status = 'running' and (select n from open) = 0
      returning node_id
   ), finished as (
     update executions set status = 'completed', finished_at = now(), updated_at = now()
      where id = $2 and status = 'running' and exists (select 1 from done)
      returning id
   )
   select exists (select 1 from done) as recorded, exists (select 1 from finished) as completed`,
);

/** A step failed and will run again at `run_at`. */
export const RETRY_STEP = statement<[runAt: Date, error: string, executionId: string, nodeId: string]>(
  'switchyard_retry_step',
  `update execution_steps set status = 'scheduled', run_at = $1, error = $2::jsonb, updated_at = now()
    where execution_id = $3 and node_id = $4 and status = 'running'`,
);

/** A step failed for good. */
export const FAIL_STEP = statement<[error: string, executionId: string, nodeId: string]>(
  'switchyard_fail_step',
  `update execution_steps set status = 'failed', error = $1::jsonb, finished_at = now(), updated_at = now()
    where execution_id = $2 and node_id = $3 and status = 'running'`,
);

/** Whether a step another job holds is still running, and since when (to look again once its lease is over). */
export const STEP_LEASE = statement<
  [executionId: string, nodeId: string],
  { status: string; updated_at: string | Date; running: boolean }
>(
  'switchyard_step_lease',
  `select s.status, s.updated_at, e.status = 'running' as running
     from execution_steps s join executions e on e.id = s.execution_id
    where s.execution_id = $1 and s.node_id = $2`,
);
