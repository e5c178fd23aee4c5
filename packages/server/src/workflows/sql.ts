import { statement } from '../db/statement.ts';

// The statements of workflows: names, trigger lookup, stats and deletion. Everything else goes through the ORM.

/** The user's (not deleted) workflows of a name, in any letter case. */
export const WORKFLOWS_NAMED = statement<[accountId: string, userKey: string, name: string], { id: string }>(
  'workflows_named',
  `select id from workflows
    where account_id = $1 and user_key = $2 and lower(name) = lower($3) and deleted_at is null`,
);

/**
 * The candidates an event may start: enabled workflows with a published template whose trigger keys overlap the
 * event's lookup keys, through the partial GIN index on `trigger_keys`. The predicate repeats the index's own
 * (enabled, not deleted) so the planner can use it; `template is not null` guards rows written by hand. Whole rows,
 * for `em.map` into Workflow entities.
 */
export const TRIGGER_CANDIDATES = statement<
  [lookupKeys: string[], accountId: string, userKey: string],
  Record<string, unknown>
>(
  'workflows_trigger_candidates',
  `select * from workflows
    where trigger_keys && $1::text[]
      and enabled and deleted_at is null and template is not null
      and account_id = $2 and user_key = $3
    order by id`,
);

/** A workflow's running and waiting executions, locked. */
export const LIVE_EXECUTIONS_OF = statement<[workflowId: string], { id: string }>(
  'workflows_live_executions',
  `select id from executions where workflow_id = $1 and status in ('running', 'waiting') order by id for update`,
);

/** Step counts by workflow, node and status, over the account's executions of the given workflows. */
export const STEP_COUNTS = statement<
  [workflowIds: string[], accountId: string],
  { workflow_id: string; node_id: string; status: string; n: string }
>(
  'workflows_step_counts',
  `select e.workflow_id, s.node_id, s.status, count(*) as n
     from execution_steps s join executions e on e.id = s.execution_id
    where e.workflow_id = any($1::uuid[]) and e.account_id = $2
    group by 1, 2, 3`,
);
