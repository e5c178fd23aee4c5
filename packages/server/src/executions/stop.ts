import { stepJobKey } from '@switchyard/core';
import type { EntityManager } from '../db/orm.ts';
import { run } from '../db/statement.ts';
import { REMOVE_JOBS, SKIP_QUEUED_STEPS, STOP_EXECUTIONS } from './sql.ts';

/**
 * Stops executions (running or waiting ones; others are left alone) in `em`'s transaction: their queued steps are
 * marked skipped and their jobs removed from the queue, so nothing more runs or is scheduled. A step running right
 * now finishes, and its execution schedules nothing after it. Returns the ids stopped. (Its own module: workflows
 * stop their executions when deleted, and the executions API reads workflows, without importing each other.)
 */
export async function stopExecutions(em: EntityManager, ids: string[], reason: string): Promise<string[]> {
  if (ids.length === 0) return [];
  const stopped = await run(em, STOP_EXECUTIONS, [reason, ids]);
  if (stopped.length === 0) return [];
  const stoppedIds = stopped.map((r) => r.id);
  const steps = await run(em, SKIP_QUEUED_STEPS, [stoppedIds]);
  const keys = steps.filter((s) => s.was === 'scheduled').map((s) => stepJobKey(s.execution_id, s.node_id));
  if (keys.length > 0) await run(em, REMOVE_JOBS, [keys]);
  return stoppedIds;
}
