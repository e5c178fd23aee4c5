import { sendFailureNotice } from '@switchyard/server';
import { defineTask } from '../defineTask.ts';

/** E-mails an account that one of its webhooks was disabled; SMTP outages are retried by the queue's backoff. */
export const sendFailureNoticeTask = defineTask('send_failure_notice', async (payload, deps) => {
  await sendFailureNotice(deps, payload.webhook_id);
});
