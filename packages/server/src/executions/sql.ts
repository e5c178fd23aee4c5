import type { WorkflowTemplate } from '@switchyard/core';
import { statement } from '../db/statement.ts';

// The statements of executions on the API side: starting (executions/start.ts) and stopping, starting by hand and
// rerunning (executions/service.ts). The ORM's pool returns timestamps as strings.

/** Stops those of `ids` still running or waiting; the ids stopped. */
export const STOP_EXECUTIONS = statement<[reason: string, ids: string[]], { id: string }>(
  'executions_stop',
  `update executions set status = 'stopped', error = $1, finished_at = now(), updated_at = now()
    where id = any($2::uuid[]) and status in ('running', 'waiting') returning id`,
);

/** Skips the pending and scheduled steps of `executionIds`; each with the status it had. */
export const SKIP_QUEUED_STEPS = statement<
  [executionIds: string[]],
  { execution_id: string; node_id: string; was: 'pending' | 'scheduled' }
>(
  'executions_skip_queued_steps',
  `with s as (
     select id, status as was from execution_steps
      where execution_id = any($1::uuid[]) and status in ('pending', 'scheduled') for update
   )
   update execution_steps t set status = 'skipped', finished_at = now(), updated_at = now()
     from s where t.id = s.id returning t.execution_id, t.node_id, s.was`,
);

/** Removes queued jobs by their job keys. */
export const REMOVE_JOBS = statement<[jobKeys: string[]]>(
  'executions_remove_jobs',
  'select graphile_worker.remove_job(k) from unnest($1::text[]) as k',
);

/** The user's live executions waiting for `stopEvent`, locked, oldest first. */
export const LIVE_BY_STOP_EVENT = statement<
  [accountId: string, userKey: string, stopEvent: string],
  { id: string; data: Record<string, unknown> }
>(
  'executions_live_by_stop_event',
  `select id, data from executions
    where account_id = $1 and user_key = $2 and stop_event = $3 and status in ('running', 'waiting')
    order by id for update`,
);

/** An execution's row, locked for the rest of the transaction (the worker's planning takes the same lock). */
export const LOCK_EXECUTION = statement<
  [id: string],
  { account_id: string; status: string; template: WorkflowTemplate }
>('executions_lock', 'select account_id, status, template from executions where id = $1 for update');

/** One execution's status, locked. */
export const LOCK_STATUS = statement<[id: string, accountId: string], { status: string }>(
  'executions_lock_status',
  'select status from executions where id = $1 and account_id = $2 for update',
);

/** A waiting execution starts running. */
export const MARK_STARTED = statement<[id: string]>(
  'executions_mark_started',
  `update executions set status = 'running', started_at = now(), updated_at = now() where id = $1`,
);

/** Every step of an execution with its status. */
export const STEP_STATUSES = statement<[executionId: string], { node_id: string; status: string }>(
  'executions_step_statuses',
  'select node_id, status from execution_steps where execution_id = $1',
);

/**
 * Puts the named steps back to pending, as never run. `rerun` counts deliberate reruns of a step: its request
 * identifier changes with it (a retry keeps it).
 */
export const RESET_STEPS = statement<[executionId: string, nodeIds: string[]]>(
  'executions_reset_steps',
  `update execution_steps set status = 'pending', attempts = 0, output = null, error = null, run_at = null,
          started_at = null, finished_at = null, rerun = rerun + 1, updated_at = now()
    where execution_id = $1 and node_id = any($2::text[])`,
);

/** A failed execution runs again. */
export const MARK_RERUN = statement<[id: string]>(
  'executions_mark_rerun',
  `update executions set status = 'running', error = null, finished_at = null, updated_at = now() where id = $1`,
);

/** The causes recorded on the named executions of an account. */
export const CAUSES_OF = statement<[accountId: string, ids: string[]], { caused_by: string[] | null }>(
  'executions_causes_of',
  'select caused_by from executions where account_id = $1 and id = any($2::uuid[])',
);

/**
 * The circuit breaker: one atomic count per workflow and day of the account's zone. The insert or the increment
 * returns a row only while the count is under the limit; concurrent triggers queue on the row, so exactly `max` pass.
 */
export const COUNT_TRIGGER = statement<[workflowId: string, timeZone: string, max: number], { n: number }>(
  'executions_count_trigger',
  `insert into workflow_trigger_counts (workflow_id, day, n) values ($1, (now() at time zone $2)::date, 1)
   on conflict (workflow_id, day) do update set n = workflow_trigger_counts.n + 1
     where workflow_trigger_counts.n < $3
   returning n`,
);

/** Today in a time zone, `YYYY-MM-DD`. */
export const TODAY_IN_ZONE = statement<[timeZone: string], { day: string }>(
  'executions_today_in_zone',
  `select to_char(now() at time zone $1, 'YYYY-MM-DD') as day`,
);

