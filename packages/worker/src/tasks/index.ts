import type { TaskDefinition } from '../defineTask.ts';
import { deliverWebhookTask } from './deliverWebhook.ts';
import { noopTask } from './noop.ts';
import { runWorkflowStepTask } from './runWorkflowStep.ts';
import { sendFailureNoticeTask } from './sendFailureNotice.ts';
import { startExecutionTask } from './startExecution.ts';

/** Every task this worker runs. */
export const allTasks: TaskDefinition[] = [
  noopTask as TaskDefinition,
  deliverWebhookTask as TaskDefinition,
  startExecutionTask as TaskDefinition,
  runWorkflowStepTask as TaskDefinition,
  sendFailureNoticeTask as TaskDefinition,
];
