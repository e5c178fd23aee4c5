import type { HousekeepingJob, TaskHandlers } from '../defineTask.ts';
import { deliverWebhookTask } from './deliverWebhook.ts';
import { noopTask } from './noop.ts';
import { runWorkflowStepTask } from './runWorkflowStep.ts';
import { sendFailureNoticeTask } from './sendFailureNotice.ts';
import { startExecutionTask } from './startExecution.ts';
import { testConnectionTask } from './testConnection.ts';
import { testWebhookTask } from './testWebhook.ts';

/** The handler of every job but housekeeping's (see `housekeepingTasks`), by job name. */
export const workTasks: Omit<TaskHandlers, HousekeepingJob> = {
  noop: noopTask,
  deliver_webhook: deliverWebhookTask,
  start_execution: startExecutionTask,
  run_workflow_step: runWorkflowStepTask,
  send_failure_notice: sendFailureNoticeTask,
  test_webhook: testWebhookTask,
  test_connection: testConnectionTask,
};