/** Disables a workflow that is still enabled, saying why; its id when this call flipped it. */
export const DISABLE_WORKFLOW = statement<[reason: string, workflowId: string], { id: string }>(
  'executions_disable_workflow',
  `update workflows set enabled = false, disabled_reason = $1, updated_at = now()
    where id = $2 and enabled returning id`,
);

/** An account's time zone, and what an execution's data takes from its user (nulls when there is none yet). */
export const ZONE_AND_USER = statement<
  [accountId: string, userKey: string],
  {
    time_zone: string;
    key: string | null;
    name: string | null;
    email: string | null;
    config: { user_data?: Record<string, unknown> } | null;
  }
>(
  'executions_zone_and_user',
  `select a.time_zone, u.key, u.name, u.email, u.config
     from accounts a left join users u on u.account_id = a.id and u.key = $2
    where a.id = $1`,
);

/** One execution for {@link CREATE_EXECUTIONS} (JSON), its id chosen by the caller. */
export interface NewExecutionRow {
  id: string;
  account_id: string;
  workflow_id: string;
  user_key: string;
  /** `running` starts now, `skipped` (the loop guard) finishes now, `waiting` neither. */
  status: 'running' | 'waiting' | 'skipped';
  template: WorkflowTemplate;
  data: Record<string, unknown>;
  event_id: string | null;
  caused_by: string[];
  stop_event: string | null;
  error: string | null;
  /** Counted on the workflow (`executions_count`, `last_triggered_at`). */
  count: boolean;
}

/** One step for {@link CREATE_EXECUTIONS} (JSON): `pending`, or as planned at creation. */
export interface NewStepRow {
  id: string;
  execution_id: string;
  node_id: string;
  type: string;
  status: 'pending' | 'scheduled' | 'succeeded';
}

/**
 * Writes executions in one statement, however many an event (or a group of events) starts: the executions ($1),
 * their steps ($2: Start `succeeded` and its first actions `scheduled` when planned at creation, else `pending`),
 * their counts on their workflows (in this connection's slot of `workflow_counts`: concurrent transactions that
 * start one workflow increment rows of their own instead of queueing on one row lock until they commit), and their
 * first jobs ($3) through graphile-worker's `add_jobs`, called only when there is a job. A skipped execution (the
 * loop guard) has no steps, no count and no jobs.
 */
export const CREATE_EXECUTIONS = statement<
  [executions: string, steps: string, jobs: string],
  { executions: number; jobs: number }
>(
  'executions_create',
  `with input as (
     select * from json_to_recordset($1::json) as t(id uuid, account_id uuid, workflow_id uuid, user_key text,
       status text, template jsonb, data jsonb, event_id uuid, caused_by jsonb, stop_event text, error text,
       count boolean)
   ), ex as (
     insert into executions (id, account_id, workflow_id, user_key, status, template, data, event_id, caused_by,
       stop_event, error, started_at, finished_at, created_at, updated_at)
     select i.id, i.account_id, i.workflow_id, i.user_key, i.status, i.template, i.data, i.event_id, i.caused_by,
            i.stop_event, i.error, case when i.status = 'running' then now() end,
            case when i.status = 'skipped' then now() end, now(), now()
       from input i
     returning id
   ), steps as (
     insert into execution_steps (id, execution_id, node_id, type, status, attempts, run_at, started_at, finished_at,
       created_at, updated_at)
     select u.id, u.execution_id, u.node_id, u.type, u.status, case when u.status = 'succeeded' then 1 else 0 end,
            case when u.status <> 'pending' then now() end, case when u.status = 'succeeded' then now() end,
            case when u.status = 'succeeded' then now() end, now(), now()
       from json_to_recordset($2::json) as u(id uuid, execution_id uuid, node_id text, type text, status text)
   ), counted as (
     insert into workflow_counts as c (workflow_id, slot, executions, last_triggered_at)
     select i.workflow_id, pg_backend_pid() % 16, count(*)::int, now() from input i where i.count
      group by i.workflow_id
     on conflict (workflow_id, slot) do update
       set executions = c.executions + excluded.executions,
           last_triggered_at = greatest(c.last_triggered_at, excluded.last_triggered_at)
   ), jobs as (
     select count(*)::int as n from graphile_worker.add_jobs(array(
       select row(j.name, j.payload::json, null, null, j."maxAttempts", j."jobKey", null, null)::graphile_worker.job_spec
         from json_to_recordset($3::json) as j(name text, payload text, "jobKey" text, "maxAttempts" int)))
      where json_array_length($3::json) > 0
   )
   select (select count(*) from ex)::int as executions, coalesce((select n from jobs), 0) as jobs`,
);
