import { defineTask } from '../defineTask.ts';
import { attemptDelivery } from '../delivery/attempt.ts';

/**
 * One attempt of one webhook delivery. The delivery row was written with its event, so this task only reads it:
 * `attemptDelivery` sends, logs the attempt and schedules the next one (or finishes the delivery) itself.
 */
export const deliverWebhookTask = defineTask('deliver_webhook', async (payload, deps) => {
  await attemptDelivery(deps, payload.delivery_id);
});
