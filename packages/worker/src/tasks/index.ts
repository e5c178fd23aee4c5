import type { TaskDefinition } from '../defineTask.ts';
import { deliverWebhookTask } from './deliverWebhook.ts';
import { noopTask } from './noop.ts';

/** Every task this worker runs. */
export const allTasks: TaskDefinition[] = [noopTask as TaskDefinition, deliverWebhookTask as TaskDefinition];
