import { defineTask } from '../defineTask.ts';
import { sendFailedDeliveriesNotice } from '../delivery/failedNotice.ts';
import { sendFailureNotice } from '../delivery/notice.ts';

/**
 * E-mails an account about one of its `notify_on_failure` webhooks: that it was disabled, or that deliveries failed
 * for good since the last notice. SMTP outages are retried by the queue's backoff.
 */
export const sendFailureNoticeTask = defineTask('send_failure_notice', async (payload, deps) => {
  if (payload.reason === 'delivery_failed') await sendFailedDeliveriesNotice(deps, payload.webhook_id);
  else await sendFailureNotice(deps, payload.webhook_id);
});
