import { defineTask } from '../defineTask.ts';
import { runStep } from '../engine/engine.ts';

/**
 * Runs one action step of an execution. The step is claimed atomically, so a redelivered job (same job key
 * `execution:<id>:<node>`) never runs it twice; retries are scheduled by the step itself.
 */
export const runWorkflowStepTask = defineTask('run_workflow_step', async (payload, deps, helpers) => {
  await runStep(deps, payload.execution_id, payload.node_id, helpers.abortSignal, helpers.job.id);
});
