import { defineTask } from '../defineTask.ts';
import { startExecution } from '../engine/engine.ts';

/** Plans a started execution's first steps: Start, any Delay/Condition after it, and the first action jobs. */
export const startExecutionTask = defineTask('start_execution', async (payload, deps) => {
  await startExecution(deps, payload.execution_id);
});
